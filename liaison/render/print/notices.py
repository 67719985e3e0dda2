"""A4 notices of upcoming receptions for the station's outdoor bulletin board (公示栏)."""
from __future__ import annotations

import datetime as dt
import math

import jinja2

from liaison.model.site import Event, Site, Station
from liaison.render import qr
from liaison.render.print import pdf
from liaison.render.print import spec as printspec

MARGIN_MM = 14  # clear of the unprintable edge of office printers


def receptions_to_post(site: Site, station: Station) -> list[Event]:
    """Receptions whose notice is public and that have not taken place yet."""
    return [e for e in site.published_receptions(station) if e.date >= site.today]


def notice_sheet(site: Site, env: jinja2.Environment, event: Event, created: dt.date | None) -> tuple[bytes, int]:
    """The notice as a PDF dated `created`, and how many A4 sheets it takes (one, unless the list of deputies
    is long)."""
    width, height = printspec.A4_MM
    station = site.stations[event.station]
    html = env.get_template("print/reception-notice.html").render(
        site=site, event=event, station=station, page_path="", width_mm=width, height_mm=height,
        margin_mm=MARGIN_MM, qr_mm=printspec.QR_NOTICE_MM, footer_mm=_footer_mm(site.qr_target(station)),
        created=created)
    document = pdf.document(html)
    return pdf.write(document), len(document.pages)


def _footer_mm(target: str) -> int:
    """Room for the station code at the foot of the sheet: the symbol with its quiet zone, and a rule above."""
    modules = len(qr.matrix(target))
    return math.ceil(printspec.QR_NOTICE_MM * modules / (modules - 2 * qr.QUIET_ZONE)) + 4
