"""The build, stage by stage: load -> validate -> model -> plan -> render -> write.

The build that published the current generation recorded, beside its trees, each job's files, facts and
fingerprint (`build/state.py`). A build renders the jobs whose record is not current and the aggregates that
fan in from them, and keeps every other published file as it is (linked into the new generation): the result
is byte for byte what rendering everything would give (`--clean` does that). A partial build (`--only`,
`--station`) runs the chosen jobs and their aggregates whatever the record says, and keeps every other file;
aggregates read the kept jobs' facts as if they had run.
"""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from liaison.build import distributed, executor, linkcheck, state
from liaison.build.config import Config, site_theme, user_cache
from liaison.build.plan import LINK_CHECK, TARGETS, Job, plan, select
from liaison.build.writer import OutputError, Publication, WriteReport, read_notes, shown
from liaison.content import photos
from liaison.content.loader import load_content
from liaison.content.problems import ContentError, Problem
from liaison.content.validate import Typed, validate
from liaison.model import dates, tombstones, urls
from liaison.model.site import Site, build_site
from liaison.render import Context, Output, Rendered, theme
from liaison.render.print import pdf
from liaison.render.print.preflight import preflight
from liaison.rules import rating

# (target, jobs done, jobs of that target in this build's plan): first for each target, with the jobs whose
# outputs are current and kept counted as done, then once per job run as its outputs reach the writer.
Progress = Callable[[str, int, int], None]
Notify = Callable[[str], None]  # a one-line notice for the user
FOLDERS = ("site", "signage")  # the output folders, in the order the plan writes them


class SelectionError(ValueError):
    """A part of the build asked for that does not exist (`--station` naming no station)."""


@dataclass(frozen=True)
class BuildReport:
    site: Site
    warnings: list[Problem]
    written: dict[str, WriteReport]
    rendered: int = 0  # jobs run
    kept: int = 0  # jobs whose published files were current and kept


def check(config: Config) -> tuple[Site, list[Problem]]:
    """Load and validate; raise ContentError with every problem, or return the model and warnings."""
    typed, warnings = _validated(config)
    return _site(typed, config), warnings


def content_problems(content: Path) -> tuple[Typed, list[Problem]]:
    """The typed records and every problem of the content, in one list: the records themselves, the rules
    that read them (the star table's scores) and what the print files need of them (preflight)."""
    decoded = photos.Decoded(user_cache("photos.json"))  # photos decoded whole by an earlier check
    typed, found = validate(load_content(content), content, decoded)
    decoded.save()
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


def context(site: Site, config: Config, typed: Typed | None = None) -> Context:
    """What every job reads besides its arguments: the model, the templates, the content's dates, and a stamp of
    the records `typed` as loaded (for the link check). Not the records as loaded: the model holds what the
    outputs show, and render workers inherit the context."""
    content_dates = dating(site, config)
    themed = site_theme(site, config)
    env = theme.environment(content_dates, themed, compiled=user_cache("templates"))  # for every render worker
    loaded = linkcheck.stamp(typed.site_raw, *typed.raw.values()) if typed else None
    return Context(site, env, content_dates, config.content, themed, loaded=loaded)


def worker_context(config: Config) -> Context:
    """The context made again from the content in a process that did not plan the build (a Dask worker): the
    client has checked the content, so this only reads it; `config` names the day and the theme folder."""
    typed, _ = validate(load_content(config.content), config.content)
    return context(_site(typed, config), config, typed)


REGISTER = "register"  # the site tree's manifest note holding the record pages published and the tombstones


@dataclass(frozen=True)
class Prepared:
    """A build up to its plan: what its jobs read, and every job."""

    context: Context
    jobs: list[Job]
    warnings: list[Problem]
    register: tombstones.Register = tombstones.EMPTY  # the record pages and tombstones this build keeps

    def selected(self, config: Config) -> list[Job]:
        """The jobs a build with this configuration runs: every one, unless it names a part."""
        return select(self.jobs, config.only, config.stations) if config.partial else self.jobs


def prepare(config: Config, previous: tombstones.Register = tombstones.EMPTY) -> Prepared:
    """Load, validate, make the model and plan, with the pages of gone records the last build's register and
    this content make (see `_register`): raise ContentError with every problem, or SelectionError for a station
    that does not exist or a --prune address that is no tombstone."""
    typed, warnings = _validated(config)
    site = _site(typed, config)
    _check_stations(site, config)
    register = _register(config, site, tombstones.update(previous, site))
    return Prepared(context(site, config, typed), plan(site, config, register), warnings, register)


def published_register(config: Config) -> tombstones.Register:
    """The register of the site published in config's folder (`liaison plan` shows its tombstones), read
    without taking the lock: a build in progress publishes its own in one switch."""
    return tombstones.read(read_notes(config.site_dir).get(REGISTER))


def sources(config: Config) -> dict[str, Path]:
    """What no output folder may be, contain or be inside."""
    folders = {"内容目录": config.content, "模板目录": config.theme_dir}
    if config.theme:  # site.yaml's theme is inside the content folder
        folders["主题目录"] = config.theme
    return folders


def build(config: Config, progress: Progress | None = None, notify: Notify | None = None) -> BuildReport:
    """Refuse unsafe output folders, lock them, check, plan, render what changed since the published build,
    then publish site and signage together. A build with nothing to render and nothing to remove writes
    nothing."""
    directories = {"site": config.site_dir, "signage": config.signage_dir}
    with Publication(directories, sources(config), config.force, notify) as publication:
        before = publication.published_notes("site").get(REGISTER)
        prepared = prepare(config, tombstones.read(before))
        register = prepared.register
        fingerprints = state.Fingerprints(prepared.context)
        environment = state.environment(prepared.context)
        previous = _previous_jobs(publication, environment)
        if config.partial:
            run = _partial(prepared.jobs, config, publication, previous, fingerprints)
        else:
            run = _incremental(prepared.jobs, {} if config.clean or previous is None else previous, fingerprints)
        if not run.jobs and previous is not None and set(run.kept) == set(previous) and register.state() == before:
            unchanged = {name: WriteReport(len(publication.published_files(name)), 0, 0) for name in FOLDERS}
            return BuildReport(prepared.context.site, prepared.warnings, unchanged, rendered=0, kept=len(run.kept))
        if any(job.tree == "signage" for job in run.jobs):
            pdf.load()
        context = prepared.context
        if previous is not None and not config.clean:  # portraits and QR symbols the published build made, taken again
            made = state.made(previous, publication.previous("site"), publication.published_files("site"))
            context = dataclasses.replace(context, made=made, symbols=state.symbols(previous))
        for job in run.jobs:  # the states of the files that date the outputs, read before the workers start
            fingerprints.of(job)  # (they inherit them): a file touched meanwhile is no other state in the record
        results = (distributed.run(run.jobs, context, run.given, address=config.dask, config=config,
                                   make_context=worker_context, workers=config.jobs) if config.dask
                   else executor.run(run.jobs, context, run.given, workers=config.jobs))
        tally = _Tally(prepared.selected(config), run.jobs, progress) if progress else None
        # Closed however the build ends: a run left suspended by an error raised here (a check's problems)
        # would keep its workers and the parent's frozen collector until its error was forgotten.
        with contextlib.closing(results):
            stream = _Stream(results, tally)
            notes = {"site": {REGISTER: register.state()}}  # the register goes wherever the published site goes
            written = {name: publication.stage(name, stream.outputs(name), keep=run.keep.get(name, ()),
                                               notes=notes.get(name)) for name in FOLDERS}
        publication.stage_state(state.encode(run.entries(stream.done, fingerprints), environment))
        publication.publish()
    return BuildReport(prepared.context.site, prepared.warnings, written, rendered=len(run.jobs), kept=len(run.kept))


def _register(config: Config, site: Site, register: tombstones.Register) -> tombstones.Register:
    """The register without the tombstones --prune names, or SelectionError for an address that names none."""
    paths = [_page_path(address, register, site.settings.base_url) for address in config.prune]
    unknown = [address for address, path in zip(config.prune, paths, strict=True) if path is None]
    if unknown:
        kept = "、".join(urls.canonical("", page.path) for page in register.tombstones) or "（没有）"
        raise SelectionError(f"--prune：“{'”“'.join(unknown)}”不是已删除记录留下的页面，不能移除。"
                             f"现有的这类页面：{kept}")
    return register.without(path for path in paths if path)


def _page_path(address: str, register: tombstones.Register, base_url: str) -> str | None:
    """The tombstone an address names: the public URL, /deputies/x/, deputies/x or deputies/x/index.html."""
    path = address.removeprefix(base_url).strip("/")
    path = path if path.endswith(".html") else f"{path}/index.html"
    return path if register.tombstone(path) else None


def _check_stations(site: Site, config: Config) -> None:
    for station in config.stations:
        if station not in site.stations:
            close = difflib.get_close_matches(station, site.stations, n=1)
            hint = f"，是否想写“{close[0]}”？" if close else f"。联络站有：{'、'.join(site.stations)}"
            raise SelectionError(f"--station：没有编号为“{station}”的联络站（stations/{station}.yaml）{hint}")


@dataclass
class _Run:
    """The jobs a build runs, what it keeps of the published outputs, and the kept jobs' records."""

    jobs: list[Job]
    given: dict[str, Rendered] = dataclasses.field(default_factory=dict)  # kept jobs' facts, for aggregates
    keep: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # folder -> published files kept
    kept: dict[str, state.Entry] = dataclasses.field(default_factory=dict)  # key -> its record, as it was

    def entries(self, results: Mapping[str, tuple[Job, Rendered]], fingerprints: state.Fingerprints
                ) -> dict[str, state.Entry]:
        """The record of every job whose files this build publishes: those it ran and those it kept."""
        jobs = dict(self.kept)
        for key, (job, result) in results.items():
            if job.outputs:
                reads = {name: made_of or fingerprints.read(name) for name, made_of in result.loaded}
                jobs[key] = state.entry(job, result.facts, fingerprints.of(job), reads)
        return jobs


def _incremental(jobs: list[Job], previous: Mapping[str, state.Entry], fingerprints: state.Fingerprints) -> _Run:
    """The jobs whose recorded outputs are not current (and what fans in from them), every other job's files
    kept as published: the result is what a full build would write."""
    chosen = state.stale(jobs, previous, fingerprints)
    kept = {job.key: previous[job.key] for job in jobs if job.key not in chosen and job.outputs}
    keep: dict[str, list[str]] = {name: [] for name in FOLDERS}
    for entry in kept.values():
        keep[entry["tree"]] += entry["facts"]["paths"]
    given = {key: Rendered((), entry["facts"]) for key, entry in kept.items()}
    return _Run([job for job in jobs if job.key in chosen], given, keep, kept)


def _partial(jobs: list[Job], config: Config, publication: Publication,
             previous: dict[str, state.Entry] | None, fingerprints: state.Fingerprints) -> _Run:
    """The chosen jobs, and every other published job's files kept: those of this plan's other jobs, and those
    of jobs this plan no longer has (a record deleted since) unless they belong to the chosen part. With
    `pages_first`, only the chosen web pages not current are rendered."""
    if previous is None:
        folders = "、".join(shown(path) for path in publication.given.values())
        raise OutputError(f"只生成部分内容（--only、--station）需要 {folders} 是本程序上次完整生成的结果，"
                          f"但没有找到与它们相符的生成记录。请先完整生成一次（不加 --only、--station）。")
    selected = select(jobs, config.only, config.stations)
    if config.pages_first:
        pages = [job for job in selected if _page(job)]  # no page fans in: what is stale of them is theirs alone
        outdated = state.stale(pages, previous, fingerprints)
        selected = [job for job in pages if job.key in outdated]
    chosen = {job.key for job in selected}
    by_key = {job.key: job for job in jobs}
    planned = {job.key for job in jobs}
    kept = {key: entry for key, entry in previous.items()
            if key not in chosen and (key in planned or not _in_part(entry, config))}
    keep: dict[str, list[str]] = {name: [] for name in FOLDERS}
    owned = _owned_by(selected)
    for key, entry in kept.items():  # a path a chosen job now writes is that job's
        paths = [path for path in entry["facts"]["paths"] if not owned(path)]
        kept[key] = {**entry, "facts": {**entry["facts"], "paths": paths}}
        if key in by_key and chosen.intersection(by_key[key].fan_in):  # what it read of them has changed
            kept[key]["fingerprint"] = None
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


def _page(job: Job) -> bool:
    """Whether the job makes one web page (no aggregate, no feed or image)."""
    return job.target == "web" and not job.fan_in and job.outputs[0].endswith(".html")


def _owned_by(jobs: Sequence[Job]) -> Callable[[str], bool]:
    """Whether one of `jobs` owns a path (Job.owns), asked of a set rather than of every job in turn: a partial
    build asks it of every kept path."""
    outputs = {path for job in jobs for path in job.outputs}
    patterns = [job for job in jobs if job.more is not None]
    return lambda path: path in outputs or any(job.owns(path) for job in patterns)


def _in_part(entry: Mapping[str, Any], config: Config) -> bool:
    return (not config.only or entry["target"] in config.only) and (
        not config.stations or entry["station"] in config.stations)


def _previous_jobs(publication: Publication, environment: str) -> dict[str, state.Entry] | None:
    """The record of the build that published the current outputs, if it matches them file for file."""
    jobs = state.read(publication.previous_state(), environment)
    if not jobs:
        return None
    recorded = {name: sorted(path for entry in jobs.values() if entry["tree"] == name
                             for path in entry["facts"]["paths"]) for name in FOLDERS}
    if all(recorded[name] == sorted(publication.published_files(name)) for name in FOLDERS):
        return jobs
    return None


class _Stream:
    """The results of a run, in plan order, as each folder's outputs; a check's problems stop the build."""

    def __init__(self, results: Iterator[tuple[Job, Rendered]], tally: _Tally | None) -> None:
        self.results = results
        self.tally = tally
        self.next: tuple[Job, Rendered] | None = next(results, None)
        self.done: dict[str, tuple[Job, Rendered]] = {}  # every job's result, its outputs left out
        self.loaded: dict[tuple[tuple[str, str | None], ...], tuple[tuple[str, str | None], ...]] = {}

    def outputs(self, name: str) -> Iterator[Output]:
        while self.next is not None and self.next[0].tree == name:
            job, result = self.next
            if result.problems:
                raise ContentError(list(result.problems))
            loaded = self.loaded.setdefault(result.loaded, result.loaded)  # jobs of a kind load the same: held once
            self.done[job.key] = (job, Rendered((), result.facts, (), loaded))  # the runner's one copy
            yield from result.outputs
            if self.tally:
                self.tally.done(job)
            self.next = next(self.results, None)
        if self.next is not None and self.next[0].tree in FOLDERS[:FOLDERS.index(name)]:
            raise RuntimeError(f"the plan writes {self.next[0].key} after the {name} folder")


class _Tally:
    """Jobs done per target against the build's totals, told to a Progress callback (targets in TARGETS order):
    the build's jobs are those `plan` lists for it; those it does not run, their outputs kept as they are
    current, are done from the start."""

    def __init__(self, planned: Sequence[Job], run: Sequence[Job], progress: Progress) -> None:
        self.progress = progress
        self.totals = {target: n for target in TARGETS if (n := sum(job.target == target for job in planned))}
        running = {job.key for job in run}
        self.counts = {target: sum(job.target == target and job.key not in running for job in planned)
                       for target in self.totals}
        for target, total in self.totals.items():
            progress(target, self.counts[target], total)

    def done(self, job: Job) -> None:
        self.counts[job.target] += 1
        self.progress(job.target, self.counts[job.target], self.totals[job.target])
