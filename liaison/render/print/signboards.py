"""Signboards (标识牌): a proof on the simulated plate for the client, production artwork for the shop."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import jinja2

from liaison.content import paths
from liaison.content.schema import Material, Plate
from liaison.model.site import Site, Station
from liaison.render.print import lettering as signboard
from liaison.render.print import pdf, texture
from liaison.render.print import spec as printspec

TEXTURES = {Material.GOLD: "gold", Material.BRASS: "brass", Material.INSERT: "insert"}
PREVIEW_WIDTH_PX = 1800


def production_path(station_id: str) -> str:
    return f"{station_id}/signboard-production.pdf"


def proof_paths(site: Site, station: Station) -> list[tuple[Material, str, str]]:
    """(material, proof PDF, PNG preview) for each material the station's plate is made in, the first one's
    files named plainly."""
    found = []
    for index, material in enumerate(site.settings.signage.materials_for(station.kind)):
        stem = f"{station.id}/signboard-proof" + ("" if index == 0 else f"-{TEXTURES[material]}")
        found.append((material, f"{stem}.pdf", f"{stem}.png"))
    return found


def production(site: Site, env: jinja2.Environment, station: Station, content_dir: Path,
               created: dt.date | None) -> bytes:
    """The production artwork for every material, dated `created`: the lettering alone, in CMYK."""
    cmyk = "device-cmyk({} {} {} {})".format(*printspec.PLATE_RED_CMYK)
    return _render(site, env, station, content_dir, cmyk, None, created)


def proof(site: Site, env: jinja2.Environment, station: Station, material: Material, content_dir: Path,
          created: dt.date | None) -> tuple[bytes, bytes]:
    """The proof on the simulated plate of `material` (a PDF dated `created`) and its PNG preview."""
    pdf_bytes = _render(site, env, station, content_dir, printspec.PROOF_RED, material, created)
    return pdf_bytes, preview_png(pdf_bytes)


def line_tops_mm(lines: tuple[str, ...], plate: Plate) -> list[float]:
    """Top of each line's em box, the block centred vertically on the plate."""
    em = plate.text_pt * printspec.MM_PER_PT
    pitch = em * plate.line_height
    block = em + pitch * (len(lines) - 1)
    first = (plate.height_mm - block) / 2
    return [first + pitch * i for i in range(len(lines))]


def _render(site: Site, env: jinja2.Environment, station: Station, content_dir: Path, color: str,
            texture_material: Material | None, created: dt.date | None) -> bytes:
    signage = site.settings.signage
    plate = signage.plate
    lines = signboard.break_lines(station.name, plate, station.name_lines)
    font = _font_asset(signage.font, content_dir)
    assets: dict[str, pdf.Asset] = {}
    if font:
        assets["signboard-font"] = font
    if texture_material is not None:
        bleed = printspec.BLEED_MM
        jpeg = texture.plate_texture(TEXTURES[texture_material], plate.width_mm + 2 * bleed, plate.height_mm + 2 * bleed,
                                     ppi=printspec.MIN_IMAGE_PPI)
        assets["texture"] = pdf.Asset(jpeg, "image/jpeg")
    html = env.get_template("print/signboard.html").render(
        station=station, plate=plate, lines=lines, tops=line_tops_mm(lines, plate), color=color,
        bleed_mm=printspec.BLEED_MM, texture=texture_material is not None,
        font_url="asset:signboard-font" if font else None, created=created)
    return pdf.write(pdf.document(html, assets))


def preview_png(pdf_bytes: bytes) -> bytes:
    import pypdfium2  # here: a build that draws no proof (most rebuilds) does not load it (50 ms)

    page = pypdfium2.PdfDocument(pdf_bytes)[0]
    width_pt = page.get_width()
    image = page.render(scale=PREVIEW_WIDTH_PX / width_pt).to_pil()
    out = io.BytesIO()
    image.save(out, "PNG")  # optimize=True costs ten times longer on the noisy texture for 10 % less
    return out.getvalue()


def _font_asset(relative: str | None, content_dir: Path) -> pdf.Asset | None:
    if relative is None:
        return None
    path = paths.named_file(content_dir, relative)
    mime = {".otf": "font/otf", ".ttf": "font/ttf", ".ttc": "font/collection"}.get(path.suffix.lower(), "font/otf")
    return pdf.Asset(path.read_bytes(), mime)
