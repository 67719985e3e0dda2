"""Shared fixtures: the small readable fixture site, a writable copy of it, and helpers."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from liaison.pipeline import Config

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
DEMO = ROOT / "content"
TODAY = dt.date(2026, 11, 26)


DEMO_TODAY = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"
# Flags for a root sandbox with no network but the package registries.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo content built once, strictly: (report, output directory)."""
    from liaison.pipeline import build

    out = tmp_path_factory.mktemp("demo")
    report = build(Config(content=DEMO, site_dir=out / "site", signage_dir=out / "signage", today=DEMO_TODAY,
                          strict=True))
    return report, out


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def config(mini: Path, tmp_path: Path) -> Config:
    return Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under a directory with its bytes, for byte-for-byte comparisons."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
