"""The lobby screen in real headless Chromium: layout at both orientations, rotation, time windows,
standby, burn-in drift, and how it picks up a republished page (or keeps going when it cannot)."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from liaison.model.site import Site, Station
from liaison.render.kiosk.screen import VERSION_TOKEN, kiosk_page
from liaison.render.portraits import portrait_jpeg
from tests.conftest import MINI, ROOT, QuietServer, model, rendered, serving
from tests.html_links import parse

SIZES = [(1920, 1080), (1080, 1920), (1366, 768)]
SIZE_IDS = ["landscape", "portrait", "small-landscape"]
MIN_TEXT_VMIN = 3.2  # readable from 3 m: about 35 px on a 1080-line screen
MIN_QR_VMIN = 15  # a code on the screen is scanned from about 1 m
CROWDED = ROOT / "tests" / "fixtures" / "crowded"  # laid over mini: the longest content of a real district

# Run in the page: everything on the active slide inside the screen, nothing cut, nothing too small.
# A .clamp is cut on purpose, after its last whole line (those lines' rects lie below its box): it
# must show at least one line and carry its full text in its title.
LAYOUT_PROBLEMS = """() => {
  const vw = innerWidth, vh = innerHeight, problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > vw || root.scrollHeight > vh) problems.push('page scrolls');
  const slide = document.querySelector('.slide.active');
  const area = slide.getBoundingClientRect();
  const minPx = Math.min(vw, vh) * %s / 100 - 0.5;
  const scopes = [[slide, area], [document.querySelector('.bar'), {left: 0, top: 0, right: vw, bottom: vh}]];
  for (const [scope, box] of scopes) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('svg') || el.closest('[hidden]') || !el.getClientRects().length) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const clamp = el.closest('.clamp'), shown = clamp ? clamp.getBoundingClientRect() : null;
      for (const r of range.getClientRects()) {   // every line of the text, as drawn
        if (shown && r.top >= shown.bottom - 1) continue;  // clamped away
        if (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1)
          problems.push('outside: ' + node.textContent.trim().slice(0, 20));
      }
      if (parseFloat(getComputedStyle(el).fontSize) < minPx)
        problems.push('small: ' + getComputedStyle(el).fontSize + ' ' + node.textContent.trim().slice(0, 20));
    }
    for (const el of scope.querySelectorAll('*')) {  // boxes that clip must not hide anything
      if (el.closest('svg')) continue;
      const style = getComputedStyle(el);
      if (el.matches('.clamp')) {   // cut on purpose, by whole lines only
        if (!el.getClientRects().length) continue;
        const full = text => text.replace(/\\s+/g, '');
        if (full(el.title) !== full(el.textContent) || el.clientHeight < parseFloat(style.lineHeight) - 1
            || el.scrollWidth > el.clientWidth + 1)
          problems.push('clamped: ' + el.tagName + ' ' + el.textContent.trim().slice(0, 20));
      } else if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
          problems.push('clipped: ' + el.tagName + ' ' + el.textContent.trim().slice(0, 20));
      }
    }
  }
  return problems;
}""" % MIN_TEXT_VMIN

# Run in the page: every QR code on the active slide whole, square, not shrunk, inside the screen and
# inside its card (or its slide), and no line of text drawn over it.
QR_PROBLEMS = """() => {
  const vw = innerWidth, vh = innerHeight, problems = [];
  const slide = document.querySelector('.slide.active');
  const minPx = Math.min(vw, vh) * %s / 100;
  const inside = (r, b) => r.left >= b.left - 0.5 && r.top >= b.top - 0.5 && r.right <= b.right + 0.5 && r.bottom <= b.bottom + 0.5;
  const lines = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('svg')) continue;
    const clamp = el.closest('.clamp'), shown = clamp ? clamp.getBoundingClientRect() : null;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects())
      if (!shown || r.top < shown.bottom - 1) lines.push([r, node.textContent.trim().slice(0, 20)]);
  }
  const codes = [...slide.querySelectorAll('.qr-box')].filter(box => box.getClientRects().length);
  for (const box of codes) {
    const q = box.getBoundingClientRect(), name = box.querySelector('svg').getAttribute('aria-label');
    if (!inside(q, {left: 0, top: 0, right: vw, bottom: vh})) problems.push('off screen: ' + name);
    if (!inside(q, (box.closest('.card') || slide).getBoundingClientRect())) problems.push('outside its card: ' + name);
    if (Math.abs(q.width - q.height) > 1 || q.width < minPx) problems.push('squeezed: ' + name + ' ' + q.width + 'x' + q.height);
    for (const [r, text] of lines)
      if (r.right > q.left + 1 && r.left < q.right - 1 && r.bottom > q.top + 1 && r.top < q.bottom - 1)
        problems.push('text over ' + name + ': ' + text);
  }
  return {problems, deputies: codes.filter(box => box.closest('.deputy')).length};
}""" % MIN_QR_VMIN

# Run in the page: the titles of the clamps on the active slide that have lines cut away.
CLAMPED = """() => [...document.querySelectorAll('.slide.active .clamp, .bar .clamp')].filter(el => {
  const range = document.createRange(), box = el.getBoundingClientRect();
  range.selectNodeContents(el);
  return el.getClientRects().length && [...range.getClientRects()].some(r => r.top >= box.bottom - 1);
}).map(el => el.title)"""


def open_kiosk(browser, url: str, size: tuple[int, int], when: str = "2026-11-26T10:00:00"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install(time=when)
    page.goto(url)
    return page, errors


def active_kind(page) -> str:
    return page.evaluate("document.querySelector('.slide.active').dataset.kind")


def eligible_kinds(page) -> list[str]:
    return page.evaluate("__kiosk.eligible(new Date()).map(s => s.dataset.kind)")


def assert_a_whole_round(kinds: list[str], site: Site, station: Station) -> None:
    """The slides of one round: the station, its next reception day (announced or by its rule), every deputy on as
    many slides as it takes, the opinions, where to leave a message (if any way is written), the notices in force
    if any, the six items."""
    deputy_slides = math.ceil(len(site.members(station)) / site.settings.kiosk.deputies_per_slide)
    notices = [kind for kind in kinds if kind == "notices"]
    message = ["message"] if site.message_channel(station) else []
    assert kinds[2:] == ["deputies"] * deputy_slides + ["opinions"] + message + notices + ["six"], (station.id, kinds)
    assert kinds[0] == "station" and kinds[1] in ("reception", "rule-reception"), (station.id, kinds)


@pytest.fixture
def mini_site(mini_build: Path) -> Path:
    return mini_build / "site"


@pytest.fixture
def served(mini_site: Path, tmp_path: Path) -> Iterator[tuple[str, Path, QuietServer]]:
    root = tmp_path / "www"
    shutil.copytree(mini_site, root / "lianluozhan")
    with serving(root) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/lianluozhan/kiosk/centre/", root / "lianluozhan", server


def crowded_kiosks(out: Path, settings: str = "") -> tuple[Site, Path]:
    """mini with tests/fixtures/crowded laid over it and `settings` added to site.yaml: its site graph, and a
    folder with its lobby screens (kiosk/<station>/index.html), rendered alone."""
    content = out / "content"
    shutil.copytree(MINI, content)
    shutil.copytree(CROWDED, content, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    with (content / "site.yaml").open("a", encoding="utf-8") as site_yaml:
        site_yaml.write(settings)
    site, _ = model(content)
    for path, data in rendered(lambda job: job.target == "kiosk", content).items():
        (out / "site" / path).parent.mkdir(parents=True, exist_ok=True)
        (out / "site" / path).write_bytes(data)
    return site, out / "site"


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory):
    return crowded_kiosks(tmp_path_factory.mktemp("crowded"))


@pytest.fixture(scope="module", params=[1, 6], ids=["one-a-slide", "six-a-slide"])
def crowded_per_slide(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    return crowded_kiosks(tmp_path_factory.mktemp("per-slide"), f"kiosk: {{deputies_per_slide: {request.param}}}\n")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_longest_content_fits_and_every_qr_code_shows_whole(browser, crowded, size: tuple[int, int]) -> None:
    site, folder = crowded
    longest = site.deputies["ouyang-mingyue"]  # 79 characters of unit and position, three seats
    clamped: set[str] = set()
    for station in site.stations.values():
        page, errors = open_kiosk(browser, (folder / "kiosk" / station.id / "index.html").as_uri(), size)
        deputy_codes = 0
        for index in range(page.evaluate("__kiosk.eligible(new Date()).length")):
            page.evaluate(f"__kiosk.show(__kiosk.eligible(new Date())[{index}])")
            where = (station.id, size, active_kind(page))
            assert page.evaluate(LAYOUT_PROBLEMS) == [], where
            codes = page.evaluate(QR_PROBLEMS)
            assert codes["problems"] == [], where
            deputy_codes += codes["deputies"]
            clamped.update(page.evaluate(CLAMPED))
        assert deputy_codes == len(site.members(station)), station.id  # every deputy's code was seen
        assert errors == [], station.id
        page.context.close()
    assert f"{longest.unit} {longest.position}" in clamped  # cut on screen, whole in its title


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_deputy_cards_fit_at_the_fewest_and_most_a_slide(browser, crowded_per_slide, size: tuple[int, int]) -> None:
    site, folder = crowded_per_slide
    page, errors = open_kiosk(browser, (folder / "kiosk" / "moon-bay" / "index.html").as_uri(), size)
    deputy_codes = 0
    for index in range(page.evaluate("__kiosk.eligible(new Date()).length")):
        page.evaluate(f"__kiosk.show(__kiosk.eligible(new Date())[{index}])")
        if active_kind(page) == "deputies":
            assert page.evaluate(LAYOUT_PROBLEMS) == [], size
            codes = page.evaluate(QR_PROBLEMS)
            assert codes["problems"] == [], size
            deputy_codes += codes["deputies"]
    assert deputy_codes == len(site.members(site.stations["moon-bay"]))
    assert errors == []
    page.context.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_demo_kiosk_fits_every_size(browser, demo, size: tuple[int, int]) -> None:
    report, out = demo
    for station_id in report.site.stations:
        page, errors = open_kiosk(browser, (out / "site" / "kiosk" / station_id / "index.html").as_uri(), size,
                                  when="2026-11-23T10:00:00")
        assert_a_whole_round(eligible_kinds(page), report.site, report.site.stations[station_id])
        for index in range(len(eligible_kinds(page))):
            page.evaluate(f"__kiosk.show(__kiosk.eligible(new Date())[{index}])")
            assert page.evaluate(LAYOUT_PROBLEMS) == [], (station_id, size, active_kind(page))
        assert errors == [], station_id
        page.context.close()


@pytest.mark.browser
def test_slides_advance_on_the_configured_timing(browser, mini_site: Path) -> None:
    page, errors = open_kiosk(browser, (mini_site / "kiosk" / "centre" / "index.html").as_uri(), SIZES[0])
    seen = [active_kind(page)]
    for _ in range(6):
        page.clock.run_for(15_000)  # slide_seconds defaults to 15
        seen.append(active_kind(page))
    assert seen == ["station", "reception", "deputies", "opinions", "message", "notices", "six"]
    page.clock.run_for(15_000)
    assert active_kind(page) == "station"  # round again
    assert errors == []
    page.context.close()


@pytest.mark.browser
def test_time_windows_apply_without_a_rebuild(browser, mini_site: Path) -> None:
    url = (mini_site / "kiosk" / "centre" / "index.html").as_uri()
    page, _ = open_kiosk(browser, url, SIZES[0], when="2026-12-01T08:30:00")
    kinds = page.evaluate("__kiosk.eligible(new Date()).map(s => s.dataset.kind)")
    assert kinds[0] == "reception"  # on the day itself, first
    assert page.evaluate("document.querySelector('.slide[data-kind=reception]').classList.contains('today')")
    assert "notices" in kinds  # 12月代表接待日公告 is valid until 2026-12-01
    page.clock.set_system_time("2026-12-01T12:00:00")  # the reception is over
    kinds = page.evaluate("__kiosk.eligible(new Date()).map(s => s.dataset.kind)")
    assert "reception" not in kinds and kinds[1] == "rule-reception"
    assert page.evaluate("document.querySelector('.rule-date').textContent") == "2027年1月5日（星期二）"
    page.clock.set_system_time("2026-12-02T09:00:00")  # the notice has expired
    assert "notices" not in page.evaluate("__kiosk.eligible(new Date()).map(s => s.dataset.kind)")
    page.context.close()


@pytest.mark.browser
def test_night_standby_and_burn_in_drift(browser, mini_site: Path) -> None:
    page, _ = open_kiosk(browser, (mini_site / "kiosk" / "centre" / "index.html").as_uri(), SIZES[0],
                         when="2026-11-26T21:59:00")
    assert not page.evaluate("document.body.classList.contains('standby')")
    before = page.evaluate("document.getElementById('stage').style.transform")
    page.clock.run_for(61_000)
    assert page.evaluate("document.body.classList.contains('standby')")  # 22:00 to 07:00 by default
    assert page.evaluate("document.getElementById('stage').style.transform") != before
    page.clock.set_system_time("2026-11-27T07:00:30")
    page.clock.run_for(2_000)
    assert not page.evaluate("document.body.classList.contains('standby')")
    page.context.close()


@pytest.mark.browser
def test_no_large_pure_white_areas(browser, mini_site: Path) -> None:
    page, _ = open_kiosk(browser, (mini_site / "kiosk" / "centre" / "index.html").as_uri(), SIZES[0])
    for index in range(page.evaluate("__kiosk.eligible(new Date()).length")):
        page.evaluate(f"__kiosk.show(__kiosk.eligible(new Date())[{index}])")
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        white = {color: count for count, color in shot.getcolors(shot.width * shot.height)}.get((255, 255, 255), 0)
        assert white / (shot.width * shot.height) < 0.005, active_kind(page)
    page.context.close()


@pytest.mark.browser
def test_a_changed_version_reloads_exactly_once(browser, served) -> None:
    url, root, _ = served
    page, errors = open_kiosk(browser, url + "index.html", SIZES[0])
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    old = page.evaluate("__kiosk.version")
    page.clock.run_for(120_000)
    assert loads == []  # same version: nothing happens
    republish(root / "kiosk" / "centre", old, "0123456789abcdef")
    page.clock.run_for(61_000)
    page.wait_for_function("window.__kiosk && __kiosk.version === '0123456789abcdef'")
    page.clock.run_for(300_000)
    assert len(loads) == 1 and page.evaluate("__kiosk.version") == "0123456789abcdef"
    assert errors == []
    page.context.close()


@pytest.mark.browser
def test_an_unreachable_server_or_a_broken_page_triggers_no_reload(browser, served) -> None:
    url, root, server = served
    page, _ = open_kiosk(browser, url + "index.html", SIZES[0])
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    old = page.evaluate("__kiosk.version")
    # a new version is announced, but the new page does not load: keep the old one
    republish(root / "kiosk" / "centre", old, "fedcba9876543210")
    (root / "kiosk" / "centre" / "index.html").unlink()
    page.clock.run_for(180_000)
    # the server goes away altogether
    server.shutdown()
    page.clock.run_for(180_000)
    assert loads == []
    assert page.evaluate("__kiosk.version") == old
    assert page.evaluate("document.querySelectorAll('.slide.active').length") == 1
    page.context.close()


def republish(folder: Path, old: str, new: str) -> None:
    page = folder / "index.html"
    page.write_text(page.read_text().replace(old, new))
    (folder / "version.json").write_text('{"version": "%s"}\n' % new)


def test_self_contained(mini_site: Path) -> None:
    for station in ("centre", "east-village"):
        html = (mini_site / "kiosk" / station / "index.html").read_text()
        assert all(url.startswith("data:") for tag, attr, url in parse(html).links if attr == "src"), station
        assert re.findall(r"<link[^>]*>", html) == ['<link rel="icon" href="data:,">'] and "<script src" not in html


def test_fonts_subset_to_the_page_and_photos_are_the_portraits(mini_site: Path) -> None:
    """What the golden copy leaves out (it depends on the system's fonts and Pillow's encoder): each inline font
    draws every character the page shows and little more, and each photo is its deputy's portrait."""
    site, _ = model()
    for station in ("centre", "east-village"):
        html = (mini_site / "kiosk" / station / "index.html").read_text()
        faces = re.findall(r'@font-face \{ font-family: "Kiosk Sans"; font-weight: (\d+); '
                           r'src: url\("data:font/woff2;base64,([^"]+)"\)', html)
        assert [weight for weight, _ in faces] == ["400", "700"], station  # no fallback face: Noto has 䶮 and 堃
        shown = unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)))
        wanted = {ord(c) for c in shown if not c.isspace()}
        assert {"centre": "王堃", "east-village": "李䶮"}[station] in shown  # outside GB2312
        for weight, data in faces:
            cmap = set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
            assert wanted - cmap == set(), (station, weight)
            assert len(cmap) < 600, (station, weight)  # a subset, not the 65 000-glyph font
        photos = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)" alt="([^"]+)">', html)
        assert photos, station
        for data, name in photos:
            [deputy] = [d for d in site.deputies.values() if d.name == name]
            photo = base64.b64decode(data)
            assert Image.open(io.BytesIO(photo)).size == (480, 640), name
            assert photo == portrait_jpeg(MINI / deputy.photo), name


def test_version_is_the_digest_of_the_page(mini_site: Path, mini: Path) -> None:
    """The screen reloads when version.json names another version: it must change with any byte of the page
    (fonts and photos included) and only then."""
    versions = {}
    for station in ("centre", "east-village"):
        html = (mini_site / "kiosk" / station / "index.html").read_text()
        [versions[station]] = re.findall(r'"version": "([0-9a-f]{16})"', html)
        assert json.loads((mini_site / "kiosk" / station / "version.json").read_text()) == {"version": versions[station]}
        unversioned = html.replace(versions[station], VERSION_TOKEN)
        assert hashlib.sha256(unversioned.encode()).hexdigest()[:16] == versions[station], station
    path = mini / "stations" / "centre.yaml"
    path.write_text(path.read_text().replace("县中心站是全县联络站的**枢纽**。", "县中心站是全县联络站的中心。"))
    site, env = model(mini)
    changed = kiosk_page(site, env, site.stations["centre"], mini)
    assert "联络站的中心" in changed
    assert re.findall(r'"version": "([0-9a-f]{16})"', changed) not in ([versions["centre"]], [])


def test_fonts_draw_text_that_looks_like_an_image_address(mini: Path) -> None:
    """The fonts are subset to what the template writes, not to the page read back: a notice titled with
    "data:" (as a clerk may paste) keeps its characters, where stripping data: URIs from the page lost them."""
    notice = mini / "notices" / "december.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("title: 12月代表接待日公告",
                                                                 'title: "见 data:鑫檩表"'), encoding="utf-8")
    site, env = model(mini)
    html = kiosk_page(site, env, site.stations["centre"], mini)
    assert "data:鑫檩表" in html
    faces = re.findall(r'font-weight: (\d+); src: url\("data:font/woff2;base64,([^"]+)"\)', html)
    assert [weight for weight, _ in faces] == ["400", "700"]
    for weight, data in faces:
        assert set("鑫檩表") <= {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()}, weight
