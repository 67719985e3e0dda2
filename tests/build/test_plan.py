"""The plan: every output of a build is a job, listed before anything renders, with inputs that exist."""
from __future__ import annotations

import importlib
import json
import pickle
from pathlib import Path

import jinja2
import pytest

from liaison.build import state
from liaison.build.plan import LINK_CHECK, TARGETS, Job, select
from liaison.build.writer import MANIFEST, STATE
from liaison.cli import main
from liaison.content import schema
from liaison.render.theme import DEFAULT_THEME
from tests.conftest import MINI, TODAY, plan_of, snapshot


def owners(jobs: list[Job], tree: str, path: str) -> list[str]:
    return [job.key for job in jobs if job.tree == tree and job.owns(path)]


def test_every_file_a_full_build_writes_is_in_the_plan_and_vice_versa(mini_build: Path) -> None:
    jobs = plan_of()  # the day and content of the session's build
    for tree in ("site", "signage"):
        written = set(snapshot(mini_build / tree)) - {MANIFEST}
        for path in written:  # each by exactly one job
            assert len(owners(jobs, tree, path)) == 1, (tree, path, owners(jobs, tree, path))
        planned = {path for job in jobs if job.tree == tree for path in job.outputs}
        assert planned <= written, planned - written  # and every path a job names is written
        patterned = written - planned  # what only rendering counts: poster sheets, rare-glyph font faces
        assert all(any(job.more and job.owns(path) for job in jobs) for path in patterned)
    # The build's record says the same, job by job.
    jobs_recorded = state.read((mini_build / "site").resolve().parent.joinpath(STATE).read_bytes(), "")
    assert jobs_recorded is not None
    recorded = {key: entry["facts"]["paths"] for key, entry in jobs_recorded.items()}
    assert set(recorded) == {job.key for job in jobs if job.outputs}
    for job in jobs:
        if job.outputs:
            assert set(job.outputs) <= set(recorded[job.key]) and all(job.owns(p) for p in recorded[job.key])


def test_planning_renders_nothing_and_opens_no_template(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("planning rendered something")

    monkeypatch.setattr(jinja2.Environment, "get_template", refuse)
    monkeypatch.setattr(jinja2.Environment, "from_string", refuse)
    assert len(plan_of()) > 50


def test_jobs_are_plain_values_that_pickle_with_module_level_render_functions() -> None:
    jobs = plan_of()
    assert pickle.loads(pickle.dumps(jobs)) == jobs
    for job in jobs:
        module = importlib.import_module(job.render.__module__)
        assert getattr(module, job.render.__qualname__) is job.render
        assert job.render.__module__.startswith("liaison.render." if job.key != LINK_CHECK else "liaison.build.")
        assert all(arg is None or isinstance(arg, str | int | bool | tuple) for arg in job.args), job.key
        assert job.target in TARGETS
    assert len({job.key for job in jobs}) == len(jobs)


def test_declared_inputs_name_records_templates_and_files_that_exist() -> None:
    jobs = plan_of()
    ids = {kind: {p.stem for p in (MINI / kind).iterdir()} for kind in
           ("stations", "deputies", "systems", "events", "opinions", "notices")}
    templates = {p.relative_to(DEFAULT_THEME / "templates").as_posix()
                 for p in (DEFAULT_THEME / "templates").rglob("*") if p.is_file()}
    for job in jobs:
        for kind, names in job.inputs.records:
            assert set(names) <= ids[kind], (job.key, kind, set(names) - ids[kind])
        assert set(job.inputs.templates) <= templates, job.key
        for file in job.inputs.files:
            folder, _, relative = file.partition(":")
            assert ({"content": MINI, "theme": DEFAULT_THEME}[folder] / relative).is_file(), (job.key, file)
        assert set(job.inputs.settings) <= set(schema.Site.model_fields), job.key  # keys of site.yaml
    station_page = next(job for job in jobs if job.outputs == ("stations/east-village/index.html",))
    assert dict(station_page.inputs.records)["deputies"] == ("wang-kun", "li-yan")  # its members
    assert station_page.inputs.templates == ("station.html",)
    poster = next(job for job in jobs if job.outputs == ("centre/poster-1.pdf",))
    assert "content:photos/wang-kun.png" in poster.inputs.files


def test_aggregates_fan_in_from_jobs_planned_before_them() -> None:
    jobs = plan_of()
    order = {job.key: index for index, job in enumerate(jobs)}
    for job in jobs:
        assert all(order[key] < order[job.key] for key in job.fan_in), job.key
    by_key = {job.key: job for job in jobs}
    sitemap = by_key["site/sitemap.xml"]  # the one list of pages a search engine should know
    assert [by_key[key].outputs[0] for key in sitemap.fan_in][:3] == [
        "index.html", "stations/index.html", "stations/centre/index.html"]
    assert all(by_key[key].outputs[0].endswith(".html") for key in sitemap.fan_in)
    assert "site/404.html" not in sitemap.fan_in
    check = by_key[LINK_CHECK]  # every file of the site, pages and stylesheets among them
    assert set(check.fan_in) == {job.key for job in jobs if job.tree == "site" and job.outputs}
    assert by_key["signage/manifest.json"].fan_in == tuple(
        job.key for job in jobs if job.target == "print" and not job.fan_in)
    assert not any("packs/" in job.key for job in jobs)  # packs are made on demand (`pack`)


def test_a_station_is_its_own_files_and_the_aggregates_that_list_them() -> None:
    jobs = select(plan_of(), stations=["east-village"])
    assert [path for job in jobs for path in job.outputs] == [
        "stations/east-village/index.html",
        "schedule/2026-11-03-east/index.html", "schedule/2026-11-03-east/wechat.txt",  # its reception
        "sitemap.xml", "static/fonts/rare-glyphs.css", "calendar/east-village.ics",
        "kiosk/east-village/index.html", "kiosk/east-village/version.json",
        "east-village/signboard-production.pdf", "east-village/signboard-proof.pdf",
        "east-village/signboard-proof.png", "east-village/poster-1.pdf",
        "east-village/qr-station.svg", "east-village/qr-station.pdf",
        "east-village/qr-deputy-wang-kun.svg", "east-village/qr-deputy-wang-kun.pdf",
        "east-village/qr-deputy-li-yan.svg", "east-village/qr-deputy-li-yan.pdf",
        "manifest.json", "manifest.csv"]
    assert LINK_CHECK in {job.key for job in jobs}


def test_only_picks_targets_with_their_aggregates() -> None:
    jobs = plan_of()
    web = select(jobs, only=["web"])
    assert {job.target for job in web} == {"web"}
    assert len(web) == len([job for job in jobs if job.target == "web"])
    kiosk = select(jobs, only=["kiosk"])
    assert {job.key for job in kiosk if job.target != "kiosk"} == {LINK_CHECK}  # its pages' links are checked
    both = select(jobs, only=["print", "data"])
    assert {job.target for job in both} == {"print", "data", "web"}  # the link check reads the data files
    assert all(job.tree == "signage" or job.target == "data" or job.key == LINK_CHECK for job in both)


def test_the_plan_command_lists_every_job_with_its_inputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # A folder of its own: the default site/ may hold another content's build, whose pages would be tombstones
    args = ["--content", str(MINI), "--today", TODAY.isoformat(), "--site", str(tmp_path / "site")]
    assert main(["plan", "--json", *args]) == 0
    listed = json.loads(capsys.readouterr().out)
    jobs = plan_of()
    assert [entry["key"] for entry in listed] == [job.key for job in jobs]
    assert [entry["inputs"] for entry in listed] == [job.inputs.as_dict() for job in jobs]
    assert main(["plan", *args]) == 0
    text = capsys.readouterr().out
    assert "site/stations/east-village/index.html  [web，联络站 east-village]\n" \
           "    生成：liaison.render.web.pages.station_page('stations/east-village/index.html', 'east-village', ())\n" \
           "    记录 deputies：wang-kun、li-yan\n" in text
    assert "signage/centre/poster-1.pdf、signage/centre/poster-*.pdf  [print，联络站 centre]" in text
    assert text.count("\n    生成：") == len(jobs)
    assert main(["plan", "--station", "centre", "--only", "print", *args]) == 0
    headers = [line for line in capsys.readouterr().out.splitlines() if not line.startswith((" ", "共"))]
    assert headers[-3:] == ["signage/centre/reception-notice-2026-12-01-centre.pdf  [print，联络站 centre]",
                            "signage/manifest.json  [print]", "signage/manifest.csv  [print]"]
    assert all(header.endswith("[print，联络站 centre]") for header in headers[:-2])
