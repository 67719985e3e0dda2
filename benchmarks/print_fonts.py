"""Print files set in per-document subsets of the Noto CJK faces against the whole faces: time and bytes.

    .venv/bin/python benchmarks/print_fonts.py [--content DIR] [--repeat N]

Renders every print file of the content (the demo by default) in this process, one job at a time, in passes that
alternate the two ways (liaison's subsets of each face to the document's characters, `render/print/pdf.py`; and
WeasyPrint given the whole faces, as before). Reports, per kind of file, the median CPU time of a job over the
passes (CPU time, because the machine may be shared; the first pass of each way is a warm-up) and the median
and largest bytes. Prints a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from liaison.build.pipeline import Config, prepare  # noqa: E402
from liaison.render.print import pdf  # noqa: E402

KINDS = {"signboard_production": "signboard, production artwork", "signboard_proof": "signboard, proof PDF + PNG",
         "poster": "wall poster (time: a station's sheets; bytes: a sheet)", "qr_card": "QR card (PDF)",
         "reception_notice": "A4 reception notice"}
WAYS = ("whole faces (before)", "subsets per document (now)")


@contextmanager
def whole_faces(whole: bool) -> Iterator[None]:
    """As before: WeasyPrint given the whole faces, through one font configuration for the process."""
    saved = pdf._font_config
    if whole:
        shared = FontConfiguration()
        pdf._font_config = lambda chars: shared
    try:
        yield
    finally:
        pdf._font_config = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--repeat", type=int, default=3, help="measured passes of each way, after one warm-up")
    args = parser.parse_args()
    prepared = prepare(Config(content=args.content, site_dir=Path("unused"), signage_dir=Path("unused"),
                              today=args.today))
    jobs = [job for job in prepared.jobs if job.render.__name__ in KINDS]
    seconds: dict[tuple[str, str], list[float]] = {}
    sizes: dict[tuple[str, str], list[int]] = {}
    for number in range(args.repeat + 1):
        for way in WAYS:
            with whole_faces(way == WAYS[0]):
                for job in jobs:
                    start = time.process_time()
                    rendered = job.run(prepared.context)
                    spent = time.process_time() - start
                    if number:  # the first pass warms templates, fonts and textures
                        key = (job.render.__name__, way)
                        seconds.setdefault(key, []).append(spent)
                        sizes.setdefault(key, []).extend(len(o.data) for o in rendered.outputs
                                                         if o.path.endswith(".pdf"))
    print(f"| print file ({len(jobs)} jobs) | {' | '.join(f'CPU ms, {way}' for way in WAYS)} | "
          f"{' | '.join(f'KB median / largest, {way}' for way in WAYS)} |")
    print("|---|" + "---:|" * 2 * len(WAYS))
    for kind, label in KINDS.items():
        if (kind, WAYS[0]) not in seconds:
            continue
        times = [f"{statistics.median(seconds[kind, way]) * 1000:.0f}" for way in WAYS]
        kb = [f"{statistics.median(sizes[kind, way]) / 1000:.0f} / {max(sizes[kind, way]) / 1000:.0f}" for way in WAYS]
        print(f"| {label} | {' | '.join(times)} | {' | '.join(kb)} |")
    totals = [sum(sum(seconds[key]) for key in seconds if key[1] == way) / args.repeat for way in WAYS]
    print(f"| all print files, CPU s per pass | {' | '.join(f'{t:.1f}' for t in totals)} | | |")


if __name__ == "__main__":
    main()
