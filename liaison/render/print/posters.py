"""Wall posters (公示栏): the six items in order, on as many numbered sheets as they need."""
from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import jinja2
from markupsafe import Markup

from liaison.content import paths
from liaison.model.site import Site, Station
from liaison.render.portraits import portrait
from liaison.render.print import pdf
from liaison.render.print import spec as printspec

PHOTO_PPI = 300  # enough for a sharp print; more only makes the file heavier
CARD_MIN_WIDTH_MM = 250
MARGIN_X_MM = 26


def poster_sheets(site: Site, env: jinja2.Environment, station: Station, content_dir: Path,
                  created: dt.date | None) -> list[bytes]:
    """The poster's sheets; `created` is its content date, in the metadata and the footer."""
    signage = site.settings.signage
    width, height = signage.poster.dimensions_mm
    inner = width - 2 * MARGIN_X_MM
    assets = _emblem(site, content_dir)
    for member in site.members(station):
        if member.deputy.photo:
            assets[f"portrait-{member.deputy.id}"] = portrait_asset(paths.named_file(content_dir, member.deputy.photo))
    flow = env.get_template("print/flow.svg").render(steps=site.settings.opinion_flow, width_mm=inner)
    html = env.get_template("print/poster.html").render(
        site=site, station=station, page_path="", width_mm=width, height_mm=height,
        bleed_mm=printspec.BLEED_MM, min_pt=printspec.POSTER_MIN_PT, title_pt=_title_pt(station.name, inner),
        columns=max(1, math.floor(inner / CARD_MIN_WIDTH_MM)), text_columns=2 if inner >= 500 else 1,
        photo_mm=printspec.POSTER_PHOTO_MM, qr_deputy_mm=printspec.QR_DEPUTY_MM,
        qr_station_mm=printspec.QR_STATION_MM, emblem="emblem" in assets, flow_svg=Markup(flow), created=created)
    return pdf.sheets(pdf.document(html, assets))


def portrait_asset(source: Path) -> pdf.Asset:
    """The 3:4 portrait in sRGB, like the web copy, at most PHOTO_PPI at printed size."""
    out = io.BytesIO()
    portrait(source, printspec.min_pixels(printspec.POSTER_PHOTO_MM[0], PHOTO_PPI), enlarge=False).save(
        out, "JPEG", quality=90, dpi=(PHOTO_PPI, PHOTO_PPI))
    return pdf.Asset(out.getvalue(), "image/jpeg")


def _emblem(site: Site, content_dir: Path) -> dict[str, pdf.Asset]:
    emblem = site.settings.signage.emblem
    if not emblem:
        return {}
    path = paths.named_file(content_dir, emblem)
    mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return {"emblem": pdf.Asset(path.read_bytes(), mime)}


def _title_pt(name: str, inner_mm: float) -> int:
    """The station name on one line in the masthead, between 56 and 96 pt."""
    room_mm = inner_mm - 70 - 100 - 24  # emblem, station code, gaps
    return int(printspec.fitting_pt(name, room_mm, 56, 96))
