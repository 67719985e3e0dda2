"""What a citizen sees: the demo site in real headless Chromium on a phone-sized screen (the lobby
screen on its portrait TV), served over HTTP. No script errors, nothing that fails to load, no
sideways scrolling, and an axe-core audit with no serious or critical accessibility violations."""
from __future__ import annotations

import importlib.resources

import pytest

from tests.render.kiosk.test_screen import assert_a_whole_round, eligible_kinds

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # the demo built, and Chromium

PHONE = {"width": 360, "height": 740}
PORTRAIT_TV = {"width": 1080, "height": 1920}  # the lobby screen is a TV page: checked on its own screen

PAGES = [
    ("index.html", PHONE),
    ("stations/qingshi-town/", PHONE),
    ("deputies/li-yan/", PHONE),
    ("schedule/", PHONE),
    ("search/?q=溪口村", PHONE),  # with results drawn by its script
    ("kiosk/qingshi-town/", PORTRAIT_TV),
]
IDS = ["home", "station", "deputy", "schedule", "search", "kiosk"]

# axe-core as shipped inside the axe-playwright-python wheel: nothing is fetched at run time.
AXE_JS = importlib.resources.files("axe_playwright_python") / "axe.min.js"

BLOCKING_IMPACTS = ("serious", "critical")
KIOSK_TIME = "2026-11-23T10:00:00"  # the demo's build date, during opening hours


def open_page(browser, url: str, viewport: dict) -> tuple[object, list[str]]:
    """Open a page, recording console errors, uncaught exceptions, failed requests and HTTP errors."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.clock.install(time=KIOSK_TIME)  # the lobby screen turns its slides only when the test says so
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.parametrize(("path", "viewport"), PAGES, ids=IDS)
def test_page_loads_cleanly_without_sideways_scrolling(browser, base_url: str, path: str, viewport: dict) -> None:
    page, problems = open_page(browser, base_url + path, viewport)
    try:
        assert page.title()
        widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: innerWidth})")
        assert widths["scroll"] <= widths["inner"], (path, widths, page.evaluate(WIDEST))
        assert problems == []
    finally:
        page.context.close()


# For the failure message: the elements that stick out on the right.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > innerWidth + 0.5)
  .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""


@pytest.mark.parametrize(("path", "viewport"), PAGES, ids=IDS)
def test_no_serious_accessibility_violations(browser, base_url: str, demo, path: str, viewport: dict) -> None:
    page, problems = open_page(browser, base_url + path, viewport)
    try:
        page.add_script_tag(path=str(AXE_JS))
        found = audit(page)
        if path.startswith("kiosk/"):  # every slide of the lobby screen, each shown in turn
            site = demo[0].site
            assert_a_whole_round(eligible_kinds(page), site, site.stations[path.split("/")[1]])
            for index in range(len(eligible_kinds(page))):
                kind = page.evaluate(f"__kiosk.show(__kiosk.eligible(new Date())[{index}]), "
                                     "document.querySelector('.slide.active').dataset.kind")
                found += [f"[slide {kind}] {problem}" for problem in audit(page)]
        assert found == [], f"{path}:\n" + "\n".join(found)
        assert problems == []
    finally:
        page.context.close()


def audit(page) -> list[str]:
    """axe-core on the page as it is now: its serious and critical violations, one line per element."""
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["version"].startswith("4.")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')!r}"
        for violation in results["violations"] if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]


def test_axe_finds_what_it_should(browser, base_url: str) -> None:
    """The audit is live: a page made worse on purpose is caught."""
    page, _ = open_page(browser, base_url + "index.html", PHONE)
    try:
        page.evaluate("""() => {
          const img = document.createElement('img'); img.src = 'static/favicon.svg'; document.body.append(img);
          const p = document.createElement('p'); p.textContent = '低对比度'; p.style.color = '#eee';
          p.style.background = '#fff'; document.querySelector('main').append(p);
        }""")
        page.add_script_tag(path=str(AXE_JS))
        found = " ".join(audit(page))
        assert "image-alt (critical)" in found and "color-contrast (serious)" in found
    finally:
        page.context.close()
