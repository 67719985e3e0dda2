"""`liaison serve`: a live preview of the content while the clerk edits it.

The preview is an ordinary build (the pipeline's `build`, incremental) into a private folder, never the published
`site/`: by default in the user's cache folder (`~/.cache/liaison/preview/<content>-<hash>/`, outside every
repository, kept between runs so that a restart renders only what changed since), or `--preview DIR`. A thread
serves its `site/`; the main thread watches the content and theme folders (watchfiles) and builds again after
every save. What only the preview has is added to a page as it is served, never written into the built files, so
the preview's files are byte for byte a normal build's:

- a script that listens for server-sent events (`/__liaison/events`) and reloads the page when a build ends;
- while the content is broken, an overlay listing every located problem (file, line, column, the line quoted);
  the pages stay those of the last good build, and the overlay goes once the files are fixed;
- on a station's page, links to its signboard and poster proofs, served from the preview's `signage/`.

`/__liaison/` cannot clash with a page: no record id starts with an underscore.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import http.server
import os
import re
import secrets
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import watchfiles

from liaison.build import signals
from liaison.build.config import Config, user_cache
from liaison.build.pipeline import build
from liaison.build.writer import OutputError
from liaison.content import loader
from liaison.content.problems import ContentError, Problem
from liaison.model import urls
from liaison.model.site import Site
from liaison.render.print import signage, signboards
from liaison.render.theme import template_problem

PREFIX = "/__liaison/"
EVENTS = f"{PREFIX}events"  # server-sent events: `reload` once the preview has changed
PROOFS = f"{PREFIX}signage/"  # the preview's print files
WEB_FIRST = "web"  # the part built at once after a save; the rest once no save has come for QUIET_MS
QUIET_MS = 1000
KEEP_ALIVE_SECONDS = 15.0  # a comment on an idle event stream, so that a closed tab ends its thread
Say = Callable[[str], None]


class PortError(Exception):
    """The address or port cannot be served on: one Chinese line saying why and what to do."""


def default_folder(content: Path) -> Path:
    """The preview of `content` in the user's cache: outside the content and any repository, one per content
    folder, kept between runs."""
    absolute = Path(os.path.abspath(content))
    digest = hashlib.sha256(str(absolute).encode()).hexdigest()[:12]
    return user_cache("preview", f"{absolute.name}-{digest}")


def first_pass(config: Config, part: str = WEB_FIRST) -> Config:
    """The build made at once after a save: the pages of `part` not current, the rest left for the next build.
    They are a handful of jobs, rendered in this process with the templates it has compiled already."""
    return dataclasses.replace(config, only=(part,), pages_first=True, jobs=1)


class Preview:
    """The last build's outcome as the server shows it, and a version that changes whenever that does."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.token = secrets.token_hex(4)  # a restarted server's pages reload its visitors' tabs
        self.count = 0
        self.changed = threading.Condition()
        self.built = False  # a build has published the preview
        self.problems: tuple[Problem, ...] = ()
        self.failure = ""  # a failure no file locates: an output folder refused, an internal error
        self.site: Site | None = None  # the model of the last good build
        self.stopping = False
        self.memory = loader.Remembered()  # the records of the files not saved since the last build

    @property
    def version(self) -> str:
        return f"{self.token}-{self.count}"

    def watched(self) -> list[Path]:
        """The content and the theme folders (site.yaml's `theme` is inside the content)."""
        folders = [self.config.content, self.config.theme_dir, *([self.config.theme] if self.config.theme else [])]
        return [folder for folder in folders if folder.is_dir()]

    def update(self, say: Say) -> bool:
        """After a save: the web pages first, which the clerk is looking at; True if the rest is to follow (the
        lobby screens and print files, slower to render). Before any good build, everything at once."""
        if not self.built:
            self.rebuild(say)
            return False
        return self.rebuild(say, WEB_FIRST)

    def rebuild(self, say: Say, part: str | None = None) -> bool:
        """Build the preview, or only its `part` that is not current; on any failure keep the last good preview
        and show what is wrong. True if the build succeeded."""
        config = self.config if part is None else first_pass(self.config, part)
        started = time.monotonic()
        problems: tuple[Problem, ...] = ()
        failure = ""
        report = None
        try:
            with loader.remembering(self.memory):
                report = build(config)
        except ContentError as exc:
            problems = tuple(exc.problems)
        except jinja2.TemplateError as exc:
            problems = (template_problem(exc),)
        except OutputError as exc:
            if part is not None:  # the preview's build record is gone or damaged: a full build makes it again
                return self.rebuild(say)
            failure = exc.message
        except Exception:  # noqa: BLE001 - a bug: keep serving, say so in the terminal and the browser
            say(traceback.format_exc())
            failure = "程序内部错误（终端中有详情，请报告给维护人员）：" + traceback.format_exc().splitlines()[-1]
        seconds = time.monotonic() - started
        cwd = Path.cwd()
        for problem in problems:
            say(problem.format(relative_to=cwd))
        if report is None:
            say(failure or f"内容有 {len(problems)} 处问题，浏览器中列出了每一处；修正并保存后自动刷新。")
            self._show(problems, failure, None)
            return False
        for warning in report.warnings:
            say(warning.format(relative_to=cwd))
        what = "预览" if part is None else "网页"
        say(f"已更新{what}：重新渲染 {report.rendered} 项，用时 {seconds:.1f} 秒" if report.rendered
            else f"{what}没有变化（用时 {seconds:.1f} 秒）")
        self._show((), "", report.site, changed=bool(report.rendered))
        return True

    def _show(self, problems: tuple[Problem, ...], failure: str, site: Site | None, changed: bool = True) -> None:
        with self.changed:
            if changed or (problems, failure) != (self.problems, self.failure) or not self.built:
                self.count += 1
                self.changed.notify_all()
            self.problems, self.failure = problems, failure
            if site is not None:
                self.site, self.built = site, True

    def wait(self, since: str, timeout: float) -> str:
        """The version once it is no longer `since`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != since or self.stopping, timeout)
            return self.version

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    # ---- what a served page gets ----

    def decorate(self, page: str, path: str) -> str:
        """`page` as the preview serves it at `path`: the reload script, the problems, a station's proofs."""
        with self.changed:
            version, problems, failure, site = self.version, self.problems, self.failure, self.site
        extra = _script(version) + _overlay(problems, failure)
        station = _station_of(site, path) if site is not None else None
        if site is not None and station is not None:
            extra += _proof_panel(self.proofs(site, station))
        at = page.lower().rfind("</body>")
        return page + extra if at < 0 else page[:at] + extra + page[at:]

    def proofs(self, site: Site, station_id: str) -> list[tuple[str, str]]:
        """(label, address) of the station's signboard proofs and poster sheets the preview has."""
        folder = self.config.signage_dir
        found = []
        for material, pdf, png in signboards.proof_paths(site, site.stations[station_id]):
            found += [(f"标牌校样（{material.value}）图片", png), (f"标牌校样（{material.value}）PDF", pdf)]
        sheet = 1
        while (folder / signage.poster_path(station_id, sheet)).is_file():
            found.append((f"公示栏第 {sheet} 张 PDF", signage.poster_path(station_id, sheet)))
            sheet += 1
        # the file's time in the address: a proof that changed is fetched again, not taken from the cache
        return [(label, f"{PROOFS}{path}?v={(folder / path).stat().st_mtime_ns}")
                for label, path in found if (folder / path).is_file()]


def _station_of(site: Site, path: str) -> str | None:
    """The station whose page is served at `path` (`/stations/<id>/` or its index.html)."""
    relative = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
    match = re.fullmatch(r"stations/([^/]+)/index\.html", relative)
    if match and match[1] in site.stations and urls.page_path("stations", match[1]) == relative:
        return match[1]
    return None


def _script(version: str) -> str:
    return ('<script>/* liaison serve */(function(){var s=new EventSource("' + EVENTS + '?since='
            + urllib.parse.quote(version) + '");s.addEventListener("reload",function(){s.close();'
            'location.reload();});})();</script>')


_BOX = ("position:fixed;z-index:2147483647;font:16px/1.6 sans-serif;color:#1a1a1a;background:#fff;"
        "box-shadow:0 2px 12px rgba(0,0,0,.35);border-radius:6px;")


def _overlay(problems: Iterable[Problem], failure: str) -> str:
    """Every problem with its place and the line it is on, in a box over the page."""
    problems = list(problems)
    if not problems and not failure:
        return ""
    cwd = Path.cwd()
    items = "".join(f"<li style=\"margin:0 0 1em\"><code>{html.escape(p.format(relative_to=cwd))}</code>"
                    f"{_quoted(p)}</li>" for p in problems)
    errors = sum(1 for p in problems if p.severity == "error")
    title = html.escape(failure) if failure else f"内容有 {errors or len(problems)} 处{'错误' if errors else '问题'}"
    return (f'<div id="liaison-problems" role="alert" style="{_BOX}inset:5vh 5vw auto;max-height:90vh;'
            f'overflow:auto;padding:1.5em 2em;border-top:8px solid #c0392b"><h2 style="margin:0 0 .5em;'
            f'color:#c0392b">{title}</h2><p>预览显示的是上次成功生成的结果。修正下列文件并保存后，本页会自动刷新。</p>'
            f'<ol style="padding-left:1.5em">{items}</ol></div>')


def _quoted(problem: Problem) -> str:
    """The problem's line as it stands in the file, with a caret under its column."""
    try:
        lines = problem.path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    if not 0 < problem.line <= len(lines):
        return ""
    text = lines[problem.line - 1]
    number = f"{problem.line} | "
    caret = f"\n{' ' * (len(number) + problem.column - 1)}^" if problem.column > 0 else ""
    return (f'<pre style="margin:.3em 0 0;padding:.5em;background:#f6f6f6;overflow:auto">'
            f"{html.escape(number + text + caret)}</pre>")


def _proof_panel(links: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<li><a href="{html.escape(href)}" target="_blank">{html.escape(label)}</a></li>'
                    for label, href in links)
    return (f'<aside id="liaison-proofs" style="{_BOX}right:1em;bottom:1em;padding:.8em 1.2em">'
            f'<strong>打印校样（仅预览中显示）</strong><ul style="margin:.3em 0 0;padding-left:1.2em">{items}</ul></aside>')


def _waiting_page() -> str:
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>'
            '<body><p>正在生成预览，完成后本页自动刷新。</p></body></html>')


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The preview's files; its pages decorated; the event stream; the print files under PROOFS."""

    preview: Preview  # set on the subclass a server makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.preview.config.site_dir), **kwargs)

    def do_GET(self) -> None:  # the name http.server calls
        path = urllib.parse.urlsplit(self.path).path
        if path == EVENTS:
            self._events()
        elif path.startswith(PROOFS):
            self.directory = str(self.preview.config.signage_dir)
            self.path = self.path[len(PROOFS) - 1:]
            super().do_GET()
        else:
            self._file(path)

    def _file(self, path: str) -> None:
        file = Path(self.translate_path(self.path))
        if file.is_dir() and not path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.end_headers()
            return
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" or not file.exists():
            self._page(file, path)
        else:
            super().do_GET()

    def _page(self, file: Path, path: str) -> None:
        status = 200
        try:
            text = file.read_text(encoding="utf-8")
        except OSError:
            status = 404
            try:
                text = Path(self.directory, "404.html").read_text(encoding="utf-8")
            except OSError:
                status, text = (404, "") if self.preview.built else (503, _waiting_page())
        body = self.preview.decorate(text, path).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        since = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("since", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not self.preview.stopping:
                version = self.preview.wait(since, KEEP_ALIVE_SECONDS)
                if version != since and not self.preview.stopping:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": \n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # every reload shows the files as they are now
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not requests


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # an open event stream does not hold up the stop

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a tab closed while a file was being sent


def server(preview: Preview, bind: str, port: int) -> _Server:
    """An HTTP server for the preview, listening but not yet serving; PortError if it cannot listen."""
    handler = type("Handler", (_Handler,), {"preview": preview})
    try:
        return _Server((bind, port), handler)
    except OSError as exc:
        if exc.errno == 98:  # EADDRINUSE
            raise PortError(f"端口 {port} 已被占用（是否已经运行了一个 liaison serve？），请用 --port 换一个端口") from None
        raise PortError(f"无法在 {bind}:{port} 上提供预览：{exc.strerror or exc}（--bind 应为本机的 IP 地址，"
                        "如 127.0.0.1 或 0.0.0.0）") from None


def run(config: Config, bind: str, port: int, say: Say) -> None:
    """Serve the preview until Ctrl-C or SIGTERM: build, then build again after every save."""
    preview = Preview(config)
    httpd = server(preview, bind, port)
    host, actual_port = str(httpd.server_address[0]), httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, name="liaison-serve", daemon=True)
    thread.start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    say(f"预览地址：http://{shown}:{actual_port}/  （按 Ctrl-C 停止）")
    if host in ("0.0.0.0", "::"):
        say("局域网内的其他电脑也可以用本机的 IP 地址和这个端口打开预览。")
    say(f"预览文件在 {config.site_dir.parent}（不是发布用的 site/）；正在生成预览……")
    try:
        with signals.handled():
            first, rest = True, False  # the lobby screens and print files wait for a pause between saves
            # the first build is made once the watcher runs: a save during it is seen (and builds again)
            for changes in watchfiles.watch(*preview.watched(), rust_timeout=QUIET_MS, yield_on_timeout=True,
                                            raise_interrupt=True):
                if changes or first:
                    names = sorted({Path(name).name for _, name in changes})
                    if names:
                        say(f"{'、'.join(names[:3])}{' 等' if len(names) > 3 else ''} 有改动，正在重新生成……")
                    rest, first = preview.update(say), False
                elif rest:
                    say("正在更新大厅屏幕和制作文件……")
                    preview.rebuild(say)
                    rest = False
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        httpd.shutdown()
        httpd.server_close()
    say("已停止预览。")
