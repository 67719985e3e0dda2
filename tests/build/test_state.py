"""The build's record (`build-state.json`): what the next build may keep of the published one."""
from __future__ import annotations

import json
from typing import Any

import pytest

from liaison.build import state

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
