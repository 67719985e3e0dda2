"""Everything for the print shop under signage/: per station a folder of print files, and a manifest of them
all; and, on demand from the published files (`liaison pack`), a zip pack per station."""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from liaison.content.schema import Material
from liaison.model.site import Deputy, Station
from liaison.render import Context, Output, Rendered
from liaison.render.print import pdf, signboards
from liaison.render.print import spec as printspec
from liaison.render.print.notices import notice_sheet
from liaison.render.print.posters import poster_sheets
from liaison.render.spreadsheet import csv_bytes

CARD_LINE_HEIGHT = 1.2
ZIP_EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can carry


@dataclass(frozen=True)
class PrintFile:
    """A file for the shop and what the manifest says about it."""

    output: Output
    station: str
    item: str  # what it is, in the shop's words
    finished_mm: tuple[float, float] | None
    sheets: int
    material: str
    quantity: int
    created: dt.date | None  # the content date, as the file's metadata has it
    bleed_mm: float = printspec.BLEED_MM


# ---- where each file goes: what the plan reads ----

def poster_path(station_id: str, number: int = 1) -> str:
    return f"{station_id}/poster-{number}.pdf"


POSTER_SHEETS = "{station}/poster-*.pdf"  # sheet 1, and as many more as the content needs


def qr_stem(station_id: str, deputy_id: str | None = None) -> str:
    """The station code's files, or a deputy's code's at this station (.svg and .pdf)."""
    return f"{station_id}/qr-deputy-{deputy_id}" if deputy_id else f"{station_id}/qr-station"


def reception_notice_path(station_id: str, event_id: str) -> str:
    return f"{station_id}/reception-notice-{event_id}.pdf"


def pack_name(station_id: str) -> str:
    return f"{station_id}.zip"


MANIFESTS = ("manifest.json", "manifest.csv")


# ---- one job each ----

def signboard_production(ctx: Context, station_id: str) -> Rendered:
    site, station = ctx.site, ctx.site.stations[station_id]
    plate = site.settings.signage.plate
    created = ctx.dating.of(site.settings, station)
    data = signboards.production(site, ctx.env, station, ctx.content, created)
    materials = "、".join(m.value for m in site.settings.signage.materials_for(station.kind))
    return _files(PrintFile(Output(signboards.production_path(station.id), data), station.id,
                            "标识牌制作稿（红字，C0 M100 Y100 K0）", (plate.width_mm, plate.height_mm), 1,
                            f"{materials}，字为丝印或UV印刷", 1, created))


def signboard_proof(ctx: Context, station_id: str, material_value: str) -> Rendered:
    """The proof of one material and its PNG preview."""
    site, station = ctx.site, ctx.site.stations[station_id]
    plate = site.settings.signage.plate
    material = Material(material_value)
    [(pdf_path, png_path)] = [(pdf_, png) for m, pdf_, png in signboards.proof_paths(site, station) if m == material]
    created = ctx.dating.of(site.settings, station)
    proof, preview = signboards.proof(site, ctx.env, station, material, ctx.content, created)
    return _files(PrintFile(Output(pdf_path, proof), station.id, f"标识牌校样（{material.value}）",
                            (plate.width_mm, plate.height_mm), 1, "仅供审核确认，不印刷", 0, created),
                  PrintFile(Output(png_path, preview), station.id, f"标识牌预览图（{material.value}）", None, 1,
                            "仅供审核确认，不印刷", 0, created))


def poster(ctx: Context, station_id: str) -> Rendered:
    """The wall poster's sheets, one file each."""
    site, station = ctx.site, ctx.site.stations[station_id]
    poster_mm = site.settings.signage.poster.dimensions_mm
    created = ctx.dating.of(site.settings, site.lineage(station), [m.deputy for m in site.members(station)],
                            site.systems_for(station))
    sheets = poster_sheets(site, ctx.env, station, ctx.content, created)
    return _files(*(PrintFile(Output(poster_path(station.id, number), sheet), station.id, f"公示栏第 {number} 张",
                              poster_mm, 1, "户外背胶PP纸或写真布，覆哑膜", 1, created)
                    for number, sheet in enumerate(sheets, 1)))


def qr_vector(ctx: Context, station_id: str, deputy_id: str | None) -> Rendered:
    """A QR code's vector original (the station's code when deputy_id is None)."""
    site, station = ctx.site, ctx.site.stations[station_id]
    entity = site.deputies[deputy_id] if deputy_id else station
    target, caption = site.qr_target(entity), _caption(station, entity)
    svg = ctx.env.get_template("print/qr-code.svg").render(target=target, caption=caption, symbol_mm=_qr_mm(deputy_id))
    return _files(PrintFile(Output(f"{qr_stem(station.id, deputy_id)}.svg", svg.encode("utf-8")), station.id,
                            f"{caption}（矢量原稿）", None, 1, "矢量原稿，供制版", 0, _qr_created(ctx, station, entity)))


def qr_card(ctx: Context, station_id: str, deputy_id: str | None) -> Rendered:
    """A QR code on a card with its caption (the station's code when deputy_id is None)."""
    site, station = ctx.site, ctx.site.stations[station_id]
    entity: Station | Deputy = site.deputies[deputy_id] if deputy_id else station
    symbol_mm = _qr_mm(deputy_id)
    hint, quantity = ("扫码联系代表", 1) if deputy_id else ("扫码查看本站代表和信息", 2)
    target, caption, created = site.qr_target(entity), _caption(station, entity), _qr_created(ctx, station, entity)
    name, label = (entity.name, "代表") if deputy_id else (entity.short_name, " 站码")
    title = name + label
    pad = 8.0
    width = symbol_mm * 1.1 + 2 * pad
    name_pt = printspec.fitting_pt(title, width - 2 * pad, printspec.QR_CARD_MIN_PT, round(symbol_mm * 0.4))
    hint_pt = printspec.fitting_pt(hint, width - 2 * pad, printspec.QR_CARD_MIN_PT, round(symbol_mm * 0.25))
    # A name too long even at the smallest size wraps: the card grows by its extra lines, never onto a second sheet.
    name_lines = math.ceil(len(title) * name_pt * printspec.MM_PER_PT / (width - 2 * pad))
    height = width + symbol_mm * 0.45 + (name_lines - 1) * name_pt * printspec.MM_PER_PT * CARD_LINE_HEIGHT
    html = ctx.env.get_template("print/qr-card.html").render(
        target=target, caption=caption, name=name, label=label, hint=hint, symbol_mm=symbol_mm, width_mm=round(width, 1),
        height_mm=round(height, 1), pad_mm=pad, bleed_mm=printspec.BLEED_MM, name_pt=math.floor(name_pt * 10) / 10,
        hint_pt=math.floor(hint_pt * 10) / 10, line_height=CARD_LINE_HEIGHT, created=created)
    document = pdf.document(html)
    return _files(PrintFile(Output(f"{qr_stem(station.id, deputy_id)}.pdf", pdf.write(document)), station.id,
                            f"{caption}卡片", (round(width, 1), round(height, 1)), len(document.pages),
                            "PVC 卡片或背胶贴纸，覆哑膜", quantity, created))


def reception_notice(ctx: Context, station_id: str, event_id: str) -> Rendered:
    """The A4 notice of an upcoming reception, for the outdoor bulletin board."""
    site, station, event = ctx.site, ctx.site.stations[station_id], ctx.site.events[event_id]
    created = ctx.dating.of(site.settings, station, event, [site.deputies[did] for did in event.deputies])
    sheet, pages = notice_sheet(site, ctx.env, event, created)
    return _files(PrintFile(Output(reception_notice_path(station.id, event.id), sheet), station.id, "接待公告（A4）",
                            printspec.A4_MM, pages, "A4 普通纸或铜版纸，张贴于户外公示栏", 1, created, bleed_mm=0.0))


def pack(rows: Sequence[dict[str, Any]], read: Callable[[str], bytes]) -> bytes:
    """A station's files (its manifest rows, each file's bytes as `read` gives them) and their manifest, zipped
    reproducibly: each entry dated by its content, the manifest by the newest of them."""
    out = io.BytesIO()
    created = [_day(row["created"]) for row in rows]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for row, day in zip(rows, created, strict=True):
            _add(zipped, row["file"], read(row["file"]), day)
        _add(zipped, "manifest.csv", manifest_csv(list(rows)), max((d for d in created if d), default=None))
    return out.getvalue()


def manifest(ctx: Context, files: Sequence[Rendered], path: str) -> Rendered:
    """manifest.json or manifest.csv: every print file with its finished size, bleed, sheets, material and
    quantity, made of the rows the print jobs tell (never of their bytes)."""
    rows = _rows(files)
    return Rendered((Output(path, manifest_json(rows) if path.endswith(".json") else manifest_csv(rows)),))


def _files(*files: PrintFile) -> Rendered:
    """A job's print files, with their manifest rows as its facts."""
    return Rendered(tuple(f.output for f in files), {"rows": [_row(f) for f in files]})


def _rows(files: Sequence[Rendered]) -> list[dict[str, Any]]:
    return [row for job in files for row in job.facts["rows"]]


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _caption(station: Station, entity: Station | Deputy) -> str:
    return f"{entity.name}{'站码' if entity is station else '代表码'}"


def _qr_mm(deputy_id: str | None) -> float:
    return printspec.QR_CARD_DEPUTY_MM if deputy_id else printspec.QR_STATION_MM


def _qr_created(ctx: Context, station: Station, entity: Station | Deputy) -> dt.date | None:
    return ctx.dating.of(ctx.site.settings, station, None if entity is station else entity)


def _row(f: PrintFile) -> dict[str, Any]:
    return {
        "file": f.output.path,
        "station": f.station,
        "item": f.item,
        "finished_width_mm": f.finished_mm[0] if f.finished_mm else None,
        "finished_height_mm": f.finished_mm[1] if f.finished_mm else None,
        "bleed_mm": f.bleed_mm if f.finished_mm else None,
        "sheets": f.sheets,
        "material": f.material,
        "quantity": f.quantity,
        "created": f.created.isoformat() if f.created else None,  # the content's date, as the file's metadata has it
    }


def manifest_json(rows: list[dict[str, Any]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_csv(rows: list[dict[str, Any]]) -> bytes:
    return csv_bytes(rows, empty_header=["file"])


def _add(zipped: zipfile.ZipFile, name: str, data: bytes, day: dt.date | None) -> None:
    day = max(day or ZIP_EPOCH, ZIP_EPOCH)
    info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
    # PDFs and images are compressed already; deflating them again only costs time.
    info.compress_type = zipfile.ZIP_DEFLATED if name.endswith((".csv", ".svg", ".json")) else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zipped.writestr(info, data)
