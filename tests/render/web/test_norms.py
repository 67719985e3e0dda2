"""Government-site norms: the footer lines of site.yaml on every page, each exactly when it is written, checked
formats with located errors, and the way to leave a message (留言) on station pages, lobby screens and posters."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from PIL import Image

from liaison.build.pipeline import content_problems
from liaison.build.plan import Job
from liaison.render.kiosk import screen as kiosk
from liaison.render.print import signage
from tests.conftest import plan_of, rendered, write
from tests.pdf_reading import qr_codes, text

SITE_WIDE = "https://rd.example.cn/liuyan/"  # the mini fixture's site-wide channel
# Each footer key, a value, and what the footer shows for it (and nothing else does).
FOOTER = {
    "organizer": ("示例县人民代表大会常务委员会", "<li>主办单位：示例县人民代表大会常务委员会</li>"),
    "contact": ("0579-61230001，rd@example.cn", "<li>联系方式：0579-61230001，rd@example.cn</li>"),
    "icp": ("浙ICP备2026012345号-2", '<a href="https://beian.miit.gov.cn/" rel="noreferrer">浙ICP备2026012345号-2</a>'),
    "police_record": ("浙公网安备33078302000123号",
                      '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=33078302000123" rel="noreferrer">'
                      "浙公网安备 33078302000123号</a>"),
    "site_code": ("3307830001", "<li>网站标识码：3307830001</li>"),
    "badge": ("images/badge.png", '<img src="{root}media/badge.png" alt="党政机关网站标识"'),
    "error_report_url": ("https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3307830001",
                         '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3307830001">我为政府网站找错</a>'),
}
# Pages at three depths, and the 404 page (which links from the site's root).
PAGES = {"index.html": "", "stations/centre/index.html": "../../", "deputies/li-yan/index.html": "../../",
         "404.html": "https://rd.example.cn/lianluozhan/"}  # the 404 page links absolutely


def edit_site(content: Path, **values: object) -> None:
    path = content / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(values)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def set_footer(content: Path, keys: list[str]) -> None:
    if "badge" in keys:
        (content / "images").mkdir(exist_ok=True)
        Image.new("RGB", (110, 55), (200, 20, 30)).save(content / "images" / "badge.png")
    edit_site(content, footer={key: FOOTER[key][0] for key in keys})


def pages(content: Path) -> dict[str, str]:
    out = rendered(lambda job: any(path in PAGES or path.startswith("media/badge") for path in job.outputs), content)
    return {path: data.decode() if path.endswith(".html") else data.hex() for path, data in out.items()}


@pytest.mark.parametrize("keys", [[key] for key in FOOTER] + [list(FOOTER)])
def test_each_footer_line_appears_on_every_page_exactly_when_set(mini: Path, keys: list[str]) -> None:
    set_footer(mini, keys)
    out = pages(mini)
    for path, root in PAGES.items():
        footer = out[path][out[path].index('<footer class="footer">'):]
        for key, (_, shown) in FOOTER.items():
            assert (shown.format(root=root) in footer) == (key in keys), (path, key)
    assert ("media/badge.png" in out) == ("badge" in keys)  # the office's image is published with the site


def test_no_footer_lines_no_list(mini: Path) -> None:
    out = pages(mini)
    assert all('class="norms"' not in html for html in out.values())
    assert not any(path.startswith("media/") for path in out)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("icp", "京ICP备1234567号", "ICP备案号格式不正确：应为“省份简称 + ICP备 + 8 位或 10 位数字 + 号”"),
    ("icp", "京ICP证12345678号", "ICP备案号格式不正确"),
    ("icp", "京ICP备12345678号-", "ICP备案号格式不正确"),
    ("icp", "A ICP备12345678号", "ICP备案号应以省份简称开头"),
    ("police_record", "京公网安备 1101050203014号", "公安机关备案号格式不正确"),
    ("police_record", "京公网安备 33010502030143号", "京的应以 11 开头，这里是 33"),
    ("site_code", "33078300", "网站标识码格式不正确"),
    ("site_code", "bm0100001", "网站标识码格式不正确"),
    ("error_report_url", "zfwzgl.www.gov.cn/jiucuo", "网址格式不正确"),
    ("badge", "images/missing.png", "党政机关网站标识图片文件“images/missing.png”不存在"),
    ("badge", "site.yaml", "党政机关网站标识应为网页能显示的图片文件"),
])
def test_malformed_footer_values_are_located_errors(mini: Path, key: str, value: str, message: str) -> None:
    path = mini / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"footer:\n  organizer: 示例县人大常委会\n  {key}: {value}\n",
                    encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    _, problems = content_problems(mini)
    [problem] = [p for p in problems if p.severity == "error"]
    assert (problem.path.name, problem.line, problem.column, problem.field) == \
        ("site.yaml", line, len(f"  {key}: ") + 1, f"footer.{key}")
    assert message in problem.message


@pytest.mark.parametrize(("value", "written"), [
    ("京ICP备12345678号", "京ICP备12345678号"), ("京ICP备 12345678号-1", "京ICP备12345678号-1"),
    ("浙ICP备2021012345号", "浙ICP备2021012345号"), ("蜀ICP备2026033844号-1", "蜀ICP备2026033844号-1"),
])
def test_real_icp_forms_are_accepted(mini: Path, value: str, written: str) -> None:
    set_footer(mini, [])
    edit_site(mini, footer={"icp": value})
    html = pages(mini)["index.html"]
    assert f'rel="noreferrer">{written}</a>' in html


def test_site_code_written_without_quotes_is_read_as_the_code(mini: Path) -> None:
    path = mini / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "footer: {site_code: 3307830001}\n", encoding="utf-8")
    assert "<li>网站标识码：3307830001</li>" in pages(mini)["index.html"]


# ---- the message channel -----------------------------------------------------------------------------------

def own_channel(content: Path) -> None:
    write(content / "stations" / "east-village.yaml", (content / "stations" / "east-village.yaml").read_text(
        encoding="utf-8") + "message_channel: {wechat: 东村议事厅, url: 'https://rd.example.cn/dongcun/liuyan'}\n")


def station_outputs(content: Path) -> dict[str, bytes]:
    def wanted(job: Job) -> bool:
        return job.outputs[:1] in [(path,) for path in ("stations/centre/index.html", "stations/east-village/index.html",
                                  kiosk.page_path("centre"), kiosk.page_path("east-village"),
                                  signage.poster_path("centre"), signage.poster_path("east-village"))]
    return rendered(wanted, content)


def test_station_page_screen_and_poster_show_the_stations_own_channel_else_the_sites(mini: Path) -> None:
    own_channel(mini)
    out = station_outputs(mini)
    centre = out["stations/centre/index.html"].decode()
    east = out["stations/east-village/index.html"].decode()
    assert '<a href="tel:057961230000">0579-61230000</a>' in centre and SITE_WIDE in centre  # the site's
    assert "东村议事厅" in east and "https://rd.example.cn/dongcun/liuyan" in east  # its own, instead
    assert "0579-61230000" not in east and SITE_WIDE not in east
    assert '<a href="#message">给代表留言</a>' in east
    for station, shown, hidden in (("centre", "0579-61230000", "东村议事厅"), ("east-village", "东村议事厅", "0579-61230000")):
        screen = out[kiosk.page_path(station)].decode()
        slide = re.search(r'<section class="slide" data-kind="message">.*?</section>', screen, re.S)
        assert slide and shown in slide.group() and hidden not in slide.group()
    assert "给代表留言" in text(out[signage.poster_path("centre")]) and "0579-61230000" in text(
        out[signage.poster_path("centre")])
    assert "在微信中搜索“东村议事厅”" in text(out[signage.poster_path("east-village")])
    # the web-form address as a QR code on the poster
    assert "https://rd.example.cn/dongcun/liuyan" in [c.text for c in qr_codes(out[signage.poster_path("east-village")])]


def test_without_any_channel_nothing_is_shown(mini: Path) -> None:
    edit_site(mini, message_channel=None)
    out = station_outputs(mini)
    for path, data in out.items():
        assert ("给代表留言" in (text(data) if path.endswith(".pdf") else data.decode())) is False, path


def test_a_channel_needs_one_way_at_least(mini: Path) -> None:
    edit_site(mini, message_channel={})
    _, problems = content_problems(mini)
    [problem] = problems
    assert problem.field == "message_channel" and "留言渠道至少写一种" in problem.message


# ---- declared inputs --------------------------------------------------------------------------------------

def test_outputs_that_show_the_footer_or_the_channel_declare_those_settings(mini: Path) -> None:
    set_footer(mini, ["badge"])
    jobs = {job.outputs[0]: job for job in plan_of(mini) if job.outputs}
    for path in (*PAGES, "stations/index.html", "schedule/index.html", "opinions/index.html"):
        assert "footer" in jobs[path].inputs.settings, path
    for path in ("stations/centre/index.html", kiosk.page_path("centre"), signage.poster_path("centre")):
        assert "message_channel" in jobs[path].inputs.settings, path
    badge = jobs["media/badge.png"]
    assert badge.inputs.files == ("content:images/badge.png",) and badge.inputs.settings == ("footer",)
