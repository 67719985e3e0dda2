"""Run the jobs of a plan on every core; results come back in plan order.

Workers are forked once the model and the Jinja environment are made, so each holds them from the start (the
render context is built once per build and inherited, never pickled); a job travels as its index in the plan
with the facts of the jobs it fans in from, and only its result travels back. Each output is a pure function
of its inputs, so the order of work never changes what is written. A job whose fan-in has not finished waits;
the others go to the worker holding the fewest, each holding up to AHEAD messages. A message holds one job, or
up to BATCH small ones (neither heavy nor fanning in) that follow one another in the plan, answered together:
a web page takes a worker about 2 ms, and the parent's round trip for it (a message each way, a wait, the
unpickling) cost it about as much as writing the page out, on a processor the workers share.

Each worker has its own pipe and the parent alone hands out jobs, so no lock is shared between processes: a
worker killed at any moment cannot leave another one waiting forever. Workers ignore Ctrl-C (it reaches the
whole process group): the parent stops them. They are forked with the stop signals blocked, so a signal cannot
hit a child before it has set its own handlers. A worker whose parent died reads end-of-file and exits.

A process that runs jobs collects its cyclic garbage once it has grown by GARBAGE_STEP since the last collection
(`Collector`; where the size is unknown, Python's own collections), and gives the C heap's free pages back. What
the workers inherit (the model, the templates) is frozen out of the collector's sight, in the parent from each
fork to the end of the run: a collection writes to every object it walks, and would copy the pages a worker
shares with the parent. What no collection frees (the print libraries keep some 0.2 MB of native memory per
PDF), and the inherited pages a worker copies as it reads them, are bounded by retiring: a worker that holds
WORN bytes of its own (`Wear`) says so with its answer; the parent hands it nothing more, closes its pipe once it
has answered what it held, and forks another in its place. A worker's memory grows with its largest job, not
with the corpus or the number of jobs it ran.
"""
from __future__ import annotations

import ctypes
import dataclasses
import gc
import math
import mmap
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from liaison.build import interning, signals
from liaison.build.plan import Job
from liaison.render import Context, Rendered

_TASK: tuple[Sequence[Job], Context] | None = None  # what forked workers inherit
# Jobs a worker holds at once: the next waits in its pipe while it renders one, so a worker never stands idle
# while the parent is busy writing files or out of the processor on a loaded machine.
AHEAD = 2
# Small jobs a message holds at most: fewer when the plan has few left, so that the last ones still share out.
BATCH = 8
GARBAGE_STEP = 32 * 2**20  # bytes a process running jobs may grow by before it collects its cyclic garbage
# Bytes of its own (`private`) a worker may hold before another takes its place. A fresh worker costs little (it
# inherits the model and templates; fonts are mapped from the page cache).
WORN = 96 * 2**20
# CPU seconds a worker runs between two readings of its own memory: a reading walks its page tables (10-30 ms at
# 300 stations), and the pages it copies of what it inherited grow without prompting any collection.
WEAR_SECONDS = 1.0
RETIRE_SECONDS = 5.0  # a retired worker's time to end by itself before it is killed and another takes its place


class WorkerDied(RuntimeError):
    """A render worker ended without answering (killed from outside, out of memory)."""


def cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The processors this process may use: those it may run on, and no more than its cgroup's CPU quota (a
    container limited to 1.5 CPUs on a 64-core host gets 2 workers, not 64)."""
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _cgroup_quota(cgroup)
    return max(1, min(allowed, math.ceil(quota))) if quota else allowed


def _cgroup_quota(root: Path) -> float | None:
    """CPUs the cgroup's quota allows (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us), None when unlimited."""
    try:
        quota, every = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(every)
    except (OSError, ValueError):
        pass
    try:
        limit = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return limit / period if limit > 0 and period > 0 else None


def run(jobs: Sequence[Job], context: Context, given: Mapping[str, Rendered] | None = None,
        workers: int | None = None) -> Generator[tuple[Job, Rendered], None, None]:
    """Each job's result, in plan order, rendered on `workers` processes (every core by default) where the
    platform forks. `given`: by key, the results of jobs not run this time that an aggregate fans in from
    (their facts, kept from the last build)."""
    global _TASK
    given = given or {}
    check_order(jobs, given)
    count = min(len(jobs), workers or cores())
    if count < 2 or not forks_safely() or _TASK is not None:
        yield from _in_process(jobs, context, given)
        return
    _TASK = (jobs, context)
    thaw = not gc.get_freeze_count()  # freezes that others made are theirs to undo
    # What preparing the build left in reference cycles (the records as loaded, the validation's), freed now: the
    # first fork freezes all this process holds, garbage too, out of the collector's sight to the end of the run.
    gc.collect()
    processes: dict[Connection, multiprocessing.process.BaseProcess] = {}  # by the parent's end of its pipe
    try:
        pipes: list[Connection] = []
        for _ in range(count):
            pipes.append(_start(processes, pipes))
        yield from _Schedule(jobs, given).run(pipes, lambda gone, others: _replace(processes, gone, others))
    finally:
        for process in processes.values():
            process.kill()
        for process in processes.values():
            process.join()
        _TASK = None
        if thaw:
            gc.unfreeze()


def forks_safely(platform: str = sys.platform) -> bool:
    """Whether workers may be forked: on Linux. macOS offers fork, but system libraries (the Objective-C runtime,
    Core Text under Pango) are not safe in a forked child; there, and on Windows, jobs run in the process."""
    return platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def check_order(jobs: Sequence[Job], given: Mapping[str, Rendered]) -> None:
    """Every job fans in from jobs before it in the plan or given ones."""
    seen: set[str] = set()
    for job in jobs:
        for key in job.fan_in:
            if key not in seen and key not in given:
                raise ValueError(f"job {job.key} fans in from {key}, which does not run before it")
        seen.add(job.key)


class Results:
    """What the aggregates read of the jobs they fan in from: the facts of every job (never the bytes, written
    as they come), and how many of each aggregate's fan-in are not done yet."""

    def __init__(self, jobs: Sequence[Job], given: Mapping[str, Rendered]) -> None:
        self.done = {key: result.facts for key, result in given.items()}
        self.texts: dict[Any, Any] = {}  # every text of the facts of the jobs run, held once
        # Counted, not looked up: the schedule asks whether the aggregates are ready on every hand-out, and the
        # link check fans in from every job of the site (a look-up each time grew with the square of the jobs).
        self.missing: dict[str, int] = {}  # key -> jobs of its fan-in not done yet
        self.waiting: dict[str, list[str]] = {}  # key -> the jobs whose fan-in it is, while it is not done
        for job in jobs:
            absent = [key for key in dict.fromkeys(job.fan_in) if key not in self.done]
            if absent:
                self.missing[job.key] = len(absent)
                for key in absent:
                    self.waiting.setdefault(key, []).append(job.key)

    def ready(self, job: Job) -> bool:
        return not self.missing.get(job.key)

    def add(self, job: Job, result: Rendered) -> Rendered:
        """The result with its facts as held here, equal texts once (`interning.held`): the one copy the parent
        keeps of them, to the end of the build, for the aggregates and the build's record."""
        facts = self.done[job.key] = interning.held(result.facts, self.texts)
        for waiter in self.waiting.pop(job.key, ()):
            self.missing[waiter] -= 1
        return dataclasses.replace(result, facts=facts)

    def upstream(self, job: Job) -> tuple[Rendered, ...]:
        """What a job gets of its fan-in: their facts, in the order it declares them."""
        return tuple(Rendered((), self.done[key]) for key in job.fan_in)


def _in_process(jobs: Sequence[Job], context: Context, given: Mapping[str, Rendered]) -> Iterator[tuple[Job, Rendered]]:
    results = Results(jobs, given)
    collector = Collector()
    for job in jobs:
        result = job.run(context, results.upstream(job))
        collector.after_job()
        yield job, results.add(job, result)


def resident() -> int | None:
    """The bytes of memory this process holds now (Linux), None where the system does not tell."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return None


def _allocator_trim() -> Callable[[], object]:
    """glibc's malloc_trim(0): gives the system back the free pages inside the C heap, which free() keeps for
    reuse (it shrinks the heap only from its top, and a small block still in use above them pins the rest).
    Elsewhere (macOS, musl) a function that does nothing."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


_TRIM = _allocator_trim()


class Collector:
    """Collects the process's cyclic garbage after a job once the process has grown by `step` bytes since the
    last collection (never where its size is unknown: Python's own collections then).

    A print job leaves tens of MB in reference cycles (WeasyPrint's boxes and documents), which only a full
    collection frees, and Python runs one only when the objects that survived younger collections number a
    quarter of those in the oldest generation: the larger the model a process holds, the more documents' garbage
    piled up before one (a worker of a 100-station build reached 800 MB). The web's small jobs leave little and
    rarely pay for a collection."""

    def __init__(self, step: int = GARBAGE_STEP, measure: Callable[[], int | None] = resident,
                 trim: Callable[[], object] = _TRIM) -> None:
        self.step = step
        self.measure = measure
        self.trim = trim
        self.mark = measure()

    def after_job(self) -> bool:
        """Collect if the process has grown by `step` since the mark; whether it did. Where the size is unknown
        (no /proc: macOS, Windows, where jobs run in one process) Python's own collections are left to work: a
        full collection after every job would cost more than the jobs."""
        now = self.measure()
        if now is None or self.mark is None or now - self.mark < self.step:
            return False
        gc.collect()
        self.trim()  # what the collection freed of the C heap (a PDF's buffers), given back, not kept for reuse
        self.mark = self.measure()
        return True


def private() -> int | None:
    """The bytes of memory this process holds alone: what it allocated, and the pages it inherited and wrote to,
    each copied (reading an object writes its reference count); not the pages it still shares with the parent
    and the other workers, which its resident set counts as well. None where the system does not tell (Linux
    before 4.14, other systems)."""
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class Wear:
    """Whether a worker holds WORN bytes of its own: read after a collection, and after a job once the worker
    has run for `every` CPU seconds since the last reading. Its resident set would not do: a worker rendering
    web pages copies the model's pages as it reads them (some 200 MB each at 300 stations) and its resident set
    does not grow, as it counted them from the start. Where the system does not tell a process's own memory
    (Linux before 4.14), what its resident set has grown by since the start, read after a collection."""

    def __init__(self, every: float, measure: Callable[[], int | None] = private,
                 clock: Callable[[], float] = time.process_time,
                 size: Callable[[], int | None] = resident) -> None:
        self.every = every
        self.measure = measure
        self.clock = clock
        self.due = clock() + every
        self.size = size
        self.start = size()

    def after_job(self, collected: bool) -> bool:
        now = self.clock()
        if not collected and now < self.due:
            return False
        self.due = now + self.every
        held = self.measure()
        if held is None and collected and self.start is not None:
            size = self.size()
            held = None if size is None else size - self.start
        return held is not None and held >= WORN


class _Schedule:
    """The parent's side: hands ready jobs to the workers, yields results in plan order."""

    def __init__(self, jobs: Sequence[Job], given: Mapping[str, Rendered]) -> None:
        self.jobs = jobs
        self.results = Results(jobs, given)
        self.pending = dict.fromkeys(range(len(jobs)))  # not handed out yet, in plan order (a dict: O(1) removal)
        self.heavy = [index for index, job in enumerate(jobs) if job.heavy and not job.fan_in]
        self.ahead: set[int] = set()  # heavy jobs handed out ahead of their turn and not yielded yet
        self.busy: dict[Connection, int] = {}  # a worker rendering a heavy job (its index): it holds nothing more

    def run(self, pipes: list[Connection], replace: Callable[[Connection, Sequence[Connection]], Connection]
            ) -> Iterator[tuple[Job, Rendered]]:
        """`replace(closed, open_pipes)` starts a worker in the place of one that retired (its pipe closed)."""
        waiting: dict[int, tuple[bool, Any]] = {}  # a result, or (error, remote traceback)
        held = dict.fromkeys(pipes, 0)  # jobs handed to each worker and not answered yet
        retiring: set[Connection] = set()  # workers that get no more jobs: replaced once they hold none
        for wanted in range(len(self.jobs)):
            self._hand_out(held, retiring)  # also while the results wanted next are here already
            while wanted not in waiting:
                if not any(held.values()):
                    raise RuntimeError("no job of the plan can start: it fans in from a job that never runs")
                busy = [pipe for pipe, count in held.items() if count]
                # wait() returns some of the objects given; typeshed's return type is the union of all it accepts.
                for pipe in cast(list[Connection], multiprocessing.connection.wait(busy)):
                    try:
                        answers, worn_out = pickle.loads(pipe.recv_bytes())
                    except EOFError:
                        signals.check()  # the whole group was stopped: that is the news, not the worker
                        raise WorkerDied("渲染进程意外退出") from None
                    held[pipe] -= 1
                    if worn_out:
                        retiring.add(pipe)
                    for index, ok, value in answers:
                        if self.busy.get(pipe) == index:
                            del self.busy[pipe]
                        waiting[index] = (ok, self.results.add(self.jobs[index], value) if ok else value)
                for pipe in [pipe for pipe in retiring if not held[pipe]]:
                    retiring.discard(pipe)
                    del held[pipe]
                    pipe.close()  # the worker reads end-of-file and exits
                    held[replace(pipe, list(held))] = 0
                self._hand_out(held, retiring)
            ok, value = waiting.pop(wanted)
            self.ahead.discard(wanted)
            if not ok:
                error, remote = value
                raise error from RemoteTraceback(remote)
            yield self.jobs[wanted], value

    def _hand_out(self, held: dict[Connection, int], retiring: set[Connection]) -> None:
        """The first ready jobs to the workers holding the fewest messages, up to AHEAD each, none to a retiring
        one; small jobs that follow one another in the plan go together, up to `_batch()` a message. Only a job
        without fan-in (a message of a few bytes) goes to a worker that is still busy: an aggregate's upstream
        may be larger than the pipe holds, and a worker busy sending its result does not read. A ready aggregate
        waiting for a free worker holds back the jobs after it: were they handed out past it, it would wait for
        a free worker until they had all run, and this process would hold every result after it (all of the
        print files, behind the site's last aggregates), as results are given out in plan order."""
        open_ = {pipe: count for pipe, count in held.items() if pipe not in retiring and pipe not in self.busy}
        self._hand_out_heavy(open_, held, limit=len(held) - 1)
        handed: list[int] = []
        batch: list[int] = []  # small ready jobs in plan order, not sent yet
        size = self._batch(len(held))
        for index in self.pending:  # the first ready ones: all but a few aggregates are at the front
            if not open_ or min(open_.values()) >= AHEAD:
                break
            job = self.jobs[index]
            if not self.results.ready(job):
                continue
            alone = bool(job.fan_in) or job.heavy
            if not alone:
                batch.append(index)
                if len(batch) < size:
                    continue
            if batch:
                handed += self._send(batch, open_, held)
                batch = []
                if not alone:
                    continue
                if not open_ or min(open_.values()) >= AHEAD:
                    break
            pipe = min(open_, key=open_.__getitem__)
            if open_[pipe] and job.fan_in:
                break  # the next worker to finish what it holds takes it
            handed += self._send([index], open_, held)
            if job.heavy:  # a worker rendering a heavy job holds nothing more until it has answered
                self.busy[pipe] = index
                del open_[pipe]
        if batch and open_ and min(open_.values()) < AHEAD:
            handed += self._send(batch, open_, held)
        for index in handed:
            del self.pending[index]

    def _batch(self, workers: int) -> int:
        """Small jobs a message holds: BATCH, or fewer once too few are left to give every worker AHEAD full
        messages (a small plan's jobs still go one to a message, to every worker)."""
        return max(1, min(BATCH, len(self.pending) // (workers * AHEAD * 2)))

    def _send(self, indices: list[int], open_: dict[Connection, int], held: dict[Connection, int]) -> list[int]:
        """The jobs in one message to the open worker holding the fewest; the jobs."""
        pipe = min(open_, key=open_.__getitem__)
        pipe.send_bytes(pickle.dumps([(index, self.results.upstream(self.jobs[index])) for index in indices]))
        open_[pipe] += 1
        held[pipe] += 1
        return indices

    def _hand_out_heavy(self, open_: dict[Connection, int], held: dict[Connection, int], limit: int) -> None:
        """Heavy jobs to idle workers before their turn, at most `limit` at once waiting to be yielded, so that
        at least one worker keeps to plan order and what waits in memory is bounded (a cold build's posters are
        not all made before its web pages are written): a small build's poster starts first instead of last."""
        while self.heavy and len(self.ahead) < limit:
            index = self.heavy[0]
            if index not in self.pending:  # handed out in its turn
                self.heavy.pop(0)
                continue
            idle = [pipe for pipe, count in open_.items() if not count]
            if not idle:
                return
            self.heavy.pop(0)
            idle[0].send_bytes(pickle.dumps([(index, self.results.upstream(self.jobs[index]))]))
            held[idle[0]] += 1
            self.busy[idle[0]] = index
            del open_[idle[0]], self.pending[index]
            self.ahead.add(index)


def _replace(processes: dict[Connection, multiprocessing.process.BaseProcess], gone: Connection,
             others: Sequence[Connection]) -> Connection:
    """A worker in the place of the one whose pipe `gone` was closed, forked once that one has ended: until it
    has, the memory it held and the new one's would count together (it reads end-of-file at once, as it holds no
    job, but on a loaded machine it may wait a while for a processor)."""
    retired = processes[gone]  # listed until it has ended: a stop during the wait kills it with the others
    retired.join(RETIRE_SECONDS)
    if retired.is_alive():  # its exit stalls (a library's finaliser): it holds no job, and is not waited for
        retired.kill()
        retired.join()
    del processes[gone]
    return _start(processes, others)


def _start(processes: dict[Connection, multiprocessing.process.BaseProcess], others: Sequence[Connection]
           ) -> Connection:
    """A forked worker and the parent's end of its pipe. The child closes the parent's ends it inherits (its
    own and `others`, the other workers'), so that when the parent is gone every worker reads end-of-file or
    fails to send, and exits, instead of waiting on a pipe a sibling keeps open."""
    context = multiprocessing.get_context("fork")
    # What this process holds now (the model, the templates, the results so far) is frozen out of its own
    # collector's sight until the run ends: a full collection writes to the header of every object it walks,
    # and each page written here would be copied, no longer shared with the workers that inherited it.
    gc.freeze()
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve, args=(child_end, (parent_end, *others)), daemon=True)
    with signals.blocked():  # a stop comes after the worker is listed, so that it is stopped with the others
        process.start()
        processes[parent_end] = process
    child_end.close()
    return parent_end


def _serve(pipe: Connection, inherited: Sequence[Connection]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOP_SIGNALS)
    for end in inherited:
        end.close()
    assert _TASK is not None
    jobs, context = _TASK
    # What the worker inherits lives as long as it does: frozen, no collection walks it (or writes to its pages,
    # which stay shared with the parent), and it does not delay the collections that free the jobs' garbage.
    gc.freeze()
    collector, wear = Collector(), Wear(WEAR_SECONDS)
    while True:  # a worn worker answers what it holds and reads end-of-file when the parent has replaced it
        try:
            message: list[tuple[int, tuple[Rendered, ...]]] = pickle.loads(pipe.recv_bytes())
        except EOFError:  # the parent is gone, or has replaced this worker
            return
        answers: list[tuple[int, bool, Any]] = []
        collected = False
        while message:
            index, upstream = message.pop(0)  # what the message held is not held through the jobs after it
            try:
                answers.append((index, True, jobs[index].run(context, upstream)))
            except Exception as error:  # noqa: BLE001 - travels back and is raised in the parent, in order
                answers.append(_failure(index, error))
            else:
                collected = collector.after_job() or collected
            del upstream
        answer = pickle.dumps((answers, wear.after_job(collected)))
        del answers  # not held through the next message
        try:
            pipe.send_bytes(answer)
        except (BrokenPipeError, ConnectionResetError):
            return


class RemoteTraceback(Exception):
    """Where in the worker an error was raised (shown as the cause of the error in the parent)."""

    def __str__(self) -> str:
        return f"\n\n（渲染进程中的出错位置）\n{self.args[0]}"


def _failure(index: int, error: Exception) -> tuple[int, bool, tuple[Exception, str]]:
    remote = "".join(traceback.format_exception(error))
    try:
        pickle.dumps(error)
    except Exception:  # noqa: BLE001 - an error that does not pickle travels as its text
        return index, False, (RuntimeError(str(error)), remote)
    return index, False, (error, remote)
