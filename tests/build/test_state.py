"""The build's record (`build-state.jsonl`): what the next build may keep of the published one."""
from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.build import state
from liaison.render import qr

ENVIRONMENT = "these libraries"


def record(count: int = 3) -> tuple[dict[str, Any], bytes]:
    jobs = {f"site/p{n}.html": {"tree": "site", "target": "web", "station": None, "fingerprint": f"{n}" * 64,
                                 "facts": {"paths": [f"p{n}.html"]}, "reads": {"base.html": "d" * 64}}
            for n in range(count)}
    return jobs, state.encode(jobs, ENVIRONMENT)


def test_the_builds_line_tells_how_many_job_lines_follow() -> None:
    jobs, data = record()
    lines = data.decode().splitlines()
    assert json.loads(lines[0])["jobs"] == len(lines) - 1 == len(jobs)
    assert state.read(data, ENVIRONMENT) == jobs
    assert state.read(state.encode({}, ENVIRONMENT), ENVIRONMENT) == {}


@pytest.mark.parametrize("cut", [1, 2])
def test_a_record_cut_short_by_whole_lines_is_no_record(cut: int) -> None:
    """A record that lost its last lines (a disk that filled, a copy cut short) would still parse line by line."""
    _, data = record()
    lines = data.splitlines(keepends=True)
    assert state.read(b"".join(lines[:-cut]), ENVIRONMENT) is None


@pytest.mark.parametrize("added", ["new", "again"])
def test_a_record_with_a_job_line_added_is_no_record(added: str) -> None:
    """A line added after the record was written: another job, or the same job a second time (the later one would
    have won)."""
    jobs, data = record()
    entry = {**jobs["site/p0.html"], "fingerprint": "f" * 64}
    key = "site/p9.html" if added == "new" else "site/p0.html"
    line = json.dumps([key, entry], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    assert state.read(data + line, ENVIRONMENT) is None


def test_a_record_without_the_count_is_no_record() -> None:
    """A record of the version before the count (or one whose count was edited away)."""
    _, data = record()
    first, rest = data.split(b"\n", 1)
    header = json.loads(first)
    del header["jobs"]
    assert state.read(json.dumps(header).encode() + b"\n" + rest, ENVIRONMENT) is None


def test_a_list_of_records_is_fingerprinted_as_the_digest_of_its_items_json(config) -> None:
    """Each record's JSON is made once per build and joined for every list that holds it: the digests must be
    those of the whole list as JSON (as recorded before), for every list of every job and either rule_days."""
    from liaison.build import pipeline

    prepared = pipeline.prepare(config)
    fingerprints = state.Fingerprints(prepared.context)
    lists = {(kind, ids) for job in prepared.jobs for kind, ids in job.inputs.records}
    assert any(len(ids) > 1 for _, ids in lists)
    for (kind, ids), rule_days in [(group, days) for group in sorted(lists) for days in (True, False)]:
        whole = [[rid, fingerprints._record(kind, rid), fingerprints._moment(kind, rid, rule_days)] for rid in ids]
        assert fingerprints._records_of(kind, ids, rule_days) == state._digest(whole)


def drawing(codes: dict[str, list[str]]) -> dict[str, Any]:
    """Jobs of this environment, each drawing the QR codes of the payloads listed for it (as a job's facts keep
    them: by payload, as `qr.kept` text)."""
    return {key: {"tree": "site", "target": "web", "station": None, "fingerprint": "f" * 64, "reads": {},
                  "facts": {"paths": [key[len("site/"):]],
                            qr.FACT: {data: qr.kept(data, qr._encoded(data)) for data in payloads}}}
            for key, payloads in codes.items()}


CODES = {"site/deputies/a.html": ["https://x.cn/deputies/a/"],
         "site/stations/s.html": ["https://x.cn/deputies/a/", "https://x.cn/deputies/b/", "https://x.cn/stations/s/"],
         "site/screens/s.html": ["https://x.cn/stations/s/", "https://x.cn/deputies/a/"]}


def test_each_qr_symbol_is_recorded_once_and_each_job_names_the_ones_it_drew() -> None:
    """A deputy's code is drawn on their page, their station's and its lobby screen: the record holds it once."""
    jobs = drawing(CODES)
    data = state.encode(jobs, ENVIRONMENT)
    lines = data.decode().splitlines()
    header = json.loads(lines[0])
    assert header["symbols"] == 3 and len(lines) == 1 + 3 + len(jobs)
    for text in {text for entry in jobs.values() for text in entry["facts"][qr.FACT].values()}:
        assert data.decode().count(text) == 1
    named = {key: entry["facts"][qr.FACT] for key, entry in map(json.loads, lines[4:])}
    assert [len(names) for names in named.values()] == [1, 2, 3]
    assert state.read(data, ENVIRONMENT) == jobs
    assert state.symbols(state.read(data, ENVIRONMENT) or {}) == {
        payload: text for entry in jobs.values() for payload, text in entry["facts"][qr.FACT].items()}


def _with_table(data: bytes, change: Any) -> bytes:
    """The record with its table of symbols (the lines after the build's) changed by `change`."""
    header, *lines = data.decode().splitlines()
    count = json.loads(header)["symbols"]
    table = change([json.loads(line) for line in lines[:count]])
    header = json.dumps({**json.loads(header), "symbols": len(table)})
    return "\n".join([header, *(json.dumps(item) for item in table), *lines[count:]]).encode() + b"\n"


def test_a_symbol_the_table_lacks_is_left_out_of_the_jobs_that_name_it() -> None:
    jobs = drawing(CODES)
    data = _with_table(state.encode(jobs, ENVIRONMENT), lambda table: [i for i in table if i[1] != CODES["site/deputies/a.html"][0]])
    read = state.read(data, ENVIRONMENT)
    assert read is not None and qr.FACT not in read["site/deputies/a.html"]["facts"]
    assert set(read["site/stations/s.html"]["facts"][qr.FACT]) == {"https://x.cn/deputies/b/", "https://x.cn/stations/s/"}
    assert "https://x.cn/deputies/a/" not in state.symbols(read)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda item: [item[0], item[1]], id="no-text"),
    pytest.param(lambda item: [item[0], item[1], 7], id="not-text"),
    pytest.param(lambda item: {"name": item[0]}, id="not-a-list"),
])
def test_a_table_entry_of_another_shape_is_left_out(damage: Any) -> None:
    jobs = drawing(CODES)
    data = _with_table(state.encode(jobs, ENVIRONMENT), lambda table: [damage(table[0]), *table[1:]])
    read = state.read(data, ENVIRONMENT)
    assert read is not None and read.keys() == jobs.keys()
    assert len(state.symbols(read)) == 2


def test_a_damaged_symbol_text_is_read_as_it_is_and_its_check_fails() -> None:
    """The table is read as written: a damaged text reaches the job, whose drawing checks it (`qr._unkept`)."""
    jobs = drawing(CODES)
    data = _with_table(state.encode(jobs, ENVIRONMENT), lambda table: [[*item[:2], item[2][:-1]] for item in table])
    symbols = state.symbols(state.read(data, ENVIRONMENT) or {})
    assert len(symbols) == 3 and all(qr._unkept(payload, text) is None for payload, text in symbols.items())


@pytest.mark.parametrize("change", [
    pytest.param(lambda table: table[1:], id="a-line-fewer-than-counted"),
    pytest.param(lambda table: [table[0], *table], id="a-line-more-than-counted"),
])
def test_a_table_that_does_not_have_the_counted_lines_is_no_record(change: Any) -> None:
    """The lines are counted by the build's line: a table line lost or added shifts a job into the table or the
    table into the jobs."""
    data = state.encode(drawing(CODES), ENVIRONMENT)
    header, rest = data.split(b"\n", 1)
    lines = rest.splitlines(keepends=True)
    table = change(lines[:3])
    assert state.read(header + b"\n" + b"".join([*table, *lines[3:]]), ENVIRONMENT) is None


def test_symbols_of_a_job_without_a_fingerprint_are_not_recorded() -> None:
    """A job kept from the record of another environment (its files kept by a partial build) has no fingerprint:
    the symbols it carries are another program's, never recorded as this one's."""
    jobs = drawing(CODES)
    jobs["site/screens/s.html"]["fingerprint"] = None
    jobs["site/screens/s.html"]["facts"][qr.FACT]["https://x.cn/other/"] = "another program's packing"
    read = state.read(state.encode(jobs, ENVIRONMENT), ENVIRONMENT)
    assert read is not None and qr.FACT not in read["site/screens/s.html"]["facts"]
    assert "https://x.cn/other/" not in state.symbols(read)


def test_a_jobs_fingerprint_follows_each_part_of_what_it_reads(config) -> None:
    """The parts many jobs share (a file's state, lists of settings keys and templates, the day) are made once
    per build and joined: each still changes the fingerprint, one part's names are never taken for another's,
    and equal inputs give the same fingerprint in a build that met them in another order."""
    import dataclasses

    from liaison.build import pipeline

    prepared = pipeline.prepare(config)
    job = next(job for job in prepared.jobs if job.inputs.files and job.inputs.settings and job.inputs.templates)
    name = job.inputs.settings[0]

    def changed(**inputs: Any) -> Any:
        return dataclasses.replace(job, inputs=dataclasses.replace(job.inputs, **inputs))

    variants = [job, changed(settings=job.inputs.settings[1:]), changed(settings=()), changed(templates=()),
                changed(templates=(name,), settings=()), changed(settings=(name,), templates=()),
                changed(files=()), changed(files=(f"content:{name}",)), changed(today=not job.inputs.today),
                changed(records=(*job.inputs.records, ("opinions", ()))), changed(rule_days=not job.inputs.rule_days)]
    fingerprints = state.Fingerprints(prepared.context)
    digests = [fingerprints._fingerprint(variant) for variant in variants]
    assert len(set(digests)) == len(variants)
    again = state.Fingerprints(prepared.context)
    assert [again._fingerprint(variant) for variant in reversed(variants)] == digests[::-1]


def _metadata_on_path(folder: Path, name: str, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    info = folder / f"{name}.egg-info"
    info.mkdir()
    (info / "PKG-INFO").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))


@pytest.fixture
def packages() -> Iterator[Callable[[], str]]:
    """The code-and-packages part of the environment, computed afresh each time it is asked."""
    def computed() -> str:
        state._code_and_packages.cache_clear()
        return state._code_and_packages()
    yield computed
    state._code_and_packages.cache_clear()


def test_a_package_whose_metadata_is_on_the_path_twice_is_the_same_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packages: Callable[[], str]) -> None:
    """`python -m liaison` in the project's folder also finds the liaison.egg-info an editable install leaves
    there, and run anywhere else does not: the same code and packages, which must not make every output again."""
    alone = packages()
    _metadata_on_path(tmp_path, "liaison", importlib.metadata.version("liaison"), monkeypatch)
    assert packages() == alone


def test_another_version_of_a_package_first_on_the_path_is_another_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packages: Callable[[], str]) -> None:
    alone = packages()
    _metadata_on_path(tmp_path, "Jinja2", "0.0.1", monkeypatch)
    assert packages() != alone
