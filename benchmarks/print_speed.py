"""Print rendering speed, warm and in one process, with WeasyPrint's two font-subsetting paths.

    .venv/bin/python benchmarks/print_speed.py [--repeat N]

The fast path subsets fonts with HarfBuzz (libharfbuzz-subset0, installed by
scripts/run.sh); the peer forces WeasyPrint's fontTools fallback in the same
run. Prints a Markdown table of medians for the README.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint.pdf.fonts as weasy_fonts  # noqa: E402

from liaison.build.pipeline import Config, check, environment  # noqa: E402
from liaison.render.print import signboards  # noqa: E402
from liaison.render.print.posters import poster_sheets  # noqa: E402
from tests.conftest import MINI, TODAY  # noqa: E402


@contextlib.contextmanager
def fonttools_subsetting() -> Iterator[None]:
    saved = weasy_fonts.harfbuzz_subset
    weasy_fonts.harfbuzz_subset = None
    try:
        yield
    finally:
        weasy_fonts.harfbuzz_subset = saved


def median_seconds(task: Callable[[], object], repeat: int) -> float:
    task()  # warm: fonts, templates and the plate texture are loaded once per process
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-peer", action="store_true", help="skip the slow fontTools peer (smoke test)")
    args = parser.parse_args()

    config = Config(content=MINI, site_dir=Path("/nonexistent"), signage_dir=Path("/nonexistent"), today=TODAY)
    site, _ = check(config)
    env = environment(site, config)
    station = site.stations["centre"]
    assert len(poster_sheets(site, env, station, MINI, TODAY)) == 1, "the benchmark poster must be one sheet"

    def production() -> bytes:
        return signboards.production(site, env, station, MINI, TODAY)

    def proof_with_preview() -> list:
        return [signboards.proof(site, env, station, material, MINI, TODAY)
                for material, _, _ in signboards.proof_paths(site, station)]

    def poster() -> list[bytes]:
        return poster_sheets(site, env, station, MINI, TODAY)

    tasks = {"signboard, production artwork (PDF)": production,
             "signboard, proof PDF + PNG preview": proof_with_preview,
             "wall poster, one A0 sheet (PDF)": poster}
    fast = {name: median_seconds(task, args.repeat) for name, task in tasks.items()}
    slow = {name: float("nan") for name in tasks}
    if not args.no_peer:
        with fonttools_subsetting():
            slow = {name: median_seconds(task, max(3, args.repeat // 3)) for name, task in tasks.items()}

    print(f"HarfBuzz subsetting available: {bool(weasy_fonts.harfbuzz_subset)}; "
          f"medians of {args.repeat} warm runs (fontTools peer: {max(3, args.repeat // 3)})\n")
    print("| output | HarfBuzz subset (used) | fontTools subset (peer) |")
    print("|---|---:|---:|")
    for name in tasks:
        print(f"| {name} | {fast[name]:.3f} s | {slow[name]:.3f} s |")


if __name__ == "__main__":
    main()
