"""Nothing lost: a build that fails for any reason leaves the published outputs byte for byte intact,
and the same content always builds the same bytes."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from liaison.pipeline import Config, build
from tests.conftest import DEMO, MINI, ROOT, TODAY, snapshot


def published(out: Path) -> dict[str, dict[str, bytes]]:
    return {name: snapshot(out / name) for name in ("site", "signage")}


def start_build(out: Path, content: Path = DEMO, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--site", str(out / "site"),
         "--signage", str(out / "signage"), "--today", "2026-11-23"],
        cwd=out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, render workers included
        env={**os.environ, **env})


def wait_until_rendering(out: Path, process: subprocess.Popen) -> None:
    """Until the build is past validation and writing into its staging directory."""
    deadline = time.monotonic() + 60
    while not any((out / f".{name}.staging").exists() for name in ("site", "signage")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)


@pytest.fixture
def demo_copy(demo, tmp_path: Path) -> Path:
    _, built = demo
    for name in ("site", "signage"):
        shutil.copytree(built / name, tmp_path / name)
    return tmp_path


def test_a_killed_build_leaves_everything_published_intact(demo_copy: Path) -> None:
    before = published(demo_copy)
    process = start_build(demo_copy)
    wait_until_rendering(demo_copy, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert published(demo_copy) == before
    # the next build clears what the killed one left and publishes the same bytes
    rerun = start_build(demo_copy)
    assert rerun.wait(timeout=300) == 0, rerun.communicate()
    assert published(demo_copy) == before
    assert sorted(p.name for p in demo_copy.iterdir()) == ["signage", "site"]


def test_ctrl_c_stops_cleanly_and_keeps_the_published_outputs(demo_copy: Path) -> None:
    before = published(demo_copy)
    process = start_build(demo_copy)
    wait_until_rendering(demo_copy, process)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "已中断，已发布的内容保持不变。" in err and "Traceback" not in err
    assert published(demo_copy) == before
    assert sorted(p.name for p in demo_copy.iterdir()) == ["signage", "site"]


def test_a_template_error_keeps_the_published_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(content=MINI, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY)
    build(config)
    before = published(tmp_path)
    from liaison.render import web

    def broken_pages(site, env):
        yield from list(web.listed_pages(site))[:0]
        raise RuntimeError("a template exploded halfway")

    monkeypatch.setattr(web, "pages", broken_pages)
    with pytest.raises(RuntimeError):
        build(config)
    assert published(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signage", "site"]


def test_same_content_same_bytes_and_source_date_epoch_sets_embedded_dates(tmp_path: Path) -> None:
    import io
    import zipfile

    from tests.pdf_reading import reader

    epoch = str(int(dt.datetime(2026, 11, 12, tzinfo=dt.timezone.utc).timestamp()))
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        out.mkdir()
        process = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "-q", "--content", str(MINI), "--site", str(out / "site"),
             "--signage", str(out / "signage")],
            cwd=out, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": epoch})
        assert process.returncode == 0, process.stderr
        runs.append(published(out))
    assert runs[0] == runs[1]  # PDFs, PNGs, zips and fonts included
    files = runs[0]["signage"]
    creation = str(reader(files["centre/signboard-production.pdf"]).metadata["/CreationDate"])
    assert creation.startswith("D:20261112")
    with zipfile.ZipFile(io.BytesIO(files["packs/centre.zip"])) as pack:
        assert {info.date_time for info in pack.infolist()} == {(2026, 11, 12, 0, 0, 0)}
    assert "信息截至 2026年11月12日" in runs[0]["site"]["index.html"].decode()
