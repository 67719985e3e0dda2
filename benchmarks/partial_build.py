"""A clean full build against `build --only web` of the same content, each timed end to end as the clerk runs it.

    .venv/bin/python benchmarks/partial_build.py [--repeat N] [--content DIR]

Each run is a fresh `python build.py` process (start-up, loading, validation, rendering and publishing
included) into the same output folders, with the same --today and SOURCE_DATE_EPOCH, so that every run
renders the same outputs. The full build is `--clean` (every output rendered: without it, a build over the
last one renders only what is not current). A first full build (not timed) publishes what `--only web` keeps,
and `--only web` renders every web page again (portraits are taken from the last build where their photo's
bytes are the same). Prints the
medians, their ratio and the machine, as a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"  # the demo's day in the tests (tests/conftest.py DEMO_TODAY)
EPOCH = "1795104000"  # 2026-11-20, as the tests date outputs


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    return time.perf_counter() - start


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{cores} cores ({model}), load average {load}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as out:
        build = [sys.executable, str(ROOT / "build.py"), "-q", "--content", str(args.content),
                 "--site", f"{out}/site", "--signage", f"{out}/signage", "--today", TODAY]
        seconds(build)  # publishes the outputs a partial build keeps; warms the file system cache
        full, web = [], []
        for _ in range(args.repeat):  # alternated, so that a change in the machine's load falls on both
            full.append(seconds([*build, "--clean"]))
            web.append(seconds([*build, "--only", "web"]))
    full_s, web_s = statistics.median(full), statistics.median(web)
    print(f"{machine()}; medians of {args.repeat} runs each, content {args.content.name}/\n")
    print("| build | median | runs |")
    print("|---|---:|---|")
    print(f"| full build (`--clean`) | {full_s:.1f} s | {', '.join(f'{t:.1f}' for t in full)} |")
    print(f"| `--only web` | {web_s:.1f} s | {', '.join(f'{t:.1f}' for t in web)} |")
    print(f"\n`--only web` takes {web_s / full_s:.2f} of a full build's time (1/{full_s / web_s:.1f}).")


if __name__ == "__main__":
    main()
