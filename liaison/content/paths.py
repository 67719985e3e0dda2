"""Files in content stay inside the content directory: the loader reads no record file, and nothing reads a
file a record names (a photo, a font, the emblem), that `..`, an absolute path or a symbolic link takes outside
it. Every reader of a content file goes through `inside`; the messages are worded here once."""
from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

LINK_OUTSIDE = "这是指向内容目录之外的链接，出于安全原因不予读取"


def inside(content_dir: Path, relative: str | Path) -> Path | None:
    """The file `relative` (to content_dir) names, resolved with its links, or None when that is outside it."""
    root = _resolved(content_dir)
    plain = _plainly_below(root, os.fspath(relative))
    if plain is not None:
        return plain  # inside by its making
    target = (root / relative).resolve()
    return target if target.is_relative_to(root) else None


def _plainly_below(root: Path, relative: str) -> Path | None:
    """root/relative as Path.resolve gives it, where relative is a chain of plain names none of which is a link;
    None for anything else (`..`, an absolute path, a link on the way), which the caller resolves whole.

    Resolving walks every part of the path from `/` (a system call each, in Python): root is resolved already,
    so only the parts below it are looked at, in the same way (a part that does not exist is no link)."""
    if relative.startswith("/") or os.sep != "/":
        return None
    current = str(root)
    for name in relative.split("/"):
        if name in ("", "."):
            continue
        if name == "..":
            return None
        current = os.path.join(current, name)
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return None
        except OSError:
            continue
        except ValueError:  # a NUL byte: resolving says so
            return None
    return Path(current)


@functools.lru_cache(maxsize=16)
def _resolved(folder: Path) -> Path:
    """The content folder with its links resolved, once per folder (a load asks for every file)."""
    return folder.resolve()


def named_file_problem(content_dir: Path, relative: str, label: str) -> str | None:
    """Why the file a record names cannot be read (label: what it is, 照片), or None when it can."""
    target = inside(content_dir, relative)
    if target is None:
        return f"{label}路径“{relative}”超出了内容目录"
    if not target.is_file():
        return f"{label}文件“{relative}”不存在（路径相对于内容目录）"
    return None


def named_file(content_dir: Path, relative: str) -> Path:
    """The file a record that passed validation names: that it is outside the content directory is a bug."""
    target = inside(content_dir, relative)
    if target is None:
        raise ValueError(f"outside the content directory: {relative!r}")
    return target
