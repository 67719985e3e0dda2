"""QR codes as inline SVG: one path of dark modules, error correction M, 4-module quiet zone."""
from __future__ import annotations

from collections.abc import Iterator

import qrcode
import qrcode.constants
from markupsafe import Markup, escape

QUIET_ZONE = 4


def matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def svg(data: str, label: str, symbol_mm: float | None = None, *, dark: str, light: str) -> Markup:
    """An SVG of the code, `dark` modules on a `light` ground (the theme's colours); `label` is the accessible name.

    Without `symbol_mm` it scales with its container (web). With it, the SVG is
    sized so that the symbol itself, quiet zone excluded, measures symbol_mm (print).
    """
    rows = matrix(data)
    size = len(rows)
    path = "".join(_row_runs(rows))
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


def _row_runs(rows: list[list[bool]]) -> Iterator[str]:
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield f"M{start} {y}h{x - start}v1h{start - x}z"
            else:
                x += 1
