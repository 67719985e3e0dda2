"""Edit-to-reload of `liaison serve` on the demo: from saving one record to the reload event of the page showing it.

    .venv/bin/python benchmarks/serve_reload.py [--repeat N] [--content DIR]

Starts `python -m liaison serve` on a copy of the content (its preview in a temporary folder, --today and
SOURCE_DATE_EPOCH as the tests have them), waits for the first build, then for each kind of edit saves the record
(the whole file at once, as an editor does) and times until the server sends the `reload` event after which the
page shows the edit, as the page's own script would see it. Each save is made while the server is idle: after the
lobby screens and print files of the one before have been built too (the second pass, whose time the server's
terminal reports and the table shows). Prints the medians as a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from partial_build import EPOCH, ROOT, TODAY, machine  # the benchmark next door's settings

# (what is edited, the record, the page that shows it, the text replaced; the edit appends a counter to it)
EDITS = [
    ("a deputy's bio", "deputies/deng-qiuping.yaml", "deputies/deng-qiuping/", "关注市场环境、食品安全和小微经营者负担"),
    ("a notice's text", "notices/opinion-system-revision.md", "notices/opinion-system-revision/", "主要变化如下"),
    ("a work system's text", "systems/records.md", "systems/records/", None),
]
WAIT = 600.0


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return str(response.read().decode())
    except urllib.error.HTTPError as error:
        return str(error.read().decode())


def reloaded(base: str, since: str) -> None:
    """Return when the server sends `reload` to a page served at version `since`."""
    with urllib.request.urlopen(f"{base}/__liaison/events?since={since}", timeout=WAIT) as events:
        while events.readline().rstrip() != b"event: reload":
            pass


def version(page: str) -> str:
    return re.search(r"since=([\w-]+)", page)[1]  # type: ignore[index]


def edit_seconds(base: str, record: Path, page: str, old: str, new: str) -> float:
    """Save the edit, and time until a reload event after which the page shows it."""
    since = version(get(f"{base}/{page}"))
    saving = record.parent.parent.parent / ".saving"
    saving.write_text(record.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    start = time.perf_counter()
    os.replace(saving, record)
    while True:
        reloaded(base, since)
        seconds = time.perf_counter() - start
        shown = get(f"{base}/{page}")
        if new in shown:
            return seconds
        since = version(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="liaison-serve-bench-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(args.content, content)
        server = subprocess.Popen(
            [sys.executable, "-m", "liaison", "serve", "--content", str(content), "--port", "0",
             "--preview", f"{folder}/preview", "--today", TODAY], cwd=ROOT, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            rows = measure(server, content, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"{machine()}; medians of {args.repeat} saves each, content {args.content.name}/\n")
    print("| edit | page | edit to reload, median | runs | then screens and print files, median |")
    print("|---|---|---:|---|---:|")
    for label, page, times, rest in rows:
        print(f"| {label} | `{page}` | {statistics.median(times):.2f} s | {', '.join(f'{t:.2f}' for t in times)} "
              f"| {statistics.median(rest):.1f} s |")


def measure(server: subprocess.Popen[str], content: Path, repeat: int) -> list[tuple[str, str, list[float], list[float]]]:
    assert server.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=forward, args=(server.stdout, lines), daemon=True).start()
    base = re.search(r"http://[\d.]+:\d+", said(lines, "预览地址"))[0]  # type: ignore[index]
    said(lines, "已更新预览", "预览没有变化")  # the first build
    rows = []
    for label, relative, page_path, old in EDITS:
        record = content / relative
        if old is None:  # a Markdown record: its last line of text
            old = [line for line in record.read_text(encoding="utf-8").splitlines() if line.strip()][-1]
        times, rest = [], []
        for n in range(1, repeat + 1):
            times.append(edit_seconds(base, record, page_path, old, f"{old}（第{n}次修改）"))
            done = said(lines, "已更新预览", "预览没有变化")  # the second pass: the server is idle again
            rest.append(float(re.search(r"用时 ([\d.]+) 秒", done)[1]))  # type: ignore[index]
        rows.append((label, page_path, times, rest))
    return rows


def forward(stream: Iterable[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def said(lines: queue.Queue[str], *starts: str) -> str:
    """The next line of the server's terminal that starts with one of `starts`."""
    while True:
        line = lines.get(timeout=WAIT)
        if line.startswith(starts):
            return line


if __name__ == "__main__":
    main()
