"""A reception's notice says the same on its web page, its A4 sheet and its WeChat text: one template of its words
(themes/default/templates/notice-reception-wording.html), laid out by each medium, escaped as each needs."""
from __future__ import annotations

import html
import re
from pathlib import Path

from liaison.render.print.notices import notice_sheet
from tests.conftest import MINI, model, rendered, web_page
from tests.pdf_reading import text

EVENT = "2026-12-01-centre"
# How each medium leads to the deputies' codes: a link on the page, the station code on the sheet, the page's address
# at the foot of the WeChat text.
REACH = {"web": "在本站页面通过代表码", "print": "扫描下方站码", "wechat": "打开下方链接"}


def plain(markup: str) -> str:
    """Text as read, without tags or whitespace (as the PDF's text is extracted)."""
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def notices(content: Path = MINI) -> tuple[str, dict[str, str]]:
    """The notice's web page (HTML), and its text without whitespace in each medium."""
    site, env = model(content)
    outputs = rendered(web_page, content)
    page = outputs[f"schedule/{EVENT}/index.html"].decode()
    sheet, _ = notice_sheet(site, env, site.events[EVENT], None)
    wechat = outputs[f"schedule/{EVENT}/wechat.txt"].decode("utf-8-sig")
    return page, {"web": plain(page), "print": text(sheet), "wechat": "".join(wechat.split())}


def test_web_print_and_wechat_say_the_same() -> None:
    page, media = notices()
    article = page[page.index('<article class="reception-notice">'):]
    title = plain(re.search(r"<h1>(.*?)</h1>", article).group(1))
    intro = plain(re.search(r"<p>(为密切.*?)</p>", article).group(1))
    ways = [plain(item) for item in re.findall(r"<li>(.*?)</li>", article[article.index("<h2>参与方式</h2>"):])[:3]]
    assert len(ways) == 3 and REACH["web"] in ways[1]
    for medium, said in media.items():
        for words in (title, "接待时间", "接待地点", "接待主题", "接待代表", *ways[::2]):
            assert words in said, (medium, words)
        assert ways[1].replace(REACH["web"], REACH[medium]) in said, medium
    for medium in ("web", "print"):  # the WeChat text is the short form: its title says what the intro says
        assert intro in media[medium], medium
    assert "参与方式" in media["print"] and "代表接待公告" in media["print"] and "代表接待公告" in media["wechat"]


def test_each_medium_escapes_the_shared_words_as_it_needs(mini: Path) -> None:
    station = mini / "stations" / "centre.yaml"
    station.write_text(station.read_text().replace("name: 示例县人大代表联络中心站", "name: 示例县A&B人大代表联络中心站"))
    page, media = notices(mini)
    assert "示例县A&amp;B人大代表联络中心站定于" in page  # in the intro, escaped once
    assert "关于2026年12月1日示例县A&amp;B人大代表联络中心站代表接待活动的公告" in page  # and in the title
    assert "&amp;amp;" not in page
    for medium in ("print", "wechat"):
        assert "关于2026年12月1日示例县A&B人大代表联络中心站代表接待活动的公告" in media[medium], medium
        assert "&amp;" not in media[medium], medium
