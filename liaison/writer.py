"""Write outputs atomically: stage everything, then swap each target directory in.

A build that fails at any point (content error, exception, Ctrl-C, a killed
process) leaves the published directories exactly as they were. Files whose
bytes did not change keep their previous modification time, so a sync to the
web host transfers only what changed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .render import Output


@dataclass(frozen=True)
class WriteReport:
    written: int
    changed: int
    removed: int


def staging_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.staging"


def retired_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def stage(target: Path, outputs: Iterable[Output]) -> WriteReport:
    """Write outputs into the target's staging directory; return what differs from target."""
    staging = staging_dir(target)
    _remove(staging)
    recover(target)
    staging.mkdir(parents=True)
    written = changed = 0
    paths: set[str] = set()
    for output in outputs:
        if output.path in paths:
            raise ValueError(f"two outputs share the path {output.path}")
        paths.add(output.path)
        destination = staging / output.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(output.data)
        written += 1
        previous = target / output.path
        if previous.is_file() and previous.stat().st_size == len(output.data) and previous.read_bytes() == output.data:
            stat = previous.stat()
            os.utime(destination, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        else:
            changed += 1
    removed = 0
    if target.is_dir():
        removed = sum(1 for p in target.rglob("*") if p.is_file() and p.relative_to(target).as_posix() not in paths)
    return WriteReport(written, changed, removed)


def recover(target: Path) -> None:
    """Undo what a process killed mid-swap left: the retired copy is the published one if target is gone."""
    retired = retired_dir(target)
    if retired.exists() and not target.exists():
        os.rename(retired, target)
    _remove(retired)


def swap_in(target: Path) -> None:
    """Replace target with its staged directory in (as near as the OS allows) one step."""
    staging = staging_dir(target)
    if target.is_dir() and _exchange(staging, target):
        _remove(staging)  # now holds the previous version
        return
    retired = retired_dir(target)
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    _remove(retired)


def discard(target: Path) -> None:
    _remove(staging_dir(target))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories with renameat2(RENAME_EXCHANGE) on Linux."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
