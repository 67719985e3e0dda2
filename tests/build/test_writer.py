"""The writer: only over what liaison made, both trees in one switch, leftovers and stops handled."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from liaison.build import signals
from liaison.build.writer import MANIFEST, Busy, OutputError, Publication, WriteReport, store_of
from liaison.render import Output
from tests.conftest import files, snapshot

OLD = {"site": [Output("index.html", b"old"), Output("a/b.html", b"b"), Output("gone.html", b"x")],
       "signage": [Output("centre/poster-1.pdf", b"%PDF old")]}
NEW = {"site": [Output("index.html", b"new"), Output("a/b.html", b"b")],
       "signage": [Output("centre/poster-1.pdf", b"%PDF new")]}


def pair(root: Path) -> dict[str, Path]:
    return {"site": root / "site", "signage": root / "signage"}


def publish(targets: dict[str, Path], outputs: dict[str, list[Output]], **options) -> dict[str, WriteReport]:
    with Publication(targets, **options) as publication:
        reports = {name: publication.stage(name, outputs[name]) for name in targets}
        publication.publish()
    return reports


def published(targets: dict[str, Path]) -> dict[str, dict[str, bytes]]:
    """What a reader sees through each target, the manifest left out."""
    return {name: {k: v for k, v in snapshot(path).items() if k != MANIFEST} for name, path in targets.items()}


def everything(root: Path) -> dict[str, object]:
    """Every entry under root: file bytes, link targets, directories, for a byte-for-byte 'untouched'."""
    state: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        state[key] = ("link", os.readlink(path)) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return state


def test_both_trees_are_links_into_one_generation_with_a_manifest(tmp_path: Path) -> None:
    targets = pair(tmp_path / "out")
    publish(targets, OLD)
    store = store_of(targets["site"])
    assert sorted(p.name for p in store.iterdir()) == ["current", "gen-1", "lock"]
    for name, path in targets.items():
        assert path.is_symlink() and path.resolve() == (store / "gen-1" / name).resolve()
        manifest = json.loads((path / MANIFEST).read_text())
        assert manifest["files"] == {o.path: hashlib.sha256(o.data).hexdigest() for o in OLD[name]}
    assert published(targets) == {name: files(outputs) for name, outputs in OLD.items()}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".site.liaison", "signage", "site"]


def test_replace_reports_changes_keeps_unchanged_mtimes_and_leaves_one_generation(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    os.utime(targets["site"] / "a/b.html", ns=(1_000_000_000, 1_000_000_000))
    reports = publish(targets, NEW)
    assert reports["site"] == WriteReport(written=2, changed=1, removed=1)
    assert reports["signage"] == WriteReport(written=1, changed=1, removed=0)
    assert published(targets) == {name: files(outputs) for name, outputs in NEW.items()}
    assert (targets["site"] / "a/b.html").stat().st_mtime_ns == 1_000_000_000
    # the replaced generation is kept as the spare the next build stages into (folder removal is slow)
    assert sorted(p.name for p in store_of(targets["site"]).iterdir()) == ["current", "gen-2", "lock", "spare"]


def test_a_failure_while_rendering_publishes_nothing_and_leaves_no_staging(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    before = everything(tmp_path)

    def broken():
        yield Output("index.html", b"new")
        raise RuntimeError("template exploded")

    with pytest.raises(RuntimeError, match="template exploded"), Publication(targets) as publication:
        publication.stage("site", broken())
    assert everything(tmp_path) == before


@pytest.mark.parametrize(("paths", "why"), [
    (["a.html", "a.html"], "share the path"),
    (["../escape.html"], "not a path inside"),
    (["/etc/passwd"], "not a path inside"),
    ([MANIFEST], "not a path inside"),
    # Not in the tree's own spelling (the tree would hold them as "a/b.html", "a/" as a folder): refused.
    (["a//b.html"], "not a path inside"),
    (["a/./b.html"], "not a path inside"),
    (["./b.html"], "not a path inside"),
    (["a/"], "not a path inside"),
    ([""], "not a path inside"),
])
def test_output_paths_that_collide_or_leave_the_tree_are_refused(tmp_path: Path, paths: list[str], why: str) -> None:
    with pytest.raises(ValueError, match=why), Publication({"site": tmp_path / "site"}) as publication:
        publication.stage("site", [Output(p, b"x") for p in paths])
    assert not (tmp_path / "site").exists() and not (tmp_path / "escape.html").exists()


def test_publishing_only_some_trees_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not staged"), Publication(pair(tmp_path)) as publication:  # noqa: PT012 - through the transaction
        publication.stage("site", OLD["site"])
        publication.publish()
    assert not (tmp_path / "site").exists()


@pytest.fixture
def clerk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clerk's machine: home, a working folder with content and documents, a theme elsewhere."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    for path, text in {work / "content" / "site.yaml": "title: x\n", work / "report.docx": "my report",
                       work / "docs" / "notes.txt": "notes", home / "diary.txt": "diary",
                       tmp_path / "themes" / "default" / "base.html": "<html>"}.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (work / "link-to-report").symlink_to("report.docx")
    (work / "link-to-content").symlink_to("content")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return tmp_path


def sources(clerk: Path) -> dict[str, Path]:
    return {"内容目录": clerk / "work" / "content", "模板目录": clerk / "themes" / "default"}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize(("site", "why"), [
    ("work/content", "content/ 是内容目录"),
    ("work/content/site", "content/site/ 位于内容目录（content/）之中"),
    ("work/link-to-content", "是内容目录"),
    ("themes/default", "是模板目录"),
    ("themes", "包含模板目录"),
    ("themes/default/site", "位于模板目录"),
    ("home", "是主目录"),
    (".", "包含主目录"),
    ("work", "是当前工作目录"),
    ("/", "/ 是根目录"),
    ("work/report.docx", "report.docx 是一个已有的文件，不是目录"),
    ("work/link-to-report", "link-to-report 是一个已有的文件"),
])
def test_places_no_build_may_replace_are_refused_even_with_force(clerk: Path, site: str, why: str, force: bool) -> None:
    before = everything(clerk)
    targets = {"site": clerk / site, "signage": clerk / "work" / "signage"}
    with pytest.raises(OutputError, match="为避免误删，已停止") as refused:
        Publication(targets, sources(clerk), force=force)
    assert why in refused.value.message and "--force" not in refused.value.message
    assert everything(clerk) == before  # nothing touched, nothing created


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize(("site", "signage", "why"), [
    ("out", "out", "--site 与 --signage 是同一个目录（out/）"),
    ("out", "out/print", "--site 的目录 out/ 包含 --signage 的目录 out/print/"),
    ("out/web", "out", "--signage 的目录 out/ 包含 --site 的目录 out/web/"),
])
def test_overlapping_outputs_are_refused_even_with_force(clerk: Path, site: str, signage: str, why: str,
                                                         force: bool) -> None:
    with pytest.raises(OutputError) as refused:
        Publication({"site": clerk / "work" / site, "signage": clerk / "work" / signage}, sources(clerk), force=force)
    assert why in refused.value.message
    assert not (clerk / "work" / "out").exists()


def _clerk_docs(root: Path) -> str:
    return "docs/ 中有不是本程序生成的文件（如 notes.txt）"


def _file_saved_into_site(root: Path) -> str:
    (root / "docs" / "site" / "report.docx").write_bytes(b"saved into the published site")
    return "docs/site/ 中有不是本程序生成的文件（如 report.docx）"


def _file_edited_in_site(root: Path) -> str:
    (root / "docs" / "site" / "index.html").write_bytes(b"edited by hand")
    return "docs/site/ 中的 index.html 在上次生成后被改动过"


def _link_inside_site(root: Path) -> str:
    (root / "docs" / "site" / "photos").symlink_to(root / "docs")
    return "docs/site/ 中有不是本程序生成的文件（如 photos）"


def _broken_manifest(root: Path) -> str:
    (root / "docs" / "site" / MANIFEST).write_text("{not json")
    return "docs/site/ 中有不是本程序生成的文件（如 .liaison-manifest.json）"


def _foreign_link(root: Path) -> str:
    (root / "docs" / "www").mkdir()
    (root / "docs" / "www" / "index.html").write_text("the web server's own page")
    (root / "docs" / "site").unlink()
    (root / "docs" / "site").symlink_to(root / "docs" / "www")
    return "docs/site 是指向"


def test_the_refusal_names_the_first_foreign_entry_a_folder_s_files_and_links_before_its_folders(clerk: Path) -> None:
    targets = {"site": clerk / "work" / "docs" / "site", "signage": clerk / "work" / "signage"}
    publish(targets, OLD, sources=sources(clerk))
    site = targets["site"]
    (site / "a" / "aa.txt").write_text("in a folder")
    (site / "a" / "c").mkdir()
    (site / "a" / "c" / "deep.txt").write_text("in a folder's folder")
    (site / "b-photos").symlink_to(clerk / "work")
    (site / "zz-notes.txt").write_text("beside the pages")
    (site / "gone.html").write_bytes(b"edited")
    for found in ["gone.html 在上次生成后被改动过", "（如 zz-notes.txt）", "（如 b-photos）", "（如 a/aa.txt）",
                  "（如 a/c/deep.txt）"]:
        with pytest.raises(OutputError) as refused:
            publish(targets, NEW, sources=sources(clerk))
        assert found in refused.value.message
        named = site / found.removeprefix("（如 ").removesuffix("）").split(" ")[0]
        named.unlink()
        if named.name == "gone.html":
            named.write_bytes(b"x")  # as published
    assert publish(targets, NEW, sources=sources(clerk))["site"].written == 2


@pytest.mark.parametrize("case", [_clerk_docs, _file_saved_into_site, _file_edited_in_site, _link_inside_site,
                                  _broken_manifest, _foreign_link])
def test_a_folder_holding_anything_liaison_did_not_write_is_refused_unless_forced(clerk: Path, case) -> None:
    work = clerk / "work"
    if case is _clerk_docs:
        targets = {"site": work / "docs", "signage": work / "signage"}
    else:
        targets = {"site": work / "docs" / "site", "signage": work / "signage"}
        publish(targets, OLD, sources=sources(clerk))
    why = case(work)
    before = everything(clerk)
    with pytest.raises(OutputError) as refused:
        publish(targets, NEW, sources=sources(clerk))
    assert refused.value.message.startswith(why)
    assert refused.value.message.endswith("为避免误删，已停止。请换一个空目录，或确认后加 --force")
    assert everything(clerk) == before
    publish(targets, NEW, sources=sources(clerk), force=True)  # the clerk confirmed
    assert published(targets) == {name: files(outputs) for name, outputs in NEW.items()}
    if case is _foreign_link:  # only the link was replaced, never what it pointed to
        assert (work / "docs" / "www" / "index.html").read_text() == "the web server's own page"


@pytest.mark.parametrize("prepare", ["empty", "empty folders", "a copy of a published tree"])
def test_empty_or_liaison_made_folders_are_replaced(tmp_path: Path, prepare: str) -> None:
    targets = pair(tmp_path)
    if prepare == "a copy of a published tree":
        elsewhere = pair(tmp_path / "elsewhere")
        publish(elsewhere, OLD)
        for name in targets:
            shutil.copytree(elsewhere[name], targets[name])  # a real folder carrying the manifest
            assert not targets[name].is_symlink() and (targets[name] / MANIFEST).is_file()
    else:
        for path in targets.values():
            (path / "sub" if prepare == "empty folders" else path).mkdir(parents=True)
    publish(targets, NEW)
    assert all(path.is_symlink() for path in targets.values())
    assert published(targets) == {name: files(outputs) for name, outputs in NEW.items()}
    # the folders' old view (gen-0, where adopting copied them) is the next build's spare
    assert sorted(p.name for p in store_of(targets["site"]).iterdir()) == ["current", "gen-1", "lock", "spare"]


def test_what_a_killed_build_left_is_removed_and_its_lock_taken_over(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    store = store_of(targets["site"])
    (store / "gen-2" / "site").mkdir(parents=True)  # a staging generation, half written
    (store / "gen-2" / "site" / "index.html").write_bytes(b"half")
    (store / "current.new").symlink_to("gen-2")  # killed just before the switch
    (tmp_path / ".signage.liaison-link").symlink_to("somewhere")  # killed while adopting a folder
    (store / "lock").write_text(json.dumps({"pid": 999999, "started": "2026-11-30 05:00:00"}))
    notices: list[str] = []
    publish(targets, NEW, notify=notices.append)
    assert notices == ["上次生成（进程 999999，开始于 2026-11-30 05:00:00）没有正常结束，已清理它留下的临时文件。"]
    # the killed build's staging was recycled (its half-written file replaced), the replaced gen-1 is the spare
    assert sorted(p.name for p in store.iterdir()) == ["current", "gen-2", "lock", "spare"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.liaison", "signage", "site"]
    assert published(targets) == {name: files(outputs) for name, outputs in NEW.items()}
    assert (store / "lock").read_text() == ""  # a clean end leaves nothing to take over


def test_a_second_publication_of_the_same_outputs_is_busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    targets = pair(tmp_path)
    with Publication(targets) as first:
        with pytest.raises(Busy) as busy:
            Publication(targets).__enter__()
        assert f"另一次生成正在写入 site/、signage/（进程 {os.getpid()}，开始于 " in busy.value.message
        assert busy.value.exit_code == 6
        for name, outputs in OLD.items():
            first.stage(name, outputs)
        first.publish()
    assert published(targets) == {name: files(outputs) for name, outputs in OLD.items()}


def test_a_stop_that_a_library_swallowed_still_publishes_nothing(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    before = everything(tmp_path)

    def outputs_whose_renderer_swallows_ctrl_c():
        yield Output("index.html", b"new")
        try:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs between bytecodes, in here
                pass
        except BaseException:  # noqa: BLE001 - what a careless library does
            pass
        yield Output("a/b.html", b"b")

    with (signals.handled(), pytest.raises(signals.Interrupted) as stopped,  # noqa: PT012 - through the transaction
          Publication(targets) as publication):
        publication.stage("site", outputs_whose_renderer_swallows_ctrl_c())
        publication.stage("signage", NEW["signage"])
        publication.publish()
    assert stopped.value.exit_code == 130
    assert everything(tmp_path) == before


def test_a_path_too_long_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as fault:
        Publication({"site": tmp_path / ("长" * 100), "signage": tmp_path / "signage"})
    assert fault.value.message.endswith("：路径或文件名太长。已发布的内容保持不变。")
    assert fault.value.exit_code == 5


def test_permission_denied_at_the_switch_keeps_the_old_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    targets = pair(tmp_path)
    publish(targets, OLD)
    real_replace = os.replace

    def denied(source, destination, *args, **kwargs):
        if Path(destination).name == "current":
            raise PermissionError(errno.EACCES, "Permission denied", str(destination))
        return real_replace(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(OutputError) as fault:
        publish(targets, NEW)
    assert fault.value.message == "无法写入 site/（.site.liaison/current）：没有写入权限。已发布的内容保持不变。"
    assert published(targets) == {name: files(outputs) for name, outputs in OLD.items()}
    monkeypatch.undo()
    publish(targets, NEW)
    assert sorted(p.name for p in store_of(targets["site"]).iterdir()) == ["current", "gen-2", "lock", "spare"]


def test_without_an_atomic_exchange_a_cut_between_the_two_renames_is_put_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison.build import writer

    elsewhere = pair(tmp_path / "elsewhere")
    publish(elsewhere, OLD)
    targets = pair(tmp_path / "out")
    for name in targets:
        shutil.copytree(elsewhere[name], targets[name])  # real folders: the first build turns them into links
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)  # a system without renameat2
    real_rename = os.rename
    cuts = []

    def cut(source, destination):
        if Path(source).name == ".signage.liaison-link" and not cuts:
            cuts.append(source)
            raise KeyboardInterrupt  # stopped between moving the folder away and putting the link in
        return real_rename(source, destination)

    monkeypatch.setattr(os, "rename", cut)
    with pytest.raises(KeyboardInterrupt):
        publish(targets, NEW)
    assert published(targets) == {name: files(outputs) for name, outputs in OLD.items()}
    monkeypatch.setattr(os, "rename", real_rename)
    publish(targets, NEW)
    assert published(targets) == {name: files(outputs) for name, outputs in NEW.items()}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".site.liaison", "signage", "site"]


def test_kept_files_are_the_published_ones_linked_into_the_new_generation(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    kept = (targets["site"] / "gone.html").stat()
    with Publication(targets) as publication:
        site = publication.stage("site", [Output("index.html", b"new")], keep=["gone.html", "a/b.html"])
        signage = publication.stage("signage", [], keep=["centre/poster-1.pdf"])
        publication.publish()
    assert (site, signage) == (WriteReport(3, 1, 0), WriteReport(1, 0, 0))
    assert published(targets) == {"site": {"index.html": b"new", "a/b.html": b"b", "gone.html": b"x"},
                                  "signage": {"centre/poster-1.pdf": b"%PDF old"}}
    after = (targets["site"] / "gone.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)  # the same file, time and all
    manifest = json.loads((targets["site"] / MANIFEST).read_text())
    assert manifest["files"]["gone.html"] == hashlib.sha256(b"x").hexdigest()


def test_only_a_published_file_can_be_kept_and_nothing_is_published_otherwise(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, OLD)
    before = everything(tmp_path)
    with pytest.raises(ValueError, match="not a published file"), Publication(targets) as publication:
        publication.stage("site", [], keep=["never-written.html"])
    with pytest.raises(ValueError, match="two outputs share the path"), Publication(targets) as publication:
        publication.stage("site", [Output("gone.html", b"y")], keep=["gone.html"])
    assert everything(tmp_path) == before


def test_a_build_record_is_kept_beside_its_trees_for_the_next_build(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    with Publication(targets) as publication:
        assert publication.previous_state() is None  # nothing published yet
        for name, outputs in OLD.items():
            publication.stage(name, outputs)
        publication.stage_state(b'{"jobs": 1}')
        publication.publish()
    assert published(targets) == {name: files(outputs) for name, outputs in OLD.items()}  # not in a tree
    with Publication(targets) as publication:
        assert publication.previous_state() == b'{"jobs": 1}'
        assert publication.published_files("signage") == {"centre/poster-1.pdf": hashlib.sha256(b"%PDF old").hexdigest()}
    copy = pair(tmp_path / "copy")  # a copy of the published folders is not a generation of a store
    for name, path in targets.items():
        shutil.copytree(path, copy[name])
    with Publication(copy) as publication:
        assert publication.previous_state() is None


# -- the spare: the generation a publish replaced, recycled as the next build's staging ---------------------

# Builds in turn: folders appear and go, a file becomes a folder and a folder a file, a file keeps its bytes.
SEQUENCE = [
    {"site": [Output("index.html", b"1"), Output("a/b/c.html", b"c"), Output("x.html", b"x"),
              Output("d/e.html", b"e"), Output("old/deep/f.html", b"f"), Output("same.css", b"s")],
     "signage": [Output("centre/poster-1.pdf", b"%PDF 1"), Output("east/card.pdf", b"%PDF e")]},
    {"site": [Output("index.html", b"2"), Output("a/b/c.html", b"c"), Output("x.html/index.html", b"x2"),
              Output("d", b"now a file"), Output("same.css", b"s")],
     "signage": [Output("centre/poster-1.pdf", b"%PDF 2")]},
    {"site": [Output("index.html", b"3"), Output("a/b.html", b"b"), Output("x.html", b"x3"),
              Output("d/e.html", b"e3"), Output("same.css", b"s"), Output("new/g.html", b"g")],
     "signage": [Output("centre/poster-1.pdf", b"%PDF 2"), Output("west/card.pdf", b"%PDF w")]},
]


def assert_noted_stats_are_the_files(targets: dict[str, Path]) -> None:
    """The published generation's STATS note every file of its trees as it is (size, time, inode): `_foreign`
    trusts an unchanged note instead of reading the file."""
    generation = targets["site"].resolve().parent
    noted = json.loads((generation / "file-stats.json").read_text(encoding="utf-8"))
    for name, path in targets.items():
        tree = path.resolve()
        listed = json.loads((tree / MANIFEST).read_text(encoding="utf-8"))["files"]
        assert sorted(noted[name]) == sorted(listed)
        for relative, status in noted[name].items():
            real = (tree / relative).stat()
            assert status == [real.st_size, real.st_mtime_ns, real.st_ino], relative


def generations(targets: dict[str, Path]) -> dict[str, object]:
    """Every entry of each published tree (its manifest included), for 'the same trees'."""
    return {name: everything(path.resolve()) for name, path in targets.items()}


def test_a_recycled_spare_publishes_exactly_what_a_fresh_staging_does(tmp_path: Path) -> None:
    recycled = pair(tmp_path / "recycled")
    store = store_of(recycled["site"])
    for step, outputs in enumerate(SEQUENCE, start=1):
        spare = (store / "spare").stat().st_ino if (store / "spare").is_dir() else None
        publish(recycled, outputs)
        if spare is not None:  # the build staged into the spare's folder, and the replaced generation is the spare
            assert (store / f"gen-{step}").stat().st_ino == spare
        assert sorted(p.name for p in store.iterdir()) == ["current", f"gen-{step}", "lock", "spare"][:3 + (step > 1)]
        fresh = pair(tmp_path / f"fresh-{step}")
        publish(fresh, outputs)
        assert generations(recycled) == generations(fresh)  # files, bytes, manifests, and no folder more
        assert published(recycled) == {name: files(outputs[name]) for name in recycled}
        assert_noted_stats_are_the_files(recycled)
    tree = recycled["site"].resolve()
    assert (tree / "x.html").is_file() and (tree / "d").is_dir() and not (tree / "old").exists()


def test_staging_into_the_spare_never_changes_a_byte_of_the_published_generation(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, SEQUENCE[0])
    publish(targets, SEQUENCE[1])  # same.css and a/b/c.html linked: the spare (gen-1) shares their inodes
    store = store_of(targets["site"])
    assert (store / "spare" / "site" / "same.css").stat().st_ino == (targets["site"] / "same.css").stat().st_ino
    before = everything(tmp_path)
    changed = {"site": [Output("same.css", b"changed"), Output("a/b/c.html", b"changed"), Output("index.html", b"4"),
                        Output("d", b"changed too")],
               "signage": [Output("centre/poster-1.pdf", b"%PDF changed")]}
    with Publication(targets) as publication:
        assert not (store / "spare").exists()  # taken as the staging generation
        for name, outputs in changed.items():
            publication.stage(name, outputs)
        during = {k: v for k, v in everything(tmp_path).items() if not k.startswith(".site.liaison/gen-3")}
        assert during == {k: v for k, v in before.items() if not k.startswith(".site.liaison/spare")} | {
            ".site.liaison/lock": during[".site.liaison/lock"]}  # the lock names this build
        publication.publish()
    assert published(targets) == {name: files(outputs) for name, outputs in changed.items()}
    assert (store / "spare" / "site" / "same.css").read_bytes() == b"s"  # the old generation kept its bytes too


def test_a_kept_file_the_spare_already_holds_is_left_as_it_is_and_every_other_is_linked_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = pair(tmp_path)
    unchanged = {"site": [Output("index.html", b"1"), Output("a/b/c.html", b"c"), Output("same.css", b"s")],
                 "signage": [Output("centre/poster-1.pdf", b"%PDF 1")]}
    edited = {"site": [Output("index.html", b"2"), Output("a/b/c.html", b"c"), Output("same.css", b"s")],
              "signage": [Output("centre/poster-1.pdf", b"%PDF 1")]}
    publish(targets, unchanged)
    publish(targets, edited)  # the spare (gen-1) shares every inode but index.html's with gen-2
    store = store_of(targets["site"])
    (store / "spare" / "site" / "a" / "b" / "c.html").unlink()  # and no longer holds this one
    (store / "spare" / "site" / "a" / "b" / "c.html").write_bytes(b"stray bytes")
    made: list[str] = []
    real_link, real_unlink = os.link, os.unlink
    monkeypatch.setattr(os, "link", lambda source, destination: (made.append(f"link {Path(destination).name}"),
                                                                 real_link(source, destination))[1])
    monkeypatch.setattr(os, "unlink", lambda path: (made.append(f"unlink {Path(path).name}"), real_unlink(path))[1])
    with Publication(targets) as publication:
        for name, outputs in edited.items():
            publication.stage(name, outputs)
        publication.publish()
    # index.html: the spare's is the first build's; c.html: stray bytes; same.css, the poster: the files themselves
    assert sorted(entry for entry in made if not entry.endswith(".json")) == [
        "link c.html", "link index.html", "unlink c.html", "unlink index.html"]
    assert published(targets) == {name: files(outputs) for name, outputs in edited.items()}
    for name, outputs in edited.items():  # every file the published one of the build before: nothing copied
        for output in outputs:
            assert (targets[name] / output.path).stat().st_ino == (store / "spare" / name / output.path).stat().st_ino
    assert_noted_stats_are_the_files(targets)


@pytest.mark.parametrize("fault", [errno.EXDEV, errno.EPERM, errno.EMLINK])
def test_where_files_cannot_be_linked_they_are_copied_and_noted_as_the_copies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: int) -> None:
    targets = pair(tmp_path)
    publish(targets, SEQUENCE[0])  # no spare yet: every kept file goes into a new folder

    def refused(source, destination, *args, **kwargs):
        raise OSError(fault, os.strerror(fault), os.fsdecode(destination))

    monkeypatch.setattr(os, "link", refused)
    with Publication(targets) as publication:
        for name, outputs in SEQUENCE[1].items():
            publication.stage(name, outputs)
        publication.publish()
    store = store_of(targets["site"])
    assert published(targets) == {name: files(SEQUENCE[1][name]) for name in targets}
    assert_noted_stats_are_the_files(targets)
    same = targets["site"] / "same.css"  # a copy: the generation before (now the spare) keeps its own inode
    assert same.stat().st_ino != (store / "spare" / "site" / "same.css").stat().st_ino


def test_a_stale_build_record_in_the_spare_is_not_carried_over(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    for step, outputs in enumerate(SEQUENCE[:2]):
        with Publication(targets) as publication:
            for name in targets:
                publication.stage(name, outputs[name])
            publication.stage_state(f'{{"build": {step}}}'.encode())
            publication.publish()
    assert (store_of(targets["site"]) / "spare" / "build-state.jsonl").is_file()
    with Publication(targets) as publication:  # a build that records nothing (as a build without a record may)
        for name in targets:
            publication.stage(name, SEQUENCE[2][name])
        publication.publish()
    with Publication(targets) as publication:
        assert publication.previous_state() is None
    assert not (targets["site"].resolve().parent / "build-state.jsonl").exists()


def test_a_tree_the_spare_holds_that_is_no_longer_a_target_is_not_published(tmp_path: Path) -> None:
    three = {**pair(tmp_path), "report": tmp_path / "report"}
    publish(three, {**SEQUENCE[0], "report": [Output("index.html", b"r")]})
    publish(pair(tmp_path), SEQUENCE[1])  # gen-1, holding report/, is the spare
    assert (store_of(three["site"]) / "spare" / "report").is_dir()
    publish(pair(tmp_path), SEQUENCE[2])
    assert sorted(os.listdir(store_of(three["site"]) / "current")) == sorted(["site", "signage", "file-stats.json"])


def test_a_killed_builds_staging_becomes_the_spare_whatever_it_holds(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, SEQUENCE[0])
    store = store_of(targets["site"])
    leftover = store / "gen-2"
    (leftover / "site" / "index.html").mkdir(parents=True)  # a folder where a file goes
    (leftover / "site" / "a").write_bytes(b"a file where a folder goes")
    (leftover / "site" / "junk" / "deep").mkdir(parents=True)
    (leftover / "site" / "junk" / "deep" / "j.html").write_bytes(b"j")
    (leftover / "site" / "stale.html").symlink_to("/etc/hostname")
    (leftover / "signage").symlink_to(tmp_path / "elsewhere")  # never written through
    (tmp_path / "elsewhere").mkdir()
    (leftover / "build-state.jsonl").write_bytes(b"stale")
    (leftover / "report").mkdir()
    (store / "gen-3").mkdir()  # a second leftover: there is one spare (the newest), the rest goes
    (store / "gen-3" / "x").write_bytes(b"x")
    publish(targets, SEQUENCE[1])
    assert sorted(p.name for p in store.iterdir()) == ["current", "gen-2", "lock", "spare"]
    fresh = pair(tmp_path / "fresh")
    publish(fresh, SEQUENCE[1])
    assert generations(targets) == generations(fresh)
    assert sorted(os.listdir(store / "current")) == ["file-stats.json", "signage", "site"]
    assert not list((tmp_path / "elsewhere").iterdir())


def test_a_build_that_publishes_nothing_gives_the_spare_back(tmp_path: Path) -> None:
    targets = pair(tmp_path)
    publish(targets, SEQUENCE[0])
    publish(targets, SEQUENCE[1])
    store = store_of(targets["site"])
    spare = (store / "spare").stat().st_ino
    with Publication(targets) as publication:
        publication.stage("site", SEQUENCE[2]["site"])
    assert sorted(p.name for p in store.iterdir()) == ["current", "gen-2", "lock", "spare"]
    assert (store / "spare").stat().st_ino == spare  # not removed: renamed back
    publish(targets, SEQUENCE[2])
    fresh = pair(tmp_path / "fresh")
    publish(fresh, SEQUENCE[2])
    assert generations(targets) == generations(fresh)


def test_what_cannot_be_removed_from_the_spare_is_moved_out_of_the_tree_and_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    targets = pair(tmp_path)
    publish(targets, SEQUENCE[0])
    publish(targets, SEQUENCE[1])  # the spare holds a/b/c.html (placed again), old/deep/f.html (stale)
    real_unlink = os.unlink

    def immutable(path, *args, **kwargs):
        if os.fsdecode(path).endswith(("c.html", "f.html")):
            raise PermissionError(errno.EPERM, "Operation not permitted", os.fsdecode(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", immutable)
    notices: list[str] = []
    outputs = {"site": [Output("a/b/z.html", b"z"), *SEQUENCE[0]["site"][:1], Output("a/b/c.html", b"new c")],
               "signage": SEQUENCE[2]["signage"]}
    publish(targets, outputs, notify=notices.append)
    assert published(targets) == {name: files(outputs[name]) for name in targets}  # a/b/z.html linked back
    assert [n.split("（")[0] for n in notices] == ["无法删除 .site.liaison/gen-3/.stale-1", "无法删除 .site.liaison/gen-3/.stale-2"]
    monkeypatch.setattr(os, "unlink", real_unlink)
    assert_noted_stats_are_the_files(targets)  # the files linked back after their folder was moved out included
    fresh = pair(tmp_path / "fresh")
    publish(fresh, outputs)
    assert generations(targets) == generations(fresh)



def _publish_with_a_read_only_folder(root: Path) -> None:
    targets = {"site": root / "site"}

    def publish(data: bytes) -> None:
        with Publication(targets) as publication:
            publication.stage("site", [Output("static/a.css", data), Output("index.html", b"i")])
            publication.publish()
        assert (root / "site" / "static" / "a.css").read_bytes() == data, data

    publish(b"1")
    os.chmod(root / "site" / "static", 0o555)  # the published folder made read-only (a user, a copy tool)
    for data in (b"2", b"3", b"4"):  # the next builds stage into the spare holding that folder
        publish(data)


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the writer as another user, which only root may do")
def test_a_folder_made_read_only_in_the_store_does_not_stop_the_builds_that_stage_into_it() -> None:
    """The spare may hold a folder a user made read-only: its files are removed all the same (the store is
    liaison's), not moved out (which a read-only folder refuses) failing every build after. Run by another
    user than root, whom no folder's mode stops."""
    import tempfile
    import traceback

    nobody = 65534
    with tempfile.TemporaryDirectory() as folder:  # in /tmp: another user can reach it
        os.chown(folder, nobody, nobody)
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover (the child's outcome is sent to the parent)
            os.close(read)
            try:
                os.setgroups([])
                os.setgid(nobody)
                os.setuid(nobody)
                _publish_with_a_read_only_folder(Path(folder))
                message = b"ok"
            except BaseException:  # noqa: BLE001  # the child reports whatever happened, and exits
                message = traceback.format_exc().encode()
            os.write(write, message)
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            said = pipe.read().decode()
        os.waitpid(child, 0)
        assert said == "ok", said


@pytest.mark.parametrize("paths", [("a", "a/b.html"), ("a/b.html", "a"), ("a/b/c.html", "a/b"), ("a/b", "a/b/c/d.html"),
                                   ("a/b/c.html", "a/b/d.html", "a/b/c.html/e.html"), ("a/b/c.html", "a/d.html", "a")])
def test_an_output_where_another_outputs_folder_goes_is_refused(tmp_path: Path, paths: tuple[str, ...]) -> None:
    targets = pair(tmp_path)
    with pytest.raises(ValueError, match="another's folder"):
        publish(targets, {"site": [Output(path, b"x") for path in paths], "signage": []})
    assert not targets["site"].exists()
