"""Web pages per second of `liaison build --only web`, whole process, on a generated corpus.

    .venv/bin/python benchmarks/web_only.py [--stations 25] [--repeat 5] [--work DIR] [--checkout DIR ...]

Generates the scale benchmark's corpus (benchmarks/corpus.py) of that many stations, builds it once in full
(`--only web` needs a published build to keep the rest of), then runs `build --only web` --repeat times, each in
a process of its own: every web page is rendered again, checked for links and published. For each checkout
given (default: this one; `git archive <commit> | tar -x -C DIR` makes one of an older commit) the runs
alternate between checkouts, so the machine's load falls on all alike. Reports medians of wall time and of CPU
time (user + system of the command and its workers: on a shared machine the wall time says as much about the
neighbours as about the code) and web pages per second (HTML files of the site other than the lobby
screens, as benchmarks/scale.py counts them), with the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import TODAY, generate  # noqa: E402
from benchmarks.scale import liaison_web_pages  # noqa: E402


@dataclass
class Checkout:
    root: Path
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def command(self, *arguments: str) -> tuple[list[str], dict[str, str]]:
        env = {**os.environ, "PYTHONPATH": str(self.root)}
        return [sys.executable, "-m", "liaison", *arguments], env


def run(checkout: Checkout, arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of one command; a failure stops the benchmark."""
    command, env = checkout.command(*arguments)
    started = time.perf_counter()
    # In the checkout's folder: `python -m` puts the working folder first on the path, before PYTHONPATH.
    process = subprocess.Popen(command, env=env, cwd=checkout.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode('utf-8', 'replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, help="render workers (default: liaison's, every core)")
    parser.add_argument("--work", type=Path, help="where the corpus and outputs go (default: a temporary folder)")
    parser.add_argument("--checkout", type=Path, action="append", help="a checkout to measure (default: this one)")
    args = parser.parse_args()
    checkouts = [Checkout(path.resolve()) for path in args.checkout or [ROOT]]
    work = args.work or Path(tempfile.mkdtemp(prefix="liaison-web-only-"))
    content = work / f"content-{args.stations}"
    if not content.is_dir():
        generate(content, args.stations)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    outputs = {}
    for number, checkout in enumerate(checkouts):
        out = work / f"out-{args.stations}-{number}"
        folders = ["--site", str(out / "site"), "--signage", str(out / "signage")]
        common = ["--content", str(content), *folders, "--today", TODAY.isoformat(), "-q"]
        if not (out / "site").is_dir():  # a build left in --work by an earlier run serves as well
            run(checkout, ["build", *common])
        outputs[checkout.root] = (out, ["build", "--only", "web", *jobs, *common])
    load_before = os.getloadavg()[0]
    for round_ in range(args.repeat):
        for checkout in checkouts:
            wall, cpu = run(checkout, outputs[checkout.root][1])
            checkout.walls.append(wall)
            checkout.cpus.append(cpu)
            print(f"  round {round_ + 1}, {checkout.root}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    load_after = os.getloadavg()[0]
    print(f"`build --only web` at {args.stations} stations, median of {args.repeat} runs each; "
          f"load average {load_before:.1f} before, {load_after:.1f} after; {os.cpu_count()} CPUs\n")
    print("| checkout | web pages | wall time | pages/s (wall) | CPU time (all processes) | pages per CPU second |")
    print("|---|---:|---:|---:|---:|---:|")
    for checkout in checkouts:
        pages = liaison_web_pages(outputs[checkout.root][0] / "site")
        wall, cpu = statistics.median(checkout.walls), statistics.median(checkout.cpus)
        print(f"| {checkout.root} | {pages} | {wall:.2f} s | {pages / wall:.0f} | {cpu:.2f} s | {pages / cpu:.0f} |")
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
