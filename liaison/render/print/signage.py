"""Everything for the print shop under signage/: per station a folder of print files,
a manifest of them all, and a zip pack per station."""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from liaison.build import parallel
from liaison.model.dates import Dating
from liaison.model.site import Deputy, Site, Station
from liaison.render import Output
from liaison.render.print import pdf
from liaison.render.print import spec as printspec
from liaison.render.print.notices import notice_sheet, receptions_to_post
from liaison.render.print.posters import poster_sheets
from liaison.render.print.signboards import signboard_files
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


def signage(site: Site, env: jinja2.Environment, content_dir: Path, dating: Dating) -> Iterator[Output]:
    files: list[PrintFile] = []
    def one_station(station: Station) -> list[PrintFile]:
        return list(station_print_files(site, env, station, content_dir, dating))

    for station_files in parallel.ordered_map(one_station, site.stations.values()):
        files.extend(station_files)
        yield from (f.output for f in station_files)
        yield Output(f"packs/{station_files[0].station}.zip", print_pack(station_files))
    yield Output("manifest.json", manifest_json(files))
    yield Output("manifest.csv", manifest_csv(files))


def station_print_files(site: Site, env: jinja2.Environment, station: Station, content_dir: Path,
                        dating: Dating) -> Iterator[PrintFile]:
    """The station's print files, each dated by the records it is made from (and the files they name)."""
    plate = site.settings.signage.plate
    plate_mm = (plate.width_mm, plate.height_mm)
    created = dating.of(site.settings, station)
    for output, role, material in signboard_files(site, env, station, content_dir, created):
        if material is None:  # the production artwork, one for every material
            materials = "、".join(m.value for m in site.settings.signage.materials_for(station.kind))
            yield PrintFile(output, station.id, "标识牌制作稿（红字，C0 M100 Y100 K0）", plate_mm, 1,
                            f"{materials}，字为丝印或UV印刷", 1, created)
        elif role == "proof":
            yield PrintFile(output, station.id, f"标识牌校样（{material.value}）", plate_mm, 1, "仅供审核确认，不印刷", 0,
                            created)
        else:
            yield PrintFile(output, station.id, f"标识牌预览图（{material.value}）", None, 1, "仅供审核确认，不印刷", 0,
                            created)
    poster_mm = site.settings.signage.poster.dimensions_mm
    created = dating.of(site.settings, site.lineage(station), [m.deputy for m in site.members(station)],
                        site.systems_for(station))
    for number, sheet in enumerate(poster_sheets(site, env, station, content_dir, created), 1):
        yield PrintFile(Output(f"{station.id}/poster-{number}.pdf", sheet), station.id, f"公示栏第 {number} 张",
                        poster_mm, 1, "户外背胶PP纸或写真布，覆哑膜", 1, created)
    yield from _qr_files(site, env, station, station, f"{station.id}/qr-station", printspec.QR_STATION_MM,
                         "扫码查看本站代表和信息", 2, dating.of(site.settings, station))
    for member in site.members(station):
        deputy = member.deputy
        yield from _qr_files(site, env, station, deputy, f"{station.id}/qr-deputy-{deputy.id}",
                             printspec.QR_CARD_DEPUTY_MM, "扫码联系代表", 1, dating.of(site.settings, station, deputy))
    for event in receptions_to_post(site, station):
        created = dating.of(site.settings, station, event, [site.deputies[did] for did in event.deputies])
        sheet, pages = notice_sheet(site, env, event, created)
        yield PrintFile(Output(f"{station.id}/reception-notice-{event.id}.pdf", sheet), station.id, "接待公告（A4）",
                        printspec.A4_MM, pages, "A4 普通纸或铜版纸，张贴于户外公示栏", 1, created, bleed_mm=0.0)


def _qr_files(site: Site, env: jinja2.Environment, station: Station, entity: Station | Deputy, stem: str,
              symbol_mm: float, hint: str, quantity: int, created: dt.date | None) -> Iterator[PrintFile]:
    target = site.qr_target(entity)
    caption = f"{entity.name}{'站码' if entity is station else '代表码'}"
    svg = env.get_template("print/qr-code.svg").render(target=target, caption=caption, symbol_mm=symbol_mm)
    yield PrintFile(Output(f"{stem}.svg", svg.encode("utf-8")), station.id, f"{caption}（矢量原稿）",
                    None, 1, "矢量原稿，供制版", 0, created)
    name, label = (entity.short_name, " 站码") if entity is station else (entity.name, "代表")
    title = name + label
    pad = 8.0
    width = symbol_mm * 1.1 + 2 * pad
    name_pt = printspec.fitting_pt(title, width - 2 * pad, printspec.QR_CARD_MIN_PT, round(symbol_mm * 0.4))
    hint_pt = printspec.fitting_pt(hint, width - 2 * pad, printspec.QR_CARD_MIN_PT, round(symbol_mm * 0.25))
    # A name too long even at the smallest size wraps: the card grows by its extra lines, never onto a second sheet.
    name_lines = math.ceil(len(title) * name_pt * printspec.MM_PER_PT / (width - 2 * pad))
    height = width + symbol_mm * 0.45 + (name_lines - 1) * name_pt * printspec.MM_PER_PT * CARD_LINE_HEIGHT
    html = env.get_template("print/qr-card.html").render(
        target=target, caption=caption, name=name, label=label, hint=hint, symbol_mm=symbol_mm, width_mm=round(width, 1),
        height_mm=round(height, 1), pad_mm=pad, bleed_mm=printspec.BLEED_MM, name_pt=math.floor(name_pt * 10) / 10,
        hint_pt=math.floor(hint_pt * 10) / 10, line_height=CARD_LINE_HEIGHT, created=created)
    document = pdf.document(html)
    yield PrintFile(Output(f"{stem}.pdf", pdf.write(document)), station.id, f"{caption}卡片",
                    (round(width, 1), round(height, 1)), len(document.pages), "PVC 卡片或背胶贴纸，覆哑膜", quantity,
                    created)


def _row(f: PrintFile) -> dict[str, object]:
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
    }


def manifest_json(files: list[PrintFile]) -> bytes:
    return (json.dumps([_row(f) for f in files], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_csv(files: list[PrintFile]) -> bytes:
    return csv_bytes([_row(f) for f in files], empty_header=["file"])


def print_pack(files: list[PrintFile]) -> bytes:
    """One station's files and their manifest, zipped reproducibly: each entry dated by its content, the
    manifest by the newest of them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        for f in files:
            _add(pack, f.output.path, f.output.data, f.created)
        _add(pack, "manifest.csv", manifest_csv(files), max((f.created for f in files if f.created), default=None))
    return out.getvalue()


def _add(pack: zipfile.ZipFile, name: str, data: bytes, day: dt.date | None) -> None:
    day = max(day or ZIP_EPOCH, ZIP_EPOCH)
    info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
    # PDFs and images are compressed already; deflating them again only costs time.
    info.compress_type = zipfile.ZIP_DEFLATED if name.endswith((".csv", ".svg", ".json")) else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    pack.writestr(info, data)
