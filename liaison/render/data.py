"""Open data: stations and deputies as JSON and CSV under data/."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from ..model import Deputy, Site, Station
from . import Output

LIST_SEPARATOR = "；"


def exports(site: Site) -> Iterator[Output]:
    stations = [station_row(site, s) for s in site.stations.values()]
    deputies = [deputy_row(site, d) for d in site.deputies.values()]
    yield Output("data/stations.json", _json(stations))
    yield Output("data/stations.csv", _csv(stations))
    yield Output("data/deputies.json", _json(deputies))
    yield Output("data/deputies.csv", _csv(deputies))


def station_row(site: Site, station: Station) -> dict[str, Any]:
    parent = site.parent(station)
    return {
        "id": station.id,
        "name": station.name,
        "short_name": station.short_name,
        "kind": station.kind.value,
        "tier": station.tier.value,
        "parent": parent.id if parent else None,
        "locality": station.locality,
        "address": station.address,
        "floor": station.floor,
        "area_m2": station.area_m2,
        "opening_hours": list(station.opening_hours),
        "phone": station.phone,
        "url": site.public_url(station),
        "deputies": [m.deputy.id for m in site.members(station)],
        "staff": [{"name": s.name, "role": s.role.value} for s in site.staff(station)],
    }


def deputy_row(site: Site, deputy: Deputy) -> dict[str, Any]:
    return {
        "id": deputy.id,
        "name": deputy.name,
        "seats": [{"level": s.level.value, "congress": s.congress, "constituency": s.constituency}
                  for s in deputy.seats],
        "unit": deputy.unit,
        "position": deputy.position,
        "phone": deputy.phone,
        "url": site.public_url(deputy),
        "stations": [m.station.id for m in site.assignments(deputy)],
    }


def _json(rows: list[dict[str, Any]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    # BOM so that Excel, which most offices open CSV with, reads UTF-8 Chinese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return safe_cell(LIST_SEPARATOR.join(_cell(v) if not isinstance(v, dict) else
                                             " ".join(str(x) for x in v.values() if x) for v in value))
    return safe_cell(value) if isinstance(value, str) else str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text that Excel would run as a formula (=HYPERLINK(…)) gets a leading apostrophe, which it shows as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
