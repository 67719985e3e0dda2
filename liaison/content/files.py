"""Writing a file whole: a reader, or a process killed mid-write, sees the old file or the new one, never half of one.

The bytes go to a temporary of a unique name in the file's own folder (a rename is atomic only within one file
system), written through to the disk, which then replaces the file in one rename (a power cut leaves the old
file or the new, not an empty one). Whatever fails (a full disk, an interrupt), the temporary is removed and the
old file stays as it was.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_TRIES = 100  # unique names to try before giving up (another writer would have to draw the same 48 bits)


def replace(path: Path, data: bytes, *, keep_mode: bool = False) -> None:
    """Write `data` as the file `path` by a temporary beside it and one rename. The new file has the mode any new
    file gets (0o666 less the umask), or with `keep_mode` the mode of the file it replaces, where there is one.
    OSError where the folder cannot be written; the folder must exist."""
    mode = None
    if keep_mode:
        with contextlib.suppress(FileNotFoundError):
            mode = path.stat().st_mode & 0o7777
    handle, temporary = _created(path)
    try:
        try:
            out = os.fdopen(handle, "wb")
        except BaseException:
            os.close(handle)
            raise
        with out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)  # by name: os.fchmod is missing on Windows before Python 3.13
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _created(path: Path) -> tuple[int, Path]:
    """A new, empty temporary beside `path`, open for writing. Created with 0o666 so that the umask applies, as
    to any new file (tempfile.mkstemp makes it 0o600), without changing the process's umask to read it (other
    threads create files meanwhile)."""
    for _ in range(_TRIES):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name beside {path}")
