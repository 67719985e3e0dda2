"""What the build's parent process holds when it forks its render workers, which start with all of it: what the
jobs read, not what only checking the content needed."""
from __future__ import annotations

import gc
import json
import types
from collections.abc import Iterator

import pytest

from liaison.build import executor, plan, state
from liaison.build.config import Config
from liaison.build.pipeline import _Stream, prepare
from liaison.build.plan import Job
from liaison.content.loader import Marks, RawRecord
from liaison.model.site import Site
from liaison.render import Output, Rendered

_OPAQUE = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def reachable(root: object) -> Iterator[object]:
    """Every object reachable from root through references, short of modules, classes and functions (whose globals
    reach everything loaded)."""
    seen, todo = {id(root)}, [root]
    while todo:
        found = todo.pop()
        yield found
        for referent in gc.get_referents(found):
            if id(referent) not in seen and not isinstance(referent, _OPAQUE):
                seen.add(id(referent))
                todo.append(referent)


def test_a_prepared_build_holds_no_record_as_loaded(config: Config) -> None:
    """The model and the plan are made from the records as loaded (data, text, marks for messages); the build keeps
    neither for its jobs: the link check reads the content again if it has a broken link to locate."""
    prepared = prepare(config)
    assert prepared.jobs and prepared.context.site.deputies
    assert not [found for found in reachable(prepared) if isinstance(found, (RawRecord, Marks))]


def test_a_plan_holds_each_name_and_list_of_names_once(config: Config) -> None:
    """Thousands of jobs read the same records and files and fan in from the same jobs: equal lists of names (and
    the names in them, and equal inputs) are one object each, not a copy per job."""
    jobs = prepare(config).jobs
    lists = [names for job in jobs for names in (job.outputs, job.fan_in, job.inputs.files, job.inputs.templates,
                                                  *(ids for _, ids in job.inputs.records))]
    names = [name for names in lists for name in names]
    inputs = [job.inputs for job in jobs]
    assert len(set(lists)) < len(lists) and len(set(names)) < len(names) and len(set(inputs)) < len(inputs)
    assert len({id(names) for names in lists}) == len(set(lists))
    assert len({id(name) for name in names}) == len(set(names))
    assert len({id(given) for given in inputs}) == len(set(inputs))


def test_the_plan_is_the_jobs_as_made_each_holding_its_names_once_from_the_start(
        config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A job made while a plan is made holds equal names and inputs as the jobs before it do, so the plan is the
    jobs as the planners made them: no second copy of every job (26,166 at 300 stations) to share them after."""
    made: list[Job] = []

    def kiosk(site: Site) -> list[Job]:
        made.extend(planned_kiosk(site))
        return made

    planned_kiosk = plan._kiosk
    monkeypatch.setattr(plan, "_kiosk", kiosk)
    jobs = prepare(config).jobs
    kept = {id(job) for job in jobs}
    assert len(made) > 2 and all(id(job) in kept for job in made)
    check = next(job for job in jobs if job.key == plan.LINK_CHECK)
    fanned = {key: key for key in check.fan_in}
    versions = [job for job in made if job.fan_in]  # a screen's version file fans in from its screen
    assert versions and all(job.fan_in[0] is fanned[job.fan_in[0]] for job in versions)


def test_the_build_record_is_read_a_job_at_a_time_with_equal_texts_held_once() -> None:
    """The last build's record of every job (thousands of pages, each with its links and the digests of the
    templates it loaded) is a line a job, and reading it holds each equal text once."""
    links = ["../../static/style.css", "../index.html"]
    jobs = {f"site/p{n}.html": {"tree": "site", "target": "web", "station": None, "fingerprint": f"{n}" * 64,
                                 "facts": {"paths": [f"p{n}.html"], "links": {f"p{n}.html": [*links]}},
                                 "reads": {"base.html": "d" * 64}} for n in range(3)}
    record = state.encode(jobs, "these libraries")
    assert record.count(b"\n") == 1 + len(jobs)
    read = state.read(record, "these libraries")
    assert read == jobs
    texts = [link for key, entry in read.items() for link in entry["facts"]["links"][key[len("site/"):]]]
    assert len(texts) == 6 and len({id(text) for text in texts}) == 2
    assert len({id(entry["reads"]["base.html"]) for entry in read.values()}) == 1


def test_the_facts_kept_of_every_job_run_hold_equal_texts_once() -> None:
    """The parent keeps what each job run told of its outputs (paths, links, anchors) to the end of the build, for
    the aggregates and the build's record: results come from the workers each with texts of its own, and are kept
    once, with equal texts held once, and what the build is given of them is that copy."""
    def result(path: str) -> tuple[Job, Rendered]:
        facts = {"paths": [path], "links": {path: ["../static/style.css", "../index.html"]}}
        return Job("web", (path,), Rendered), Rendered((Output(path, b""),), json.loads(json.dumps(facts)))

    made = [result("a/index.html"), result("b/index.html")]
    results = executor.Results([job for job, _ in made], {})
    given = [(job, results.add(job, rendered)) for job, rendered in made]
    stream = _Stream(iter(given), None)
    assert [output.path for output in stream.outputs("site")] == ["a/index.html", "b/index.html"]
    links = [link for key, (job, kept) in stream.done.items() for link in kept.facts["links"][job.outputs[0]]]
    assert len(links) == 4 and len({id(link) for link in links}) == 2
    assert all(kept.facts is results.done[key] for key, (_, kept) in stream.done.items())  # one copy, not two
