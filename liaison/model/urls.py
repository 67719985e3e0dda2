"""Stable public URLs, derived from record ids only.

A QR code printed on a plate lives for years: never change these shapes.
Pages are written as <section>/<id>/index.html and linked relatively with the
explicit index.html, so the site works from disk and under any sub-path.
"""
from __future__ import annotations

import posixpath

SECTIONS = {"stations": "stations", "deputies": "deputies", "systems": "systems", "notices": "notices"}


def page_path(section: str, record_id: str) -> str:
    return f"{SECTIONS[section]}/{record_id}/index.html"


def reception_notice_path(event_id: str) -> str:
    """The notice page of a reception; the event's row on the schedule page is schedule/#<id>."""
    return f"schedule/{event_id}/index.html"


def wechat_text_path(event_id: str) -> str:
    """The notice as plain text to paste into a WeChat group."""
    return f"schedule/{event_id}/wechat.txt"


def calendar_path(station_id: str | None = None) -> str:
    """The iCalendar feed of one station, or of every station (all.ics)."""
    return f"calendar/{station_id or 'all'}.ics"


def portrait_path(deputy_id: str, width: int = 480) -> str:
    """The 480 px portrait keeps the plain name; smaller ones carry their width."""
    return f"media/deputies/{deputy_id}.jpg" if width == 480 else f"media/deputies/{deputy_id}-{width}.jpg"


def canonical(base_url: str, path: str) -> str:
    """Absolute public URL of an output path: index.html is dropped, so it names the directory."""
    if path == "index.html":
        path = ""
    elif path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return base_url + path


def relative(from_path: str, to_path: str) -> str:
    """Link from one output file to another (both relative to the output root)."""
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)
