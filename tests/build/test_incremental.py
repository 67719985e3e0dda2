"""An incremental build is byte for byte a clean build (issue 14): after any sequence of edits, additions,
deletions and renames of records, templates and photos, and moves of the day, the published trees equal those a
clean build (--clean) makes of the same content over the same published store (the store remembers the pages of
records that are gone, issue 16; without a deletion that is what a build from nothing makes). And it renders only what changed: nothing at all when nothing
did, a record's readers when it changes."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from liaison.build import executor, state
from liaison.build.pipeline import Config, build, prepare
from liaison.build.plan import LINK_CHECK
from liaison.build.writer import STATE, store_of
from liaison.render.theme import DEFAULT_THEME
from tests.conftest import MINI, ORIGIN_DAY, put_back, snapshot

DAY = ORIGIN_DAY  # the day `origin` (tests/conftest.py) is built on
Edit = Callable[[Path], None]


# ---- edits of a copy of the mini content (content/ and a theme folder beside it) -------------------------------

def _record(content: Path, relative: str, change: Callable[[dict], None]) -> None:
    path = content / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def phone(digits: int) -> Edit:
    return lambda content: _record(content, "deputies/wang-kun.yaml",
                                   lambda d: d.update(phone=f"1390000{digits:04d}"))


def station_name(suffix: str) -> Edit:
    return lambda content: _record(content, "stations/east-village.yaml",
                                   lambda d: d.update(intro=f"东村站设在文化礼堂。{suffix}"))


def event_theme(text: str) -> Edit:
    return lambda content: _record(content, "events/2026-12-01-centre.yaml", lambda d: d.update(theme=text))


def add_deputy(number: int) -> Edit:
    def edit(content: Path) -> None:
        (content / "deputies" / f"zhao-{number}.yaml").write_text(
            f"name: 赵{'一二三'[number % 3]}\nseats:\n  - {{level: 乡镇, congress: 城关镇第十八届人民代表大会}}\n"
            f"unit: 东村\nposition: 村民\nmemberships:\n  - {{station: east-village, since: 2024-01-01}}\n",
            encoding="utf-8")
    return edit


def remove_added(content: Path) -> None:
    for path in sorted((content / "deputies").glob("zhao-*.yaml"))[:1]:
        path.unlink()


def rename_notice(content: Path) -> None:
    notices = sorted((content / "notices").glob("*.md"))
    if notices:
        old = notices[0]
        old.rename(old.with_name("december-b.md" if old.stem == "december" else "december.md"))


def delete_notice(content: Path) -> None:
    for path in (content / "notices").glob("*.md"):
        path.unlink()


def photo(shade: int) -> Edit:
    def edit(content: Path) -> None:
        Image.new("RGB", (300, 400), (shade, 120, 200 - shade)).save(content / "photos" / "wang-kun.png")
    return edit


def template(words: str) -> Edit:
    """The theme's footer (base.html, which every page extends) says something else."""
    def edit(content: Path) -> None:
        theme = content.parent / "theme" / "templates"
        theme.mkdir(parents=True, exist_ok=True)
        base = (DEFAULT_THEME / "templates" / "base.html").read_text(encoding="utf-8")
        (theme / "base.html").write_text(base.replace("</footer>", f"<p>{words}</p></footer>", 1), encoding="utf-8")
    return edit


def template_gone(content: Path) -> None:
    shutil.rmtree(content.parent / "theme" / "templates", ignore_errors=True)


def macro(words: str) -> Edit:
    """An imported template (macros.html) changes: the pages that import it change."""
    def edit(content: Path) -> None:
        theme = content.parent / "theme" / "templates"
        theme.mkdir(parents=True, exist_ok=True)
        macros = (DEFAULT_THEME / "templates" / "macros.html").read_text(encoding="utf-8")
        (theme / "macros.html").write_text(macros.replace('<span class="tag">', f'<span class="tag" title="{words}">'),
                                           encoding="utf-8")
    return edit


def footer(words: str) -> Edit:
    """A footer line of site.yaml (every page shows it)."""
    return lambda content: _record(content, "site.yaml", lambda d: d.update(footer={"organizer": f"示例县{words}"}))


def badge(shade: int) -> Edit:
    """The footer's badge image is replaced (published as media/badge.png; pages name it, not its bytes)."""
    def edit(content: Path) -> None:
        (content / "images").mkdir(exist_ok=True)
        Image.new("RGB", (110, 55), (200, shade, 30)).save(content / "images" / "badge.png")
        _record(content, "site.yaml", lambda d: d.update(footer={**d.get("footer", {}), "badge": "images/badge.png"}))
    return edit


def channel(digits: int) -> Edit:
    """The site-wide message channel (station pages, screens and posters show it)."""
    return lambda content: _record(content, "site.yaml",
                                   lambda d: d.update(message_channel={"phone": f"0579-6123{digits:04d}"}))


WORDS = st.text(alphabet="东西南北村路桥", min_size=1, max_size=4)
EDITS = st.one_of(
    st.builds(phone, st.integers(0, 9999)), st.builds(station_name, WORDS), st.builds(event_theme, WORDS),
    st.builds(add_deputy, st.integers(1, 3)), st.just(remove_added), st.just(rename_notice),
    st.just(delete_notice), st.builds(photo, st.integers(0, 200)), st.builds(template, WORDS),
    st.just(template_gone), st.builds(macro, WORDS), st.builds(footer, WORDS), st.builds(badge, st.integers(0, 200)),
    st.builds(channel, st.integers(0, 9999)),
)
STEPS = st.lists(st.tuples(EDITS, st.integers(0, 40)), min_size=1, max_size=4)  # an edit, then days later
EACH = [phone(1234), station_name("北"), event_theme("冬季用电安全"), add_deputy(1), rename_notice, delete_notice,
        photo(10), template("东"), macro("西"), footer("人大常委会"), badge(40), channel(12)]


def _config(content: Path, out: Path, day: dt.date, **more: object) -> Config:
    return Config(content=content, site_dir=out / "site", signage_dir=out / "signage", today=day,
                  theme=content.parent / "theme", **more)  # type: ignore[arg-type]


def _trees(out: Path) -> dict[str, dict[str, bytes]]:
    return {name: snapshot(out / name) for name in ("site", "signage")}


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_incremental_build_equals_a_clean_one(origin: Path, tmp_path_factory: pytest.TempPathFactory,
                                              steps: list[tuple[Edit, int]]) -> None:
    spare = tmp_path_factory.mktemp("incremental")
    with put_back(origin, spare) as work:  # each example starts from the session's build of mini
        content, day = work / "content", DAY
        for number, (edit, days) in enumerate(steps):
            edit(content)
            day += dt.timedelta(days=days)
            clean = spare / f"clean-{number}"
            shutil.copytree(work / "out", clean, symlinks=True)
            build(_config(content, work / "out", day))
            build(_config(content, clean, day, clean=True))
            assert _trees(work / "out") == _trees(clean), f"after {edit} and {days} days"


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "days"), [*((edit, 0) for edit in EACH), (phone(99), 9), (station_name("南"), 32)],
                         ids=lambda value: getattr(value, "__qualname__", str(value)).split(".")[0])
def test_each_kind_of_edit_gives_what_a_clean_build_gives(origin: Path, tmp_path: Path, edit: Edit, days: int) -> None:
    work = tmp_path / "work"
    shutil.copytree(origin, work, symlinks=True)
    edit(work / "content")
    day = DAY + dt.timedelta(days=days)
    shutil.copytree(work / "out", tmp_path / "clean", symlinks=True)
    report = build(_config(work / "content", work / "out", day))
    build(_config(work / "content", tmp_path / "clean", day, clean=True))
    assert report.kept, "some of the published outputs were current"
    assert _trees(work / "out") == _trees(tmp_path / "clean")


# ---- what an incremental build renders ------------------------------------------------------------------------

@pytest.fixture
def built(origin: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """`origin` (content, theme folder, outputs) for one test, put back as it was afterwards."""
    with put_back(origin, tmp_path) as work:
        yield work / "content", work / "out"


def test_a_build_with_nothing_changed_renders_and_writes_nothing(built: tuple[Path, Path]) -> None:
    content, out = built
    store = store_of(out / "site")
    def published() -> dict[Path, int]:  # every file and folder of the published generation (the lock aside)
        return {path: path.stat().st_mtime_ns for path in store.rglob("*") if path.name != "lock"}

    before = published()
    report = build(_config(content, out, DAY))
    assert report.rendered == 0
    assert published() == before


def test_an_edit_renders_the_outputs_that_read_the_record_and_their_aggregates(built: tuple[Path, Path]) -> None:
    content, out = built
    phone(1234)(content)
    config = _config(content, out, DAY)
    jobs = prepare(config).jobs
    expected = {job.key for job in jobs if "wang-kun" in dict(job.inputs.records).get("deputies", ())}
    for job in jobs:  # in plan order: the aggregates of those
        if any(key in expected for key in job.fan_in):
            expected.add(job.key)
    report = build(config)
    assert report.rendered == len(expected), (report.rendered, sorted(expected))
    assert report.kept == len([job for job in jobs if job.outputs]) - len([k for k in expected if k != LINK_CHECK])


def test_moving_the_day_renders_only_what_shows_a_time_window(built: tuple[Path, Path]) -> None:
    content, out = built
    report = build(_config(content, out, DAY + dt.timedelta(days=1)))  # nothing ahead passes on the 24th
    assert report.rendered <= 2, report.rendered  # at most the aggregates of a page that shows the day


# One in the fast loop (a full build each); there tests/build/test_partial.py reads each kind of damage cheaply.
@pytest.mark.parametrize("damage", [
    pytest.param(lambda record: record.replace(b'"version":%d' % state.VERSION, b'"version":1'), id="another-version"),
    pytest.param(lambda record: b"{not json", id="corrupted", marks=pytest.mark.slow),
    pytest.param(lambda record: b"", id="empty", marks=pytest.mark.slow),
    pytest.param(lambda record: record[:record.rindex(b"\n", 0, -1) + 1], id="one-line-short", marks=pytest.mark.slow),
    pytest.param(lambda record: record + record.splitlines(keepends=True)[-1], id="one-line-added",
                 marks=pytest.mark.slow),
])
def test_a_record_of_another_version_or_corrupted_gives_a_full_correct_build(
        built: tuple[Path, Path], damage: Callable[[bytes], bytes]) -> None:
    content, out = built
    path = store_of(out / "site") / "current" / STATE
    expected = _trees(out)
    path.write_bytes(damage(path.read_bytes()))
    report = build(_config(content, out, DAY))
    assert (report.rendered, report.kept) == (len(prepare(_config(content, out, DAY)).jobs), 0)
    assert _trees(out) == expected



def test_a_record_under_its_name_before_gives_a_full_correct_build_and_is_not_kept(built: tuple[Path, Path]) -> None:
    """The record was `build-state.json` (JSON lines all the same) up to its version 4: a store that has only that
    builds in full, and the old file is in no generation the builds after it publish or stage."""
    content, out = built
    store = store_of(out / "site")
    path = store / "current" / STATE
    expected = _trees(out)
    old = path.with_name("build-state.json")
    old.write_bytes(path.read_bytes().replace(b'"version":%d' % state.VERSION, b'"version":4'))
    path.unlink()
    report = build(_config(content, out, DAY))
    assert (report.rendered, report.kept) == (len(prepare(_config(content, out, DAY)).jobs), 0)
    assert _trees(out) == expected
    assert (store / "current" / STATE).is_file() and not (store / "current" / "build-state.json").exists()
    phone(4321)(content)  # a build that stages into the spare: the generation that held the old record
    assert 0 < build(_config(content, out, DAY)).rendered < report.rendered  # its own record, under the new name
    assert list(store.glob("*/build-state.json")) == []

def test_clean_renders_everything(built: tuple[Path, Path]) -> None:
    content, out = built
    full = len(list(prepare(_config(content, out, DAY)).jobs))
    report = build(dataclasses.replace(_config(content, out, DAY), clean=True))
    assert report.kept == 0 and report.rendered == full


@pytest.mark.slow  # a build of mini dated by its files, and a clean build
def test_the_same_content_typed_otherwise_or_moved_with_its_times_renders_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record names content files by their paths within the content folder: a clerk who types `--content
    content` in the project's folder, where a scheduled task gave absolute paths, or who moves the project with
    its files' times, gets what is published, as a clean build makes it."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the outputs dated by the files' times, which the record then holds
    project = tmp_path / "project"
    shutil.copytree(MINI, project / "content")
    (project / "theme").mkdir()
    build(_config(project / "content", project / "out", DAY))
    monkeypatch.chdir(project)
    assert build(_config(Path("content"), Path("out"), DAY)).rendered == 0
    moved = tmp_path / "moved"
    shutil.copytree(project, moved, symlinks=True)  # copy2: the files' times go with them
    assert build(_config(moved / "content", moved / "out", DAY)).rendered == 0
    build(_config(moved / "content", tmp_path / "clean", DAY))
    assert _trees(moved / "out") == _trees(tmp_path / "clean")


@pytest.mark.slow  # two more builds of mini, one of them clean
def test_a_failed_build_leaves_outputs_and_their_record_as_they_were(built: tuple[Path, Path], tmp_path: Path) -> None:
    """A build that stops half-way (here a theme template that fails while pages render) publishes nothing and
    records nothing: the next build starts from the published trees and their record, and is still right."""
    content, out = built
    record = store_of(out / "site") / "current" / STATE
    before, recorded = _trees(out), record.read_bytes()
    phone(4321)(content)
    templates = content.parent / "theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "deputy.html").write_text("{{ no_such_value }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        build(_config(content, out, DAY))
    assert _trees(out) == before
    assert (store_of(out / "site") / "current" / STATE).read_bytes() == recorded
    (templates / "deputy.html").unlink()
    build(_config(content, out, DAY))
    build(_config(content, tmp_path / "clean", DAY))
    assert _trees(out) == _trees(tmp_path / "clean")


def unit(words: str) -> Edit:
    """A deputy's unit (the search index shows it)."""
    return lambda content: _record(content, "deputies/wang-kun.yaml", lambda d: d.update(unit=f"城关镇{words}"))


@pytest.fixture(scope="module")
def split_search(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Mini with a third deputy, built with its search index split by region (search.SPLIT_ABOVE lowered), once
    for the module: a folder of content, theme and out, which each test copies (with the files' times)."""
    from liaison.render.web import search

    work = tmp_path_factory.mktemp("split-search")
    shutil.copytree(MINI, work / "content")
    (work / "theme").mkdir()
    add_deputy(2)(work / "content")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SPLIT_ABOVE", 0)
        build(_config(work / "content", work / "out", DAY))
    return work


@pytest.mark.slow
@pytest.mark.parametrize("edit", [unit("文化站"), add_deputy(1), remove_added, station_name("北"), rename_notice,
                                  delete_notice],
                         ids=lambda value: getattr(value, "__qualname__", str(value)).split(".")[0])
def test_a_search_index_split_by_region_built_incrementally_equals_a_clean_build(
        split_search: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Edit) -> None:
    """The index split by region (search.SPLIT_ABOVE lowered): each region's file declares what it reads."""
    from liaison.render.web import search

    monkeypatch.setattr(search, "SPLIT_ABOVE", 0)
    work = tmp_path / "work"
    shutil.copytree(split_search, work, symlinks=True)
    assert (work / "out" / "site" / search.region_path("east-village")).is_file()
    edit(work / "content")
    shutil.copytree(work / "out", tmp_path / "clean", symlinks=True)
    report = build(_config(work / "content", work / "out", DAY + dt.timedelta(days=40)))
    build(_config(work / "content", tmp_path / "clean", DAY + dt.timedelta(days=40), clean=True))
    assert report.kept
    assert _trees(work / "out") == _trees(tmp_path / "clean")


@pytest.mark.slow
def test_a_file_touched_while_the_build_runs_is_recorded_as_its_outputs_were_dated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deputy's file touched to another day while a first build's workers render (its text the same): the record
    names the file as the outputs were dated from it, so the next build renders them again, as a clean build
    dates them."""
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    (tmp_path / "theme").mkdir()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # files' times date the outputs
    beijing = dt.timezone(dt.timedelta(hours=8))
    def touch(path: Path, day: int) -> None:
        moment = dt.datetime(2026, 11, day, 10, tzinfo=beijing).timestamp()
        os.utime(path, (moment, moment))
    for path in content.rglob("*"):
        touch(path, 1)
    deputy = content / "deputies" / "li-yan.yaml"
    touch(deputy, 10)  # what shows her is dated the 10th
    run = executor.run

    def touched_after_rendering(*args: object, **kwargs: object) -> Iterator[object]:
        yield from run(*args, **kwargs)  # type: ignore[arg-type]
        touch(deputy, 20)
    monkeypatch.setattr(executor, "run", touched_after_rendering)
    build(_config(content, tmp_path / "out", DAY))
    monkeypatch.setattr(executor, "run", run)
    shutil.copytree(tmp_path / "out", tmp_path / "clean", symlinks=True)
    build(_config(content, tmp_path / "out", DAY))
    build(_config(content, tmp_path / "clean", DAY, clean=True))
    assert _trees(tmp_path / "out") == _trees(tmp_path / "clean")


@pytest.mark.slow
def test_a_template_edited_while_the_build_runs_is_recorded_as_its_outputs_were_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's base.html edited after the workers compiled it, before the build records what its outputs were
    made of: the record names the source they were made of, so the next build makes them again, as a clean build
    makes them."""
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    template("东")(content)
    run = executor.run

    def edited_after_rendering(*args: object, **kwargs: object) -> Iterator[object]:
        yield from run(*args, **kwargs)  # type: ignore[arg-type]
        template("西")(content)
    monkeypatch.setattr(executor, "run", edited_after_rendering)
    build(_config(content, tmp_path / "out", DAY))
    monkeypatch.setattr(executor, "run", run)
    shutil.copytree(tmp_path / "out", tmp_path / "clean", symlinks=True)
    report = build(_config(content, tmp_path / "out", DAY))
    build(_config(content, tmp_path / "clean", DAY, clean=True))
    assert report.rendered, "the pages made of the old base.html are made again"
    assert _trees(tmp_path / "out") == _trees(tmp_path / "clean")
