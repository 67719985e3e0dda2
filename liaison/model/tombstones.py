"""Pages for records that are gone: a QR code on a metal plate lives for years, so a published page of a deputy,
station or notice never turns into a 404 when its record leaves the content.

Every build keeps a register in the published site tree (in its manifest, so it goes wherever the published site
goes: switched with it, copied, deployed, backed up): what each published record page (deputy, station, system,
notice) showed last (kind, id, title, station, end date), and the tombstones, the pages of records that are gone
(what they showed last, and since when they are gone). A record page that the last build published
and this content no longer has becomes a tombstone for good; `build --prune URL` removes one. The register is the
only source of tombstones, so a clean build and an incremental one of the same published store give the same
pages. A record that comes back takes its page back.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from liaison.model import urls
from liaison.model.site import Site

VERSION = 1


@dataclass(frozen=True)
class Page:
    """What a record's page showed last: enough to say what it was and where to go instead."""

    path: str  # the page's path in the site's folder
    kind: str
    id: str
    title: str  # a deputy's or station's name, a notice's title
    station: str | None = None  # where to go: a deputy's last station, a notice's, a station's successor or parent
    ended: str | None = None  # ISO date the record ended, where the content said (a membership's end, an expiry)
    since: str | None = None  # ISO date of the build that found the record gone (tombstones only)


@dataclass(frozen=True)
class Register:
    pages: tuple[Page, ...] = ()  # every record page published, as it was last
    tombstones: tuple[Page, ...] = ()

    def state(self) -> dict[str, Any]:
        """The register as JSON values (what `read` reads)."""
        return {"version": VERSION, "pages": [_plain(page) for page in self.pages],
                "tombstones": [_plain(page) for page in self.tombstones]}

    def tombstone(self, path: str) -> Page | None:
        return next((page for page in self.tombstones if page.path == path), None)

    def without(self, paths: Iterable[str]) -> Register:
        gone = set(paths)
        return dataclasses.replace(self, tombstones=tuple(p for p in self.tombstones if p.path not in gone))


EMPTY = Register()


def read(state: Any) -> Register:
    """The register a build kept (`Register.state`), or an empty one (no build yet, or not a register)."""
    try:
        if not isinstance(state, dict) or state.get("version") != VERSION:
            return Register()
        return Register(tuple(Page(**page) for page in state["pages"]),
                        tuple(Page(**page) for page in state["tombstones"]))
    except (ValueError, TypeError, KeyError):
        return Register()


def update(register: Register, site: Site) -> Register:
    """The register after this build: the content's record pages as they are now; a page the last build
    published whose record is gone becomes a tombstone from today; a tombstone whose record is back goes."""
    pages = tuple(live_pages(site))
    live = {page.path for page in pages}
    kept = [page for page in register.tombstones if page.path not in live]
    known = {page.path for page in kept}
    fresh = [dataclasses.replace(page, since=site.today.isoformat()) for page in register.pages
             if page.path not in live and page.path not in known]
    return Register(pages, tuple(sorted([*kept, *fresh], key=lambda page: page.path)))


def live_pages(site: Site) -> Iterable[Page]:
    for deputy in site.deputies.values():
        memberships = sorted(site.assignments(deputy, current=False), key=lambda m: m.since)
        ends = [m.until for m in memberships if m.until is not None]
        ended = max(ends).isoformat() if ends and len(ends) == len(memberships) else None  # all ended
        yield Page(urls.page_path("deputies", deputy.id), "deputies", deputy.id, deputy.name,
                   memberships[-1].station.id if memberships else None, ended)
    for station in site.stations.values():
        yield Page(urls.page_path("stations", station.id), "stations", station.id, station.name,
                   station.replaced_by or station.parent)
    for system in site.systems.values():
        yield Page(urls.page_path("systems", system.id), "systems", system.id, system.title, system.station)
    for notice in site.notices.values():
        yield Page(urls.page_path("notices", notice.id), "notices", notice.id, notice.title, notice.station,
                   notice.expires.isoformat() if notice.expires else None)


def destination(page: Page, site: Site, tombstones: Mapping[str, Page]) -> str | None:
    """The station to send a reader of a gone page to: the one it names, or, that one gone too, its successor
    (as far as the register knows); None for the home page."""
    station, seen = page.station, set()
    while station is not None and station not in site.stations and station not in seen:
        seen.add(station)
        gone = tombstones.get(urls.page_path("stations", station))
        station = gone.station if gone else None
    return station if station in site.stations else None


def ended_in_year(page: Page, year: int) -> bool:
    """Whether a gone deputy ended (or, no end date known, went) in the year: 曾任 on the station's page."""
    day = page.ended or page.since
    return day is not None and dt.date.fromisoformat(day).year == year


def _plain(page: Page) -> dict[str, Any]:
    return {key: value for key, value in dataclasses.asdict(page).items() if value is not None}
