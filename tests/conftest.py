"""Shared fixtures: the small readable fixture site, a writable copy of it, and helpers."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jinja2
import pytest

from liaison.build import executor
from liaison.build.pipeline import BuildReport, Config, build, check, environment, prepare
from liaison.build.plan import Job
from liaison.content.problems import Problem
from liaison.model.dates import Dating
from liaison.model.site import Site
from liaison.render import Output
from liaison.render.web import pages

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
DEMO = ROOT / "content"
TODAY = dt.date(2026, 11, 26)
# The content date of every test's outputs, before TODAY: 2026-11-20 00:00 Beijing time. A checkout dates the
# fixture's files by when it was made, so the tests fix the date, in this process and the builds it starts;
# the tests of dating by files (tests/test_dates.py) unset it.
CONTENT_EPOCH = "1795104000"
os.environ["SOURCE_DATE_EPOCH"] = CONTENT_EPOCH


DEMO_TODAY = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"
# Flags for a root sandbox with no network but the package registries.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


# A test using one of these fixtures must carry the marker, so that `-m "not slow and not browser"`
# never starts Chromium or builds the demo (checked at collection, see below).
FIXTURE_MARKERS = {"browser": "browser", "demo": "slow"}


# Property tests try all their examples in the whole suite (CI) and a quarter of them in the fast loop, a run that
# deselects the slow tests: every property is still tried there, each case generator exercised.
_all_examples = True


def pytest_configure(config: pytest.Config) -> None:
    global _all_examples
    _all_examples = "not slow" not in (config.getoption("markexpr") or "")


def examples(full: int) -> int:
    """A property test's `max_examples`: `full` in the whole suite, a quarter in the fast loop."""
    return full if _all_examples else max(1, full // 4)


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own user cache (compiled templates, photos that decoded whole), in this process and the builds it
    starts: a run neither reads what an earlier run left in ~/.cache nor writes there."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder := tmp_path_factory.mktemp("user-cache")))
        yield folder


# What rendering the mini content once leaves in a process that holds for any content: the system's fonts as
# fontconfig and HarfBuzz give them, the rules that fontconfig was taught for the theme's font subsets (the cache
# stands for the rules, which stay in fontconfig), and the plate textures (a function of material and size).
WARM_CACHES = {"liaison.render.fonts.find", "liaison.render.fonts.coverage", "liaison.render.fonts._harfbuzz_face",
               "liaison.render.fonts._fallback", "liaison.render.print.pdf._prefer_subsets",
               "liaison.render.print.pdf._fetcher_class", "liaison.render.print.texture.plate_texture"}


@pytest.fixture(scope="session", autouse=True)
def warm_renderers(request: pytest.FixtureRequest, user_cache: Path) -> None:
    """In a run with slow tests (whole builds), every job of the mini content rendered once in this process
    before any test: the libraries start up here (WeasyPrint with fontconfig and Pango, pypinyin's dictionaries,
    PDFium) and the system's fonts are looked up, and the render workers of every build this process makes are
    forked with all that, instead of each worker doing it again (a build of mini: 2.9 s of its workers' CPU,
    1.9 s after). What the render left in liaison's caches of the content's own values (QR symbols, font
    subsets, Markdown) is dropped again: only WARM_CACHES stay. The fast loop, which builds little, starts
    without it."""
    if not any(item.get_closest_marker("slow") for item in request.session.items):
        return
    rendered(lambda job: True)
    for name, module in list(sys.modules.items()):
        if name == "liaison" or name.startswith("liaison."):
            for attribute in vars(module).values():
                if isinstance(attribute, functools._lru_cache_wrapper) and attribute.__module__ == name \
                        and f"{name}.{attribute.__qualname__}" not in WARM_CACHES:
                    attribute.cache_clear()


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [f"{item.nodeid} uses the fixture {fixture!r} but is not marked @pytest.mark.{marker}"
                for item in items for fixture, marker in FIXTURE_MARKERS.items()
                if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None]
    if unmarked:
        raise pytest.UsageError("\n".join(unmarked))
    # Modules holding slow tests first, each module's tests together and in order: on two workers the long
    # builds then overlap with the many short tests instead of leaving one worker alone at the end.
    slow = {item.module for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module not in slow)


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once for the whole session: a folder holding site/ and signage/.
    Read it only; a test that changes content or outputs works on its own copy."""
    return built_once(tmp_path_factory, "mini-build", lambda out: Config(
        content=MINI, site_dir=out / "site", signage_dir=out / "signage", today=TODAY))[1]


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               config: Callable[[Path], Config]) -> tuple[BuildReport, Path]:
    """A session's build, made once for all the processes of a run (pytest-xdist's workers): the first to need it
    builds it and leaves a copy in the run's shared temporary folder; each other copies that and builds over it,
    which renders nothing, every output being current (tests/build/test_incremental.py), and gives its report."""
    out = tmp_path_factory.mktemp(name)
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build(config(out)), out
    shared = tmp_path_factory.getbasetemp().parent / name  # the run's folder, above each worker's own
    with (shared.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.is_dir():
            published_copy(shared, out)
            return build(config(out)), out
        report = build(config(out))
        published_copy(out, partial := shared.with_name(f"{name}.partial"))
        partial.rename(shared)
        return report, out


def generated_once(tmp_path_factory: pytest.TempPathFactory, stations: int) -> Path:
    """The generated county of `stations` stations (benchmarks/corpus.py: the same files for the same size), written
    once for all the processes of a run, as built_once: its content folder, where every process reads it. Read it
    only; a test that changes the content works on a copy."""
    from benchmarks.corpus import generate

    name = f"county-{stations}"
    if "PYTEST_XDIST_WORKER" not in os.environ:
        generate(content := tmp_path_factory.mktemp(name) / "content", stations)
        return content
    shared = tmp_path_factory.getbasetemp().parent / name  # the run's folder, above each worker's own
    with (shared.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.is_dir():
            generate((partial := shared.with_name(f"{name}.partial")) / "content", stations)
            partial.rename(shared)
    return shared / "content"


@pytest.fixture(scope="session")
def county_100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated county of 100 stations (`generated_once`): read it only."""
    return generated_once(tmp_path_factory, 100)


@pytest.fixture(scope="session")
def county_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated county of 300 stations and about 3,000 deputies (`generated_once`): read it only."""
    return generated_once(tmp_path_factory, 300)


def published_copy(built: Path, to: Path) -> None:
    """What a build published in `built` (the store and its two links), copied into `to` as if built there."""
    shutil.copytree(built, to, symlinks=True, dirs_exist_ok=True)


def model(content: Path = MINI, today: dt.date = TODAY) -> tuple[Site, jinja2.Environment]:
    """The site graph and the templates as a build has them before rendering: for calling just the renderer a
    test reads, instead of building every output."""
    config = Config(content=content, site_dir=Path("unused"), signage_dir=Path("unused"), today=today)
    site, _ = check(config)
    return site, environment(site, config)


def dating(site: Site, content: Path = MINI) -> Dating:
    """How a build dates outputs made from `content`: what renderers of dated outputs take."""
    return Dating(content, site.settings.zone)


def plan_of(content: Path = MINI, today: dt.date = TODAY) -> list[Job]:
    """Every job a full build of `content` would run, rendering nothing."""
    return prepare(Config(content=content, site_dir=Path("unused"), signage_dir=Path("unused"), today=today)).jobs


def rendered(wanted: Callable[[Job], bool], content: Path = MINI, today: dt.date = TODAY) -> dict[str, bytes]:
    """The outputs of the plan's jobs that `wanted` picks, by path, rendered in this process with the jobs they
    fan in from: a test that reads a few outputs renders their jobs instead of building everything."""
    jobs = prepare(Config(content=content, site_dir=Path("unused"), signage_dir=Path("unused"), today=today))
    needed = {job.key for job in jobs.jobs if wanted(job)}
    for job in reversed(jobs.jobs):  # what an aggregate fans in from comes before it
        if job.key in needed:
            needed.update(job.fan_in)
    run = [job for job in jobs.jobs if job.key in needed]
    return {output.path: output.data for job, result in executor.run(run, jobs.context, workers=1) if wanted(job)
            for output in result.outputs}


def web_page(job: Job) -> bool:
    """A page of the website (HTML, the feed, the sitemap, a WeChat text): a `rendered` pick."""
    return job.render in (pages.page, pages.station_page, pages.tombstone, pages.part, pages.plain_text,
                          pages.sitemap)


def files(outputs: Iterable[Output]) -> dict[str, bytes]:
    """A renderer's outputs by path."""
    return {output.path: output.data for output in outputs}


ORIGIN_DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini content and an empty theme folder beside it, built once a session (on ORIGIN_DAY, into out/) for
    the tests that edit it and build again (tests/build/): each puts back what it changed (`put_back`)."""
    work = tmp_path_factory.mktemp("origin")
    shutil.copytree(MINI, work / "content")
    (work / "theme").mkdir()
    build(Config(content=work / "content", site_dir=work / "out" / "site", signage_dir=work / "out" / "signage",
                 today=ORIGIN_DAY, theme=work / "theme"))
    return work


@contextlib.contextmanager
def put_back(folder: Path, spare: Path) -> Iterator[Path]:
    """`folder` (such as `origin`) for a test to change in place, put back as it was afterwards from a copy kept in
    `spare`, an empty folder."""
    saved = spare / folder.name
    shutil.copytree(folder, saved, symlinks=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)
        shutil.copytree(saved, folder, symlinks=True)
        shutil.rmtree(saved)


@pytest.fixture(scope="session")
def demo_checked() -> tuple[Site, list[Problem]]:
    """The demo content loaded and validated, not built: (site graph, warnings)."""
    return check(Config(content=DEMO, site_dir=Path("unused"), signage_dir=Path("unused"), today=DEMO_TODAY))


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo content built once, strictly: (report, output directory)."""
    return built_once(tmp_path_factory, "demo", lambda out: Config(
        content=DEMO, site_dir=out / "site", signage_dir=out / "signage", today=DEMO_TODAY, strict=True))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """A test's HTTP server: no traceback on the test's output when a browser drops a connection."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[QuietServer]:
    """A folder served over HTTP on a free local port, in a thread, while the block runs."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(demo) -> Iterator[str]:
    """The built demo site served over HTTP on a free local port: its address, ending in /."""
    _, out = demo
    yield from served(out / "site")


def served(folder: Path) -> Iterator[str]:
    """A folder served over HTTP on a free local port, while the generator runs: its address, ending in /."""
    with serving(folder) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/"


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
