"""Stable public URLs, derived from record ids only.

A QR code printed on a plate lives for years: never change these shapes.
Pages are written as <section>/<id>/index.html and linked relatively with the
explicit index.html, so the site works from disk and under any sub-path.
"""
from __future__ import annotations

import functools
import posixpath

from liaison.content import ids
from liaison.content.kinds import KINDS

SECTIONS = tuple(name for name, kind in KINDS.items() if kind.pages)  # the kinds whose records have pages


def page_path(section: str, record_id: str) -> str:
    """The page of a record of a kind in SECTIONS: <kind>/<id>/index.html."""
    if section not in SECTIONS:
        raise ValueError(f"records of kind {section!r} have no page of their own")
    return f"{section}/{_id(record_id)}/index.html"


def reception_notice_path(event_id: str) -> str:
    """The notice page of a reception; the event's row is on its month's part of the schedule (Site.event_path)."""
    return f"schedule/{_id(event_id)}/index.html"


def wechat_text_path(event_id: str) -> str:
    """The notice as plain text to paste into a WeChat group."""
    return f"schedule/{_id(event_id)}/wechat.txt"


# The long lists are split into parts by township (its station's id), month (2026-11) and year (2026); the
# list's own URL (deputies/, schedule/, opinions/) is the index of its parts.
DEPUTIES_BY_TOWNSHIP = ids.DEPUTIES_BY_TOWNSHIP  # deputies/township/<id>/: a segment no deputy id may take


def deputies_part_path(township_id: str) -> str:
    """The deputies serving at the stations of one township."""
    return f"deputies/{DEPUTIES_BY_TOWNSHIP}/{_id(township_id)}/index.html"


def schedule_month_path(month: str) -> str:
    """One month's schedule (month as 2026-11): the index of its townships' parts."""
    return f"schedule/{_month(month)}/index.html"


def schedule_part_path(month: str, township_id: str) -> str:
    """The events of one month at the stations of one township."""
    return f"schedule/{_month(month)}/{_id(township_id)}/index.html"


def opinions_year_path(year: int) -> str:
    """One year's opinions: the index of its townships' parts."""
    return f"opinions/{int(year)}/index.html"


def opinions_part_path(year: int, township_id: str) -> str:
    """The opinions received in one year at the stations of one township."""
    return f"opinions/{int(year)}/{_id(township_id)}/index.html"


def _month(month: str) -> str:
    if not ids.MONTH_ID.fullmatch(month):  # the shape no event id may take
        raise ValueError(f"not a month: {month!r}")
    return month


def calendar_path(station_id: str | None = None) -> str:
    """The iCalendar feed of one station, or of every station (all.ics)."""
    return f"calendar/{_id(station_id) if station_id else ids.ALL_STATIONS}.ics"


NOTICES_FEED = f"notices/{ids.NOTICES_FEED}.xml"  # the Atom feed of notices


def portrait_path(deputy_id: str, width: int = 480) -> str:
    """The 480 px portrait keeps the plain name; smaller ones carry their width."""
    return f"media/deputies/{_id(deputy_id)}.jpg" if width == 480 else f"media/deputies/{_id(deputy_id)}-{width}.jpg"


def badge_path(relative: str) -> str:
    """The 党政机关网站标识 image the footer shows (site.yaml footer.badge), published with its own suffix."""
    return "media/badge" + posixpath.splitext(relative)[1].lower()


def _id(record_id: str) -> str:
    """A record id as a path segment: content validation let only ids of the one pattern through, so anything
    else here (a slash, "..", a space) is a bug that must not become a public address."""
    if not ids.is_id(record_id):
        raise ValueError(f"not a record id: {record_id!r}")
    return record_id


def canonical(base_url: str, path: str) -> str:
    """Absolute public URL of an output path: index.html is dropped, so it names the directory."""
    if path == "index.html":
        path = ""
    elif path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return base_url + path


@functools.lru_cache(maxsize=4096)  # a page links to the same few paths as every other page, and many times
def _segments(path: str) -> tuple[str, ...]:
    return tuple(part for part in posixpath.normpath(path or ".").split("/") if part != ".")


def relative(from_path: str, to_path: str) -> str:
    """Link from one output file to another (both relative to the output root): posixpath.relpath's answer,
    worked out on the two paths alone (relpath asks the working directory twice a link, a fifth of a page)."""
    return _relative(posixpath.dirname(from_path), to_path)


# By folder, not page: the pages of a folder (3,000 deputies') link to the same paths, some thirty times a page.
@functools.lru_cache(maxsize=16384)
def _relative(folder: str, to_path: str) -> str:
    start, target = _segments(folder), _segments(to_path)
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + list(target[common:])
    return "/".join(parts) or "."
