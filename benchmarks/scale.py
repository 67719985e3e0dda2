"""County-scale benchmark: check and build generated county-shaped corpora, with Hugo and Pelican beside.

    .venv/bin/python benchmarks/scale.py [--stations 25,100,300] [--repeat 3] [--no-peers] [--keep DIR] [--out FILE]

For each number of stations it generates a corpus (benchmarks/corpus.py) and runs the `liaison` command as a
subprocess, so every figure is a whole process: `check --strict`, a cold build into empty folders, a
rebuild with nothing changed, a rebuild after one deputy's phone number was edited, a rebuild the next
day (--today + 1), where the CLI has it a web-only build, and the check again with the user cache the builds
left. Each step is timed (wall clock) and measured for memory two ways:

- largest process: the peak resident set size of the largest single process of the tree, the parent or one
  worker (the kernel's ru_maxrss from wait4, which is what getrusage(RUSAGE_CHILDREN) reports);
- process tree: the peak of the sum of the proportional set size (PSS: shared pages divided among the
  processes sharing them) over the command and all its descendants, sampled every 0.2 s from /proc (Linux
  only; a peak shorter than the interval can be missed).

The same run builds the corpus's station and deputy pages with Hugo and Pelican (benchmarks/peers.py) and
compares web pages per second; a last table turns issue 14's goal for web pages (at least Hugo's rate and 3
times Pelican's) into the wall time it allows liaison's pages, beside liaison's check alone and the CPU a page
what is left allows (goal_table). Everything is repeated --repeat times; the tables print medians, in
Markdown for the README, with the machine they were measured on. The `liaison` command runs this checkout's
package (PYTHONPATH), whichever installation the command belongs to.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import TODAY, Corpus, generate  # noqa: E402
from benchmarks.peers import INSTALL, Peer, pages_in, peers  # noqa: E402
from liaison.build.executor import cores  # noqa: E402

STEPS = ("check", "cold build", "no-change rebuild", "one phone edit", "next day")
WEB_ONLY = "web only"
CHECK_AGAIN = "check again"  # after the builds: the user cache as a build that is not the first finds it
SAMPLE_SECONDS = 0.2
PROC = Path("/proc")


# ---- one measured process -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    seconds: float
    largest_mb: float  # peak RSS of the largest single process of the tree
    tree_mb: float | None  # peak PSS summed over the tree, sampled; None where /proc cannot tell
    output: str
    cpu_seconds: float = 0.0  # user and system time of the process and of the workers it waited for


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; its wall time and memory. A non-zero exit stops the benchmark."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.finish()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}:\n{output}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(seconds, usage.ru_maxrss * scale / 2**20, sampler.peak_mb, output, usage.ru_utime + usage.ru_stime)


class _TreeSampler(threading.Thread):
    """The peak of the summed PSS of a process and its descendants, read from /proc every SAMPLE_SECONDS."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.peak_kb = 0
        self.readable = (PROC / "self" / "smaps_rollup").is_file()

    def run(self) -> None:
        while self.readable:
            self.peak_kb = max(self.peak_kb, _tree_pss_kb(self.pid))
            if self.done.wait(SAMPLE_SECONDS):
                return

    def finish(self) -> None:
        self.done.set()
        self.join()

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kb / 1024 if self.readable and self.peak_kb else None


def _tree_pss_kb(root: int) -> int:
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            rollup = (PROC / str(pid) / "smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)[1])  # type: ignore[index]
            for task in (PROC / str(pid) / "task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, TypeError, ValueError):
            continue  # the process ended (or became a zombie) while we read it
    return total


# ---- liaison's steps ------------------------------------------------------------------------------------------

def liaison_command() -> list[str]:
    """The installed `liaison` command: beside this Python, else on PATH, else `python -m liaison`."""
    beside = Path(sys.executable).with_name("liaison")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("liaison")
    return [found] if found else [sys.executable, "-m", "liaison"]


def checkout_env() -> dict[str, str]:
    """The environment that makes the command import this checkout's package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def has_web_only(liaison: list[str], env: dict[str, str]) -> bool:
    usage = subprocess.run([*liaison, "--help"], capture_output=True, text=True, env=env, check=True).stdout
    return "--only" in usage


@dataclass
class Size:
    """Every measured run of one corpus size."""

    corpus: Corpus
    runs: dict[str, list[Run]] = field(default_factory=dict)
    web_pages: int = 0
    peer_runs: dict[str, list[Run]] = field(default_factory=dict)
    peer_pages: dict[str, int] = field(default_factory=dict)

    def add(self, step: str, run: Run) -> None:
        self.runs.setdefault(step, []).append(run)


def liaison_steps(size: Size, work: Path, liaison: list[str], env: dict[str, str], round_: int,
                  web_only: bool) -> None:
    """One round of the five steps from empty outputs and an empty user cache, and where the CLI has it a web-only
    build over the last one (a partial build needs a published build to keep the rest of; it renders every web page
    again)."""
    content = ["--content", str(size.corpus.content)]
    env = {**env, "XDG_CACHE_HOME": str(_empty(work / "user-cache"))}  # cold means no cache of the user's either
    today, tomorrow = ["--today", TODAY.isoformat()], ["--today", (TODAY + dt.timedelta(days=1)).isoformat()]

    def step(name: str, *arguments: str, into: Path | None = None) -> None:
        outputs = ["--site", str(into / "site"), "--signage", str(into / "signage")] if into else []
        run = measure([*liaison, *arguments, *content, *outputs], env)
        size.add(name, run)
        tree = "" if run.tree_mb is None else f", tree {run.tree_mb:.0f} MB"
        print(f"  [{size.corpus.stations} stations, round {round_}] {name}: {run.seconds:.1f} s, largest process "
              f"{run.largest_mb:.0f} MB{tree}", file=sys.stderr)  # each round's memory, not only the medians

    out = _empty(work / "out")
    step("check", "check", "--strict", *today)
    step("cold build", "build", *today, into=out)
    size.web_pages = liaison_web_pages(out / "site")
    step("no-change rebuild", "build", *today, into=out)
    edit_phone(size.corpus, round_)
    step("one phone edit", "build", *today, into=out)
    step("next day", "build", *tomorrow, into=out)
    if web_only:
        step(WEB_ONLY, "build", "--only", "web", *today, into=out)
    step(CHECK_AGAIN, "check", "--strict", *today)


def liaison_web_pages(site: Path) -> int:
    """The site's web pages: its HTML files, less the lobby screens (kiosk/), which no peer has."""
    root = site.resolve()
    return sum(1 for page in root.rglob("*.html") if page.relative_to(root).parts[0] != "kiosk")


def edit_phone(corpus: Corpus, serial: int) -> None:
    """Give the corpus's edit target a new phone number, a different one every round."""
    assert corpus.edit_target is not None
    text = corpus.edit_target.read_text(encoding="utf-8")
    edited, count = re.subn(r"^phone: '\d+'$", f"phone: '138{serial:08d}'", text, flags=re.M)
    assert count == 1 and edited != text, corpus.edit_target
    corpus.edit_target.write_text(edited, encoding="utf-8")


def _empty(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# ---- the peers ------------------------------------------------------------------------------------------------

def peer_rounds(size: Size, work: Path, available: list[Peer], repeat: int) -> None:
    for peer in available:
        command = peer.prepare(size.corpus, work / "peers" / peer.name)
        for round_ in range(1, repeat + 1):
            out = work / "peers" / f"{peer.name}-out"
            shutil.rmtree(out, ignore_errors=True)
            run = measure(command(out))
            size.peer_runs.setdefault(peer.name, []).append(run)
            size.peer_pages[peer.name] = pages_in(out)
            print(f"  [{size.corpus.stations} stations, round {round_}] {peer.name}: {run.seconds:.2f} s",
                  file=sys.stderr)


# ---- the report -----------------------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = PROC / "cpuinfo"
    if cpuinfo.is_file() and (model := re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)):
        cpu = model[1].strip()
    usable = cores()  # what the build's --jobs defaults to: affinity and the cgroup's quota
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = platform.freedesktop_os_release().get("PRETTY_NAME", "") if sys.platform == "linux" else ""
    return (f"{cpu}, {os.cpu_count()} cores ({usable} usable), {memory:.0f} GiB; {platform.system()} "
            f"{platform.release()} {system}; Python {platform.python_version()}")


def commit() -> str:
    found = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h (%cs)"], capture_output=True, text=True)
    return found.stdout.strip() or "unknown commit"


def _median(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _mb(value: float | None) -> str:
    return f"{value:,.0f} MB" if value is not None else "n/a"


CHANGED = {"site": re.compile(r"网站 \d+ 个文件（变化 (\d+)"), "signage": re.compile(r"制作文件 \d+ 个（变化 (\d+)")}


def _changed(run: Run, target: str) -> str:
    """How many files of a target the build changed, from its summary line (—: the step does not say)."""
    found = CHANGED[target].search(run.output)
    return f"{int(found[1]):,}" if found else "—"


def steps_table(sizes: list[Size]) -> list[str]:
    lines = ["| stations | step | wall time | per station | largest process | process tree (PSS) "
             "| site files changed | print files changed |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        for step, runs in size.runs.items():
            seconds = statistics.median(run.seconds for run in runs)
            stations = size.corpus.stations
            lines.append(f"| {stations} | {step} | {seconds:.1f} s | {seconds / stations:.2f} s "
                         f"| {_mb(_median([r.largest_mb for r in runs]))} | {_mb(_median([r.tree_mb for r in runs]))} "
                         f"| {_changed(runs[-1], 'site')} | {_changed(runs[-1], 'signage')} |")
    return lines


def _rate(pages: int, seconds: float) -> str:
    rate = pages / seconds
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.1f}"


def pages_table(sizes: list[Size], web_only: bool, peer_list: list[Peer]) -> list[str]:
    lines = ["| stations | generator | web pages | wall time | pages per second | what is timed |",
             "|---:|---|---:|---:|---:|---|"]
    for size in sizes:
        n = size.corpus.stations
        step = WEB_ONLY if web_only else "cold build"
        if step not in size.runs:
            continue  # a partial report, written before the size's first build ended
        seconds = statistics.median(run.seconds for run in size.runs[step])
        timed = ("`build --only web` over the last build: every web page rendered again; whole process" if web_only else
                 "the whole cold build (web, lobby screens, print): this version has no `build --only web`")
        lines.append(f"| {n} | liaison | {size.web_pages:,} | {seconds:.1f} s | {_rate(size.web_pages, seconds)} "
                     f"| {timed} |")
        for peer in peer_list:
            if peer.version is None:
                lines.append(f"| {n} | {peer.name} | | | | not installed: `{INSTALL}` |")
                continue
            seconds = statistics.median(run.seconds for run in size.peer_runs[peer.name])
            pages = size.peer_pages[peer.name]
            lines.append(f"| {n} | {peer.name} {peer.version} | {pages:,} | {seconds:.2f} s | {_rate(pages, seconds)} "
                         f"| one page per station and deputy, and its list pages; whole process |")
    return lines


def _peer_rate(size: Size, name: str) -> float | None:
    runs = size.peer_runs.get(name)
    return size.peer_pages[name] / statistics.median(run.seconds for run in runs) if runs else None


def goal_table(sizes: list[Size], web_only: bool, workers: int) -> list[str]:
    """Issue 14's goal for web pages (at least Hugo's rate and 3 times Pelican's) as the wall time it allows
    liaison's pages, beside the check alone (the load and validation every build starts with, timed with the
    user cache the builds before it left, as the web-only build finds it), and the CPU a page what is left
    of that time gives on all cores, beside what a page cost in the build (its CPU less the check's)."""
    lines = ["| stations | liaison's web pages | pages per second the goal asks | wall time that allows "
             f"| liaison's check alone | CPU a page the rest allows on {workers} cores | liaison's build: wall time "
             "| its CPU a page, the check's left out |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    step = WEB_ONLY if web_only else "cold build"
    for size in sizes:
        hugo, pelican = _peer_rate(size, "Hugo"), _peer_rate(size, "Pelican")
        if hugo is None or pelican is None or step not in size.runs or CHECK_AGAIN not in size.runs:
            continue
        pages, asked, checks, builds = size.web_pages, max(hugo, 3 * pelican), size.runs[CHECK_AGAIN], size.runs[step]
        check, took = statistics.median(r.seconds for r in checks), statistics.median(r.seconds for r in builds)
        page_cpu = statistics.median(r.cpu_seconds for r in builds) - statistics.median(r.cpu_seconds for r in checks)
        left_ms = max(0.0, pages / asked - check) * workers / pages * 1000
        lines.append(f"| {size.corpus.stations} | {pages:,} | {asked:,.0f} | {pages / asked:.2f} s | {check:.2f} s "
                     f"| {left_ms:.2f} ms | {took:.2f} s | {page_cpu / pages * 1000:.2f} ms |")
    return lines if len(lines) > 2 else []


def report(sizes: list[Size], web_only: bool, peer_list: list[Peer], loads: tuple[float, float], version: str) -> str:
    corpora = "\n".join(f"- {size.corpus.describe()}" for size in sizes)
    repeat = min((len(runs) for size in sizes for runs in size.runs.values()), default=0)
    return "\n".join([
        f"Measured on {machine()}; load average {loads[0]:.1f} at the start and {loads[1]:.1f} at the end "
        f"(other work shared the machine). liaison at {version}, `--today {TODAY}`; "
        f"medians of {repeat} run{'s' if repeat > 1 else ''}.", "",
        "Corpora (`benchmarks/corpus.py`):", corpora, "",
        *steps_table(sizes), "",
        *pages_table(sizes, web_only, peer_list), "",
        *goal_table(sizes, web_only, cores()), ""])


# ---- main -------------------------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", default="25,100,300", help="corpus sizes, comma-separated (default 25,100,300)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; the tables show medians (default 3)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the corpora and outputs")
    parser.add_argument("--out", type=Path, help="also write the tables here, after every round: a long run "
                                                 "interrupted still leaves the medians of the rounds it finished")
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.stations.split(",")]
    peer_list = [] if args.no_peers else peers()
    for peer in peer_list:
        if peer.version is None:
            print(f"{peer.name} is not installed: {INSTALL} (its row says so)", file=sys.stderr)
    available = [peer for peer in peer_list if peer.version is not None]
    liaison, env = liaison_command(), checkout_env()
    web_only = has_web_only(liaison, env)
    loads, version = os.getloadavg()[0], commit()  # the checkout as the run starts
    work = args.keep or Path(tempfile.mkdtemp(prefix="liaison-scale-"))
    sizes: list[Size] = []

    def tables() -> str:
        text = report(sizes, web_only, peer_list, (loads, os.getloadavg()[0]), version)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        return text

    try:
        for count in counts:
            folder = _empty(work / f"{count}-stations")
            sizes.append(Size(generate(folder / "content", count)))
            print(f"{count} stations: {sizes[-1].corpus.describe()}", file=sys.stderr)
            peer_rounds(sizes[-1], folder, available, args.repeat)
            for round_ in range(1, args.repeat + 1):
                liaison_steps(sizes[-1], folder, liaison, env, round_, web_only)
                tables()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
