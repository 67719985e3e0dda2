"""Nothing lost, tried with real processes: killed at every stage, interrupted, run twice at once, on a
full, read-only or immutable file system. After each, the clerk's files are all there byte for byte, the
published pair is the old build or the new one as a whole, and the next build is clean.

Stages are found two ways: by watching the output folders while a real build runs and killing it at each
change seen (test_killed_at_every_stage_seen_in_the_output_folders), and by killing the writer before
each of its file system changes in turn with strace (test_killed_before_every_file_system_change).
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from liaison import cli, progress
from liaison.build.pipeline import Config, build
from liaison.build.writer import MANIFEST
from tests import publish_driver
from tests.conftest import MINI, ROOT, TODAY, published_copy, snapshot

OLD_DAY, NEW_DAY = "2026-11-23", TODAY.isoformat()  # the new day's build is the session's mini_build
CLERK = {"notes.txt": "联络站工作笔记", "docs/plan.docx": "年度计划（草稿）"}
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
Pair = dict[str, dict[str, bytes]]


def published(out: Path, signage: Path | None = None) -> Pair:
    """What a reader opening out/site and out/signage (or signage elsewhere) sees."""
    return {"site": snapshot(out / "site"), "signage": snapshot(signage or out / "signage")}


def command(out: Path, day: str = NEW_DAY, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(MINI), "--site", str(out / "site"),
            "--signage", str(out / "signage"), "--today", day, *extra]


def start(out: Path, day: str = NEW_DAY, *extra: str, ignore_sigint: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        command(out, day, *extra), cwd=out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        start_new_session=True,  # its own process group, render workers included
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None)


def finish(out: Path, day: str = NEW_DAY) -> subprocess.CompletedProcess:
    return subprocess.run(command(out, day), cwd=out, capture_output=True, text=True, env=ENV, timeout=600)


def said(stderr: str) -> list[str]:
    """The lines of a build's standard error other than its progress (a line at every tenth of the jobs)."""
    return [line for line in stderr.splitlines() if not line.startswith(progress.LINE)]


def put_clerk_files(out: Path) -> None:
    for name, text in CLERK.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")


def assert_clerk_files_intact(out: Path) -> None:
    assert {name: (out / name).read_text(encoding="utf-8") for name in CLERK} == CLERK


def assert_clean(out: Path) -> None:
    """Only the two links, the store (lock, current, one generation, at most one spare) and the clerk's own files."""
    assert sorted(p.name for p in out.iterdir()) == sorted([".site.liaison", "site", "signage", "docs", "notes.txt"])
    store = out / ".site.liaison"
    assert sorted(p.name for p in store.iterdir() if p.name != "spare") == ["current", os.readlink(store / "current"), "lock"]
    assert not (store / "spare").exists() or ((store / "spare").is_dir() and not (store / "spare").is_symlink())
    assert (store / "lock").read_text() == ""


def stopped(process: subprocess.Popen, how: signal.Signals = signal.SIGKILL) -> tuple[str, str]:
    os.killpg(process.pid, how)
    out, err = process.communicate(timeout=120)
    if how != signal.SIGKILL:  # the build stopped its render workers itself: none is left behind
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)
    return out, err


def staging(out: Path) -> list[str]:
    """Generations in the store other than the published one: a build at work."""
    store = out / ".site.liaison"
    try:
        current = os.readlink(store / "current")
        return [n for n in os.listdir(store) if n.startswith("gen-") and n != current]
    except FileNotFoundError:
        return []


def writing_print_files(out: Path, since: float) -> bool:
    """Whether a build has written a print file into its staging generation since `since` (the staging may be
    the store's spare, holding the print files of an earlier build: linked, with their old times)."""
    store = out / ".site.liaison"
    return any(path.is_file() and path.stat().st_mtime >= since
               for generation in staging(out) for path in (store / generation / "signage").rglob("*"))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, mini_build: Path) -> dict[str, tuple[Path, Pair]]:
    """The mini content built for the old and the new day: (output folder, published pair)."""
    out = tmp_path_factory.mktemp(f"built-{OLD_DAY}")
    build(Config(content=MINI, site_dir=out / "site", signage_dir=out / "signage",
                 today=dt.date.fromisoformat(OLD_DAY)))
    built = {OLD_DAY: (out, published(out)), NEW_DAY: (mini_build, published(mini_build))}
    assert built[OLD_DAY][1]["site"] != built[NEW_DAY][1]["site"]
    assert built[OLD_DAY][1]["signage"] != built[NEW_DAY][1]["signage"]  # a mix of the two would show
    return built


@pytest.fixture
def old_build(reference, tmp_path: Path) -> Path:
    """Outputs as the old build published them, with the clerk's own files beside them."""
    out = tmp_path / "out"
    published_copy(reference[OLD_DAY][0], out)
    put_clerk_files(out)
    return out


def observe(out: Path) -> tuple:
    """What a watcher of the output folders sees: entries, where links point, what each generation holds."""
    seen = []
    for folder in (out, out / ".site.liaison"):
        for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
            path = folder / name
            try:
                if path.is_symlink():
                    seen.append((name, os.readlink(path)))
                elif path.is_dir() and name.startswith("gen-"):
                    seen.append((name, tuple((t, (path / t / MANIFEST).exists()) for t in sorted(os.listdir(path)))))
                else:
                    seen.append((name,))
            except FileNotFoundError:  # removed while looking: the next look sees it gone
                seen.append((name, "going"))
    return tuple(seen)


class Watch:
    """Wakes the watcher of the output folders when an entry is made, removed or renamed in a folder that `observe`
    looks into (inotify): the output folder, the store, each generation and its site/ and signage/. Every change
    of state is one of those, so each is looked at as soon as it is made. A watcher that looked again and again
    instead took a core from the build it watched (and from the other tests) and, preempted, killed some builds
    a state or two after the one it had seen (3 runs of 10); woken by the changes, it kills in the state seen and
    finds the same states, the brief one of `current.new` in every run."""

    MASK = 0x100 | 0x200 | 0x40 | 0x80  # IN_CREATE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO
    _libc = ctypes.CDLL(None, use_errno=True)

    def __init__(self, out: Path) -> None:
        self.out = out
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.fd >= 0, os.strerror(ctypes.get_errno())

    def arm(self) -> None:
        """Watch the folders there are now (again: a watch already there stays): call before looking, so that a
        change made after the look wakes `wait`."""
        store = self.out / ".site.liaison"
        folders = [self.out, store]
        with contextlib.suppress(FileNotFoundError):
            folders += [store / name / sub for name in os.listdir(store) if name.startswith("gen-")
                        for sub in ("", "site", "signage")]
        for folder in folders:
            self._libc.inotify_add_watch(self.fd, os.fsencode(folder), self.MASK)  # -1 where it is gone already

    def wait(self, timeout: float) -> None:
        """Until a watched folder changes (or `timeout` seconds, to see whether the build ended)."""
        if select.select([self.fd], [], [], timeout)[0]:
            with contextlib.suppress(BlockingIOError):
                while os.read(self.fd, 65536):
                    pass

    def close(self) -> None:
        os.close(self.fd)  # takes milliseconds (the kernel waits for its watches to go): only after the kill


@pytest.mark.slow
def test_killed_at_every_stage_seen_in_the_output_folders(reference, tmp_path: Path) -> None:
    """Each run is killed at the first state of the folders that no earlier run was killed in; the test
    ends when a build runs to its end without showing a new one. The next build after each kill runs in this
    process, with the command's own arguments (`cli.main`): it is the killed ones that need a process of their own."""
    old, new = reference[OLD_DAY][1], reference[NEW_DAY][1]
    killed_in: set[tuple] = set()
    while_staging = 0
    for run in range(1, 40):
        out = tmp_path / f"run-{run}"
        published_copy(reference[OLD_DAY][0], out)
        put_clerk_files(out)
        before = observe(out)
        watch = Watch(out)
        process = start(out)
        try:
            while process.poll() is None:
                watch.arm()
                if (state := observe(out)) != before and state not in killed_in:
                    break
                watch.wait(0.01)
            else:
                assert process.wait() == 0, process.communicate()
                break
            stopped(process)
        finally:
            watch.close()
        killed_in.add(state)
        while_staging += bool(staging(out))
        assert published(out) in (old, new)
        assert_clerk_files_intact(out)
        assert cli.main(command(out)[2:]) == 0
        assert published(out) == new
        assert_clean(out)
    assert len(killed_in) >= 4 and while_staging >= 2, killed_in


def driver(site: Path, signage: Path) -> list[str]:
    return [sys.executable, "-m", "tests.publish_driver", str(site), str(signage), NEW_DAY]


CHANGES = ("rename", "renameat", "renameat2", "symlink", "symlinkat", "link", "linkat", "unlink", "unlinkat", "rmdir",
           "mkdir", "mkdirat")  # the system calls that change the file system's names


def strace_points(prepare: Callable[[Path], None], signage_of: Callable[[Path], Path],
                  tmp_path: Path) -> Iterator[tuple[Path, subprocess.CompletedProcess]]:
    """Run the writer once per file system change it makes, killed just before it: for each system call that
    makes changes, before its first call, then its second, until a run makes fewer of them and ends. (strace's
    `when=n` counts each call of a set apart: killed before the n-th call of whichever of the set reaches n
    first, a change made by a call rarer than those before it, such as the rename that switches `current`, was
    never one a run was killed before.)"""
    for call in CHANGES:
        for n in range(1, 500):
            out = tmp_path / f"{call}-{n}"
            prepare(out)
            put_clerk_files(out)
            run = killed_before_change(call, n, driver(out / "site", signage_of(out)))
            yield out, run
            if run.returncode == 0:
                break
        else:
            raise AssertionError(f"the writer never finished ({call})")


def killed_before_change(call: str, n: int, command: list[str]) -> subprocess.CompletedProcess:
    """The driver run with strace killing it just before its n-th `call` (a system call of CHANGES).
    strace attaches once the driver has loaded its modules (which changes nothing: no bytecode is written) and
    before it publishes: traced from its start, the interpreter's thousands of other system calls each stopped
    it, which took 0.5 s a run."""
    process = subprocess.Popen([*command, "--after-a-line"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    tracer = None
    try:
        assert process.stdout is not None and process.stdout.readline() == "ready\n", process.communicate()
        tracer = subprocess.Popen(["strace", "-o", "/dev/null", "-p", str(process.pid), "-e", f"trace={call}",
                                   "-e", f"inject={call}:signal=SIGKILL:when={n}"], stderr=subprocess.PIPE, text=True)
        assert tracer.stderr is not None
        attached = tracer.stderr.readline()  # said once the driver is stopped under strace's control
        assert attached.strip() == f"strace: Process {process.pid} attached", attached + tracer.communicate()[1]
        stdout, stderr = process.communicate("go\n", timeout=120)
        assert tracer.wait(timeout=120) in (0, -signal.SIGKILL, 128 + signal.SIGKILL)  # it ends with the driver
    finally:
        for running in (process, tracer):
            if running is not None and running.poll() is None:
                running.kill()
                running.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def driver_pair(day: str) -> Pair:
    return {name: {o.path: o.data for o in files} for name, files in publish_driver.outputs(day).items()}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (Debian package strace)")
@pytest.mark.parametrize("start_from", ["a published pair", "folders of an older copy", "nothing yet",
                                        "signage on another file system"])
def test_killed_before_every_file_system_change(start_from: str, tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    elsewhere = request.getfixturevalue("tmpfs") if start_from == "signage on another file system" else None

    def signage_of(out: Path) -> Path:
        return elsewhere / out.name / "signage" if elsewhere else out / "signage"

    def prepare(out: Path) -> None:
        out.mkdir()
        if start_from == "nothing yet":
            return
        publish_driver.main(str(out / "built" / "site"), str(out / "built" / "signage"), OLD_DAY)
        if start_from == "a published pair":
            for entry in (out / "built").iterdir():
                entry.rename(out / entry.name)
            (out / "built").rmdir()
        else:  # real folders carrying the manifest, as a copy of published outputs is
            shutil.copytree(out / "built" / "site", out / "site")
            shutil.copytree(out / "built" / "signage", signage_of(out))
            shutil.rmtree(out / "built")

    def without_manifest(pair: Pair) -> Pair:
        return {name: {k: v for k, v in files.items() if k != MANIFEST} for name, files in pair.items()}

    old = {"site": {}, "signage": {}} if start_from == "nothing yet" else driver_pair(OLD_DAY)
    new = driver_pair(NEW_DAY)
    points = 0
    for out, run in strace_points(prepare, signage_of, tmp_path):
        points += 1
        assert run.returncode in (0, -signal.SIGKILL, 128 + signal.SIGKILL), run.stderr
        assert without_manifest(published(out, signage_of(out))) in (old, new)
        assert_clerk_files_intact(out)
        publish_driver.main(str(out / "site"), str(signage_of(out)), NEW_DAY)  # the next run, here: it completes
        assert without_manifest(published(out, signage_of(out))) == new
    assert points > 10


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small file system of its own (needs root: CI runs as root)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.mark.slow
@pytest.mark.parametrize(("how", "code", "message"), [
    (signal.SIGINT, 130, "已中断（Ctrl-C）：没有发布任何新内容，已发布的内容保持不变，临时文件已清理。"),
    ("SIGINT inherited as ignored", 130, "已中断（Ctrl-C）：没有发布任何新内容，已发布的内容保持不变，临时文件已清理。"),
    (signal.SIGTERM, 143, "已终止（收到 SIGTERM）：没有发布任何新内容，已发布的内容保持不变，临时文件已清理。"),
])
def test_ctrl_c_or_sigterm_while_print_files_render_stops_and_publishes_nothing(
        old_build: Path, reference, how, code: int, message: str) -> None:
    before = published(old_build)
    since = time.time()
    # --clean: every print file is made again (some seconds), not the three the new day changes, which a fast
    # machine writes and publishes between two looks for them, before the signal is sent.
    process = start(old_build, NEW_DAY, "--clean", ignore_sigint=how == "SIGINT inherited as ignored")  # as `build.py &`
    wait_for(lambda: writing_print_files(old_build, since), process)
    _, err = stopped(process, signal.SIGTERM if how == signal.SIGTERM else signal.SIGINT)
    assert process.returncode == code
    assert said(err) == [message]  # one line, no traceback
    assert published(old_build) == before
    assert_clerk_files_intact(old_build)
    assert_clean(old_build)  # the staging generation is gone already


@pytest.mark.slow
def test_two_builds_at_once_one_waits_its_turn(old_build: Path, reference) -> None:
    first = start(old_build)
    wait_for(lambda: bool(staging(old_build)), first)
    os.killpg(first.pid, signal.SIGSTOP)  # held mid-build, however fast this machine is
    try:
        second = finish(old_build)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert second.returncode == 6
    [line] = second.stderr.splitlines()
    assert line.startswith(f"另一次生成正在写入 site/、signage/（进程 {first.pid}，开始于 ")
    assert first.wait(timeout=600) == 0, first.communicate()
    assert published(old_build) == reference[NEW_DAY][1]
    assert_clean(old_build)
    assert_clerk_files_intact(old_build)


@pytest.mark.slow
def test_a_build_killed_while_holding_the_lock_is_taken_over_by_the_next(old_build: Path, reference) -> None:
    killed = start(old_build)
    wait_for(lambda: bool(staging(old_build)), killed)
    stopped(killed)
    assert staging(old_build) and json.loads((old_build / ".site.liaison" / "lock").read_text())["pid"] == killed.pid
    assert published(old_build) == reference[OLD_DAY][1]
    run = finish(old_build)
    assert run.returncode == 0, run.stderr
    assert run.stderr.startswith(f"上次生成（进程 {killed.pid}，开始于 ")
    assert "没有正常结束，已清理它留下的临时文件。" in run.stderr
    assert published(old_build) == reference[NEW_DAY][1]
    assert_clean(old_build)
    assert_clerk_files_intact(old_build)


@pytest.mark.slow
def test_full_disk_is_a_message_and_the_published_pair_stays(reference, tmpfs: Path) -> None:
    out = tmpfs / "out"
    published_copy(reference[OLD_DAY][0], out)
    put_clerk_files(out)
    # A build writes only what changed (the rest is linked): leave less room than its record and manifests take.
    used = os.statvfs(tmpfs).f_blocks - os.statvfs(tmpfs).f_bfree
    room = used * os.statvfs(tmpfs).f_frsize // 1024 + 16
    subprocess.run(["mount", "-o", f"remount,size={room}k", str(tmpfs)], check=True)
    run = finish(out)
    assert run.returncode == 5
    [line] = said(run.stderr)
    assert line.startswith("无法写入 ") and line.endswith("：磁盘空间已满。已发布的内容保持不变。")
    assert published(out) == reference[OLD_DAY][1]
    assert_clerk_files_intact(out)
    assert_clean(out)  # the half-written staging was removed, freeing the space again
    subprocess.run(["mount", "-o", "remount,size=64m", str(tmpfs)], check=True)
    assert finish(out).returncode == 0
    assert published(out) == reference[NEW_DAY][1]
    assert_clean(out)


@pytest.mark.slow
def test_read_only_file_system_is_a_message_and_the_published_pair_stays(reference, tmpfs: Path) -> None:
    out = tmpfs / "out"
    published_copy(reference[OLD_DAY][0], out)
    put_clerk_files(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    run = finish(out)
    assert run.returncode == 5
    assert run.stderr.splitlines() == ["无法写入 site/（.site.liaison/lock）：文件系统是只读的。已发布的内容保持不变。"]
    assert published(out) == reference[OLD_DAY][1]
    subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert finish(out).returncode == 0
    assert published(out) == reference[NEW_DAY][1]
    assert_clean(out)


def chattr(flag: str, *paths: Path) -> None:
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr {flag} is not possible here: {done.stderr.strip()}")


@pytest.mark.slow
def test_an_immutable_store_is_a_message_and_the_published_pair_stays(old_build: Path, reference) -> None:
    chattr("+i", old_build / ".site.liaison")
    try:
        run = finish(old_build)
    finally:
        chattr("-i", old_build / ".site.liaison")
    assert run.returncode == 5
    [line] = run.stderr.splitlines()
    assert line.startswith("无法写入 site/（.site.liaison/gen-2）：不允许修改")
    assert published(old_build) == reference[OLD_DAY][1]
    assert finish(old_build).returncode == 0
    assert published(old_build) == reference[NEW_DAY][1]
    assert_clean(old_build)


@pytest.mark.slow
def test_an_immutable_published_file_does_not_stop_the_next_build(old_build: Path, reference) -> None:
    locked = (old_build / "site" / "index.html").resolve()
    chattr("+i", locked)
    inode = locked.stat().st_ino
    try:
        run = finish(old_build)
        assert run.returncode == 0, run.stderr
        assert published(old_build) == reference[NEW_DAY][1]  # the old generation (holding it) is now the spare
        again = finish(old_build, OLD_DAY)  # staged into the spare: the file's folder is moved out of the tree
        assert again.returncode == 0, again.stderr
        assert published(old_build) == reference[OLD_DAY][1]
        assert "无法删除 .site.liaison/gen-3/.stale-1（不允许修改" in again.stderr  # said, not fatal
    finally:  # wherever the file was moved to
        chattr("-i", *(p for p in (old_build / ".site.liaison").rglob("*") if p.lstat().st_ino == inode))
    assert finish(old_build).returncode == 0
    assert_clean(old_build)


def test_an_output_folder_that_is_a_mount_point_is_refused(tmp_path: Path, tmpfs: Path) -> None:
    (tmpfs / "keep.txt").write_text("on its own disk")
    run = subprocess.run(command(tmp_path, NEW_DAY, "--site", str(tmpfs), "--force"), cwd=tmp_path,
                         capture_output=True, text=True, env=ENV, timeout=120)
    assert run.returncode == 5
    assert run.stderr.splitlines() == ["tmpfs/ 是一个挂载点，无法整体替换，已停止。请改用其中的子目录，如 tmpfs/liaison/"]
    assert (tmpfs / "keep.txt").read_text() == "on its own disk"


def test_a_template_error_keeps_the_published_outputs(tmp_path: Path, mini_build: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(content=MINI, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY)
    published_copy(mini_build, tmp_path)
    before = published(tmp_path)
    from liaison.render.web import pages as web

    def broken_page(ctx, path, *args):
        if path.startswith("deputies/"):  # after the home page and the stations' pages are written
            raise RuntimeError("a template exploded halfway")
        return page(ctx, path, *args)

    page = web.page
    monkeypatch.setattr(web, "page", broken_page)  # the plan names the function, looked up when it is planned
    with pytest.raises(RuntimeError, match="a template exploded halfway"):
        build(config)
    assert published(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.liaison", "signage", "site"]
    assert len(list((tmp_path / ".site.liaison").iterdir())) == 3  # lock, current, its generation


@pytest.mark.slow
def test_same_content_same_bytes_and_source_date_epoch_sets_embedded_dates(tmp_path: Path) -> None:
    import io
    import zipfile

    from tests.pdf_reading import reader

    epoch = str(int(dt.datetime(2026, 11, 12, tzinfo=dt.UTC).timestamp()))
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        out.mkdir()
        process = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "-q", "--content", str(MINI), "--site", str(out / "site"),
             "--signage", str(out / "signage")],
            cwd=out, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": epoch})
        assert process.returncode == 0, process.stderr
        packed = subprocess.run([sys.executable, str(ROOT / "build.py"), "pack", "-q", "--station", "centre"],
                                cwd=out, capture_output=True, text=True)
        assert packed.returncode == 0, packed.stderr
        runs.append({**published(out), "packs": snapshot(out / "packs")})
    assert runs[0] == runs[1]  # PDFs, PNGs, zips and fonts included
    files = runs[0]["signage"]
    creation = str(reader(files["centre/signboard-production.pdf"]).metadata["/CreationDate"])
    assert creation.startswith("D:20261112")
    with zipfile.ZipFile(io.BytesIO(runs[0]["packs"]["centre.zip"])) as pack:
        assert {info.date_time for info in pack.infolist()} == {(2026, 11, 12, 0, 0, 0)}
    assert "本站信息更新于 2026年11月12日" in runs[0]["site"]["index.html"].decode()
