"""The built demo site served by a real nginx on loopback, under a sub-path, with the configuration
publishers are told to use (docs/nginx-site.conf): every page is reachable from the home page, every
link and asset answers 200 with the right Content-Type and charset, a missing page answers 404 with
the site's own page, and Chromium loads the pages under the Content-Security-Policy without a complaint."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from liaison.build.linkcheck import css_urls
from liaison.build.writer import MANIFEST
from tests.html_links import parse

pytestmark = [pytest.mark.slow, pytest.mark.nginx]  # the demo built, and served

ROOT = Path(__file__).resolve().parent.parent
SITE_CONF = ROOT / "docs" / "nginx-site.conf"
SUB_PATH = "/gov/lianluozhan/"  # deliberately not the path of base_url: the site works at any depth
# The two values docs/nginx-site.conf tells publishers to change, exactly as they appear there.
DOC_PATH = "/lianluozhan/"
DOC_LINES = {
    "location ^~ /lianluozhan/ {": "location ^~ {path} {{",
    "alias /srv/www/lianluozhan/;": "alias {site}/;",
    "error_page 404 /lianluozhan/404.html;": "error_page 404 {path}404.html;",
}

# Content-Type by extension (the feed is checked on its own: application/atom+xml).
TYPES = {
    "html": {"text/html"}, "css": {"text/css"}, "svg": {"image/svg+xml"}, "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"}, "png": {"image/png"}, "woff2": {"font/woff2"}, "json": {"application/json"},
    "csv": {"text/csv"}, "ics": {"text/calendar"}, "xml": {"application/xml", "text/xml"},
    "txt": {"text/plain"}, "pdf": {"application/pdf"}, "js": {"application/javascript"},
}
FEED = "notices/feed.xml"
TEXTUAL = {"image/svg+xml", "application/json", "application/xml", "application/atom+xml",
           "application/javascript"}  # and text/*
SKIPPED_SCHEMES = {"tel", "mailto", "data", "javascript"}


@dataclass
class Served:
    base: str  # http://127.0.0.1:<port>/gov/lianluozhan/
    site: Path
    canonical: str  # base_url of the content: https://rd.qingyuan.example.cn/lianluozhan/
    prefix: Path


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        pytest.fail("nginx is not installed: `bash scripts/run.sh test` installs it (Debian package nginx)")
    return found


def site_conf(site: Path) -> str:
    """docs/nginx-site.conf with only the sub-path and the directory replaced, as publishers do."""
    text = SITE_CONF.read_text(encoding="utf-8")
    for line, template in DOC_LINES.items():
        assert text.count(line) == 1, f"docs/nginx-site.conf no longer has the line {line!r}"
        text = text.replace(line, template.format(path=SUB_PATH, site=site))
    code = "\n".join(row.split("#")[0] for row in text.splitlines())
    assert DOC_PATH not in code.replace(SUB_PATH, ""), "the sub-path appears on a line the README does not mention"
    return text


def nginx_conf(prefix: Path, port: int, modules: str) -> str:
    temp = "\n".join(f"    {name}_temp_path {prefix / 'temp' / name};" for name in ("proxy", "fastcgi", "uwsgi", "scgi")
                     if f"--without-http_{name}_module" not in modules)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the pytest temp directory (mode 700)
    return f"""{user}
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / 'access.log'};
    client_body_temp_path {prefix / 'temp' / 'client_body'};
{temp}
    server_tokens off;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {prefix / 'lianluozhan.conf'};
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, deadline: float) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def served(demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    report, out = demo
    site = out / "site"
    nginx = nginx_binary()
    modules = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=10).stderr
    version = tuple(int(n) for n in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", modules).groups())
    prefix = tmp_path_factory.mktemp("nginx")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / name).mkdir(parents=True)
    (prefix / "lianluozhan.conf").write_text(site_conf(site), encoding="utf-8")
    conf = prefix / "nginx.conf"
    # -e (1.19.5+): errors before the configuration is read go here too, not to /var/log/nginx
    early_log = ["-e", str(prefix / "error.log")] if version >= (1, 19, 5) else []
    command = [nginx, "-c", str(conf), "-p", str(prefix), *early_log]
    for _attempt in range(3):  # another process may take the free port before nginx binds it
        port = free_port()
        conf.write_text(nginx_conf(prefix, port, modules), encoding="utf-8")
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if wait_until_listening(process, port, time.monotonic() + 10):
            break
        process.terminate()
        process.wait(timeout=10)
    else:
        pytest.fail("nginx did not start: " + (prefix / "error.log").read_text(errors="replace"))
    try:
        yield Served(f"http://127.0.0.1:{port}{SUB_PATH}", site, str(report.site.settings.base_url), prefix)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# A client that ignores any proxy set in the environment: the server is on loopback.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, Message, bytes, str]:
    """(status, headers, body, final URL after redirects)."""
    try:
        with _opener.open(url, timeout=5) as response:
            return response.status, response.headers, response.read(), response.url
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read(), url


def relative(served: Served, url: str) -> str:
    """The file a URL under the sub-path names, relative to the site ("" and "x/" name index.html)."""
    path = unquote(urlsplit(url).path)
    assert path.startswith(SUB_PATH), url
    path = path[len(SUB_PATH):]
    return path + "index.html" if path == "" or path.endswith("/") else path


def type_problems(served: Served, url: str, headers: Message) -> list[str]:
    """Content-Type for the extension (charset=utf-8 on text) and the headers every answer carries."""
    name = relative(served, url)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    expected = {"application/atom+xml"} if name == FEED else TYPES.get(extension)
    content_type = headers.get("Content-Type", "")
    media = content_type.split(";")[0].strip().lower()
    problems = []
    if expected is None:
        problems.append(f"no expected Content-Type for .{extension}: add it to TYPES and docs/nginx-site.conf")
    elif media not in expected:
        problems.append(f"Content-Type {content_type!r}, expected {sorted(expected)}")
    if (media.startswith("text/") or media in TEXTUAL) and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(f"Content-Type {content_type!r} without charset=utf-8")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not headers.get("Content-Security-Policy"):
        problems.append("no Content-Security-Policy")
    if headers.get("Cache-Control") != "no-cache":
        problems.append(f"Cache-Control {headers.get('Cache-Control')!r}, expected 'no-cache'")
    return [f"{name}: {problem}" for problem in problems]


def resolve(served: Served, page_url: str, link: str) -> str | None:
    """The URL to check for a link found in a page, or None for another site, a phone number and the like."""
    scheme = urlsplit(link).scheme.lower()
    if scheme in SKIPPED_SCHEMES:
        return None
    if link.startswith(served.canonical):  # the site's own public address: check it here, at the sub-path
        link = served.base + link[len(served.canonical):]
    elif scheme in ("http", "https") or link.startswith("//"):
        if not link.startswith(served.base.split(SUB_PATH)[0] + "/"):
            return None  # another site
    return urldefrag(urljoin(page_url, link)).url


def crawl(served: Served) -> tuple[dict[str, str], list[str]]:
    """Follow every link and asset from the home page: ({url: the page that linked it}, problems)."""
    found = {served.base: "(start)"}
    queue = [served.base]
    problems: list[str] = []
    while queue:
        url = queue.pop()
        if not url.startswith(served.base):
            problems.append(f"{found[url]} links outside the site's path: {url}")
            continue
        status, headers, body, final = fetch(url)
        if status != 200 or final != url:
            problems.append(f"{found[url]} -> {url}: HTTP {status}" + (f", redirected to {final}" if final != url else ""))
            continue
        problems += [f"{problem} (linked from {found[url]})" for problem in type_problems(served, url, headers)]
        media = headers.get_content_type()
        if media == "text/html":
            links = [link for _tag, _attribute, link in parse(body.decode("utf-8")).links]
        elif media == "text/css":
            links = css_urls(body.decode("utf-8"))
        else:
            continue
        for link in links:
            target = resolve(served, url, link)
            if target is not None and target not in found:
                found[target] = relative(served, url)
                queue.append(target)
    return found, problems


def test_the_documented_config_is_what_runs(served: Served) -> None:
    included = (served.prefix / "lianluozhan.conf").read_text(encoding="utf-8")
    documented = SITE_CONF.read_text(encoding="utf-8")
    for line, template in DOC_LINES.items():
        documented = documented.replace(line, template.format(path=SUB_PATH, site=served.site))
    assert included == documented


def test_a_crawl_from_the_home_page_reaches_every_page_and_every_link_answers(served: Served, demo) -> None:
    found, problems = crawl(served)
    assert problems == []
    every = {p.relative_to(served.site).as_posix() for p in served.site.rglob("*") if p.is_file()}
    # The lobby screens are not linked from the web pages: each TV opens its own address. They are
    # checked in test_every_file_of_the_site_answers_with_its_type and in Chromium below.
    lobby = {path for path in every if path.startswith("kiosk/")}
    assert {path.split("/")[1] for path in lobby} == set(demo[0].site.stations)
    # Nor are the page the server sends on a miss, the sitemap for search engines and the writer's manifest.
    assert {relative(served, url) for url in found} == every - lobby - {"404.html", "sitemap.xml", MANIFEST}
    kinds = {relative(served, url).rsplit(".", 1)[-1] for url in found}
    assert {"html", "css", "svg", "jpg", "woff2", "json", "csv", "ics", "xml", "txt"} <= kinds


def test_every_file_of_the_site_answers_with_its_type(served: Served) -> None:
    problems = []
    for path in sorted(served.site.rglob("*")):
        if not path.is_file():
            continue
        url = served.base + path.relative_to(served.site).as_posix()
        status, headers, body, _ = fetch(url)
        if status != 200 or body != path.read_bytes():
            problems.append(f"{url}: HTTP {status}")
        problems += type_problems(served, url, headers)
    assert problems == []


def test_the_kiosk_version_is_never_cached(served: Served) -> None:
    status, headers, body, _ = fetch(served.base + "kiosk/qingshi-town/version.json")
    assert status == 200 and b'"version"' in body
    assert headers["Cache-Control"] == "no-cache"
    assert "script-src 'unsafe-inline'" in headers["Content-Security-Policy"]  # the kiosk's own policy


def test_a_missing_page_answers_404_with_the_sites_page(served: Served) -> None:
    page_404 = (served.site / "404.html").read_bytes()
    for missing in ("no-such-page/", "stations/no-such-station/", "static/no-such-file.css"):
        status, headers, body, _ = fetch(served.base + missing)
        assert status == 404, missing
        assert body == page_404, missing
        assert headers.get_content_type() == "text/html" and headers.get_content_charset() == "utf-8"
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"]
    # its links are absolute (it is served at any depth) and, at the sub-path, all answer
    for _tag, _attribute, link in parse(page_404.decode("utf-8")).links:
        if link.startswith("#"):  # the skip link to its own content
            continue
        if urlsplit(link).netloc and urlsplit(link).netloc != urlsplit(served.canonical).netloc:
            continue  # another site (the footer's ICP and police filings)
        assert link.startswith(served.canonical) or urlsplit(link).scheme in SKIPPED_SCHEMES, link
        target = resolve(served, served.base + "no-such-page/", link)
        if target is not None:
            assert fetch(target)[0] == 200, link


def test_a_directory_url_serves_its_index(served: Served) -> None:
    """The form printed in QR codes: stations/<id>/, without index.html."""
    expected = (served.site / "stations" / "qingshi-town" / "index.html").read_bytes()
    status, headers, body, final = fetch(served.base + "stations/qingshi-town/")
    assert (status, final) == (200, served.base + "stations/qingshi-town/")
    assert headers.get_content_type() == "text/html" and headers.get_content_charset() == "utf-8"
    assert body == expected
    # typed without the final slash: redirected to the directory
    status, _, body, final = fetch(served.base + "stations/qingshi-town")
    assert (status, final, body) == (200, served.base + "stations/qingshi-town/", expected)


# ---------------------------------------------------------------------------------------------
# In Chromium, under the Content-Security-Policy of docs/nginx-site.conf
# ---------------------------------------------------------------------------------------------

WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')));"""


def one_page_per_template(site: Path) -> list[str]:
    """The home page, and in each section its index and its first record's page."""
    pages = [""]
    for section in sorted(d for d in site.iterdir() if d.is_dir()):
        if (section / "index.html").is_file():
            pages.append(f"{section.name}/")
        children = sorted(c.name for c in section.iterdir() if (c / "index.html").is_file())
        if children:
            pages.append(f"{section.name}/{children[0]}/")
    return pages


def open_in_chromium(browser, url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.add_init_script(WATCH_CSP)
    page.clock.install(time="2026-11-23T10:00:00")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.browser
def test_pages_load_in_chromium_under_the_content_security_policy(browser, served: Served) -> None:
    pages = one_page_per_template(served.site)
    assert {"", "stations/", "deputies/", "schedule/", "notices/"} <= set(pages)
    assert any(p.startswith("kiosk/") for p in pages) and any(p.startswith("stations/") and p != "stations/" for p in pages)
    found = {}
    for path in pages:
        page, problems = open_in_chromium(browser, served.base + path)
        try:
            if path.startswith("kiosk/"):
                # the slides turn and the screen polls version.json: both allowed by the kiosk's policy
                with page.expect_response(lambda r: r.url.split("?")[0].endswith("/version.json")) as polled:
                    page.clock.run_for(10 * 60_000)
                assert polled.value.status == 200 and polled.value.headers["cache-control"] == "no-cache"
                assert page.evaluate("document.querySelectorAll('.slide.active').length") == 1
            problems += page.evaluate("window.__csp")
            if problems:
                found[path] = problems
        finally:
            page.context.close()
    assert found == {}


@pytest.mark.browser
def test_the_policy_is_in_force(browser, served: Served) -> None:
    """A script slipped into a web page does not run, and the watcher above would have seen it."""
    page, _ = open_in_chromium(browser, served.base + "stations/qingshi-town/")
    try:
        ran = page.evaluate("""() => { const s = document.createElement('script');
          s.textContent = 'window.__ran = true'; document.head.append(s); return window.__ran === true; }""")
        assert not ran
        page.wait_for_function("window.__csp.length > 0")
        assert page.evaluate("window.__csp")[0].startswith("script-src")
    finally:
        page.context.close()


@pytest.mark.browser
def test_the_search_page_finds_deputies_under_its_policy(browser, served: Served) -> None:
    """The search page runs its scripts under its own policy (script-src 'self'): typing finds the deputy, and
    search/?q= opens with the query's results."""
    page, problems = open_in_chromium(browser, served.base + "search/?q=zdm")
    try:
        assert page.input_value("#search-q") == "zdm"
        names = lambda: [a.text_content() for a in page.query_selector_all("#search-results h3 a")]  # noqa: E731
        assert names() == ["张德明"]
        for query, deputy in (("德明", "张德明"), ("溪头村", "曹明辉")):
            page.fill("#search-q", query)
            assert names()[0] == deputy
        problems += page.evaluate("window.__csp")
        assert problems == []
    finally:
        page.context.close()
    status, headers, _, _ = fetch(served.base + "search/entries.js")
    assert status == 200 and headers["Content-Type"].replace(" ", "").lower() == "application/javascript;charset=utf-8"
    assert "script-src 'self'" in fetch(served.base + "search/")[1]["Content-Security-Policy"]
    # every web page runs the site's own script files (static/reading.js), never an inline script
    assert "script-src 'self';" in fetch(served.base + "stations/")[1]["Content-Security-Policy"]
