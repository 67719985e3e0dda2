"""Run independent render jobs on every core, results in input order.

Workers are forked, so they inherit the immutable site graph and the Jinja
environment instead of having them pickled; only the results travel back.
Each output is a pure function of its inputs, so the order of work never
changes what is written.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: tuple[Callable, list] | None = None


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
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
            yield from pool.imap(_run, range(len(jobs)))
    finally:
        _TASK = None


def _ignore_interrupt() -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int):
    assert _TASK is not None
    func, jobs = _TASK
    return func(jobs[index])
