"""How far a build has got, shown as it runs: the pipeline reports jobs done per target against the plan's
totals (`pipeline.Progress`), and this shows them.

On a terminal, one bar per target (web, kiosk, print, data) with the jobs done, the rate and the time left,
redrawn ten times a second, so a long build never looks hung; elsewhere (a log, cron, CI) a line at every tenth
of the jobs and at least every `every` seconds while the build runs. `rich` draws the bars.
"""
from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

UNIT = "项"  # a job of the plan, as `liaison plan` counts them
LINE = "进度 "  # how a progress line not on a terminal begins


class BuildProgress:
    """A `pipeline.Progress` callback that draws what it is told on `console` (standard error by default)."""

    def __init__(self, console: Console | None = None, every: float = 30.0) -> None:
        self.console = console or Console(stderr=True)
        self.view: _Bars | _Lines = _Bars(self.console) if self.console.is_terminal else _Lines(self.console, every)

    def __call__(self, target: str, done: int, total: int) -> None:
        self.view.update(target, done, total)

    def close(self) -> None:
        """Stop drawing (the bars stay on the screen as they last were)."""
        self.view.close()


class _Rate(ProgressColumn):
    """Jobs per second over the last half minute; 完成 once the target is done."""

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text("完成", style="progress.download")
        return Text(f"{task.speed:.1f} {UNIT}/秒" if task.speed else f"– {UNIT}/秒", style="progress.data.speed")


class _Bars:
    def __init__(self, console: Console) -> None:
        self.bars = Progress(SpinnerColumn(), TextColumn("{task.description:<6}"), BarColumn(),
                             MofNCompleteColumn(), TextColumn(UNIT), _Rate(), TextColumn("已用"), TimeElapsedColumn(),
                             TextColumn("剩余"), TimeRemainingColumn(), console=console)
        self.tasks: dict[str, TaskID] = {}

    def update(self, target: str, done: int, total: int) -> None:
        if not self.tasks:
            self.bars.start()
        if target not in self.tasks:  # its clock starts with its first job done
            self.tasks[target] = self.bars.add_task(target, total=total, start=False)
        if done:
            self.bars.start_task(self.tasks[target])
        self.bars.update(self.tasks[target], completed=done, total=total)

    def close(self) -> None:
        if self.tasks:
            self.bars.stop()


class _Lines:
    """A line at each tenth of all jobs done, and one at least every `every` seconds while nothing else is said."""

    def __init__(self, console: Console, every: float) -> None:
        self.console = console
        self.every = every
        self.totals: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self.last = self.started
        self.tenths = 0  # tenths of all jobs already reported
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker: threading.Thread | None = None

    def update(self, target: str, done: int, total: int) -> None:
        with self.lock:
            self.totals[target], self.counts[target] = total, done
            whole, finished = sum(self.totals.values()), sum(self.counts.values())
            tenths = finished * 10 // whole if whole else 0
            if tenths > self.tenths:
                self.tenths = tenths
                self._say()
        if self.ticker is None:
            self.ticker = threading.Thread(target=self._tick, name="liaison-progress", daemon=True)
            self.ticker.start()

    def _tick(self) -> None:
        while not self.stopped.wait(self.every):
            with self.lock:
                if time.monotonic() - self.last >= self.every:
                    self._say()

    def _say(self) -> None:
        now = time.monotonic()
        self.last = now
        whole, finished = sum(self.totals.values()), sum(self.counts.values())
        parts = "，".join(f"{target} {self.counts[target]}/{total}" for target, total in self.totals.items())
        elapsed = now - self.started
        line = f"{LINE}{finished * 100 // whole if whole else 0}%：{finished}/{whole} {UNIT}（{parts}），已用 {_clock(elapsed)}"
        if finished and finished < whole:
            line += f"，每秒 {finished / elapsed:.1f} {UNIT}，预计还需 {_clock(elapsed * (whole - finished) / finished)}"
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        self.stopped.set()
        if self.ticker is not None:
            self.ticker.join()


def _clock(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"
