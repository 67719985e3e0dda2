"""The six items (liaison/rules/six_items.py) are named alike wherever they are shown: the station page, the wall
poster, the lobby screen and the compliance report, each in the rule's order."""
from __future__ import annotations

import html
import re

import pytest

from liaison.render.kiosk.screen import kiosk_page
from liaison.render.print.posters import poster_sheets
from liaison.render.report.compliance import report_outputs
from liaison.rules import compliance
from liaison.rules.six_items import ITEMS, TITLES
from tests.conftest import MINI, files, model, rendered, web_page
from tests.pdf_reading import text

STATION = "east-village"


def numbered(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(number, html.unescape(title)) for number, title in found]


def test_the_rule_has_six_items_numbered_in_order() -> None:
    assert [item.number for item in ITEMS] == list("一二三四五六")
    assert len({item.key for item in ITEMS}) == len(set(TITLES)) == 6


def test_the_station_page_heads_and_lists_the_six_items() -> None:
    page = rendered(web_page)[f"stations/{STATION}/index.html"].decode()
    expected = [(item.number, item.title) for item in ITEMS]
    assert numbered(re.findall(r'<span class="item-no">(.)</span>([^<]+)</h2>', page)) == expected
    assert re.findall(r'<li><a href="#(\w+)">(.)、([^<]+)</a></li>', page)[:6] == [
        (item.key, item.number, item.title) for item in ITEMS]
    for item in ITEMS:
        assert f'<section id="{item.key}" class="item"' in page  # the contents' anchors lead to the items


def test_the_lobby_screen_lists_the_six_items() -> None:
    site, env = model()
    page = kiosk_page(site, env, site.stations[STATION], MINI)
    six = page[page.index('data-kind="six"'):]
    found = re.findall(r'<li><span class="no">(.)</span><span>([^<]+)</span></li>', six)
    assert numbered(found) == [(item.number, item.title) for item in ITEMS]


def test_the_wall_poster_heads_the_six_items_in_order() -> None:
    site, env = model()
    body = "".join(text(sheet) for sheet in poster_sheets(site, env, site.stations[STATION], MINI, None))
    positions = [body.find(item.number + item.title) for item in ITEMS]
    assert -1 not in positions and positions == sorted(positions), positions


def test_the_compliance_report_names_the_missing_items_by_their_titles(monkeypatch: pytest.MonkeyPatch) -> None:
    site, env = model()
    monkeypatch.setattr(compliance, "published_items", lambda *_: {item.key: False for item in ITEMS})
    report = compliance.check(site, 2026)
    details = {f.detail for f in report.findings if f.rule == "six_items"}
    assert details == {"缺少：" + "、".join(TITLES)}
    outputs = files(report_outputs(site, report, env))
    assert "缺少：" + "、".join(TITLES) in html.unescape(outputs["compliance.html"].decode())
