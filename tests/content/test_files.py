"""Writing a file whole (`files.replace`): the old file or the new one, never half of one, and no temporary left."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from liaison.content import files


class Interrupted(Exception):
    """Raised from inside a write, as a full disk or a Ctrl-C would."""


def test_a_file_is_written_whole_with_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        files.replace(tmp_path / "new.json", b"{}")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.json").read_bytes() == b"{}"
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
    assert [p.name for p in tmp_path.iterdir()] == ["new.json"]


def test_the_old_mode_is_kept_only_when_asked(tmp_path: Path) -> None:
    kept, replaced = tmp_path / "kept.yaml", tmp_path / "replaced.zip"
    for path in (kept, replaced):
        path.write_bytes(b"old")
        path.chmod(0o640)
    files.replace(kept, b"new", keep_mode=True)
    files.replace(replaced, b"new")
    assert kept.stat().st_mode & 0o7777 == 0o640
    assert replaced.stat().st_mode & 0o7777 == 0o666 & ~_umask()
    assert kept.read_bytes() == replaced.read_bytes() == b"new"


@pytest.mark.parametrize("where", ["write", "fsync", "chmod", "rename"])
def test_a_failure_mid_write_leaves_the_old_file_whole_and_no_temporary(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        where: str) -> None:
    path = tmp_path / "record.yaml"
    path.write_bytes(b"old bytes")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Interrupted
    target = {"write": (os, "fdopen"), "fsync": (os, "fsync"), "chmod": (os, "chmod"), "rename": (os, "replace")}[where]
    monkeypatch.setattr(*target, interrupted)
    with pytest.raises(Interrupted):
        files.replace(path, b"new bytes", keep_mode=True)
    assert path.read_bytes() == b"old bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["record.yaml"]


def test_a_folder_that_cannot_be_written_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        files.replace(tmp_path / "missing" / "file", b"data")


def test_two_writers_of_one_file_do_not_share_a_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two `pack` runs at once each write their own temporary (a fixed `.name.partial` had them write into one)."""
    path = tmp_path / "station.zip"
    names = iter(["aaaaaaaaaaaa", "aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr(files.secrets, "token_hex", lambda size: next(names))
    (tmp_path / ".station.zip.aaaaaaaaaaaa.tmp").write_bytes(b"another writer's half")
    files.replace(path, b"ours")
    assert path.read_bytes() == b"ours"
    assert (tmp_path / ".station.zip.aaaaaaaaaaaa.tmp").read_bytes() == b"another writer's half"  # not touched


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_a_write_that_fails_before_it_starts_leaves_no_file_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise Interrupted
    monkeypatch.setattr(os, "fdopen", refused)
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(Interrupted):
        files.replace(tmp_path / "record.yaml", b"new")
    assert set(os.listdir("/proc/self/fd")) <= before


def test_the_bytes_reach_the_disk_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A power cut after the rename must not leave an empty file: the temporary is synced first."""
    calls: list[str] = []
    sync, rename = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), sync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), rename(a, b))[1])
    files.replace(tmp_path / "record.yaml", b"new")
    assert calls == ["fsync", "replace"]
