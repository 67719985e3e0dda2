"""Run independent render jobs on every core, results in input order.

Workers are forked, so they inherit the immutable site graph and the Jinja
environment instead of having them pickled; only the results travel back.
Each output is a pure function of its inputs, so the order of work never
changes what is written.

Each worker has its own pipe and the parent alone hands out jobs, so no lock is
shared between processes: a worker killed at any moment cannot leave another
one waiting forever. Workers ignore Ctrl-C (it reaches the whole process
group): the parent stops them. They are forked with the stop signals blocked,
so a signal cannot hit a child before it has set its own handlers. A worker
whose parent died reads end-of-file and exits.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from liaison.build import signals

T = TypeVar("T")
R = TypeVar("R")

_TASK: tuple[Callable[[Any], Any], list[Any]] | None = None


class WorkerDied(RuntimeError):
    """A render worker ended without answering (killed from outside, out of memory)."""


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ordered_map(func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """func over items, in parallel where the platform forks; yields results in order."""
    global _TASK
    jobs = list(items)
    workers = min(len(jobs), cores())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods() or _TASK is not None:
        yield from map(func, jobs)
        return
    _TASK = (func, jobs)
    processes: list[multiprocessing.process.BaseProcess] = []
    try:
        pipes = [_start(processes) for _ in range(workers)]
        yield from _results(pipes, len(jobs))
    finally:
        for process in processes:
            process.kill()
        for process in processes:
            process.join()
        _TASK = None


def _start(processes: list[multiprocessing.process.BaseProcess]) -> multiprocessing.connection.Connection:
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve, args=(child_end,), daemon=True)
    with signals.blocked():
        process.start()
    processes.append(process)
    child_end.close()
    return parent_end


def _results(pipes: list[multiprocessing.connection.Connection], count: int) -> Iterator[Any]:
    """Hand out job indices to idle workers; yield results in input order."""
    waiting: dict[int, tuple[bool, Any]] = {}  # a result, or (error, remote traceback)
    handed = 0
    for pipe in pipes:
        if handed < count:
            pipe.send(handed)
            handed += 1
    for wanted in range(count):
        while wanted not in waiting:
            # wait() returns some of the objects given; typeshed's return type is the union of all it accepts.
            for pipe in cast(list[multiprocessing.connection.Connection], multiprocessing.connection.wait(pipes)):
                try:
                    index, ok, value = pickle.loads(pipe.recv_bytes())
                except EOFError:
                    signals.check()  # the whole group was stopped: that is the news, not the worker
                    raise WorkerDied("渲染进程意外退出") from None
                waiting[index] = (ok, value)
                if handed < count:
                    pipe.send(handed)
                    handed += 1
        ok, value = waiting.pop(wanted)
        if not ok:
            error, remote = value
            raise error from RemoteTraceback(remote)
        yield value


def _serve(pipe: multiprocessing.connection.Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOP_SIGNALS)
    assert _TASK is not None
    func, jobs = _TASK
    while True:
        try:
            index = pipe.recv()
        except EOFError:  # the parent is gone
            return
        try:
            answer = pickle.dumps((index, True, func(jobs[index])))
        except Exception as error:  # noqa: BLE001 - travels back and is raised in the parent, in order
            answer = _failure(index, error)
        try:
            pipe.send_bytes(answer)
        except (BrokenPipeError, ConnectionResetError):
            return


class RemoteTraceback(Exception):
    """Where in the worker an error was raised (shown as the cause of the error in the parent)."""

    def __str__(self) -> str:
        return f"\n\n（渲染进程中的出错位置）\n{self.args[0]}"


def _failure(index: int, error: Exception) -> bytes:
    remote = "".join(traceback.format_exception(error))
    try:
        return pickle.dumps((index, False, (error, remote)))
    except Exception:  # noqa: BLE001 - an error that does not pickle travels as its text
        return pickle.dumps((index, False, (RuntimeError(str(error)), remote)))
