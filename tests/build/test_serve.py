"""`liaison serve`: driven over HTTP as a browser would, and what it adds to a page as it serves it."""
from __future__ import annotations

import dataclasses
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import watchfiles

from liaison.build import serve
from liaison.build.config import Config
from liaison.build.pipeline import build, prepare
from liaison.build.plan import select
from liaison.build.writer import MANIFEST
from liaison.cli import main
from liaison.content.problems import Problem
from liaison.render import theme as theme_module
from tests.conftest import ROOT, TODAY, model, published_copy, snapshot, write

WAIT = 300.0  # seconds a build may take on a loaded machine; no timing is asserted
PAGE = "/stations/centre/"
INTRO = "县中心站是全县联络站的"


class Server:
    """`python -m liaison serve` in a subprocess on a free port, its terminal read as it comes."""

    def __init__(self, content: Path, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "liaison", "serve", "--content", str(content), "--port", "0",
             "--today", "2026-11-26"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        address = self.expect(lambda line: "预览地址" in line)
        self.url = re.search(r"http://[\d.]+:\d+", address)[0]  # type: ignore[index]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, wanted: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + WAIT
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            self.seen.append(line)
            if wanted(line):
                return line

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=WAIT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def page_until(self, path: str, wanted: Callable[[str], bool]) -> str:
        """The page once `wanted` holds of it, reading the event stream as the page's script does: each
        `reload` event means a build has ended, and the page is fetched again."""
        deadline = time.monotonic() + WAIT
        while True:
            _, page = self.get(path)
            if wanted(page):
                return page
            assert time.monotonic() < deadline, page
            since = re.search(r"since=([\w-]+)", page)[1]  # type: ignore[index]
            with urllib.request.urlopen(f"{self.url}{serve.EVENTS}?since={since}", timeout=WAIT) as events:
                while events.readline().rstrip() != b"event: reload":
                    pass


def replace(path: Path, old: str, new: str) -> None:
    """Edit a record as an editor saves it: the whole new file at once."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.parent.parent.parent / f".{path.name}.saving"  # beside the content, not in it
    temporary.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.slow
def test_serve_shows_edits_and_problems_then_stops_on_ctrl_c(mini: Path, tmp_path: Path, mini_build: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the server's and this process's
    before = sorted(p.name for p in tmp_path.iterdir())
    content_files = snapshot(mini)
    server = Server(mini, tmp_path)
    try:
        # a page is served once the first build is done, with the reload script; the files are a normal build's
        page = server.page_until(PAGE, lambda page: INTRO in page)
        assert f'EventSource("{serve.EVENTS}?since=' in page
        assert "liaison-problems" not in page
        folder = serve.default_folder(mini)
        assert folder.is_relative_to(tmp_path / "cache")
        assert snapshot(folder / "site") == snapshot(mini_build / "site")
        assert snapshot(folder / "signage") == snapshot(mini_build / "signage")
        built = (folder / "site" / "stations" / "centre" / "index.html").read_text(encoding="utf-8")
        assert page.replace(re.search(r"<script>/\* liaison serve.*?</aside>", page, re.S)[0], "") == built  # type: ignore[index]
        status, style = server.get("/static/style.css")
        assert status == 200 and style == (folder / "site" / "static" / "style.css").read_text(encoding="utf-8")

        # an edit is visible after the reload event
        station = mini / "stations" / "centre.yaml"
        replace(station, INTRO, "县中心站（已改）是全县联络站的")
        page = server.page_until(PAGE, lambda page: "县中心站（已改）" in page)

        # a broken file: the overlay names file, line, column and quotes the line; the last good page stays
        replace(station, "\naddress:", "\nadress:")
        page = server.page_until(PAGE, lambda page: "liaison-problems" in page)
        line = station.read_text(encoding="utf-8").splitlines().index("adress: 示例县人民路1号") + 1
        assert re.search(rf"stations/centre\.yaml:{line}:1: adress: 未知字段“adress”", page), page
        assert f"{line} | adress: 示例县人民路1号" in page
        assert "县中心站（已改）" in page
        status, other = server.get("/deputies/wang-kun/")
        assert status == 200 and "liaison-problems" in other
        assert server.process.poll() is None

        # fixed: the overlay goes, the page is back
        replace(station, "\nadress:", "\naddress:")
        page = server.page_until(PAGE, lambda page: "liaison-problems" not in page)
        assert "县中心站（已改）" in page

        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=60) == 0
        server.expect(lambda line: line == "已停止预览。")
        assert not any("Traceback" in line for line in server.seen)
    finally:
        if server.process.poll() is None:
            server.process.kill()
    # nothing was written beside the content or into it: the preview is in the cache
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "cache"])
    assert set(snapshot(mini)) == set(content_files)


@pytest.mark.slow
def test_web_first_renders_only_web_files_not_current_and_the_rest_then_matches_a_clean_build(
        mini: Path, tmp_path: Path, mini_build: Path) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    published_copy(mini_build, out)
    config = Config(content=mini, site_dir=out / "site", signage_dir=out / "signage", today=TODAY)
    before = {name: snapshot(out / name) for name in ("site", "signage")}
    replace(mini / "stations" / "centre.yaml", INTRO, "县中心站（已改）是全县联络站的")
    replace(mini / "notices" / "december.md", "在县中心站接待群众", "在县中心站（已改）接待群众")  # and its feed
    build(Config(content=mini, site_dir=clean / "site", signage_dir=clean / "signage", today=TODAY))
    after = {name: snapshot(clean / name) for name in ("site", "signage")}

    report = build(serve.first_pass(config))
    web_jobs = select(prepare(config).jobs, (serve.WEB_FIRST,))
    assert 0 < report.rendered < len(web_jobs)

    def web(files: dict[str, bytes]) -> dict[str, bytes]:
        return {path: data for path, data in files.items() if not path.startswith("kiosk/") and path != MANIFEST}

    def pages(files: dict[str, bytes]) -> dict[str, bytes]:
        return {path: data for path, data in web(files).items() if path.endswith(".html")}

    now = snapshot(out / "site")
    assert pages(now) == pages(after["site"]) != pages(before["site"])  # the web pages are a clean build's
    feeds = [path for path in web(after["site"]) if not path.endswith(".html")
             and after["site"][path] != before["site"][path]]
    assert feeds and all(now[path] == before["site"][path] for path in feeds)  # the search index, the feeds: next
    screens = [path for path in now if path.startswith("kiosk/")]
    assert screens and all(now[path] == before["site"][path] for path in screens)
    assert now != after["site"]  # the lobby screen of the station is still the old one
    assert snapshot(out / "signage") == before["signage"] != after["signage"]  # and so is its poster

    assert build(config).rendered  # the rest follows
    assert {name: snapshot(out / name) for name in ("site", "signage")} == after


@pytest.mark.slow
def test_serve_rebuilds_after_edits_give_the_tree_a_fresh_build_of_the_edited_content_gives(
        mini: Path, tmp_path: Path, mini_build: Path) -> None:
    """The server keeps what it read and compiled between builds (records of files not saved since, templates):
    after edits of records of several kinds and of a template, its preview is what a fresh build makes."""
    theme = tmp_path / "theme"
    template = write(theme / "templates" / "deputy.html",
                     (theme_module.DEFAULT_THEME / "templates" / "deputy.html").read_text(encoding="utf-8"))
    out = tmp_path / "preview"
    published_copy(mini_build, out)
    config = Config(content=mini, site_dir=out / "site", signage_dir=out / "signage", today=TODAY, theme=theme)
    preview = serve.Preview(config)
    said: list[str] = []
    assert preview.rebuild(said.append)  # the server's first build: it reads and compiles everything

    def fresh(name: str) -> dict[str, dict[str, bytes]]:
        clean = tmp_path / name
        build(dataclasses.replace(config, site_dir=clean / "site", signage_dir=clean / "signage"))
        return {folder: snapshot(clean / folder) for folder in ("site", "signage")}

    def served() -> dict[str, dict[str, bytes]]:
        assert preview.update(said.append)  # the pages, then the rest
        assert preview.rebuild(said.append)
        return {folder: snapshot(out / folder) for folder in ("site", "signage")}

    replace(mini / "stations" / "centre.yaml", INTRO, "县中心站（已改）是全县联络站的")
    replace(mini / "notices" / "december.md", "在县中心站接待群众", "在县中心站（已改）接待群众")
    replace(template, "<h1>{{ deputy.name }}</h1>", "<h1>{{ deputy.name }}（模板已改）</h1>")
    first = served()
    assert first == fresh("clean-1")
    assert "（模板已改）" in (out / "site" / "deputies" / "wang-kun" / "index.html").read_text(encoding="utf-8")

    # a character outside GB 2312: the rare-glyph font, which fans in from the pages, follows in the second pass
    replace(mini / "deputies" / "wang-kun.yaml", "unit: 城关镇东村", "unit: 城关镇东村喆")
    second = served()
    assert second == fresh("clean-2") != first
    fonts = [{path: data for path, data in tree["site"].items() if path.startswith("static/fonts/")}
             for tree in (first, second)]
    assert fonts[0] != fonts[1]
    assert not any("Traceback" in line for line in said)


def test_a_port_in_use_is_a_usage_error_before_any_build(mini: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--content", str(mini), "--port", str(port), "--preview", str(tmp_path / "preview")])
    assert code == 2
    assert f"端口 {port} 已被占用" in capsys.readouterr().err
    assert not (tmp_path / "preview").exists()


def test_default_preview_is_in_the_cache_one_per_content_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second = serve.default_folder(tmp_path / "a" / "content"), serve.default_folder(tmp_path / "b" / "content")
    assert first.is_relative_to(tmp_path / "cache" / "liaison" / "preview")
    assert first != second and first.name.startswith("content-")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not absolute: ignored, as the XDG rule says
    assert serve.default_folder(tmp_path).is_relative_to(Path.home() / ".cache")


def _preview(tmp_path: Path) -> serve.Preview:
    return serve.Preview(Config(content=tmp_path / "content", site_dir=tmp_path / "preview" / "site",
                                signage_dir=tmp_path / "preview" / "signage"))


def test_overlay_lists_every_problem_with_its_line_quoted_and_escaped(tmp_path: Path) -> None:
    record = write(tmp_path / "content" / "stations" / "x.yaml", "name: 站\nintro: <b>粗</b>\n")
    other = write(tmp_path / "content" / "deputies" / "y.yaml", "name: 人\n")
    preview = _preview(tmp_path)
    preview._show((Problem(record, 2, 8, "intro", "第一处"), Problem(other, 1, 1, "name", "第二处"),
                   Problem(other, 0, 0, "", "整个文件")), "", None)
    page = preview.decorate("<html><body><p>页</p></body></html>", "/")
    overlay = re.search(r'<div id="liaison-problems".*</div>', page, re.S)[0]  # type: ignore[index]
    assert page.index("<p>页</p>") < page.index(overlay) < page.index("</body>")
    assert "内容有 3 处错误" in overlay
    assert "x.yaml:2:8: intro: 第一处" in overlay and "y.yaml:1:1: name: 第二处" in overlay
    assert "y.yaml:0:0: -: 整个文件" in overlay
    assert "2 | intro: &lt;b&gt;粗&lt;/b&gt;\n" + " " * (len("2 | ") + 7) + "^" in overlay
    assert "<b>粗" not in overlay
    assert overlay.count("<pre") == 2  # no line to quote for the whole file


def test_a_failure_no_file_locates_is_shown_and_a_good_build_clears_it(tmp_path: Path) -> None:
    preview = _preview(tmp_path)
    preview._show((), "预览目录中有不是本程序生成的文件", None)
    broken = preview.version
    assert "预览目录中有不是本程序生成的文件" in preview.decorate("<body></body>", "/")
    site, _ = model()
    preview._show((), "", site)
    assert preview.version != broken
    assert "liaison-problems" not in preview.decorate("<body></body>", "/")
    unchanged = preview.version
    preview._show((), "", site, changed=False)
    assert preview.version == unchanged  # a build that rendered nothing reloads no tab


def test_station_pages_alone_link_the_proofs_the_preview_has(tmp_path: Path) -> None:
    preview = _preview(tmp_path)
    site, _ = model()
    preview._show((), "", site)
    for name in ("signboard-proof.png", "signboard-proof.pdf", "poster-1.pdf", "poster-2.pdf", "qr-station.pdf"):
        write(tmp_path / "preview" / "signage" / "centre" / name, "x")
    for path in ("/stations/centre/", "/stations/centre/index.html"):
        panel = re.search(r'<aside id="liaison-proofs".*</aside>', preview.decorate("<body></body>", path))[0]  # type: ignore[index]
        links = re.findall(r'href="/__liaison/signage/([^"?]+)\?v=\d+"', panel)
        assert links == ["centre/signboard-proof.png", "centre/signboard-proof.pdf", "centre/poster-1.pdf",
                         "centre/poster-2.pdf"]
        assert "标牌校样（金色拉丝牌）图片" in panel and "公示栏第 2 张 PDF" in panel
    for path in ("/", "/deputies/wang-kun/", "/stations/", "/stations/east-village/", "/kiosk/centre/"):
        assert "liaison-proofs" not in preview.decorate("<body></body>", path), path  # east-village: no files yet


def test_the_watcher_runs_before_the_first_build_and_the_rest_follows_a_pause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save made while the first build runs is not lost; after a save the web pages come first, the lobby
    screens and print files once no save has come for a while (a timeout of the watcher)."""
    calls: list[str] = []
    change = {(watchfiles.Change.modified, str(tmp_path / "content" / "site.yaml"))}

    def watch(*paths: Path, **options: object) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        calls.append("watching")
        yield from (set(), change, change, set(), set())  # set(): no change within the timeout
        raise KeyboardInterrupt

    def rebuild(self: serve.Preview, say: serve.Say, part: str | None = None) -> bool:
        calls.append(part or "all")
        self.built = True
        return True

    monkeypatch.setattr(watchfiles, "watch", watch)
    monkeypatch.setattr(serve.Preview, "rebuild", rebuild)
    said: list[str] = []
    config = Config(content=tmp_path / "content", site_dir=tmp_path / "site", signage_dir=tmp_path / "signage")
    serve.run(config, "127.0.0.1", 0, said.append)
    assert calls == ["watching", "all", serve.WEB_FIRST, serve.WEB_FIRST, "all"]
    assert said[-1] == "已停止预览。"


@pytest.mark.parametrize(("argv", "message"), [
    (["--port", "abc"], "“abc”不是端口号"),
    (["--port", "70000"], "“70000”不是端口号"),
    (["--port", "-1"], "“-1”不是端口号"),
    (["--content", "no-such-folder"], "内容目录不存在：no-such-folder"),
])
def test_bad_arguments_are_usage_errors_in_chinese(argv: list[str], message: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--preview", str(tmp_path / "preview"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "preview").exists()
