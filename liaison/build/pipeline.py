"""The build, stage by stage: load -> validate -> model -> plan -> render -> write.

A full build runs every job of the plan. A partial one (`--only`, `--station`) runs the chosen jobs and the
aggregates that fan in from them, and keeps every other published file as it is: the build that published the
current generation recorded each job's files and facts beside its trees (`build-state.json`), so what is kept
is known by job, and aggregates read the kept jobs' facts as if they had run.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from liaison.build import distributed, executor
from liaison.build.config import Config, site_theme
from liaison.build.plan import LINK_CHECK, TARGETS, Job, plan, select
from liaison.build.writer import OutputError, Publication, WriteReport, shown
from liaison.content.loader import load_content
from liaison.content.problems import ContentError, Problem
from liaison.content.validate import Typed, validate
from liaison.model import dates
from liaison.model.site import Site, build_site
from liaison.render import Context, Output, Rendered, theme
from liaison.render.print.preflight import preflight
from liaison.rules import rating

# (target, jobs done, jobs of that target in this run): first (target, 0, total) for each target, then once per
# job as its outputs reach the writer. A job not rendered because its outputs are kept counts as done.
Progress = Callable[[str, int, int], None]
Notify = Callable[[str], None]  # a one-line notice for the user
FOLDERS = ("site", "signage")  # the output folders, in the order the plan writes them
STATE_VERSION = 1


class SelectionError(ValueError):
    """A part of the build asked for that does not exist (`--station` naming no station)."""


@dataclass(frozen=True)
class BuildReport:
    site: Site
    warnings: list[Problem]
    written: dict[str, WriteReport]


def check(config: Config) -> tuple[Site, list[Problem]]:
    """Load and validate; raise ContentError with every problem, or return the model and warnings."""
    typed, warnings = _validated(config)
    return _site(typed, config), warnings


def content_problems(content: Path) -> tuple[Typed, list[Problem]]:
    """The typed records and every problem of the content, in one list: the records themselves, the rules
    that read them (the star table's scores) and what the print files need of them (preflight)."""
    typed, found = validate(load_content(content), content)
    return typed, [*found, *rating.assessment_problems(typed), *preflight(typed, content)]


def _validated(config: Config) -> tuple[Typed, list[Problem]]:
    typed, problems = content_problems(config.content)
    errors = [p for p in problems if p.severity == "error" or config.strict]
    if errors:
        raise ContentError(problems)
    return typed, problems


def _site(typed: Typed, config: Config) -> Site:
    """The model for the day of the build, which is read in the zone the settings name."""
    assert typed.site is not None
    return build_site(typed, config.today or dates.today(typed.site.zone))


def dating(site: Site, config: Config) -> dates.Dating:
    """What dates outputs by the content files they are made from."""
    return dates.Dating(config.content, site.settings.zone)


def environment(site: Site, config: Config) -> jinja2.Environment:
    return theme.environment(dating(site, config), site_theme(site, config))


def context(site: Site, typed: Typed, config: Config) -> Context:
    """What every job reads besides its arguments: the model, the templates, the content's dates."""
    content_dates = dating(site, config)
    records = (typed.site_raw, *typed.raw.values()) if typed.site_raw else tuple(typed.raw.values())
    themed = site_theme(site, config)
    return Context(site, theme.environment(content_dates, themed), content_dates, config.content, themed, records)


def worker_context(config: Config) -> Context:
    """The context made again from the content in a process that did not plan the build (a Dask worker): the
    client has checked the content, so this only reads it; `config` names the day and the theme folder."""
    typed, _ = validate(load_content(config.content), config.content)
    return context(_site(typed, config), typed, config)


@dataclass(frozen=True)
class Prepared:
    """A build up to its plan: what its jobs read, and every job."""

    context: Context
    jobs: list[Job]
    warnings: list[Problem]

    def selected(self, config: Config) -> list[Job]:
        """The jobs a build with this configuration runs: every one, unless it names a part."""
        return select(self.jobs, config.only, config.stations) if config.partial else self.jobs


def prepare(config: Config) -> Prepared:
    """Load, validate, make the model and plan: raise ContentError with every problem, or SelectionError for a
    station that does not exist."""
    typed, warnings = _validated(config)
    site = _site(typed, config)
    _check_stations(site, config)
    return Prepared(context(site, typed, config), plan(site, config), warnings)


def sources(config: Config) -> dict[str, Path]:
    """What no output folder may be, contain or be inside."""
    folders = {"内容目录": config.content, "模板目录": config.theme_dir}
    if config.theme:  # site.yaml's theme is inside the content folder
        folders["主题目录"] = config.theme
    return folders


def build(config: Config, progress: Progress | None = None, notify: Notify | None = None) -> BuildReport:
    """Refuse unsafe output folders, lock them, check, plan, render, then publish site and signage together."""
    directories = {"site": config.site_dir, "signage": config.signage_dir}
    with Publication(directories, sources(config), config.force, notify) as publication:
        prepared = prepare(config)
        run = _partial(prepared.jobs, config, publication) if config.partial else _Run(prepared.jobs)
        results = (distributed.run(run.jobs, prepared.context, run.given, address=config.dask, config=config,
                                   make_context=worker_context, workers=config.jobs) if config.dask
                   else executor.run(run.jobs, prepared.context, run.given, workers=config.jobs))
        stream = _Stream(results, _Tally(run.jobs, progress) if progress else None)
        written = {name: publication.stage(name, stream.outputs(name), keep=run.keep.get(name, ()))
                   for name in FOLDERS}
        publication.stage_state(_state(run, stream.facts))
        publication.publish()
    return BuildReport(prepared.context.site, prepared.warnings, written)


def _check_stations(site: Site, config: Config) -> None:
    for station in config.stations:
        if station not in site.stations:
            close = difflib.get_close_matches(station, site.stations, n=1)
            hint = f"，是否想写“{close[0]}”？" if close else f"。联络站有：{'、'.join(site.stations)}"
            raise SelectionError(f"--station：没有编号为“{station}”的联络站（stations/{station}.yaml）{hint}")


@dataclass
class _Run:
    """The jobs a build runs, what it keeps of the published outputs, and the kept jobs' facts."""

    jobs: list[Job]
    given: dict[str, Rendered] = dataclasses.field(default_factory=dict)  # kept jobs' facts, for aggregates
    keep: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # folder -> published files kept
    kept: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # key -> its record, as it was


def _partial(jobs: list[Job], config: Config, publication: Publication) -> _Run:
    """The chosen jobs, and every other published job's files kept: those of this plan's other jobs, and those
    of jobs this plan no longer has (a record deleted since) unless they belong to the chosen part."""
    previous = _previous_jobs(publication)
    selected = select(jobs, config.only, config.stations)
    chosen = {job.key for job in selected}
    planned = {job.key for job in jobs}
    kept = {key: entry for key, entry in previous.items()
            if key not in chosen and (key in planned or not _in_part(entry, config))}
    keep: dict[str, list[str]] = {name: [] for name in FOLDERS}
    for key, entry in kept.items():  # a path a chosen job now writes is that job's
        paths = [path for path in entry["facts"]["paths"] if not any(job.owns(path) for job in selected)]
        kept[key] = {**entry, "facts": {**entry["facts"], "paths": paths}}
        keep[entry["tree"]] += paths
    given = {key: Rendered((), {**entry["facts"], "carried": True}) for key, entry in kept.items()}
    absent = [path for job in jobs if job.key not in chosen and job.key not in kept for path in job.outputs]
    stale = [path for key, entry in kept.items() if key not in planned and entry["tree"] == "site"
             for path in entry["facts"]["paths"]]
    run = []
    for job in selected:
        job = dataclasses.replace(job, fan_in=tuple(key for key in job.fan_in if key in chosen or key in kept))
        if job.key == LINK_CHECK:
            job = dataclasses.replace(job, args=(tuple(stale), tuple(absent)))
        run.append(job)
    return _Run(run, given, keep, kept)


def _in_part(entry: Mapping[str, Any], config: Config) -> bool:
    return (not config.only or entry["target"] in config.only) and (
        not config.stations or entry["station"] in config.stations)


def _previous_jobs(publication: Publication) -> dict[str, dict[str, Any]]:
    """The record of the build that published the current outputs, if it matches them file for file."""
    data = publication.previous_state()
    try:
        state = json.loads(data) if data else None
    except ValueError:
        state = None
    jobs = state.get("jobs") if isinstance(state, dict) and state.get("version") == STATE_VERSION else None
    try:
        recorded = {name: sorted(path for entry in jobs.values() if entry["tree"] == name
                                 for path in entry["facts"]["paths"]) for name in FOLDERS} if jobs else None
    except (AttributeError, KeyError, TypeError):  # not a record this program wrote
        recorded = None
    if jobs and recorded and all(recorded[name] == sorted(publication.published_files(name)) for name in FOLDERS):
        return dict(jobs)
    folders = "、".join(shown(path) for path in publication.given.values())
    raise OutputError(f"只生成部分内容（--only、--station）需要 {folders} 是本程序上次完整生成的结果，"
                      f"但没有找到与它们相符的生成记录。请先完整生成一次（不加 --only、--station）。")


def _state(run: _Run, facts: Mapping[str, tuple[Job, dict[str, Any]]]) -> bytes:
    """The record of this build's outputs by job, for a partial build after it: the jobs run and those kept."""
    jobs = dict(run.kept)
    for key, (job, job_facts) in facts.items():
        if job.outputs:
            jobs[key] = {"tree": job.tree, "target": job.target, "station": job.station, "facts": job_facts}
    state = {"generator": "liaison", "version": STATE_VERSION, "jobs": dict(sorted(jobs.items()))}
    return (json.dumps(state, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class _Stream:
    """The results of a run, in plan order, as each folder's outputs; a check's problems stop the build."""

    def __init__(self, results: Iterator[tuple[Job, Rendered]], tally: _Tally | None) -> None:
        self.results = results
        self.tally = tally
        self.next: tuple[Job, Rendered] | None = next(results, None)
        self.facts: dict[str, tuple[Job, dict[str, Any]]] = {}

    def outputs(self, name: str) -> Iterator[Output]:
        while self.next is not None and self.next[0].tree == name:
            job, result = self.next
            if result.problems:
                raise ContentError(list(result.problems))
            self.facts[job.key] = (job, result.facts)
            yield from result.outputs
            if self.tally:
                self.tally.done(job)
            self.next = next(self.results, None)
        if self.next is not None and self.next[0].tree in FOLDERS[:FOLDERS.index(name)]:
            raise RuntimeError(f"the plan writes {self.next[0].key} after the {name} folder")


class _Tally:
    """Jobs done per target against the run's totals, told to a Progress callback (targets in TARGETS order)."""

    def __init__(self, jobs: Sequence[Job], progress: Progress) -> None:
        self.progress = progress
        self.totals = {target: n for target in TARGETS if (n := sum(job.target == target for job in jobs))}
        self.counts = dict.fromkeys(self.totals, 0)
        for target, total in self.totals.items():
            progress(target, 0, total)

    def done(self, job: Job) -> None:
        self.counts[job.target] += 1
        self.progress(job.target, self.counts[job.target], self.totals[job.target])
