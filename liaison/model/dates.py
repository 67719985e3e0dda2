"""The two dates of a build: the day it is for (`--today`: what is upcoming, in force, expired), and the day
each output's content is true of (a PDF's creation date, "本站信息更新于" on the home page).

No output carries the day of the build: rebuilt on another day from the same content, an output keeps its
bytes unless what it shows depends on a time window (the next reception days, notices in force). A content
date is the day the newest of the files an output is made from was last changed, or SOURCE_DATE_EPOCH's day
when that is set (reproducible builds, https://reproducible-builds.org/specs/source-date-epoch/); days are
read in the site's time zone (`timezone` in site.yaml).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liaison.content import paths, schema
from liaison.content.kinds import KINDS, SITE_FILE
from liaison.model.site import Entity

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


class EpochError(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a moment."""


def source_date_epoch() -> dt.datetime | None:
    """The moment SOURCE_DATE_EPOCH names (seconds since 1970 UTC), None when unset or empty."""
    value = os.environ.get(EPOCH_VARIABLE, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise EpochError(f"环境变量 {EPOCH_VARIABLE} 应为自 1970-01-01 00:00 UTC 起的整数秒数（如 1795000000），"
                         f"现为“{value}”")
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise EpochError(f"环境变量 {EPOCH_VARIABLE} 的值“{value}”超出了可以表示的日期范围") from None


def today(zone: dt.tzinfo) -> dt.date:
    """The day a build is for when --today is not given: SOURCE_DATE_EPOCH's or the current one, in the zone."""
    moment = source_date_epoch() or _now()
    return moment.astimezone(zone).date()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def content_date(files: Iterable[Path], zone: dt.tzinfo,
                 modified: Callable[[Path], float] | None = None) -> dt.date | None:
    """The day an output's content is true of: SOURCE_DATE_EPOCH's when set, else the day the newest of the
    files it is made from was last changed (`modified`, by default the file's time now), in the zone; None when
    it is made from no file."""
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed.astimezone(zone).date()
    newest = max(map(modified or _modified, files), default=None)
    return None if newest is None else dt.datetime.fromtimestamp(newest, zone).date()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # gone since it was read: the build reports what it read, this date only what is left
        return 0.0


@dataclass(frozen=True)
class Dating:
    """Dates what is made of records: a record stands for its file and the files it names (a photo, a font)."""

    content_dir: Path
    zone: dt.tzinfo
    # A record's files, by kind and id (they follow from the record: the same for the whole build).
    _files: dict[tuple[str, str], list[Path]] = field(default_factory=dict, compare=False, repr=False)
    _sites: dict[int, tuple[schema.Site, list[Path]]] = field(default_factory=dict, compare=False, repr=False)
    # Each file's state as first asked (None: gone): the outputs of a process made from a file carry one date, and
    # a county's feeds ask a file's time a hundred thousand times. The build asks for the states of every file it
    # dates by before its workers start (they inherit them), and its record names the same states.
    _states: dict[Path, os.stat_result | None] = field(default_factory=dict, compare=False, repr=False)

    def of(self, *items: Any) -> dt.date | None:
        """The content date of whatever is made of these records (entities, the site's settings, or
        iterables of them; None is skipped)."""
        return content_date(self._walk(items), self.zone, self._modified)  # walked only without SOURCE_DATE_EPOCH

    def state(self, path: Path) -> os.stat_result | None:
        """The file's state as this Dating first found it; None where it was gone."""
        if path not in self._states:
            try:
                self._states[path] = path.stat()
            except OSError:
                self._states[path] = None
        return self._states[path]

    def _modified(self, path: Path) -> float:
        found = self.state(path)
        return 0.0 if found is None else found.st_mtime  # gone: dated as _modified dates it

    def files(self, *items: Any) -> list[Path]:
        return list(self._walk(items))

    def _walk(self, items: Iterable[Any]) -> Iterator[Path]:
        for item in items:
            if item is None:
                continue
            if isinstance(item, schema.Site):
                yield from self._site_files(item)
            elif isinstance(item, Entity):
                yield from self._entity_files(item)
            elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
                yield from self._walk(item)
            else:
                raise TypeError(f"no content file stands for {item!r}")

    def _site_files(self, settings: schema.Site) -> list[Path]:
        """site.yaml and the files it names: asked with most records (a feed asks it once an entry), dumped and
        resolved once a build, as a record's files are."""
        known = self._sites.get(id(settings))
        if known is None or known[0] is not settings:
            names = schema.file_references(type(settings), settings.model_dump())
            known = self._sites[id(settings)] = (settings, [self.content_dir / SITE_FILE,
                                                            *(paths.named_file(self.content_dir, n) for n in names)])
        return known[1]

    def _entity_files(self, entity: Entity[Any]) -> list[Path]:
        key = (entity.section, entity.id)
        if key not in self._files:
            names = schema.file_references(type(entity.record), entity.record.model_dump())
            self._files[key] = [self._record_file(entity), *(paths.named_file(self.content_dir, n) for n in names)]
        return self._files[key]

    def _record_file(self, entity: Entity[Any]) -> Path:
        """content/<kind>/<id> with the suffix the loader found (each id has one file)."""
        folder = self.content_dir / entity.section
        candidates = [folder / (entity.id + suffix) for suffix in KINDS[entity.section].suffixes]
        return next((path for path in candidates if path.is_file()), candidates[0])
