"""QR encoding, font subsetting and page rendering speed on the demo, in one process.

    .venv/bin/python benchmarks/render_speed.py [--content DIR] [--today DAY] [--repeat N]

1. QR encoders: every code the demo's web and kiosk pages draw, encoded at level M by each
   encoder installed (qrcode and segno are pure Python and not dependencies: `pip install
   qrcode segno` to compare; zxing-cpp and zint-bindings are native, libzint inside); median
   time per code, and whether each symbol decodes to its text with zxing-cpp's reader and has the
   version qrcode picks.
2. Kiosk fonts: the two Noto CJK weights subset to each station's page text by fontTools (the
   peer, as liaison did before HarfBuzz) and by `fonts.subset_woff2`; median per page.
3. Pages: the demo's web pages, and the kiosk page of every station, rendered from empty
   per-process caches each pass (what one build's process does); medians of the passes.

Times are this process's CPU time (time.process_time): on a machine shared with other work,
wall time says more about the neighbours than about the code. Run the script from another
checkout (copy it there) to measure that checkout's renderers. Prints Markdown tables for the
README.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.util
import io
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402

from liaison.build.pipeline import Config, prepare  # noqa: E402
from liaison.render import fonts, qr  # noqa: E402
from liaison.render.kiosk import screen as kiosk  # noqa: E402
from liaison.render.web import pages as web  # noqa: E402

DEMO = ROOT / "content"
DEMO_TODAY = dt.date(2026, 11, 23)

Matrix = list[list[bool]]


# ---- QR encoders: each gives the symbol's modules, quiet zone excluded, dark = True ----

def by_qrcode(data: str) -> Matrix:
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def by_segno(data: str) -> Matrix:
    import segno

    # boost_error=False: segno otherwise raises the level to the highest the version holds
    return [[bool(v) for v in row] for row in segno.make_qr(data, error="m", boost_error=False).matrix]


def by_zxing(data: str) -> Matrix:
    image = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        add_quiet_zones=False)
    height, width = image.shape
    pixels = bytes(memoryview(image))
    return [[pixels[y * width + x] == 0 for x in range(width)] for y in range(height)]


def by_zint(data: str) -> Matrix:
    import zint

    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2  # level M
    symbol.encode(data.encode())
    bits = symbol.encoded_data  # rows of bit-packed modules, least significant bit first
    return [[bool(bits[y, x >> 3] >> (x & 7) & 1) for x in range(symbol.width)] for y in range(symbol.rows)]


ENCODERS = {"qrcode (pure Python, before)": ("qrcode", by_qrcode), "segno (pure Python)": ("segno", by_segno),
            "zxing-cpp (libzint, native)": ("zxingcpp", by_zxing),
            "zint-bindings (libzint, native)": ("zint", by_zint)}


def decodes_to(matrix: Matrix, data: str) -> bool:
    size = len(matrix) + 8  # with the 4-module quiet zone
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + 4, y + 4), 0)
    found = zxingcpp.read_barcodes(image.resize((size * 6, size * 6), Image.NEAREST))
    return [b.text for b in found] == [data]


def median_per_item(task: Callable[[str], object], items: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        empty_caches()  # the items are distinct: within a pass nothing is found in a cache
        start = time.process_time()
        for item in items:
            task(item)
        times.append((time.process_time() - start) / len(items))
    return statistics.median(times)


def qr_table(payloads: list[str], repeat: int) -> None:
    print(f"QR encoders: {len(payloads)} distinct payloads, level M; median of {repeat} passes, CPU time\n")
    print("| encoder | ms per code | × qrcode | decodes (zxing-cpp) | qrcode's version | same symbol as qrcode |")
    print("|---|---:|---:|---:|---:|---:|")
    reference = {p: by_qrcode(p) for p in payloads} if importlib.util.find_spec("qrcode") else None
    base = None
    for name, (module, encode) in ENCODERS.items():
        if importlib.util.find_spec(module) is None:
            print(f"| {name} | not installed | | | | |")
            continue
        seconds = median_per_item(encode, payloads, repeat)
        base = seconds if module == "qrcode" else base
        symbols = {p: encode(p) for p in payloads}
        decoded = sum(decodes_to(m, p) for p, m in symbols.items())
        versions = same = "–"
        if reference:
            versions = str(sum(len(m) == len(reference[p]) for p, m in symbols.items()))
            same = str(sum(m == reference[p] for p, m in symbols.items()))
        ratio = f"{base / seconds:.1f}" if base else "–"
        print(f"| {name} | {seconds * 1000:.2f} | {ratio} | {decoded}/{len(payloads)} "
              f"| {versions} | {same} |")


# ---- kiosk fonts ----

def fonttools_subset(font: fonts.FontFile, text: str) -> bytes:
    """liaison's subsetting before HarfBuzz, the peer."""
    from fontTools import subset

    face = font.open()
    options = subset.Options()
    options.hinting = False
    options.drop_tables += ["meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(face)
    face.flavor = "woff2"
    face.recalcTimestamp = False
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def subset_table(texts: list[str], repeat: int, peer: bool) -> None:
    faces = [fonts.find(pattern) for pattern in kiosk.FACES.values()]

    def by(subsetter: Callable[[fonts.FontFile, str], bytes]) -> Callable[[str], object]:
        return lambda text: [subsetter(face, text) for face in faces]

    sizes = Counter(len(t) for t in texts)
    print(f"\nKiosk fonts: both weights subset to each station's page text ({len(texts)} pages, "
          f"{min(sizes)}–{max(sizes)} characters); median of {repeat} passes, CPU time\n")
    print("| subsetter | seconds per page |")
    print("|---|---:|")
    if peer:
        print(f"| fontTools (before) | {median_per_item(by(fonttools_subset), texts, max(1, repeat // 3)):.3f} |")
    print(f"| liaison `fonts.subset_woff2` | {median_per_item(by(fonts.subset_woff2), texts, repeat):.3f} |")
    quality_table(texts, faces, repeat)


def quality_table(texts: list[str], faces: list[fonts.FontFile], repeat: int) -> None:
    """WOFF2's Brotli quality (fonts.BROTLI_QUALITY): time per page against the bytes of every page's fonts."""
    chosen = fonts.BROTLI_QUALITY
    print(f"\nWOFF2 Brotli quality (liaison uses {chosen}): both weights of every kiosk page\n")
    print("| quality | seconds per page | bytes, all pages | × quality 11 |")
    print("|---:|---:|---:|---:|")
    largest = 0
    for quality in (11, 9, 7, 5):
        fonts.BROTLI_QUALITY = quality
        fonts._subset_woff2.cache_clear()
        size = sum(len(fonts.subset_woff2(face, text)) for face in faces for text in texts)
        largest = largest or size
        seconds = median_per_item(lambda text: [fonts.subset_woff2(face, text) for face in faces], texts, repeat)
        print(f"| {quality} | {seconds:.3f} | {size:,} | {size / largest:.2f} |")
    fonts.BROTLI_QUALITY = chosen


# ---- pages ----

def empty_caches() -> None:
    """What a new build process starts with: no code, face or subset kept from the last pass."""
    for module in (qr, fonts):
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def median_pass(task: Callable[[], object], repeat: int) -> float:
    task()  # warm: templates compiled, font files in the page cache
    times = []
    for _ in range(repeat):
        empty_caches()
        start = time.process_time()
        task()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=DEMO, help="the content (the demo by default)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEMO_TODAY)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", choices=["qr", "fonts", "pages"], action="append")
    parser.add_argument("--no-peer", action="store_true", help="skip the slow fontTools peer (smoke test)")
    args = parser.parse_args()
    parts = args.only or ["qr", "fonts", "pages"]

    config = Config(content=args.content, site_dir=Path("unused"), signage_dir=Path("unused"), today=args.today)
    prepared = prepare(config)
    ctx, site, env = prepared.context, prepared.context.site, prepared.context.env
    page_jobs = [job for job in prepared.jobs if job.render in (web.page, web.plain_text)]  # the sitemap fans in
    stations = list(site.stations.values())

    def web_pages() -> list[object]:
        return [job.run(ctx) for job in page_jobs]

    drawn: list[str] = []
    draw = env.globals["qr_svg"]
    env.globals["qr_svg"] = lambda data, *a, **k: (drawn.append(data), draw(data, *a, **k))[1]
    texts: list[str] = []  # what each kiosk page's fonts are subset to
    font_faces = kiosk._font_faces
    kiosk._font_faces = lambda text: (texts.append(text), font_faces(text))[1]
    pages = web_pages()
    for station in stations:
        kiosk.kiosk_page(site, env, station, args.content)
    env.globals["qr_svg"], kiosk._font_faces = draw, font_faces

    if "qr" in parts:
        print(f"The web pages and kiosk pages of {args.content.name} draw {len(drawn)} QR codes of {len(set(drawn))} payloads.\n")
        qr_table(sorted(set(drawn)), args.repeat)
    if "fonts" in parts:
        subset_table(texts, args.repeat, peer=not args.no_peer)
    if "pages" in parts:
        web_seconds = median_pass(web_pages, args.repeat)
        kiosk_seconds = median_pass(lambda: [kiosk.kiosk_page(site, env, s, args.content) for s in stations], args.repeat)
        print(f"\nPages: medians of {args.repeat} passes, each from empty per-process caches, CPU time\n")
        print("| pages | per pass | per page |")
        print("|---|---:|---:|")
        print(f"| web, {len(pages)} pages | {web_seconds:.3f} s | {web_seconds / len(pages) * 1000:.1f} ms |")
        print(f"| kiosk, {len(stations)} stations | {kiosk_seconds:.3f} s "
              f"| {kiosk_seconds / len(stations) * 1000:.0f} ms |")
    print(f"\nPython {sys.version.split()[0]}; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
