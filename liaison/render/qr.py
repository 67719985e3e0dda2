"""QR codes as inline SVG: one path of dark modules, error correction M, 4-module quiet zone.

zxing-cpp's writer encodes (libzint inside, native code: 14 times qrcode's pure Python, which scored
all eight masks in Python; benchmarks/render_speed.py), and each distinct payload is encoded once per
process: the same codes recur on the web, kiosk and print pages of a station. A build keeps the symbols each
job drew (its fact FACT, as `kept` text) and hands them to the next build's jobs (`recording`), which take them
instead of encoding those payloads again (a web-only build at 300 stations draws some 3,300 codes). A kept
symbol carries a check of the encoder (ENCODER), its payload and its modules: one of another zxing-cpp
version, or damaged, is encoded again, so what is kept changes no byte.
"""
from __future__ import annotations

import base64
import contextlib
import contextvars
import functools
import hashlib
import importlib.metadata
import re
from collections.abc import Iterator, Mapping

import zxingcpp
from markupsafe import Markup, escape

QUIET_ZONE = 4
ERROR_CORRECTION = "M"
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's image: one byte a module, 0 dark, 255 light
ENCODER = f"zxing-cpp {importlib.metadata.version('zxing-cpp')} {ERROR_CORRECTION}"  # what a kept symbol was made by
FACT = "qr"  # a job's fact: the symbols it drew, by payload, as `kept` text
_BITS = bytes.maketrans(b"\x00\xff", b"10")  # a row of the image as the digits of the symbol's bits, 1 dark
_MODULES = bytes.maketrans(b"10", b"\x00\xff")
# The symbols kept from the last build, and those the job running now drew (`recording`).
_JOB: contextvars.ContextVar[tuple[Mapping[str, str], dict[str, str]] | None] = contextvars.ContextVar(
    "qr_job", default=None)
Rows = tuple[bytes, ...]  # the symbol without quiet zone, one bytes object a row (0 dark, 255 light)


@contextlib.contextmanager
def recording(known: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """The symbols drawn while the block runs, by payload, as `kept` text; `known`: symbols kept from the last
    build (the same text, by payload), taken instead of encoding their payloads again where their check holds."""
    drawn: dict[str, str] = {}
    token = _JOB.set((known, drawn))
    try:
        yield drawn
    finally:
        _JOB.reset(token)


def matrix(data: str) -> list[list[bool]]:
    """The modules, quiet zone included, row by row; True is dark."""
    rows = _drawn(data)
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
    _drawn(data)
    size, path = _drawing(data, QUIET_ZONE)
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


def _drawn(data: str) -> Rows:
    """The symbol of `data`, noted as drawn by the job running now."""
    text, rows = _symbol(data)
    job = _JOB.get()
    if job is not None:
        job[1][data] = text
    return rows


# Bounded: a worker of a county build meets thousands of payloads; a drawing is a few kilobytes.
@functools.lru_cache(maxsize=2048)
def _symbol(data: str) -> tuple[str, Rows]:
    """The symbol of `data` as kept text and as rows: the one kept from the last build where its check holds,
    else encoded."""
    job = _JOB.get()
    text = job[0].get(data) if job is not None else None
    rows = _unkept(data, text) if isinstance(text, str) else None
    if text is None or rows is None:
        rows = _encoded(data)
        text = kept(data, rows)
    return text, rows


def _encoded(data: str) -> Rows:
    image = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_CORRECTION).to_image(
        scale=1, add_quiet_zones=False)
    height, width = image.shape
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer, which its stubs do not say
    return tuple(pixels[y * width:(y + 1) * width] for y in range(height))


def kept(data: str, rows: Rows) -> str:
    """A symbol as a build keeps it: `<width>:<the modules, a bit each, row by row, in base64>:<check>`."""
    digits = b"".join(rows).translate(_BITS)
    packed = int(b"1" + digits, 2).to_bytes((len(digits) + 8) // 8, "big")  # the leading 1 keeps leading zeros
    body = f"{len(rows)}:{base64.b64encode(packed).decode()}"
    return f"{body}:{_check(data, body)}"


def _unkept(data: str, text: str) -> Rows | None:
    """The rows of a kept symbol, None unless its check holds (another encoder, another payload, damage)."""
    body, _, check = text.rpartition(":")
    if check != _check(data, body):
        return None
    width, _, packed = body.partition(":")
    digits = format(int.from_bytes(base64.b64decode(packed), "big"), "b").encode()[1:].translate(_MODULES)
    size = int(width)
    return tuple(digits[y * size:(y + 1) * size] for y in range(size))


def _check(data: str, body: str) -> str:
    return hashlib.blake2b(f"{ENCODER}\n{data}\n{body}".encode(), digest_size=9).hexdigest()


@functools.lru_cache(maxsize=2048)
def _drawing(data: str, quiet_zone: int) -> tuple[int, str]:
    """The width in modules, quiet zone included, and the path of the dark runs, one `M x y h w v1 h-w z` each."""
    rows = _symbol(data)[1]
    runs = []
    for y, row in enumerate(rows, start=quiet_zone):
        for run in _DARK_RUN.finditer(row):
            start, end = run.start() + quiet_zone, run.end() + quiet_zone
            runs.append(f"M{start} {y}h{end - start}v1h{start - end}z")
    return len(rows) + 2 * quiet_zone, "".join(runs)
