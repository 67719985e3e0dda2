"""适老化 and accessibility of the public site, in headless Chromium on the demo: the 大字版 and 高对比度 switch on
every page (remembered across pages, also from file://), axe-core with no serious or critical violation on every
page kind in every mode, no sideways scrolling at 320 px or at 200 % zoom, the keyboard (skip link, a visible
focus ring everywhere, the switch), reduced motion (the lobby screen too), and the page without script.
docs/accessibility.md maps these tests to the requirements of GB/T 37668-2019."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.search import write_search
from liaison.build.config import Config
from liaison.build.pipeline import prepare
from liaison.model import tombstones
from liaison.render.web import search
from tests.conftest import DEMO, DEMO_TODAY, served
from tests.test_citizen_view import AXE_JS, audit, open_page

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # the demo built, and Chromium

PHONE = {"width": 360, "height": 740}
NARROWEST = 320                    # WCAG 1.4.10 reflow: 1280 px at 400 %
ZOOMED = {"width": 640, "height": 400}  # a 1280×800 screen at 200 % zoom: the same CSS pixels

# One page of every kind the site has; search with results drawn by its script.
PAGES = {
    "home": "index.html",
    "stations": "stations/",
    "station": "stations/qingshi-town/",
    "deputies": "deputies/",
    "deputy": "deputies/li-yan/",
    "schedule": "schedule/",
    "notices": "notices/",
    "notice": "notices/2026-12-reception-day/",  # with a table written in its Markdown
    "reception-notice": "schedule/2026-12-01-qingshi-town-reception/",
    "opinions": "opinions/",
    "deputies-township": "deputies/township/qingshi-town/",  # the long lists' parts (by township, month, year)
    "schedule-month": "schedule/2026-11/",
    "schedule-part": "schedule/2026-11/qingshi-town/",
    "opinions-year": "opinions/2026/",
    "opinions-part": "opinions/2026/qingshi-town/",
    "search": "search/?q=溪口村",
    "systems": "systems/",
    "system": "systems/reception/",
    "404": "404.html",
}
# Pages the demo does not have, from `extra_url`: a gone deputy's page, and the search with its index split by
# region (a province's), a region chosen and results drawn; each with what it must show.
EXTRA = {"gone": ("deputies/zhao-yi/", "原来的页面"),
         "search-split": ("search/?r=qingshi-town&q=%E5%BE%B7%E6%98%8E", "张德明")}  # ?r=…&q=德明
MODES = {"normal": (), "large-text": ("large-text",), "large-high-contrast": ("large-text", "high-contrast")}
LARGE = 1.3  # the least growth of the body text in 大字版


def switch_on(page, *options: str) -> None:
    """Press the page's own buttons, as a reader would."""
    for option in options:
        page.click(f"#reading-tools button[data-option={option}]")
        assert page.evaluate(f"document.documentElement.classList.contains('{option}')")


def body_font(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def sideways(page, width: int) -> dict | None:
    """None if the page fits `width` CSS pixels; else the widths and the first elements that stick out."""
    page.set_viewport_size({"width": width, "height": 700})
    found = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
      widest: [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > innerWidth + 0.5)
        .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))})""")
    return None if found["scroll"] <= found["inner"] else found


def test_every_page_kind_is_listed(demo) -> None:
    """The pages audited below exist in the demo, so that a renamed record cannot quietly drop a kind."""
    _, out = demo
    for path in PAGES.values():
        file = out / "site" / path.split("?")[0]
        assert (file / "index.html" if file.is_dir() else file).is_file(), path


def open_kind(browser, base_url: str, demo, kind: str):
    """The page of that kind. The 404 page links its files by the public address (it is served at any depth):
    those requests are answered from the built files."""
    if kind != "404":
        return open_page(browser, base_url + PAGES[kind], PHONE)
    page, problems = open_page(browser, base_url + PAGES["home"], PHONE)
    public = str(demo[0].site.settings.base_url)
    site: Path = demo[1] / "site"
    page.route(public + "**", lambda route: route.fulfill(path=site / route.request.url[len(public):]))
    page.goto(base_url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_violations_and_no_sideways_scrolling(browser, base_url: str, demo, kind: str, mode: str) -> None:
    page, problems = open_kind(browser, base_url, demo, kind)
    passes_audit(page, problems, kind, mode)


@pytest.fixture(scope="module")
def extra_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's search page and index split by region, and the page of a deputy the last build published whose
    record is gone (a register saying so), with the static files and photos they load, served over HTTP."""
    site = tmp_path_factory.mktemp("extra") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SPLIT_ABOVE", 0)
        write_search(DEMO, site, DEMO_TODAY, ("media/", "static/"))
    gone = tombstones.Page("deputies/zhao-yi/index.html", "deputies", "zhao-yi", "赵一", "qingshi-town", "2026-10-31")
    config = Config(content=DEMO, site_dir=site, signage_dir=site.parent / "signage", today=DEMO_TODAY)
    prepared = prepare(config, tombstones.Register(pages=(gone,)))
    for job in prepared.jobs:
        if job.outputs == (gone.path,):
            for output in job.run(prepared.context).outputs:
                (site / output.path).parent.mkdir(parents=True)
                (site / output.path).write_bytes(output.data)
    assert (site / gone.path).is_file() and (site / search.region_path("qingshi-town")).is_file()
    yield from served(site)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", EXTRA)
def test_no_serious_violations_on_a_gone_records_page_and_a_split_search(browser, extra_url: str, kind: str,
                                                                         mode: str) -> None:
    path, shows = EXTRA[kind]
    page, problems = open_page(browser, extra_url + path, PHONE)
    passes_audit(page, problems, kind, mode, shows)


def passes_audit(page, problems: list[str], kind: str, mode: str, shows: str = "") -> None:
    """The page shows `shows`; in the mode, no serious or critical axe violation, no sideways scrolling at 320 px
    and at 200 % zoom, and nothing failed to load; the page closed after."""
    try:
        assert shows in page.text_content("main")
        assert page.evaluate("document.styleSheets.length") >= 3 and page.is_visible("#reading-tools")
        switch_on(page, *MODES[mode])
        page.add_script_tag(path=str(AXE_JS))
        found = audit(page)
        assert found == [], f"{kind} ({mode}):\n" + "\n".join(found)
        for width in (NARROWEST, ZOOMED["width"]):
            assert sideways(page, width) is None, (kind, mode, width, sideways(page, width))
        assert problems == []
    finally:
        page.context.close()


def test_large_text_grows_the_text_and_tap_targets_and_is_remembered_across_pages(browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "index.html", PHONE)
    try:
        normal, tap = body_font(page), nav_link_height(page)
        assert page.get_attribute("#reading-tools button[data-option=large-text]", "aria-pressed") == "false"
        switch_on(page, "large-text")
        assert body_font(page) >= LARGE * normal and nav_link_height(page) > tap >= 44
        assert page.get_attribute("#reading-tools button[data-option=large-text]", "aria-pressed") == "true"
        # another page, reached by a link: large from the first paint, and its switch shows it is on
        with page.expect_navigation():
            page.click(".masthead nav a[href*='deputies']")
        assert "/deputies/" in page.url and body_font(page) >= LARGE * normal
        assert page.get_attribute("#reading-tools button[data-option=large-text]", "aria-pressed") == "true"
        page.click("#reading-tools button[data-option=large-text]")  # off again, for the next page too
        page.wait_for_load_state("networkidle")  # (its portraits loaded, not cut short by leaving)
        page.goto(base_url + "schedule/")
        assert body_font(page) == normal
        assert problems == []
    finally:
        page.context.close()


def nav_link_height(page) -> float:
    return page.evaluate("Math.min(...[...document.querySelectorAll('.masthead nav a, #reading-tools button')]"
                         ".map(a => a.getBoundingClientRect().height))")


def test_the_switch_works_opened_from_disk(browser, demo) -> None:
    """file://: no server, the choice is still remembered from page to page."""
    site: Path = demo[1] / "site"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto((site / "index.html").as_uri())
        normal = body_font(page)
        switch_on(page, "large-text", "high-contrast")
        page.goto((site / "stations" / "qingshi-town" / "index.html").as_uri())
        assert body_font(page) >= LARGE * normal
        assert page.evaluate("document.documentElement.className") == "large-text high-contrast"
    finally:
        context.close()


def test_high_contrast_darkens_the_text_and_lines(browser, base_url: str) -> None:
    page, _ = open_page(browser, base_url + "opinions/", PHONE)
    try:
        before = page.evaluate("getComputedStyle(document.body).color")
        switch_on(page, "high-contrast")
        assert before != "rgb(0, 0, 0)" and page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
        assert page.evaluate("getComputedStyle(document.querySelector('.card, td, .stats > div')).borderTopColor") \
            == "rgb(0, 0, 0)"
    finally:
        page.context.close()


def test_without_script_the_switch_is_hidden_and_the_page_reads_well(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": NARROWEST, "height": 700}, java_script_enabled=False)
    page = context.new_page()
    try:
        for path in (PAGES["home"], PAGES["station"], PAGES["opinions"]):
            page.goto(base_url + path)
            assert not page.is_visible("#reading-tools") and page.is_visible("main h1")
            assert body_font(page) == 16 and sideways(page, NARROWEST) is None, path
    finally:
        context.close()


# ---- keyboard -------------------------------------------------------------------------------------------------

def contrast(a: list[float], b: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The focused element's outline, and the colour behind it: the first ancestor with a background.
FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  let behind = el.parentElement, colour = 'rgba(0, 0, 0, 0)';
  const clear = c => c.startsWith('rgba') && c.endsWith(', 0)');
  while (behind && clear(colour = getComputedStyle(behind).backgroundColor)) behind = behind.parentElement;
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + el.textContent.trim().slice(0, 12),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth), ring: style.outlineColor,
          behind: behind ? colour : 'rgb(255, 255, 255)', visible: box.width > 0 && box.height > 0 && box.bottom > 0}
}"""


def rgb(css: str) -> list[float]:
    return [float(v) for v in re.findall(r"[\d.]+", css)[:3]]


@pytest.mark.parametrize("mode", ["normal", "large-high-contrast"])
def test_the_keyboard_reaches_everything_with_a_visible_focus_ring(browser, base_url: str, mode: str) -> None:
    """Tab from the top: the skip link first, then the switch, the navigation and the page; every stop shows a ring
    at least 2 px wide that stands 3:1 against what is behind it (on the red masthead and the dark footer too)."""
    page, _ = open_page(browser, base_url + PAGES["station"], PHONE)
    try:
        switch_on(page, *MODES[mode])
        page.reload()  # the choice is remembered; Tab starts from the top
        stops = []
        for _ in range(60):  # the header, the facts, the table of contents and into the page
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS_RING))
        page.keyboard.press("End")
        page.focus(".footer a")
        stops.append(page.evaluate(FOCUS_RING))
        assert stops[0]["tag"].startswith("a.skip") and stops[0]["visible"]
        assert any(s["tag"].startswith("button") for s in stops[1:4])  # the switch comes right after
        bad = [s for s in stops if s["style"] == "none" or s["width"] < 2 or not s["visible"]
               or contrast(rgb(s["ring"]), rgb(s["behind"])) < 3]
        assert bad == [], "\n".join(map(str, bad))
    finally:
        page.context.close()


def test_the_skip_link_and_the_switch_work_from_the_keyboard(browser, base_url: str) -> None:
    page, _ = open_page(browser, base_url + PAGES["deputy"], PHONE)
    try:
        normal = body_font(page)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # 大字版
        page.keyboard.press("Enter")
        assert body_font(page) >= LARGE * normal
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")  # 跳到正文
        assert page.url.endswith("#main")
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    finally:
        page.context.close()


# ---- motion ---------------------------------------------------------------------------------------------------

MOVING = """() => [...document.querySelectorAll('*')].filter(el => {
  const s = getComputedStyle(el);
  return [s.transitionDuration, s.animationDuration].some(d => d.split(',').some(v => parseFloat(v) > 0));
}).map(el => el.id || el.tagName.toLowerCase())"""


def test_reduced_motion_is_respected_on_the_site_and_the_lobby_screen(browser, base_url: str) -> None:
    for reduced, kiosk_moving in (("no-preference", ["stage"]), ("reduce", [])):
        context = browser.new_context(viewport={"width": 1080, "height": 1920}, reduced_motion=reduced)
        page = context.new_page()
        page.clock.install(time="2026-11-23T10:00:00")
        try:
            page.goto(base_url + "kiosk/qingshi-town/")
            assert page.evaluate(MOVING) == kiosk_moving  # the burn-in drift, the one motion, steps when reduced
            if reduced == "reduce":
                for path in PAGES.values():  # (the 404 page's links are public: its own page only)
                    page.goto(base_url + path)
                    assert page.evaluate(MOVING) == [], path
        finally:
            context.close()
