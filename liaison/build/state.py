"""What each published output was made from, so that the next build renders only what changed.

A build records, beside the trees it publishes (`build-state.jsonl` in the generation, switched with them in the
same rename, so the record always describes what is published), for every job: its files and facts, a
fingerprint of what the plan says it reads, and the templates and theme files it actually loaded while
rendering (recorded as it ran, as Lektor records dependencies: includes, imports and macros, and the
stylesheets a template inlines). A job is current when its fingerprint is the same now and every file it loaded
still has the digest recorded; everything else is rendered again.

The fingerprint covers the job itself (render function, arguments, outputs, fan-in), the records it reads (their
typed values, so a comment edit changes nothing), the files it names (path, size, modification time), the
settings keys it reads, the day as far as the job shows it (see `Fingerprints._moment`), and each record's
file time where that dates the output (no SOURCE_DATE_EPOCH). The environment (this program's code, every
installed package's version, the fonts fontconfig knows) is recorded once: when it differs,
nothing of the last build is reused. A record that cannot be read, or was written by another version, is no
record: the build is a full one, never a wrong one.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2

from liaison.build import fingerprint, interning
from liaison.build.plan import Job
from liaison.content import paths
from liaison.model import dates, schedule
from liaison.model.site import Site
from liaison.render import SOURCE, Context, Made, qr, theme

VERSION = 5  # 5: each QR symbol once, in a table the jobs' facts name (qr.FACT); the record is build-state.jsonl
Entry = dict[str, Any]  # a job's record: tree, target, station, facts, fingerprint, reads
Symbols = dict[str, tuple[str, str]]  # the record's table of QR symbols: a payload's name -> (payload, kept text)


def read(data: bytes | None, environment: str) -> dict[str, Entry] | None:
    """The jobs recorded by the last build, or None when there is no usable record (none, unreadable, another
    version of the record, another environment).

    The record is a line of JSON for the build, with the numbers of symbol and job lines that follow, then a
    line for each QR symbol the jobs drew (`encode`), then a line for each job: one cut short or added to is no
    record. Read a job at a time, with every equal text held once (the links of pages, the digests of
    templates), a county's record (25 MB at 300 stations) takes 40 MB in the build's process instead of 75, and
    never the whole text decoded at once besides."""
    lines = _lines(data or b"")
    try:
        header = json.loads(next(lines, b"null"))
        if not isinstance(header, dict) or header.get("version") != VERSION or type(header.get("symbols")) is not int:
            return None
        shared: interning.Table = {}
        table = _table(lines, header["symbols"], shared)
        jobs, count = {}, 0
        for line in lines:
            key, entry = json.loads(line)
            jobs[key] = _drawn(interning.held(entry, shared), table)
            count += 1
    except (ValueError, TypeError, StopIteration):
        return None
    if header.get("jobs") != count or len(jobs) != count or not all(_well_formed(entry) for entry in jobs.values()):
        return None
    if header.get("environment") != environment:
        for entry in jobs.values():  # still good for keeping files (a partial build), never for reuse
            entry["fingerprint"] = None
    return jobs


def _table(lines: Iterator[bytes], count: int, shared: interning.Table) -> Symbols:
    """The record's QR symbols, by name: `count` lines `[name, payload, text]`. An entry that is not that shape
    is left out (its payload is encoded again); a symbol's own check (`qr.kept`) tells a damaged text."""
    table: Symbols = {}
    for _ in range(count):
        item = json.loads(next(lines))
        if isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item):
            name, payload, text = interning.held(item, shared)
            table[name] = (payload, text)
    return table


def _drawn(entry: Any, table: Symbols) -> Any:
    """The job's entry with the symbols its facts name (qr.FACT) taken from the table, by payload, as the job
    drew them; a name the table lacks is left out (encoded again)."""
    facts: Any = entry.get("facts") if isinstance(entry, dict) else None
    names = facts.get(qr.FACT) if isinstance(facts, dict) else None
    if names is not None:
        found = [table[name] for name in names if name in table] if isinstance(names, list) else []
        facts[qr.FACT] = dict(found)
        if not found:
            del facts[qr.FACT]
    return entry


def _lines(data: bytes) -> Iterator[bytes]:
    """The non-empty lines of `data`, one at a time: bytes.splitlines() would hold a copy of every line at once
    (a county's record is 25 MB)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end > start:
            yield data[start:end]
        start = end + 1


def _well_formed(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("facts"), dict)
            and isinstance(entry["facts"].get("paths"), list) and isinstance(entry.get("reads", {}), dict)
            and entry.get("tree") in ("site", "signage"))


def made(jobs: Mapping[str, Entry], tree: Path | None, files: Mapping[str, str]) -> dict[str, Made]:
    """The files of the published site `tree` (listed with their digests in `files`, its manifest) that jobs of
    this environment made from a source (SOURCE in their facts), by path: made again from the same source bytes
    they would be the same bytes. A record of another environment has no fingerprint (`read`): none of those."""
    if tree is None:
        return {}
    found: dict[str, Made] = {}
    for entry in jobs.values():
        source = entry["facts"].get(SOURCE)
        if entry["tree"] == "site" and entry.get("fingerprint") is not None and isinstance(source, str):
            found.update((path, Made(source, tree / path, files[path])) for path in entry["facts"]["paths"]
                         if path in files)
    return found


def symbols(jobs: Mapping[str, Entry]) -> dict[str, str]:
    """The QR symbols the recorded jobs of this environment drew, by payload (their facts' qr.FACT), for the next
    build's jobs to take instead of encoding them again. A record of another environment has no fingerprint
    (`read`): none of those, since other code may have kept them otherwise. Each also carries a check of its
    encoder, payload and modules (`qr.kept`): a damaged one is encoded again."""
    found: dict[str, str] = {}
    for entry in jobs.values():
        drawn = entry["facts"].get(qr.FACT)
        if entry.get("fingerprint") is not None and isinstance(drawn, dict):
            found.update(drawn)
    return found


def encode(jobs: Mapping[str, Entry], environment: str) -> bytes:
    """The record `read` reads: a line for the build (with the numbers of symbols and jobs), a line for each
    QR symbol the jobs drew, [name, payload, text], by name, then a line for each job, [key, entry], by key.

    A symbol is drawn by several jobs (a deputy's code on their page, their station's, the lobby screen …): it is
    written once, and each job's facts name it (`_symbol_name`). Only jobs of this environment (with a
    fingerprint) name symbols: those of a record of another environment are never taken (`symbols`)."""
    table: dict[str, list[str]] = {}
    lines = [[key, _naming(jobs[key], table)] for key in sorted(jobs)]
    header = {"generator": "liaison", "version": VERSION, "environment": environment, "symbols": len(table),
              "jobs": len(jobs)}
    symbols = ([name, *table[name]] for name in sorted(table))
    return "".join(_RECORD_JSON.encode(line) + "\n" for line in (header, *symbols, *lines)).encode()


def _naming(entry: Entry, table: dict[str, list[str]]) -> Entry:
    """The entry with its drawn symbols (facts' qr.FACT) put in `table` and named in its facts."""
    facts = entry["facts"]
    drawn = facts.get(qr.FACT)
    if drawn is None:
        return entry
    others = {fact: value for fact, value in facts.items() if fact != qr.FACT}
    if entry.get("fingerprint") is None or not isinstance(drawn, dict):
        return {**entry, "facts": others}
    names = []
    for payload, text in drawn.items():
        names.append(name := _symbol_name(payload))
        table.setdefault(name, [payload, text])
    return {**entry, "facts": {**others, qr.FACT: names}}


def _symbol_name(payload: str) -> str:
    """A payload's name in the record's table: shorter than most payloads (addresses), and a clash of two would
    only have one of them encoded again (a symbol's check covers its payload)."""
    return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()


# One encoder for every line and digest: json.dumps with options makes a new one at each call.
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DIGEST_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def entry(job: Job, facts: Mapping[str, Any], fingerprint: str | None, reads: Mapping[str, str]) -> Entry:
    return {"tree": job.tree, "target": job.target, "station": job.station, "facts": dict(facts),
            "fingerprint": fingerprint, "reads": dict(sorted(reads.items()))}


# ---- the environment -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _code_and_packages() -> str:
    """This program's code and the versions of every installed package (WeasyPrint, Pillow, fontTools,
    HarfBuzz, Jinja2 … all shape the bytes) and of Python."""
    digest = hashlib.sha256(fingerprint.code().encode())
    found = sorted(f"{name}=={version}" for name, version in _packages().items())
    digest.update("\n".join([sys.version, platform.machine(), *found]).encode())
    return digest.hexdigest()


def _packages() -> dict[str, str]:
    """Each installed package's version, by its normalized name: the first found on the path, as an import finds
    it. A package is listed once however often its metadata is on the path: `python -m liaison` run in the
    project's folder also finds the `liaison.egg-info` an editable install leaves there, and run elsewhere
    it does not; listing both made another environment, and every output was made again."""
    found: dict[str, str] = {}
    for distribution in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", str(distribution.metadata["Name"] or "")).lower()
        found.setdefault(name, distribution.version)
    return found


@functools.lru_cache(maxsize=1)
def _fonts() -> str:
    """Every font file fontconfig knows, by path, size and modification time (WeasyPrint and the font subsets
    draw with them)."""
    listed = fingerprint.font_files()
    return "no fontconfig" if listed is None else _digest([_stat(path) for path in listed])


def environment(ctx: Context) -> str:
    """What every output depends on: the code, the packages, the fonts, and whether files' times date the
    outputs (the theme's files are recorded by the jobs that read them, wherever the theme's folder is)."""
    epoch = dates.source_date_epoch()
    return _digest([_code_and_packages(), _fonts(), epoch.isoformat() if epoch else None,
                    str(ctx.site.settings.zone)])


# ---- fingerprints ----------------------------------------------------------------------------------------

class Fingerprints:
    """The fingerprints of a build's jobs, and whether a recorded job is current: each record, file, template
    and day state computed once per build."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.site: Site = ctx.site
        self.settings = ctx.site.settings.model_dump(mode="json")
        self.timed = dates.source_date_epoch() is None  # files' times date the outputs
        self._records: dict[tuple[str, str], str | None] = {}
        self._moments: dict[tuple[str, str], Any] = {}
        self._groups: dict[tuple[str, tuple[str, ...], bool], str] = {}  # _records_of, by kind, ids and rule_days
        self._items: dict[tuple[str, str, bool], str] = {}  # _item, by kind, id and rule_days
        self._files: dict[str, Any] = {}
        self._parts: dict[Any, str] = {}  # JSON of a job's parts that many jobs share: a file, a list of settings keys
        self._reads: dict[str, str] = {}
        self._jobs: dict[str, str] = {}  # by job key; asked when deciding what to render, and again when recording it
        self._content_roots = (ctx.content, ctx.content.resolve())

    def of(self, job: Job) -> str:
        if job.key not in self._jobs:
            self._jobs[job.key] = self._fingerprint(job)
        return self._jobs[job.key]

    def _fingerprint(self, job: Job) -> str:
        """The digest of a line of JSON for each part of the job (a JSON text holds no line break): the parts that
        many jobs share (a file's state, a list of settings keys, of templates) made once per build and joined,
        not encoded again for every job (a county's web pages: 17 MB of JSON)."""
        inputs = job.inputs
        records = [[kind, self._records_of(kind, ids, inputs.rule_days)] for kind, ids in inputs.records]
        reads_opinions = any(kind == "opinions" for kind, _ in inputs.records)
        return _digest("\n".join([
            _json([f"{job.render.__module__}.{job.render.__qualname__}", _plain(job.args), list(job.outputs),
                   job.more, list(job.fan_in), records]),
            "[" + ",".join([self._part(("file", name)) for name in inputs.files]) + "]",
            self._part(("settings", inputs.settings)), self._part(("templates", inputs.templates)),
            self._part(("day", (reads_opinions, inputs.today))),
        ]))

    def _part(self, key: tuple[str, Any]) -> str:
        """The JSON of a part of a job's inputs that many jobs share, made once per build."""
        if key not in self._parts:
            what, value = key
            if what == "file":
                part = [value, self._file(value)]
            elif what == "settings":
                part = [[name, self.settings.get(name)] for name in value]
            elif what == "day":  # opinions by month, the last twelve months: the month moves them
                by_month, today = value
                part = [[self.site.today.year, self.site.today.month] if by_month else None,
                        self.site.today.isoformat() if today else None]
            else:
                part = list(value)
            self._parts[key] = _json(part)
        return self._parts[key]

    def current(self, job: Job, recorded: Entry | None) -> bool:
        """Whether the recorded outputs of the job are what rendering it now would make."""
        if recorded is None or recorded.get("fingerprint") != self.of(job):
            return False
        return all(self.read(name) == digest for name, digest in recorded.get("reads", {}).items())

    def read(self, name: str) -> str:
        """The digest of a template (by the name it was loaded by) or a theme file ("theme:<path>") as it is now."""
        if name not in self._reads:
            self._reads[name] = self._read(name)
        return self._reads[name]

    def _read(self, name: str) -> str:
        if name.startswith(theme.THEME_FILE):
            path = self.ctx.theme.path(name[len(theme.THEME_FILE):])
            return theme.digest(path.read_bytes()) if path.is_file() else "missing"
        loader = self.ctx.env.loader
        try:
            source = loader.get_source(self.ctx.env, name)[0] if loader else ""
        except jinja2.TemplateNotFound:
            return "missing"
        return theme.digest(source.encode("utf-8"))

    def _records_of(self, kind: str, ids: tuple[str, ...], rule_days: bool) -> str:
        """One digest of the records `ids` of a kind and what the day decides of each: many jobs read the same
        list (every station, every event), hashed once per build instead of once per job."""
        key = (kind, ids, rule_days)
        if key not in self._groups:
            # _digest of the list [[id, record, moment], …], its JSON made of each record's, made once per build:
            # JSON joins a list's items with ", ".
            self._groups[key] = _digest("[" + ", ".join([self._item(kind, rid, rule_days) for rid in ids]) + "]")
        return self._groups[key]

    def _item(self, kind: str, rid: str, rule_days: bool) -> str:
        """A record's [id, record, moment] as JSON (`_json`)."""
        key = (kind, rid, rule_days)
        if key not in self._items:
            self._items[key] = _json([rid, self._record(kind, rid), self._moment(kind, rid, rule_days)])
        return self._items[key]

    def _record(self, kind: str, rid: str) -> Any:
        key = (kind, rid)
        if key not in self._records:
            entity = getattr(self.site, kind).get(rid)
            if entity is None:
                self._records[key] = None
            else:
                dating = self.ctx.dating  # the states the outputs are dated by
                times = [self._content_state(path) for path in dating.files(entity)] if self.timed else None
                self._records[key] = _digest([entity.record.model_dump_json(), times])
        return self._records[key]

    def _file(self, name: str) -> Any:
        if name not in self._files:
            where, _, relative = name.partition(":")
            if where == "content":
                self._files[name] = self._content_state(paths.named_file(self.ctx.content, relative))
            else:
                self._files[name] = _stat(Path(os.path.abspath(self.ctx.theme.path(relative))))  # however typed
        return self._files[name]

    def _content_state(self, path: Path) -> Any:
        """A content file's state, named by its path within the content folder: the same content typed as a
        relative or an absolute path, from another working folder, or moved with its files' times, is current."""
        for root in self._content_roots:  # as typed, or resolved (photos are named by their resolved paths)
            if path.is_relative_to(root):
                return _file_state(path.relative_to(root).as_posix(), self.ctx.dating.state(path))
        return _file_state(os.path.abspath(path), self.ctx.dating.state(path))

    def _moment(self, kind: str, rid: str, rule_days: bool) -> Any:
        """What of the record the day decides: memberships in force, events past or announced, notices in
        force, and a station's rule days from today to the horizon the feeds and screens list."""
        key = (kind, rid)
        if key not in self._moments:
            self._moments[key] = self._state(kind, rid)
        moment = self._moments[key]
        return moment[0] if kind == "stations" and moment is not None and not rule_days else moment

    def _state(self, kind: str, rid: str) -> Any:
        site, today = self.site, self.site.today
        entity = getattr(site, kind).get(rid)
        if entity is None:
            return None
        if kind == "stations":
            members = [m.active_on(today) for m in site.members(entity, current=False)]
            days = site.rule_days(entity, today, schedule.rule_horizon(today))
            return [members, [day.isoformat() for day in days]]
        if kind == "deputies":
            return [m.active_on(today) for m in site.assignments(entity, current=False)]
        if kind == "events":
            return [entity.date < today, site.notice_published(entity)]
        if kind == "notices":
            return [entity.date <= today, entity.expires is not None and entity.expires < today]
        return None


def _stat(path: Path) -> Any:
    try:
        found = path.stat()
    except OSError:
        found = None
    return _file_state(path, found)


def _file_state(path: Path | str, found: os.stat_result | None) -> Any:
    """A file's path (or name), size and time as the record names them (size None: gone)."""
    return [str(path), None] if found is None else [str(path), found.st_size, found.st_mtime_ns]


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, (tuple, list)) else value


def _digest(value: Any) -> str:
    data = value if isinstance(value, str) else _json(value)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return _DIGEST_JSON.encode(value)


def stale(jobs: Iterable[Job], previous: Mapping[str, Entry], fingerprints: Fingerprints) -> set[str]:
    """The keys of the jobs to render: those not current, and the aggregates that fan in from them."""
    jobs = list(jobs)
    chosen = {job.key for job in jobs if job.outputs and not fingerprints.current(job, previous.get(job.key))}
    while True:
        grown = set(chosen)
        for job in jobs:
            if any(key in grown for key in job.fan_in):
                grown.add(job.key)
        if grown == chosen:
            return chosen
        chosen = grown
