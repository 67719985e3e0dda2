"""Reception notices: when they go public, the web page, the WeChat text and the A4 sheet for the bulletin board."""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from liaison.build.packs import make_packs
from liaison.render.print import spec as printspec
from liaison.render.print.notices import receptions_to_post
from tests.conftest import TODAY, model, rendered, web_page, write
from tests.html_links import broken_local_links, parse
from tests.pdf_reading import box_mm, qr_codes, reader, text

BASE = "https://rd.example.cn/lianluozhan/"
NOTICE = "schedule/2026-12-01-centre/index.html"
WECHAT = "schedule/2026-12-01-centre/wechat.txt"
SHEET = "centre/reception-notice-2026-12-01-centre.pdf"
TITLE = "关于2026年12月1日示例县人大代表联络中心站代表接待活动的公告"


@pytest.fixture
def built(mini_build: Path) -> Path:
    return mini_build


def _web(content: Path, today: dt.date) -> dict[str, str]:
    """The website's pages for a given day, as text."""
    return {path: data.decode("utf-8-sig") for path, data in rendered(web_page, content, today).items()}


# ---- when a notice is public ----------------------------------------------------------

EAST_DECEMBER = ("kind: 接待日\nstation: east-village\ndate: 2026-12-01\nstart: '09:00'\nend: '11:30'\n"
                 "theme: 冬季用电用火安全\ndeputies: [li-yan]\n")


def test_without_announced_the_notice_is_public_lead_days_before(mini: Path) -> None:
    write(mini / "events" / "2026-12-01-east.yaml", EAST_DECEMBER)  # lead 3 days: public from 2026-11-28
    notice = "schedule/2026-12-01-east/index.html"
    before = _web(mini, dt.date(2026, 11, 27))
    assert notice not in before and "schedule/2026-12-01-east/wechat.txt" not in before
    assert "2026-12-01-east/" not in before["sitemap.xml"]
    assert 'href="2026-12-01-east/index.html"' not in before["schedule/index.html"]
    on_the_day = _web(mini, dt.date(2026, 11, 28))
    assert notice in on_the_day and "schedule/2026-12-01-east/wechat.txt" in on_the_day
    assert BASE + "schedule/2026-12-01-east/" in on_the_day["sitemap.xml"]
    assert 'href="2026-12-01-east/index.html"' in on_the_day["schedule/index.html"]
    assert "2026年11月28日" in on_the_day[notice]  # the publication date shown is the computed one
    after = _web(mini, dt.date(2026, 12, 20))
    assert notice in after  # past receptions keep their notice
    assert "本次接待活动已结束" in after[notice]


def test_with_announced_the_notice_is_public_from_that_day(mini: Path) -> None:
    write(mini / "events" / "2026-12-01-east.yaml", EAST_DECEMBER + "announced: 2026-11-20\n")
    notice = "schedule/2026-12-01-east/index.html"
    assert notice not in _web(mini, dt.date(2026, 11, 19))
    pages = _web(mini, dt.date(2026, 11, 20))
    assert notice in pages and "2026年11月20日" in pages[notice]


def test_the_a4_sheet_follows_the_publication_window(mini: Path) -> None:
    """The receptions whose A4 sheet is among the station's print files (test_a4_sheet_is_in_the_manifest_and_the_pack
    follows one into the manifest)."""
    write(mini / "events" / "2026-12-01-east.yaml", EAST_DECEMBER)

    def to_post(today: dt.date) -> list[str]:
        site, _ = model(mini, today)
        return [event.id for event in receptions_to_post(site, site.stations["east-village"])]

    assert to_post(dt.date(2026, 11, 27)) == []
    assert to_post(dt.date(2026, 11, 28)) == ["2026-12-01-east"]  # not the past 2026-11-03-east: nothing to post
    assert to_post(dt.date(2026, 12, 2)) == []  # over: taken down from the board


# ---- the web page and the WeChat text -------------------------------------------------

def test_notice_page_states_the_facts_and_links_correctly(built: Path) -> None:
    site = built / "site"
    html = (site / NOTICE).read_text()
    assert f"<h1>{TITLE}</h1>" in html
    for fact in ("2026年12月1日（星期二）", "09:00–11:30", "示例县人民路1号", "冬季出行安全", "0579-61234567",
                 "城关镇东村 党支部书记", "参与方式", "示例县人大常委会办公室发布", "2026年11月25日"):
        assert fact in html, fact
    links = {url for _, _, url in parse(html).links}
    assert {"../../deputies/wang-kun/index.html", "wechat.txt", "../../calendar/centre.ics",
            "../../stations/centre/index.html", "../index.html"} <= links
    assert f'<link rel="canonical" href="{BASE}schedule/2026-12-01-centre/">' in html
    assert broken_local_links(site) == []
    schedule_page = (site / "schedule" / "index.html").read_text()
    assert f'<a href="2026-12-01-centre/index.html">{TITLE}</a>' in schedule_page  # 接待公告
    assert f"<loc>{BASE}schedule/2026-12-01-centre/</loc>" in (site / "sitemap.xml").read_text()


def test_wechat_text_is_plain_short_and_complete(built: Path) -> None:
    data = (built / "site" / WECHAT).read_bytes()
    assert data.startswith("\ufeff".encode())  # UTF-8 that browsers recognise without a charset header
    body = data.decode("utf-8-sig")
    for fact in (TITLE, "2026年12月1日", "星期二", "09:00–11:30", "示例县人民路1号", "冬季出行安全", "王堃",
                 "0579-61234567", BASE + "schedule/2026-12-01-centre/"):
        assert fact in body, fact
    lines = body.splitlines()
    assert BASE + "schedule/2026-12-01-centre/" in lines  # on a line of its own, so WeChat links it
    assert all(len(line) <= 36 for line in lines if not line.startswith("http")), lines
    for markup in ("<", "&", "**", "](", "# ", "|"):
        assert markup not in body, markup


def test_text_from_content_is_escaped_in_html_and_verbatim_in_the_wechat_text(mini: Path) -> None:
    event = (mini / "events" / "2026-12-01-centre.yaml").read_text()
    write(mini / "events" / "2026-12-01-centre.yaml", event.replace("冬季出行安全", "道路 & 停车 <试点>"))
    pages = _web(mini, TODAY)
    assert "道路 &amp; 停车 &lt;试点&gt;" in pages[NOTICE] and "<试点>" not in pages[NOTICE]
    assert "主题：道路 & 停车 <试点>" in pages[WECHAT]


# ---- the A4 sheet for the bulletin board -----------------------------------------------

def test_a4_sheet_is_one_page_with_the_facts_and_the_station_code(built: Path) -> None:
    data = (built / "signage" / SHEET).read_bytes()
    pdf = reader(data)
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert box_mm(page.mediabox) == box_mm(page.trimbox) == (0, 0, 210, 297)  # no bleed: office A4
    body = text(data)
    for fact in ("代表接待公告", TITLE, "2026年12月1日（星期二）", "09:00–11:30", "示例县人民路1号", "冬季出行安全",
                 "王堃", "城关镇东村党支部书记", "示例县人大常委会办公室发布", "2026年11月25日"):
        assert fact in body, fact
    [code] = qr_codes(data)
    assert code.text == BASE + "stations/centre/"
    assert code.size_mm >= 30 and abs(code.size_mm - printspec.QR_NOTICE_MM) < 0.5


def test_a4_sheet_is_in_the_manifest_and_the_pack(built: Path, tmp_path: Path) -> None:
    signage = built / "signage"
    rows = json.loads((signage / "manifest.json").read_text())
    [row] = [r for r in rows if r["file"] == SHEET]
    assert row["item"] == "接待公告（A4）"
    assert (row["finished_width_mm"], row["finished_height_mm"], row["bleed_mm"]) == (210, 297, 0)
    assert (row["sheets"], row["quantity"]) == (1, 1)
    assert "A4 普通纸或铜版纸" in row["material"]
    assert not [r for r in rows if r["station"] == "east-village" and "reception-notice" in r["file"]]
    [made] = make_packs(signage, ["centre"], tmp_path)
    with zipfile.ZipFile(made) as pack:
        assert pack.read(SHEET) == (signage / SHEET).read_bytes()
