"""Partial builds (--only, --station): the chosen part is rebuilt, every other published file stays as it was."""
from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from liaison.build import state
from liaison.build.pipeline import Config, build
from liaison.build.plan import select
from liaison.build.writer import MANIFEST, STATE
from liaison.cli import main
from liaison.model import urls
from liaison.render import SOURCE, portraits
from liaison.render.portraits import PORTRAIT_WIDTHS
from tests.conftest import MINI, ROOT, TODAY, plan_of, published_copy, snapshot, write


def files_as_published(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every published file: (inode, modification time, bytes); a file rewritten gets a new inode."""
    found = {}
    for tree in ("site", "signage"):
        for path, data in snapshot(out / tree).items():
            if path != MANIFEST:
                stat = (out / tree / path).stat()
                found[f"{tree}/{path}"] = (stat.st_ino, stat.st_mtime_ns, data)
    return found


def rewritten(before: dict[str, tuple[int, int, bytes]], after: dict[str, tuple[int, int, bytes]]) -> set[str]:
    """The files written anew; a file whose bytes are the same is the published one (inode and time), rendered
    again or not."""
    assert set(before) == set(after)
    for path in after:
        assert (after[path][0] == before[path][0]) == (after[path][2] == before[path][2]), path
    return {path for path in after if after[path][0] != before[path][0]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new))


def config(content: Path, out: Path, **part: object) -> Config:
    return Config(content=content, site_dir=out / "site", signage_dir=out / "signage", today=TODAY, **part)


@pytest.mark.slow
def test_only_web_rewrites_the_web_files_and_leaves_signage_and_the_rest_untouched(
        mini: Path, tmp_path: Path, mini_build: Path) -> None:
    published_copy(mini_build, tmp_path)
    before = files_as_published(tmp_path)
    edit(mini / "deputies" / "li-yan.yaml", "unit: 示例县第一中学", "unit: 示例县实验中学")  # web, kiosk and print show it
    assert "示例县第一中学" in before["site/kiosk/east-village/index.html"][2].decode()
    build(config(mini, tmp_path, only=("web",)))
    after = files_as_published(tmp_path)
    web = {path for job in plan_of(mini) if job.target == "web" for path in after
           if path.startswith(f"{job.tree}/") and job.owns(path.split("/", 1)[1])}
    assert "site/deputies/li-yan/index.html" in rewritten(before, after) <= web  # web files, nothing else
    assert {path: entry for path, entry in after.items() if path.startswith("signage/")} == {
        path: entry for path, entry in before.items() if path.startswith("signage/")}  # bytes, inodes and times
    assert "示例县实验中学" in after["site/deputies/li-yan/index.html"][2].decode()
    assert "示例县第一中学" in after["site/kiosk/east-village/index.html"][2].decode()  # as published
    assert after["site/data/deputies.json"] == before["site/data/deputies.json"]
    # and a full build brings the rest up to date
    build(config(mini, tmp_path))
    assert "示例县实验中学" in snapshot(tmp_path / "site")["kiosk/east-village/index.html"].decode()


@pytest.mark.slow
def test_a_station_rebuilds_its_files_and_the_aggregates_that_list_them_only(
        mini: Path, tmp_path: Path, mini_build: Path) -> None:
    published_copy(mini_build, tmp_path)
    before = files_as_published(tmp_path)
    edit(mini / "stations" / "east-village.yaml", "address: 城关镇东村文化礼堂", "address: 城关镇东村党群服务中心")
    edit(mini / "stations" / "centre.yaml", "address: ", "address: 新址")
    build(config(mini, tmp_path, stations=("east-village",)))
    after = files_as_published(tmp_path)
    part = select(plan_of(mini), stations=["east-village"])
    owned = {f"{job.tree}/{path}" for job in part for path in job.outputs}
    assert rewritten(before, after) <= owned | {"site/static/fonts/rare-glyphs.woff2"}  # the font's face
    assert {"site/stations/east-village/index.html", "site/kiosk/east-village/index.html"} <= rewritten(before, after)
    assert {path for path in rewritten(before, after) if "east-village" not in path} == {
        "site/schedule/2026-11-03-east/index.html", "site/schedule/2026-11-03-east/wechat.txt"}  # its reception
    assert {"site/sitemap.xml", "site/static/fonts/rare-glyphs.css", "signage/manifest.json",  # rendered again,
            "signage/manifest.csv"} <= owned  # their bytes the same: kept as published
    assert "城关镇东村党群服务中心" in after["site/stations/east-village/index.html"][2].decode()
    assert "城关镇东村党群服务中心" in after["site/kiosk/east-village/index.html"][2].decode()
    assert "新址" not in after["site/stations/centre/index.html"][2].decode()
    # What merely mentions the station keeps what it said: a full build or --only web updates it.
    assert after["site/stations/index.html"] == before["site/stations/index.html"]
    # The record of this build lets the next partial build keep what this one kept.
    build(config(mini, tmp_path, only=("data",)))
    assert "城关镇东村党群服务中心" in snapshot(tmp_path / "site")["data/stations.json"].decode()


@pytest.mark.slow
def test_files_of_a_deleted_record_go_with_their_part_and_stay_with_the_others(
        mini: Path, tmp_path: Path, mini_build: Path) -> None:
    published_copy(mini_build, tmp_path)
    os.remove(mini / "notices" / "december.md")
    build(config(mini, tmp_path, only=("kiosk",)))  # the notice's web page is not the kiosk's to remove
    assert (tmp_path / "site" / "notices" / "december" / "index.html").is_file()
    build(config(mini, tmp_path, only=("web",)))
    page = snapshot(tmp_path / "site")["notices/december/index.html"].decode()
    assert "原来的页面" in page and "12月1日上午" not in page  # the page went; its address keeps a tombstone
    assert "notices/december/index.html" not in snapshot(tmp_path / "site")["sitemap.xml"].decode()


def test_a_partial_build_needs_a_full_one_before_it(mini: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--content", str(mini), "--site", str(tmp_path / "site"), "--signage", str(tmp_path / "signage"),
            "--today", TODAY.isoformat()]
    assert main([*args, "--only", "web"]) == 5
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("只生成部分内容（--only、--station）需要 ") and line.endswith(
        "请先完整生成一次（不加 --only、--station）。")
    assert not (tmp_path / "site").exists()
    assert main([*args, "--station", "east-villag"]) == 2
    assert "没有编号为“east-villag”的联络站（stations/east-villag.yaml），是否想写“east-village”？" in capsys.readouterr().err
    assert main([*args, "--only", "web,pdf"]) == 2
    assert "应为 web、kiosk、print、data 中的一项或几项" in capsys.readouterr().err
    assert main([*args, "check", "--only", "web"]) == 2


@pytest.mark.parametrize("record", ['{"version": 1, "jobs": {"site/index.html": 1}}', "{", '{"version": 1, "jobs": {}}'])
def test_a_build_record_that_does_not_match_the_published_files_is_not_used(
        mini: Path, tmp_path: Path, mini_build: Path, record: str, capsys: pytest.CaptureFixture[str]) -> None:
    published_copy(mini_build, tmp_path)
    before = files_as_published(tmp_path)
    (tmp_path / "site").resolve().parent.joinpath(STATE).write_text(record, encoding="utf-8")
    assert main(["--content", str(mini), "--site", str(tmp_path / "site"), "--signage", str(tmp_path / "signage"),
                 "--today", TODAY.isoformat(), "--only", "web"]) == 5
    assert capsys.readouterr().err.endswith("请先完整生成一次（不加 --only、--station）。\n")
    assert files_as_published(tmp_path) == before


def test_a_web_only_build_loads_no_print_or_spreadsheet_library(mini_build: Path, tmp_path: Path) -> None:
    """WeasyPrint and openpyxl take most of a second to import; a build of the website alone needs neither."""
    published_copy(mini_build, tmp_path)
    script = ("import sys; from liaison.cli import main; "
              f"code = main(['build', '--only', 'web', '--jobs', '1', '--content', {str(MINI)!r}, "
              f"'--site', {str(tmp_path / 'site')!r}, '--signage', {str(tmp_path / 'signage')!r}, "
              f"'--today', {TODAY.isoformat()!r}, '-q']); "
              "print(code, sorted({name.split('.')[0] for name in sys.modules} & {'weasyprint', 'openpyxl'}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout + done.stderr


def test_only_web_takes_a_portrait_made_from_the_same_photo_from_the_published_build(
        mini: Path, tmp_path: Path, mini_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every portrait job runs, but only a photo whose bytes changed is resampled and encoded again: the others are
    the published files, the bytes that making them again gives (a clean make)."""
    published_copy(mini_build, tmp_path)
    Image.new("RGB", (300, 400), (90, 30, 60)).save(mini / "photos" / "li-yan.png")  # a photo the build has not seen
    with (mini / "deputies" / "li-yan.yaml").open("a", encoding="utf-8") as record:
        record.write("photo: photos/li-yan.png\n")
    made: list[float] = []
    make = portraits.portrait
    monkeypatch.setattr(portraits, "portrait", lambda source, width, *more: made.append(width) or make(source, width,
                                                                                                          *more))
    build(config(mini, tmp_path, only=("web",), jobs=1))
    assert sorted(made) == sorted(PORTRAIT_WIDTHS)  # li-yan's, not wang-kun's
    Image.new("RGB", (300, 400), (10, 130, 60)).save(mini / "photos" / "wang-kun.png")  # the same name, new bytes
    build(config(mini, tmp_path, only=("web",), jobs=1))
    assert len(made) == 2 * len(PORTRAIT_WIDTHS)
    taken = snapshot(tmp_path / "site")
    build(config(mini, tmp_path, only=("web",), jobs=1, clean=True))  # --clean takes nothing of the last build
    assert len(made) == 4 * len(PORTRAIT_WIDTHS)
    assert snapshot(tmp_path / "site") == taken
    monkeypatch.undo()
    for deputy, width in itertools.product(("li-yan", "wang-kun"), PORTRAIT_WIDTHS):
        clean = portraits.screen_jpeg(portraits.portrait(mini / "photos" / f"{deputy}.png", width))  # not the process's cache
        assert taken[urls.portrait_path(deputy, width)] == clean, (deputy, width)


def test_a_published_portrait_is_taken_again_only_as_published_and_from_a_record_of_this_environment(
        tmp_path: Path) -> None:
    tree = tmp_path / "site"
    write(tree / "portraits" / "a.jpg", "the bytes encoded from the photo")
    data = (tree / "portraits" / "a.jpg").read_bytes()
    files = {"portraits/a.jpg": hashlib.sha256(data).hexdigest()}
    jobs = {"site/portraits/a.jpg": {"tree": "site", "target": "web", "station": None, "fingerprint": "f", "reads": {},
                                     "facts": {"paths": ["portraits/a.jpg"], SOURCE: "digest of the photo"}}}
    made = state.made(jobs, tree, files)["portraits/a.jpg"]
    assert made.again("digest of the photo") == data
    assert made.again("digest of another photo") is None
    assert state.made(state.read(state.encode(jobs, "these libraries"), "other libraries") or {}, tree, files) == {}
    assert state.made(state.read(state.encode(jobs, "these libraries"), "these libraries") or {}, tree, files)
    assert state.made(jobs, None, files) == {}  # nothing published
    assert state.made(jobs, tree, {}) == {}  # not a file of the published tree
    write(tree / "portraits" / "a.jpg", "changed since it was published")
    assert made.again("digest of the photo") is None
    (tree / "portraits" / "a.jpg").unlink()
    assert made.again("digest of the photo") is None
