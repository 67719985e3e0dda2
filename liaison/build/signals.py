"""Ctrl-C and SIGTERM stop a build.

The handler raises `Interrupted` at once. A library may swallow that exception (one raised inside a
finaliser is only printed as "Exception ignored"), so the signal is also remembered and `check()`
raises it again at the writer's safe points: nothing new is published after a stop was asked for.
Only the final switch of a publication runs `deferred()`: a signal arriving then waits until the
switch is done, so a stop never leaves half a switch behind.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: int | None = None
_deferring = False


class Interrupted(KeyboardInterrupt):
    """A stop signal: the build ends with exit code 128 + the signal's number (130 Ctrl-C, 143 SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        names: dict[int, str] = {signal.SIGINT: "已中断（Ctrl-C）", signal.SIGTERM: "已终止（收到 SIGTERM）"}
        what = names.get(self.signum, "已停止")
        return f"{what}：没有发布任何新内容，已发布的内容保持不变，临时文件已清理。"


@contextmanager
def handled() -> Iterator[None]:
    """Stop on SIGINT and SIGTERM while the block runs, whatever disposition was inherited.

    A process started in the background by a shell inherits SIGINT ignored; a build must stop anyway.
    """
    global _received
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received = None
    previous = {signum: signal.signal(signum, _handle) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _received = None


def check() -> None:
    """Raise Interrupted if a stop signal arrived (even if its first exception was swallowed)."""
    if _received is not None:
        raise Interrupted(_received)


@contextmanager
def deferred() -> Iterator[None]:
    """A stop signal arriving in the block is remembered but does not interrupt it."""
    global _deferring
    _deferring = True
    try:
        yield
    finally:
        _deferring = False


@contextmanager
def blocked() -> Iterator[None]:
    """Block the stop signals in this thread (around a fork: the child resets them before unblocking)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _handle(signum: int, _frame: object) -> None:
    global _received
    _received = signum
    if not _deferring:
        raise Interrupted(signum)
