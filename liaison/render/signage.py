"""Print-shop files under signage/<station-id>/."""
from __future__ import annotations

from collections.abc import Iterator

from .. import qr
from ..model import Site
from . import Output


def qr_codes(site: Site) -> Iterator[Output]:
    """The station's 站码 and each current deputy's 代表码 as standalone SVG."""
    for station in site.stations.values():
        yield Output(f"{station.id}/qr-station.svg", _svg_file(site.qr_target(station), f"{station.name} 站码"))
        for member in site.members(station):
            deputy = member.deputy
            yield Output(f"{station.id}/qr-deputy-{deputy.id}.svg",
                         _svg_file(site.qr_target(deputy), f"{deputy.name} 代表码"))


def _svg_file(data: str, label: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(qr.svg(data, label)) + "\n").encode("utf-8")
