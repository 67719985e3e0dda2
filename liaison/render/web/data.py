"""Open data: stations and deputies as JSON and CSV under data/."""
from __future__ import annotations

import json
from typing import Any

from liaison.model.site import Deputy, Site, Station
from liaison.render import Context, Output, Rendered
from liaison.render.spreadsheet import csv_bytes

EXPORTS = ("data/stations.json", "data/stations.csv", "data/deputies.json", "data/deputies.csv")


def export(ctx: Context, path: str) -> Rendered:
    """One of EXPORTS: the stations' or the deputies' rows, as JSON or as CSV."""
    site = ctx.site
    if path.startswith("data/stations."):
        rows = [station_row(site, s) for s in site.stations.values()]
    else:
        rows = [deputy_row(site, d) for d in site.deputies.values()]
    return Rendered((Output(path, _json(rows) if path.endswith(".json") else csv_bytes(rows)),))


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
