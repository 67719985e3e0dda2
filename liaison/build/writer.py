"""Publish outputs without losing anyone's files (docs/outputs.md).

- Only what liaison made is ever replaced: an output folder must be missing, empty, or carry the
  MANIFEST that liaison leaves in every tree it publishes, listing each file with its SHA-256. A
  folder holding anything else is refused before any work (unless `force`); places no build may
  ever replace (the content, the theme, the home folder, `/`, the working directory, an existing
  file, one output inside another) are refused even with `force`.
- The trees of one build are published in one transaction. Each published name is a symbolic link
  into a store beside the first target; the store's `current` link names the generation holding
  every tree, and is switched in one rename:

      site    -> .site.liaison/current/site
      signage -> .site.liaison/current/signage
      .site.liaison/lock                  held by the running build (its pid and start time)
      .site.liaison/current -> gen-7      the published generation
      .site.liaison/gen-8/site/...        the build in progress (staging)
      .site.liaison/gen-7/build-state.jsonl what the build of gen-7 recorded for the next one (STATE)
      .site.liaison/spare                 the generation before gen-7, kept for the next build's staging

  After a kill at any moment readers see the old trees or the new ones, never a mix; whatever a
  killed build left is removed by the next one, under the lock.
- The generation a publish replaces is not removed but kept as the store's one spare (SPARE), and the
  next build stages into it (renamed), because removing folders is slow on some file systems (ext4
  mounted with `discard`: about 2.5 ms a folder). Its contents are never trusted: its STATE and STATS
  go at once, every file a build writes or links is unlinked first (the spare's files are hard links
  to inodes the published generation shares: nothing is ever written into an existing file) unless the
  spare holds the very file it links (the published one's inode) already, and what the build did not
  write or link is removed before publishing. The spare costs the disk only the old
  bytes of the files that changed or went.
- A build holds an exclusive lock on its store; a second one is refused naming the first.
- File system faults (no space, read-only, permission, a path too long, a mount point) become an
  `OutputError` naming the folder and the cause; the published trees stay as they were.

Use: `with Publication(targets) as publication:` then `publication.stage(name, outputs)` for every
target (a stream of outputs, written as they come) and `publication.publish()`. Leaving the block
without publishing discards the staging generation (or gives it back as the spare, if it was that).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.build import signals
from liaison.render import Output

MANIFEST = ".liaison-manifest.json"
STATE = "build-state.jsonl"  # in a generation, beside its trees: what the next build may keep (a partial build)
STATS = "file-stats.json"  # in a generation: each file's size, time and inode when published (see _foreign)
SPARE = "spare"  # in the store: a generation no longer published, whose folders the next staging reuses
EXIT_OUTPUT, EXIT_BUSY = 5, 6
_GENERATION = re.compile(r"gen-(\d+)")
_FORCE_HINT = "为避免误删，已停止。请换一个空目录，或确认后加 --force"
_NO_FORCE = "为避免误删，已停止。请换一个专用的目录"
_CAUSES = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "不允许修改（文件或目录可能被设为不可修改，或文件系统不支持符号链接）",
    errno.ENAMETOOLONG: "路径或文件名太长",
    errno.EXDEV: "与暂存目录不在同一个文件系统上，无法整体替换",
    errno.EBUSY: "是挂载点或正被其他程序占用",
    errno.EIO: "磁盘读写错误",
    errno.ENOLCK: "该文件系统不支持文件锁",
    errno.EMLINK: "目录中的条目太多",
}
_HELD: dict[Path, dict[str, object]] = {}  # folders this process locked (a POSIX lock does not exclude its own process)


class OutputError(Exception):
    """An output folder that may not be replaced, or a file system fault: one located Chinese line."""

    exit_code = EXIT_OUTPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Busy(OutputError):
    """Another build holds the lock on these outputs."""

    exit_code = EXIT_BUSY


@dataclass(frozen=True)
class WriteReport:
    written: int
    changed: int
    removed: int


def store_of(first: Path) -> Path:
    """The store of a publication whose first target is `first`."""
    path = canonical(first)
    return path.parent / f".{path.name}.liaison"


def canonical(path: Path) -> Path:
    """The absolute path, its parent's symbolic links resolved (the last component is what is replaced)."""
    absolute = Path(os.path.abspath(path))
    return absolute if absolute.parent == absolute else absolute.parent.resolve() / absolute.name


def shown(path: Path) -> str:
    """A folder as the clerk typed it: relative to the working directory where it is inside."""
    try:
        text = canonical(path).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        text = canonical(path).as_posix()
    if text == ".":
        text = canonical(path).as_posix()
    return text.rstrip("/") + "/"


def check_targets(targets: dict[str, Path], sources: dict[str, Path], force: bool = False) -> None:
    """Refuse output folders that must not be replaced; raise OutputError naming the first one and why.

    sources: places an output may not be, contain or be inside (label -> path), e.g. the content.
    """
    with _faults(next(iter(targets.values()))):
        for name, target in targets.items():
            _refuse_place(target, sources)
            _refuse_overlap(name, target, targets)
        store = store_of(next(iter(targets.values())))
        for name, target in targets.items():
            problem = _not_ours(name, target, store)
            if problem and not force:
                raise OutputError(f"{problem}，{_FORCE_HINT}")


def _refuse_place(target: Path, sources: dict[str, Path]) -> None:
    path = canonical(target)
    where = {"根目录": Path("/"), "主目录": Path(os.path.expanduser("~")), "当前工作目录": Path.cwd()}
    places = [(label, place, False) for label, place in where.items() if place.is_absolute()]
    places += [(label, place, True) for label, place in sources.items()]
    for candidate in {path, path.resolve()}:
        for label, place, nor_inside in places:
            place = place.resolve()
            if candidate == place:
                raise OutputError(f"{shown(target)} 是{label}，不能作为输出目录，{_NO_FORCE}")
            if place.is_relative_to(candidate):
                raise OutputError(f"{shown(target)} 包含{label}（{shown(place)}），不能作为输出目录，{_NO_FORCE}")
            if nor_inside and candidate.is_relative_to(place):
                raise OutputError(f"{shown(target)} 位于{label}（{shown(place)}）之中，不能作为输出目录，{_NO_FORCE}")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{shown(target).rstrip('/')} 是一个已有的文件，不是目录，{_NO_FORCE}")
    if path.is_dir() and not path.is_symlink() and os.path.ismount(path):
        raise OutputError(f"{shown(target)} 是一个挂载点，无法整体替换，已停止。请改用其中的子目录，如 {shown(path / 'liaison')}")


def _refuse_overlap(name: str, target: Path, targets: dict[str, Path]) -> None:
    path = canonical(target)
    for other_name, other in targets.items():
        other_path = canonical(other)
        if other_name == name:
            continue
        if path == other_path:
            raise OutputError(f"--{name} 与 --{other_name} 是同一个目录（{shown(target)}），两种输出会互相覆盖，"
                              f"已停止。请为它们指定不同的目录")
        if other_path.is_relative_to(path):
            raise OutputError(f"--{name} 的目录 {shown(target)} 包含 --{other_name} 的目录 {shown(other)}，"
                              f"两种输出会互相覆盖，已停止。请为它们指定互不包含的目录")


def _not_ours(name: str, target: Path, store: Path) -> str | None:
    """Why target may not be replaced without --force, or None."""
    path = canonical(target)
    if path.is_symlink():
        if os.readlink(path) != _link_text(name, path, store):
            return f"{shown(target).rstrip('/')} 是指向 {os.readlink(path)} 的符号链接，不是本程序建立的"
    if not path.is_dir():
        return None
    return _foreign(path.resolve(), shown(target))


def _foreign(tree: Path, label: str) -> str | None:
    """The first thing in tree that liaison did not write there, as the start of a message, or None.

    A file is read and its digest compared only when its size, modification time or inode differ from what
    the build that published it noted (STATS beside the trees): writing to a file changes its time, so an
    unchanged stat is an unchanged file, and a rebuild does not read every published byte again."""
    manifest = read_manifest(tree)
    noted = _read_stats(tree.parent).get(tree.name, {})
    for relative, entry in _entries(tree):
        if relative == MANIFEST and manifest is not None:
            continue
        if manifest is None or relative not in manifest or entry.is_symlink() or not entry.is_file():
            return f"{label} 中有不是本程序生成的文件（如 {relative}）"
        if noted.get(relative) != _stat(entry) and _digest(Path(entry.path).read_bytes()) != manifest[relative]:
            return f"{label} 中的 {relative} 在上次生成后被改动过"
    return None


def _stat(path: Path | os.DirEntry[str]) -> list[int]:
    return _noted(path.stat())


def _read_stats(generation: Path) -> dict[str, dict[str, list[int]]]:
    try:
        stats = json.loads((generation / STATS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stats if isinstance(stats, dict) else {}


def _entries(tree: Path, prefix: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry that is not a plain directory (files, links, devices), by its path in tree, in a stable order:
    a folder's files by name, then its links to folders, then its folders. One `scandir` a folder, whose entries
    know their type without a system call each (a tree of 27,000 files is checked twice a build). A folder that
    cannot be read raises: it cannot be shown to hold only liaison's files."""
    with os.scandir(tree) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    folders = [entry for entry in entries if entry.is_dir(follow_symlinks=False)]
    files = [entry for entry in entries if not _is_dir(entry)]
    links = [entry for entry in entries if entry.is_symlink() and _is_dir(entry)]  # to a folder: not entered
    for entry in files + links:
        yield prefix + entry.name, entry
    for entry in folders:
        yield from _entries(Path(entry.path), f"{prefix}{entry.name}/")


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder or a link to one (as os.walk sorts entries); an entry that cannot be asked is none."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_manifest(tree: Path) -> dict[str, str] | None:
    """What liaison wrote into tree (path -> SHA-256), or None if tree carries no valid manifest."""
    manifest = _manifest(tree)
    return manifest["files"] if manifest else None


def read_notes(tree: Path) -> dict[str, Any]:
    """The notes of tree's manifest (Publication.stage), or none if it carries no valid manifest."""
    notes = (_manifest(tree) or {}).get("notes")
    return notes if isinstance(notes, dict) else {}


def _manifest(tree: Path) -> dict[str, Any] | None:
    try:
        data: Any = json.loads((tree / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != "liaison":
        return None
    files = data.get("files")
    return data if isinstance(files, dict) and all(isinstance(v, str) for v in files.values()) else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _link_text(name: str, path: Path, store: Path) -> str:
    return os.path.relpath(store / "current" / name, path.parent)


class Lock:
    """An exclusive lock on a folder's `lock` file, held by this process until released.

    A POSIX record lock: the kernel drops it when its process ends, however it ends, so a lock left
    by a killed build is simply taken over; forked render workers do not inherit it.
    """

    def __init__(self, folder: Path, what: str) -> None:
        self.folder = folder
        self.what = what  # the outputs, for the message a second build sees
        self.previous: dict[str, object] | None = None  # what a build that did not end cleanly left in the file
        self._fd: int | None = None

    def acquire(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.folder.resolve()
        if key in _HELD:
            raise Busy(self._busy(_HELD[key]))
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _parse(os.pread(fd, 4096, 0))
            os.close(fd)
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise Busy(self._busy(holder)) from None
            raise
        self._fd = fd
        _HELD[key] = _me()
        self.previous = _parse(os.pread(fd, 4096, 0))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_HELD[key]).encode(), 0)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)  # an empty file: this build ended cleanly
        except OSError:
            pass
        os.close(self._fd)  # closing drops the lock
        self._fd = None
        _HELD.pop(self.folder.resolve(), None)

    def _busy(self, holder: dict[str, object] | None) -> str:
        who = f"（进程 {holder.get('pid')}，开始于 {holder.get('started')}）" if holder else ""
        return f"另一次生成正在写入 {self.what}{who}，请等它结束后再运行。"


def _me() -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "started": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")}


def _parse(data: bytes) -> dict[str, object] | None:
    try:
        info = json.loads(data.decode("utf-8")) if data.strip() else None
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


class Publication:
    """Named output trees published together, or not at all (see the module's docstring)."""

    def __init__(self, targets: dict[str, Path], sources: dict[str, Path] | None = None, force: bool = False,
                 notify: Callable[[str], None] | None = None) -> None:
        check_targets(targets, sources or {}, force)  # before any work: nothing is created if refused
        self.targets = {name: canonical(path) for name, path in targets.items()}
        self.sources = sources or {}
        self.force = force
        self.notify = notify or (lambda message: None)
        self.store = store_of(next(iter(targets.values())))
        self.given = dict(targets)
        self.lock = Lock(self.store, "、".join(shown(path) for path in targets.values()))
        self.staging: Path | None = None
        self.published = False
        self._previous: dict[str, tuple[Path | None, dict[str, str]]] = {}
        self._staged: set[str] = set()
        self._stats: dict[str, dict[str, list[int]]] = {}
        self._recycled = False  # the staging generation is the store's spare, with whatever it held

    def __enter__(self) -> Publication:
        first = next(iter(self.given.values()))
        with _faults(first):
            self.lock.acquire()
        try:
            with _faults(first):
                self._recover()
            check_targets(self.given, self.sources, self.force)  # again, under the lock
            with _faults(first):
                self._prepare()
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc_info: object) -> None:
        try:
            if not self.published:
                with signals.deferred():  # a second Ctrl-C does not cut the clean-up short
                    self._cleanup(failed=kind is not None)
        finally:
            self.lock.release()

    def previous(self, name: str) -> Path | None:
        """The published tree of `name` (None if there is none), for comparing with or linking from."""
        return self._previous[name][0]

    def stage(self, name: str, outputs: Iterable[Output], keep: Iterable[str] = (),
              notes: Mapping[str, Any] | None = None) -> WriteReport:
        """Write a target's outputs into the staging generation as they come, then keep the published files
        named in `keep` as they are (linked, not copied, where the file system allows); report what differs.
        `notes` (JSON values) go into the tree's manifest, and travel with the tree wherever it is copied."""
        assert self.staging is not None, "stage() inside the with block"
        previous, published = self._previous[name]
        files: dict[str, str] = {}
        changed = 0
        with _faults(self.given[name]):
            room = _Tree(self.staging, name)
        source = f"{previous}/" if previous is not None else None  # a published file is source + its path
        for output in outputs:  # rendered as they come: a renderer's error (a template not found) is its own
            signals.check()
            _check_path(output.path, files)
            try:  # not a `with _faults`: a context manager a file costs the parent more than the rest of the loop
                digest = files[output.path] = _digest(output.data)
                if source is not None and published.get(output.path) == digest:
                    room.link(output.path, source + output.path)  # the same bytes: not written again
                else:
                    room.write(output.path, output.data)
                    changed += 1
            except OSError as error:
                raise OutputError(_fault_message(self.given[name], error)) from error
        with _faults(self.given[name]):
            for path in keep:
                signals.check()
                _check_path(path, files)
                if source is None or path not in published:
                    raise ValueError(f"not a published file of {name}: {path}")
                files[path] = published[path]
                room.link(path, source + path)
            manifest: dict[str, Any] = {"generator": "liaison", "tree": name, "files": dict(sorted(files.items()))}
            if notes:
                manifest["notes"] = dict(notes)
            room.write(MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
            if self._recycled:
                room.sweep()
        self._staged.add(name)
        self._stats[name] = {path: room.noted[path] for path in files}
        return WriteReport(len(files), changed, len(set(published) - set(files)))

    def published_files(self, name: str) -> dict[str, str]:
        """The files of the published tree `name` as its manifest lists them (path -> SHA-256)."""
        return dict(self._previous[name][1])

    def published_notes(self, name: str) -> dict[str, Any]:
        """What the build of the published tree `name` noted in its manifest (stage's `notes`)."""
        tree = self._previous[name][0]
        return read_notes(tree) if tree else {}

    def previous_state(self) -> bytes | None:
        """What the build that published the current generation recorded beside its trees (stage_state), or
        None when the published trees are not one generation of this store."""
        generations = {tree.parent if tree else None for tree, _ in self._previous.values()}
        generation = generations.pop() if len(generations) == 1 else None
        if generation is None or generation.parent != self.store.resolve():
            return None
        try:
            return (generation / STATE).read_bytes()
        except OSError:
            return None

    def stage_state(self, data: bytes) -> None:
        """A record of this build kept beside its trees, outside the published folders, for the next build."""
        assert self.staging is not None, "stage_state() inside the with block"
        with _faults(next(iter(self.given.values()))):
            (self.staging / STATE).write_bytes(data)

    def publish(self) -> None:
        """Switch every target to the staged generation in one rename."""
        assert self.staging is not None, "publish() inside the with block"
        unstaged = set(self.targets) - self._staged
        if unstaged:
            raise ValueError(f"not staged: {sorted(unstaged)}")
        signals.check()
        first = next(iter(self.given.values()))
        with _faults(first):
            if self._recycled:  # a tree the spare held that this build does not publish (a target dropped since)
                for entry in sorted(self.staging.iterdir()):
                    if entry.name not in {*self._staged, STATE, STATS}:
                        aside = entry if entry.name.startswith(".") else self.staging / f".dropped-{entry.name}"
                        if aside != entry:
                            os.rename(entry, aside)  # under no name a link shows (an old `signage` link)
                        self._discard(aside)  # and what cannot be removed of it harms no reader
            (self.staging / STATS).write_text(json.dumps(self._stats, separators=(",", ":")), encoding="utf-8")
            _sync(self.staging)
            current = self._current_generation()
            for name in self.targets:
                with _faults(self.given[name]):
                    self._adopt(name, current)
            signals.check()  # the last moment a stop leaves everything as it was
            with signals.deferred():
                _point(self.store / "current", self.staging.name)
                self.published = True
        _durable(self.store)
        self._prune()

    # -- the store ---------------------------------------------------------------------------------------

    def _recover(self) -> None:
        """Remove what a build that was killed left: staging generations, half-made links."""
        if self.lock.previous:
            held = self.lock.previous
            self.notify(f"上次生成（进程 {held.get('pid')}，开始于 {held.get('started')}）没有正常结束，"
                        f"已清理它留下的临时文件。")
        self._prune()

    def _prepare(self) -> None:
        for name, path in self.targets.items():
            tree = path.resolve() if path.is_dir() else None
            self._previous[name] = (tree, (read_manifest(tree) or {}) if tree else {})
        numbers = [_generation_number(self.store / "current") or 0]
        numbers += [int(m.group(1)) for e in self.store.iterdir() if (m := _GENERATION.fullmatch(e.name))]
        self.staging = self.store / f"gen-{max(numbers) + 1}"  # past any leftover that could not be removed
        spare = self.store / SPARE
        if _is_folder(spare):  # its folders already exist: far cheaper than making them (and removing the old)
            os.rename(spare, self.staging)
            self._recycled = True
            for name in (STATE, STATS):  # a stale record must never survive a build that writes none
                _remove(self.staging / name)
        else:
            self.staging.mkdir()

    def _current_generation(self) -> Path:
        """The published generation, made (empty) if there is none yet."""
        link = self.store / "current"
        number = _generation_number(link)
        generation = self.store / f"gen-{number if number is not None else 0}"
        generation.mkdir(exist_ok=True)
        if number is None:
            _point(link, generation.name)
            _fsync_directory(self.store)
        return generation

    def _adopt(self, name: str, current: Path) -> None:
        """Make target a link into the store, showing what it showed before (copied into `current`)."""
        path = self.targets[name]
        text = _link_text(name, path, self.store)
        if path.is_symlink() and os.readlink(path) == text:
            return
        link = _leftover(path, "link")
        _remove(link)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(text, link)
        if path.is_symlink() or not path.exists():
            os.replace(link, path)  # a link over a link (or nothing) is replaced in one rename
        else:
            _remove(current / name)
            _copy(path, current / name)
            _sync(current)
            if _exchange(link, path):  # link now holds the old directory
                self._discard(link)
            else:  # no atomic exchange on this system: a moment without the target
                old = _leftover(path, "old")
                os.rename(path, old)
                os.rename(link, path)
                self._discard(old)
        _fsync_directory(path.parent)

    def _prune(self) -> None:
        """Keep only the lock, the published generation and one spare, here and beside each target.

        The newest other generation that holds anything (the one just replaced, or a killed build's staging)
        becomes the spare if there is none; the rest go."""
        keep = {"lock", "current", SPARE}
        number = _generation_number(self.store / "current")
        if number is not None:
            keep.add(f"gen-{number}")
        spare = self.store / SPARE
        if os.path.lexists(spare) and not _is_folder(spare):
            self._discard(spare)
        leftovers = [entry for entry in self.store.iterdir() if entry.name not in keep] if self.store.is_dir() else []
        for entry in sorted(leftovers, key=_newest_first):
            if not os.path.lexists(spare) and _GENERATION.fullmatch(entry.name) and _holds_something(entry):
                try:
                    os.rename(entry, spare)
                    continue
                except OSError:
                    pass
            self._discard(entry)
        self._tidy_targets()

    def _cleanup(self, failed: bool = True) -> None:
        """After a failure or a stop, or a build that publishes nothing: the staging generation and half-made
        links go. A spare staged into goes back to being the spare unless the build failed (what made it fail
        may be in it: the next build starts from a new folder)."""
        if self.staging is not None:
            try:
                if self._recycled and not failed and not os.path.lexists(self.store / SPARE):
                    os.rename(self.staging, self.store / SPARE)
                    self.staging = None
            except OSError:
                pass
        if self.staging is not None:
            _remove(self.staging, quiet=True)
        self._tidy_targets()

    def _tidy_targets(self) -> None:
        """Beside each target, what adopting a folder left: a link caught between the two renames of the
        fallback (no atomic exchange) goes into place, so the folder's view is back; the rest goes."""
        for path in self.targets.values():
            link = _leftover(path, "link")
            if link.is_symlink() and not os.path.lexists(path):
                try:
                    os.rename(link, path)
                except OSError:
                    pass
            for kind in ("link", "old"):
                self._discard(_leftover(path, kind))

    def _discard(self, path: Path) -> None:
        """Remove what is no longer needed; if that fails, say so and go on (the next build tries again)."""
        try:
            _remove(path)
        except OSError as error:
            self.notify(f"无法删除 {shown(path).rstrip('/')}（{_cause(error)}），不影响本次生成；请排除原因或手动删除。")


def _check_path(path: str, seen: dict[str, str]) -> None:
    if path in seen:
        raise ValueError(f"two outputs share the path {path}")
    parts = path.split("/")
    if "" in parts or "." in parts or ".." in parts or path == MANIFEST:  # "a//b", "a/./b": the tree holds it as "a/b"
        raise ValueError(f"not a path inside an output tree: {path}")


class _Tree:
    """A tree being staged, in a new folder or in the spare's: its folders made real folders and each file's
    place cleared before the file is put there. The spare may hold a file where a folder goes, a folder where
    a file goes, and files that are hard links to the published generation's inodes: nothing is ever written
    into what is there. What cannot be removed (an immutable file) is moved out of the tree with its folder.

    Paths are strings (the tree's own paths are checked by `_check_path`: no empty, "." or ".." part), handled
    with `os` calls: a build stages some 27,000 files at 300 stations in the parent, while the workers render."""

    def __init__(self, staging: Path, name: str) -> None:
        self.staging = staging
        self.root = staging / name
        self._prefix = f"{self.root}/"  # a file's place is the prefix and its path in the tree
        self.placed: set[str] = set()  # the files this build put into the tree (paths in it)
        self.needed: set[str] = set()  # the folders holding a placed file (paths in the tree)
        self.noted: dict[str, list[int]] = {}  # each placed file's size, time and inode once in place (STATS)
        self._folders = {str(staging)}  # known to be real folders
        self._folder(str(self.root))

    def place(self, path: str, clear: bool = True) -> str:
        """Where the tree's file `path` goes, its folders made and nothing in its place; the caller puts it there
        before placing another. `clear=False`: what is there is the file already (`link`)."""
        destination = self._prefix + path
        parent = path.rpartition("/")[0]
        folders = [] if not parent or parent in self.needed else [path[:end] for end in _slashes(path)]
        # The folders of a needed folder were checked when it became one, and no file is placed where one is.
        if destination in self._folders or path in self.needed or any(folder in self.placed for folder in folders):
            raise ValueError(f"an output's path is another's folder: {path}")  # a plan's error, not the user's
        self._folder(destination.rpartition("/")[0])
        if clear:
            self._clear(destination)
        self.placed.add(path)  # after the clearing: a folder moved out and made again links back only the others
        self.needed.update(folders)
        return destination

    def write(self, path: str, data: bytes) -> None:
        """The bytes as the tree's file `path`, a new file."""
        with open(self.place(path), "wb") as file:
            file.write(data)
            file.flush()
            self.noted[path] = _noted(os.fstat(file.fileno()))

    def link(self, path: str, source: str) -> None:
        """The published file `source` at the tree's `path`, linked (or copied) there; where the spare holds that
        very file already (a hard link to the same inode: a file kept by the last two builds), it stays as it is,
        which is what clearing its place and linking it again would make, for one system call instead of two that
        write to the disk's journal."""
        destination = self._prefix + path
        if destination not in self._folders:
            self._folder(destination.rpartition("/")[0])  # a real folder: a link in the spare's path is never followed
            there = _lstat(source)
            here = _lstat(destination) if there is not None else None
            if here is not None and stat.S_ISREG(here.st_mode) and _same_inode(here, there):
                self.place(path, clear=False)
                self.noted[path] = _noted(here)
                return
        else:
            there = None
        linked = _link_or_copy(source, self.place(path))
        # A hard link is the source's inode, its size and time: the source's reading stands for it.
        self.noted[path] = _noted(there if linked and there is not None and stat.S_ISREG(there.st_mode)
                                  else os.stat(destination))

    def sweep(self) -> None:
        """Remove every entry that is neither a placed file nor a folder holding one (only folders left empty
        go: removing folders is the cost the spare saves)."""
        self._sweep(str(self.root), "")

    def _sweep(self, folder: str, prefix: str) -> None:
        with os.scandir(folder) as scan:
            entries = list(scan)
        for entry in entries:
            relative = prefix + entry.name
            if relative in self.needed and entry.is_dir(follow_symlinks=False):
                self._sweep(entry.path, relative + "/")
            elif relative not in self.placed and self._clear(entry.path) == folder:
                return  # the folder was moved out and made again with only what was placed in it

    def _folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        self._folder(folder.rpartition("/")[0])
        if not _is_folder(folder):
            self._clear(folder)
            os.mkdir(folder)
        self._folders.add(folder)

    def _clear(self, path: str) -> str | None:
        """Remove what is at path, if anything; the folder moved out and made again instead, if one was."""
        try:
            os.unlink(path)  # one system call for a file (or nothing) in its place, the common case
            return None
        except FileNotFoundError:
            return None
        except (IsADirectoryError, PermissionError):  # a folder (EISDIR; EPERM on macOS), or a file that stays
            if not _is_folder(path):
                parent = path.rpartition("/")[0]
                if not Path(parent).is_relative_to(self.root):
                    raise
                try:  # its folder made read-only (by a user, a copy tool): the store is liaison's, made writable
                    _writable(Path(parent))
                    os.unlink(path)
                    return None
                except PermissionError:  # an immutable file
                    self._remake(parent, self._evict(parent))  # the file's folder goes, made again
                    return parent
        try:
            _rmtree(Path(path))
        except PermissionError:  # something immutable inside: the folder in the way goes whole
            self._evict(path)
        return None

    def _evict(self, folder: str) -> Path:
        """Move folder out of the tree, to be discarded when publishing (with a notice if it still cannot be)."""
        count = 1
        while os.path.lexists(self.staging / f".stale-{count}"):
            count += 1
        aside = self.staging / f".stale-{count}"
        with suppress(OSError):
            _writable(Path(folder))  # a folder moved to another parent is written to (its ".." entry)
        os.rename(folder, aside)
        inside = folder + "/"
        self._folders = {known for known in self._folders if known != folder and not known.startswith(inside)}
        return aside

    def _remake(self, folder: str, aside: Path) -> None:
        """Make an evicted folder again, linking back what this build already placed in it."""
        self._folder(folder)
        prefix = folder[len(self._prefix):] + "/" if folder.startswith(self._prefix) else ""
        for path in sorted(self.placed):
            if path.startswith(prefix):
                destination = self._prefix + path
                self._folder(destination.rpartition("/")[0])
                _link_or_copy(aside / path[len(prefix):], Path(destination))
                self.noted[path] = _noted(os.stat(destination))  # a copy is another inode


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _same_inode(here: os.stat_result, there: os.stat_result | None) -> bool:
    return there is not None and (here.st_ino, here.st_dev) == (there.st_ino, there.st_dev)


def _noted(status: os.stat_result) -> list[int]:
    """What STATS notes of a file (see `_foreign`)."""
    return [status.st_size, status.st_mtime_ns, status.st_ino]


def _is_folder(path: Path | str) -> bool:
    """A real folder, not a symbolic link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _holds_something(folder: Path) -> bool:
    if not _is_folder(folder):
        return False
    with os.scandir(folder) as scan:
        return any(True for _ in scan)


def _newest_first(entry: Path) -> int:
    match = _GENERATION.fullmatch(entry.name)
    return -int(match.group(1)) if match else 0


def _generation_number(link: Path) -> int | None:
    try:
        match = _GENERATION.fullmatch(os.readlink(link))
    except OSError:
        return None
    return int(match.group(1)) if match else None


def _leftover(path: Path, kind: str) -> Path:
    return path.parent / f".{path.name}.liaison-{kind}"


def _point(link: Path, target: str) -> None:
    """Point link at target in one rename."""
    new = link.with_name(link.name + ".new")
    _remove(new)
    os.symlink(target, new)
    os.replace(new, link)


def _durable(store: Path) -> None:
    """After the switch: write it to disk if possible; the switch itself is done either way."""
    try:
        _fsync_directory(store)
    except OSError:
        pass


def _slashes(path: str) -> Iterator[int]:
    """Where each of the path's folders ends: "a/b/c.html" gives the ends of "a" and "a/b"."""
    end = path.find("/")
    while end > 0:
        yield end
        end = path.find("/", end + 1)


def _link_or_copy(source: Path | str, destination: Path | str) -> bool:
    """A published file into the staging generation: the same file where the file system allows (its bytes and
    time kept), else a copy; whether it was linked. The caller has made its folder and cleared its place
    (`_Tree.place`)."""
    try:
        os.link(source, destination)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        shutil.copy2(source, destination)
        return False
    return True


def _copy(source: Path, destination: Path) -> None:
    """A copy of a tree made of hard links where the file system allows, else of copies."""
    for root, directories, files in os.walk(source):
        into = destination / Path(root).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in directories + files:
            entry, copy = Path(root, name), into / name
            if entry.is_symlink():
                os.symlink(os.readlink(entry), copy)
            elif entry.is_file():
                try:
                    os.link(entry, copy)
                except OSError:  # another file system, an immutable file: copy the bytes
                    shutil.copy2(entry, copy)


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two entries atomically with renameat2(RENAME_EXCHANGE) (Linux 3.15+); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sync(path: Path) -> None:
    """Flush the file system holding path to disk: a power cut after the switch keeps the new files."""
    libc_name = ctypes.util.find_library("c")
    syncfs = getattr(ctypes.CDLL(libc_name, use_errno=True), "syncfs", None) if libc_name else None
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        syncfs(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _writable(folder: Path) -> None:
    """Give the owner back the right to change a folder of liaison's store that was made read-only."""
    mode = os.lstat(folder).st_mode
    if stat.S_ISDIR(mode) and mode & 0o700 != 0o700:
        os.chmod(folder, stat.S_IMODE(mode) | 0o700)


def _rmtree(path: Path) -> None:
    """Remove a folder of the store, making writable again what was made read-only inside it if need be."""
    try:
        shutil.rmtree(path)
    except PermissionError:
        for root, folders, _ in os.walk(path):
            for folder in (root, *(os.path.join(root, name) for name in folders)):
                with suppress(OSError):
                    _writable(Path(folder))
        shutil.rmtree(path)


def _remove(path: Path, quiet: bool = False) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            _rmtree(path)
        elif path.is_symlink() or path.exists():
            path.unlink()
    except OSError:
        if not quiet:
            raise


@contextmanager
def _faults(folder: Path) -> Iterator[None]:
    """File system errors become OutputError naming the folder, the file and the cause."""
    try:
        yield
    except OSError as error:
        raise OutputError(_fault_message(folder, error)) from error


def _cause(error: OSError) -> str:
    return _CAUSES.get(error.errno or 0) or f"系统错误 {errno.errorcode.get(error.errno or 0, error.errno)}（{error.strerror}）"


def _fault_message(folder: Path, error: OSError) -> str:
    cause = _cause(error)
    where = next((name for name in (error.filename2, error.filename) if isinstance(name, str)), None)
    detail = f"（{shown(Path(where)).rstrip('/')}）" if where and Path(where) != canonical(folder) else ""
    return f"无法写入 {shown(folder)}{detail}：{cause}。已发布的内容保持不变。"
