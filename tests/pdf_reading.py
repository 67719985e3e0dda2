"""Test support: read print PDFs back as a print shop's preflight would."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import ContentStream

MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Code:
    text: str
    size_mm: float  # the symbol's side, quiet zone excluded


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def box_mm(box) -> tuple[float, float, float, float]:
    return tuple(round(float(v) * MM_PER_PT, 2) for v in (box.left, box.bottom, box.right, box.top))


def text(data: bytes) -> str:
    """All text of all pages, whitespace removed."""
    return "".join("".join(page.extract_text().split()) for page in reader(data).pages)


def unembedded_fonts(data: bytes) -> list[str]:
    missing = []
    for page in reader(data).pages:
        for font in _fonts(page.get("/Resources")):
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def font_names(data: bytes) -> list[str]:
    return [str(f.get("/BaseFont")) for page in reader(data).pages for f in _fonts(page.get("/Resources"))]


def _fonts(resources) -> list:
    if resources is None:
        return []
    resources = resources.get_object()
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        found.extend(_fonts(xobject.get("/Resources")))
    return found


def colour_operators(data: bytes) -> set[str]:
    """Every colour-setting operator with its colour space, e.g. {'cs /DeviceCMYK', 'scn 0 1 1 0'}."""
    found: set[str] = set()
    pdf = reader(data)
    for page in pdf.pages:
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            op = operator.decode()
            if op in ("rg", "RG", "k", "K", "g", "G", "cs", "CS", "sc", "SC", "scn", "SCN"):
                found.add(" ".join([op, *(_number(o) for o in operands)]))
    return found


def _number(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def images(data: bytes) -> int:
    return sum(len(page.images) for page in reader(data).pages)


def qr_codes(data: bytes, dpi: int = 150) -> list[Code]:
    """Rasterise every page at print resolution and decode every QR code on it."""
    codes = []
    for page in pypdfium2.PdfDocument(data):
        # The decoder reads PDFium's own pixels (RGB, as a PIL image of the page has them): a poster's page at
        # 150 dpi is 35 million pixels, which a PIL image would copy twice more (into the image, then out of it
        # for the decoder), with more time in those copies than in the decoding.
        bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
        assert bitmap.mode == "RGB", bitmap.mode
        image = zxingcpp.ImageView(memoryview(bitmap.buffer).cast("B"), bitmap.width, bitmap.height,
                                   zxingcpp.ImageFormat.RGB, bitmap.stride)
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            p = result.position
            side_px = max(abs(p.top_right.x - p.top_left.x), abs(p.bottom_left.y - p.top_left.y))
            codes.append(Code(result.text, side_px / dpi * 25.4))
    return codes
