"""Signboards (标识牌): a proof on the simulated plate for the client, production artwork for the shop."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pypdfium2

from liaison.content import paths
from liaison.content.schema import Material, Plate
from liaison.model.site import Site, Station
from liaison.render import Output
from liaison.render.print import lettering as signboard
from liaison.render.print import pdf, texture
from liaison.render.print import spec as printspec

PROOF_RED = "#e60012"  # the sRGB look of C0 M100 Y100 K0 on coated stock, for the proof only
TEXTURES = {Material.GOLD: "gold", Material.BRASS: "brass", Material.INSERT: "insert"}
PREVIEW_WIDTH_PX = 1800


def signboard_files(site: Site, env: jinja2.Environment, station: Station, content_dir: Path,
                    created: dt.date | None) -> Iterator[tuple[Output, str, Material | None]]:
    """(output, role, material): the production artwork, then a proof PDF and PNG per material; the PDFs
    dated `created`."""
    signage = site.settings.signage
    font = _font_asset(signage.font, content_dir)
    lines = signboard.break_lines(station.name, signage.plate, station.name_lines)
    cmyk = "device-cmyk({} {} {} {})".format(*printspec.PLATE_RED_CMYK)
    production = _render(env, station, signage.plate, lines, cmyk, font, None, created)
    yield Output(f"{station.id}/signboard-production.pdf", production), "production", None
    for index, material in enumerate(signage.materials_for(station.kind)):
        name = "signboard-proof" if index == 0 else f"signboard-proof-{TEXTURES[material]}"
        proof = _render(env, station, signage.plate, lines, PROOF_RED, font, material, created)
        yield Output(f"{station.id}/{name}.pdf", proof), "proof", material
        yield Output(f"{station.id}/{name}.png", preview_png(proof)), "preview", material


def line_tops_mm(lines: tuple[str, ...], plate: Plate) -> list[float]:
    """Top of each line's em box, the block centred vertically on the plate."""
    em = plate.text_pt * printspec.MM_PER_PT
    pitch = em * plate.line_height
    block = em + pitch * (len(lines) - 1)
    first = (plate.height_mm - block) / 2
    return [first + pitch * i for i in range(len(lines))]


def _render(env: jinja2.Environment, station: Station, plate: Plate, lines: tuple[str, ...], color: str,
            font: pdf.Asset | None, texture_material: Material | None, created: dt.date | None) -> bytes:
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
