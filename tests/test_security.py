"""Nothing injected, nothing private published: hostile or careless content never reaches the outputs."""
from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest
from PIL import Image

from liaison.loader import load_content
from liaison.pipeline import Config, build
from liaison.validate import validate
from tests import pdf_reading
from tests.conftest import ROOT, TODAY

GOLDEN = ROOT / "tests" / "golden" / "mini" / "site"

# Hostile strings a one-line field accepts (it refuses control characters: see below) …
HOSTILE = ('<script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="https://evil.example"></iframe>'
           '<svg onload="alert(5)"></svg><a href="JaVaScRiPt:alert(6)">甲</a><a href="&#106;avascript:alert(7)">乙</a>')
# … and Markdown: links with every scheme trick, raw HTML, a bidi override and stray carriage returns.
HOSTILE_LINKS = ("[点我](javascript:alert(3)) [大写](JaVaScRiPt:alert(3)) [实体](&#106;avascript:alert(3)) "
                 "[十六进制](&#x6A;avascript:alert(3)) [制表](java&#x09;script:alert(3)) "
                 "[图](data:text/html;base64,PHNjcmlwdD4=) [VB](vbscript:msgbox(3)) [空格]( javascript:alert(3))")
HOSTILE_MARKDOWN = f"""{HOSTILE_LINKS}

{HOSTILE}

<a href="javascript:alert(4)">链接</a> <svg onload="alert(5)"></svg> 反\u202e向 回\r车

<iframe src="data:text/html,x"></iframe>
"""
SCHEMES = ("http:", "https:", "mailto:", "tel:")
# never in any output: C0 and C1 controls but tab and line feed (CRLF line ends are allowed), bidi controls
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def messages(content: Path) -> list[str]:
    _, problems = validate(load_content(content), content)
    return [p.format(relative_to=content) for p in problems if p.severity == "error"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


class _Tags(HTMLParser):
    """Real tags and attributes only: escaped text such as &lt;img onerror=…&gt; is harmless."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag in ("iframe", "object", "embed", "frame", "base", "form"):
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.in_script = names.get("type") != "application/json"
            if "src" in names:
                self.found.append(f"<script src={names['src']}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                # as a browser reads it: entities decoded (by the parser), case, spaces and tabs ignored
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:")) or (
                        scheme.startswith("data:") and scheme != "data:," and not scheme.startswith(("data:image/", "data:font/"))):
                    self.found.append(f"<{tag} {name}={value[:30]}>")

    def handle_data(self, data: str) -> None:
        # the one script allowed is the kiosk's own, which starts with its header comment
        if self.in_script and data.strip() and not data.lstrip().startswith("/* Lobby screen"):
            self.found.append("inline <script>")
        self.in_script = False


def dangerous(html: str) -> list[str]:
    """Anything from content that could run or load: scripts, handlers, javascript:/data: links, frames."""
    parser = _Tags()
    parser.feed(html)
    return parser.found


def _hostile_site(mini: Path) -> None:
    station = mini / "stations" / "centre.yaml"
    edit(station, "short_name: 县中心站", f"short_name: '县中心站{HOSTILE}'")
    edit(station, "intro: |\n  县中心站是全县联络站的**枢纽**。", "intro: |\n" + "".join(
        f"  {line}\n" for line in HOSTILE_MARKDOWN.replace("\r", "\r  ").split("\n")) + "  县中心站是全县联络站的**枢纽**。")
    edit(mini / "deputies" / "wang-kun.yaml", "position: 党支部书记", f"position: '党支部书记{HOSTILE}'")
    edit(mini / "events" / "2026-12-01-centre.yaml", "theme: 冬季出行安全", f"theme: '冬季出行安全{HOSTILE}'")
    edit(mini / "notices" / "december.md", "12月1日上午", HOSTILE_MARKDOWN + "\n12月1日上午")
    edit(mini / "systems" / "reception.md", "每月第一个周二上午。", HOSTILE_MARKDOWN)


def test_hostile_text_and_markdown_are_inert_in_every_medium(mini: Path, tmp_path: Path) -> None:
    _hostile_site(mini)
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    site, signage = tmp_path / "site", tmp_path / "signage"
    text_files = [p for p in sorted(site.rglob("*")) + sorted(signage.rglob("*"))
                  if p.suffix in (".html", ".xml", ".txt", ".ics", ".json", ".csv", ".svg")]
    assert len(text_files) > 30
    for path in text_files:
        text = path.read_text(encoding="utf-8-sig")
        # no bidi override, no control character (the feeds' CRLF line ends aside) in any medium
        assert UNSAFE.findall(text.replace("\r\n", "\n")) == [], path.relative_to(tmp_path)
        if path.suffix in (".html", ".xml", ".svg"):
            assert dangerous(text) == [], path.relative_to(tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (site / "stations" / "centre" / "index.html").read_text()
    # the Atom feed's content is HTML a feed reader renders: the same sanitised HTML
    feed = ElementTree.parse(site / "notices" / "feed.xml").getroot()
    contents = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}content")]
    assert any("点我" in c for c in contents) and all(dangerous(c) == [] for c in contents)
    # the lobby screen's intro: the link's words, never its address
    kiosk = (site / "kiosk" / "centre" / "index.html").read_text()
    intro = re.search(r'<p class="intro[^"]*"[^>]*>(.*?)</p>', kiosk, re.S).group(1)
    assert intro.startswith("点我 大写 实体 十六进制 制表 图 VB 空格") and "alert" not in intro
    # the WeChat text: exactly the clean notice with the hostile words in their places, as plain text
    golden = (GOLDEN / "schedule" / "2026-12-01-centre" / "wechat.txt").read_text(encoding="utf-8-sig")
    expected = (golden.replace("冬季出行安全", f"冬季出行安全{HOSTILE}").replace("党支部书记", f"党支部书记{HOSTILE}")
                .replace("（县中心站）", f"（县中心站{HOSTILE}）"))
    assert (site / "schedule" / "2026-12-01-centre" / "wechat.txt").read_text(encoding="utf-8-sig") == expected
    # the calendar feeds: the same entries and properties as the clean feed, the text verbatim
    for feed_name in ("centre", "all"):
        raw = (site / "calendar" / f"{feed_name}.ics").read_bytes()
        assert all(line.endswith(b"\r") for line in raw.split(b"\n")[:-1])  # no line split by content
        clean = icalendar.Calendar.from_ical((GOLDEN / "calendar" / f"{feed_name}.ics").read_bytes())
        hostile = icalendar.Calendar.from_ical(raw)
        assert [(c.name, list(c)) for c in hostile.walk()] == [(c.name, list(c)) for c in clean.walk()]
        [event] = [e for e in hostile.walk("VEVENT") if str(e["UID"]).startswith("2026-12-01-centre@")]
        assert str(event["SUMMARY"]) == f"示例县人大代表联络中心站 · 接待日：冬季出行安全{HOSTILE}"
    # print: the poster and the A4 notice carry the words, and no link but http(s), mail and phone
    pdfs = sorted((signage / "centre").glob("poster-*.pdf")) + [signage / "centre" / "reception-notice-2026-12-01-centre.pdf"]
    for pdf in pdfs:
        assert pdf_actions(pdf.read_bytes()) == [], pdf.name
    assert "点我大写" in pdf_reading.text(pdfs[0].read_bytes())


def pdf_actions(data: bytes) -> list[str]:
    """Link targets that are not http(s), mail or phone, and any JavaScript, in a PDF."""
    reader = pdf_reading.reader(data)
    catalogue = reader.trailer["/Root"]
    names = catalogue["/Names"].get_object() if "/Names" in catalogue else {}
    found = [key for key in ("/OpenAction", "/AA") if key in catalogue] + [k for k in ("/JavaScript",) if k in names]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            uri = str(action.get("/URI", ""))
            if action.get("/S") == "/JavaScript" or (action.get("/S") == "/URI" and not uri.startswith(SCHEMES)):
                found.append(f"{action.get('/S')} {uri}")
    return found


@pytest.mark.parametrize(("escaped", "name"), [
    ("\\r", "回车符 U+000D"), ("\\n", "换行符 U+000A"), ("\\t", "制表符 U+0009"), ("\\e", "控制字符 U+001B"),
    ("\\N", "换行符 U+0085"), ("\\x9b", "控制字符 U+009B"), ("\\L", "行分隔符 U+2028"),
    ("\\u202e", "双向文字控制符 U+202E"), ("\\u2066", "双向文字控制符 U+2066"),
])
def test_one_line_fields_refuse_control_and_bidi_characters(mini: Path, escaped: str, name: str) -> None:
    # "返乡\rX-INJECT:1" would split an iCalendar line; U+202E makes text read backwards
    edit(mini / "events" / "2026-12-01-centre.yaml", "theme: 冬季出行安全", f'theme: "返乡{escaped}X-INJECT:1"')
    edit(mini / "deputies" / "li-yan.yaml", "name: 李䶮", f'name: "李{escaped}䶮"')
    edit(mini / "site.yaml", "county: 示例县}", f'county: "示例{escaped}县"}}')
    why = f"此处只能写一行文字：第 {{}} 个字符是{name}，请删除（换行、控制字符和改变文字方向的字符都不能出现在一行文字中）"
    assert sorted(messages(mini)) == [
        f"deputies/li-yan.yaml:1:7: name: {why.format(2)}",
        f"events/2026-12-01-centre.yaml:6:8: theme: {why.format(3)}",
        f"site.yaml:3:44: region.county: {why.format(3)}",
    ]


def test_csv_cells_never_start_a_formula(mini: Path, tmp_path: Path) -> None:
    edit(mini / "deputies" / "li-yan.yaml", "unit: 示例县第一中学", """unit: '=HYPERLINK("http://evil.example","点我")'""")
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    text = (tmp_path / "site" / "data" / "deputies.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert not any(cell.startswith(("=", "+", "@")) for line in text.splitlines() for cell in line.split(","))


def test_urls_in_content_must_be_http_or_https(mini: Path) -> None:
    station = mini / "stations" / "centre.yaml"
    edit(station, "url: https://rd.example.cn/find", "url: data:text/html,hi")
    edit(station, "tier: 县", "tier: 县\nqr_target: javascript:alert(1)")
    # rd.example.cn@evil.example leads to evil.example; U+202E hides what the address says
    edit(mini / "deputies" / "li-yan.yaml", "position: 教师", "position: 教师\nqr_target: https://rd.example.cn@evil.example/")
    edit(mini / "deputies" / "wang-kun.yaml", "position: 党支部书记",
         'position: 党支部书记\nqr_target: "https://rd.example.cn/\\u202egpj.exe"')
    lines = messages(mini)
    assert any("stations/centre.yaml" in line and "scenarios[0].url: 网址格式不正确" in line for line in lines)
    assert any("stations/centre.yaml" in line and "qr_target: 网址格式不正确" in line for line in lines)
    assert any("deputies/li-yan.yaml" in line and "qr_target: 网址格式不正确：不能含用户名或密码" in line for line in lines)
    assert any("deputies/wang-kun.yaml" in line and "qr_target: 网址格式不正确" in line for line in lines)


def test_paths_cannot_leave_the_content_directory(mini: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    Image.new("RGB", (300, 400), "red").save(outside)
    os.symlink(outside, mini / "photos" / "link.png")
    edit(mini / "deputies" / "li-yan.yaml", "name: 李䶮", "name: 李䶮\nphoto: photos/link.png")
    edit(mini / "site.yaml", "opinion_categories:", "signage: {font: ../../../etc/fonts/x.ttf}\nopinion_categories:")
    lines = messages(mini)
    assert any(line.startswith("deputies/li-yan.yaml:2:8: photo: 照片路径“photos/link.png”超出了内容目录") for line in lines)
    assert any("signage.font: 字体文件“../../../etc/fonts/x.ttf”不存在或超出内容目录" in line for line in lines)


def test_resident_identity_numbers_are_refused_anywhere(mini: Path) -> None:
    # 11010519491231002X is the standard's own worked example (valid check digit)
    edit(mini / "opinions" / "2026-0002.yaml", "summary: 咨询劳动报酬纠纷如何处理",
         "summary: 咨询劳动报酬纠纷如何处理，身份证11010519491231002X")
    edit(mini / "notices" / "december.md", "12月1日上午", "编号110105194912310021（校验位不对，不是身份证号）\n12月1日上午")
    lines = messages(mini)
    assert [line for line in lines if "身份证" in line] == [
        "opinions/2026-0002.yaml:4:10: summary: 疑似居民身份证号（110***********002X），不得公开：请删除"]


def test_mobile_numbers_only_in_contact_fields(mini: Path) -> None:
    edit(mini / "opinions" / "2026-0001.yaml", "summary: 反映村道路面破损，雨天积水",
         "summary: 反映村道路面破损，雨天积水，联系人电话 139 0000 1234")
    edit(mini / "deputies" / "li-yan.yaml", "position: 教师", "position: 教师\nbio: 有事请打13900001234")
    lines = messages(mini)
    assert "opinions/2026-0001.yaml:5:10: summary: 疑似手机号码（139****1234）：此处不是公开联系方式的字段，" \
           "意见台账等只写公开摘要，不写群众的个人信息" in lines
    assert any(line.startswith("deputies/li-yan.yaml:6:6: bio: 疑似手机号码（139****1234）") for line in lines)
    # a deputy's and a staff member's public phone are where mobile numbers belong
    assert not any("phone" in line for line in lines)


def test_photos_lose_their_metadata_turn_upright_and_become_srgb(mini: Path, tmp_path: Path) -> None:
    from PIL import ImageCms

    image = Image.new("RGB", (300, 400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    image.save(mini / "photos" / "wang-kun.jpg", exif=exif, icc_profile=profile,
               xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret</x:xmpmeta>")
    edit(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    for name, width in (("wang-kun.jpg", 480), ("wang-kun-240.jpg", 240)):
        data = (tmp_path / "site" / "media" / "deputies" / name).read_bytes()
        published = Image.open(io.BytesIO(data))
        assert published.size == (width, width * 4 // 3)
        assert b"Exif" not in data and b"secret" not in data and b"ICC_PROFILE" not in data
        assert published.info.get("icc_profile") is None and not published.getexif()
    html = (tmp_path / "site" / "deputies" / "wang-kun" / "index.html").read_text()
    assert 'srcset="../../media/deputies/wang-kun-240.jpg 240w, ../../media/deputies/wang-kun.jpg 480w"' in html


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: p.write_bytes(b"not an image at all"), "无法读取：不是图片，或文件已损坏、不完整"),
    (lambda p: p.write_bytes(_jpeg(300, 400)[:2000]), "无法读取：不是图片，或文件已损坏、不完整"),
    (lambda p: Image.new("1", (10000, 10000)).save(p, "PNG"), "超过上限 40 百万像素"),
])
def test_broken_or_malicious_photos_are_errors_naming_the_file(mini: Path, make, reason: str) -> None:
    make(mini / "photos" / "wang-kun.png")
    lines = messages(mini)
    assert any(line.startswith("deputies/wang-kun.yaml:2:8: photo: 照片“photos/wang-kun.png”") and reason in line
               for line in lines), lines


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.effect_mandelbrot((width, height), (-2, -1.5, 1, 1.5), 100).convert("RGB").save(out, "JPEG")
    return out.getvalue()
