import os
from pathlib import Path

import pytest

from liaison.render import Output
from liaison.writer import stage, staging_dir, swap_in
from tests.conftest import snapshot


def publish(target: Path, outputs) -> None:
    stage(target, outputs)
    swap_in(target)


def test_replace_reports_changes_and_keeps_unchanged_mtimes(tmp_path: Path) -> None:
    target = tmp_path / "site"
    publish(target, [Output("a.html", b"a"), Output("b/c.html", b"c"), Output("gone.html", b"x")])
    old = target / "a.html"
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))
    report = stage(target, [Output("a.html", b"a"), Output("b/c.html", b"C")])
    swap_in(target)
    assert (report.written, report.changed, report.removed) == (2, 1, 1)
    assert snapshot(target) == {"a.html": b"a", "b/c.html": b"C"}
    assert (target / "a.html").stat().st_mtime_ns == 1_000_000_000
    assert not staging_dir(target).exists()


def test_failure_while_rendering_leaves_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "site"
    publish(target, [Output("a.html", b"a")])
    before = snapshot(target)

    def broken():
        yield Output("a.html", b"new")
        raise RuntimeError("template exploded")

    with pytest.raises(RuntimeError):
        stage(target, broken())
    assert snapshot(target) == before


def test_duplicate_output_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="share the path"):
        stage(tmp_path / "site", [Output("a.html", b"1"), Output("a.html", b"2")])


def test_first_publish_creates_target(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "site"
    publish(target, [Output("index.html", b"hi")])
    assert snapshot(target) == {"index.html": b"hi"}


def test_a_swap_killed_between_renames_is_recovered_not_lost(tmp_path: Path) -> None:
    from liaison.writer import retired_dir

    target = tmp_path / "site"
    publish(target, [Output("a.html", b"published")])
    target.rename(retired_dir(target))  # killed right after retiring the published copy
    stage(target, [Output("a.html", b"next")])  # the next build starts
    assert (target / "a.html").read_bytes() == b"published"
    assert not retired_dir(target).exists()
