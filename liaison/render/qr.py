"""QR codes as inline SVG: one path of dark modules, error correction M, 4-module quiet zone.

zxing-cpp's writer encodes (libzint inside, native code: 14 times qrcode's pure Python, which scored
all eight masks in Python; benchmarks/render_speed.py), and each distinct payload is encoded once per
process: the same codes recur on the web, kiosk and print pages of a station.
"""
from __future__ import annotations

import functools
import re

import zxingcpp
from markupsafe import Markup, escape

QUIET_ZONE = 4
ERROR_CORRECTION = "M"
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's image: one byte a module, 0 dark, 255 light


def matrix(data: str) -> list[list[bool]]:
    """The modules, quiet zone included, row by row; True is dark."""
    rows = _modules(data, ERROR_CORRECTION)
    border = [False] * QUIET_ZONE
    width = len(rows) + 2 * QUIET_ZONE
    return ([[False] * width for _ in range(QUIET_ZONE)]
            + [border + [module == 0 for module in row] + border for row in rows]
            + [[False] * width for _ in range(QUIET_ZONE)])


def svg(data: str, label: str, symbol_mm: float | None = None, *, dark: str, light: str) -> Markup:
    """An SVG of the code, `dark` modules on a `light` ground (the theme's colours); `label` is the accessible name.

    Without `symbol_mm` it scales with its container (web). With it, the SVG is
    sized so that the symbol itself, quiet zone excluded, measures symbol_mm (print).
    """
    size, path = _drawing(data, ERROR_CORRECTION, QUIET_ZONE)
    dimensions = ""
    if symbol_mm is not None:
        total = symbol_mm * size / (size - 2 * QUIET_ZONE)
        dimensions = f'width="{total:.2f}mm" height="{total:.2f}mm" '
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" {dimensions}viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="{escape(light)}"/>'
        f'<path fill="{escape(dark)}" d="{path}"/></svg>'
    )


# Bounded: a worker of a county build meets thousands of payloads; a drawing is a few kilobytes.
@functools.lru_cache(maxsize=2048)
def _modules(data: str, error_correction: str) -> tuple[bytes, ...]:
    """The symbol without quiet zone, one bytes object a row (0 dark, 255 light)."""
    image = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=error_correction).to_image(
        scale=1, add_quiet_zones=False)
    height, width = image.shape
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer, which its stubs do not say
    return tuple(pixels[y * width:(y + 1) * width] for y in range(height))


@functools.lru_cache(maxsize=2048)
def _drawing(data: str, error_correction: str, quiet_zone: int) -> tuple[int, str]:
    """The width in modules, quiet zone included, and the path of the dark runs, one `M x y h w v1 h-w z` each."""
    rows = _modules(data, error_correction)
    runs = []
    for y, row in enumerate(rows, start=quiet_zone):
        for run in _DARK_RUN.finditer(row):
            start, end = run.start() + quiet_zone, run.end() + quiet_zone
            runs.append(f"M{start} {y}h{end - start}v1h{start - end}z")
    return len(rows) + 2 * quiet_zone, "".join(runs)
