"""Nothing injected, nothing private published: hostile or careless content never reaches the outputs."""
from __future__ import annotations

import base64
import io
import os
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest
from PIL import Image

from liaison.build.pipeline import Config, build, content_problems
from liaison.build.writer import MANIFEST
from tests import pdf_reading
from tests.conftest import ROOT, TODAY, model, rendered

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
    _, problems = content_problems(content)
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


@pytest.mark.slow
def test_hostile_text_and_markdown_are_inert_in_every_medium(mini: Path, tmp_path: Path) -> None:
    _hostile_site(mini)
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    site, signage = tmp_path / "site", tmp_path / "signage"
    text_files = [p for p in sorted(site.rglob("*")) + sorted(signage.rglob("*"))
                  if p.suffix in (".html", ".xml", ".txt", ".ics", ".json", ".csv", ".svg")
                  or (p.suffix == ".js" and p.parent.name != "static")]  # the search index; not the theme's scripts
    clean = {p.relative_to(GOLDEN.parent).as_posix() for p in GOLDEN.parent.rglob("*") if p.is_file()}
    # every text output of the clean build (its reviewed copy), and the writer's manifests
    assert {p.relative_to(tmp_path).as_posix() for p in text_files} == clean | {f"{part}/{MANIFEST}"
                                                                               for part in ("site", "signage")}
    for path in text_files:
        text = path.read_text(encoding="utf-8-sig")
        # no bidi override, no control character (the feeds' CRLF line ends aside) in any medium
        assert UNSAFE.findall(text.replace("\r\n", "\n")) == [], path.relative_to(tmp_path)
        relative = path.relative_to(tmp_path)
        if path.suffix in (".html", ".xml", ".svg"):  # no script, handler or frame but the theme's own
            theirs = GOLDEN.parent / relative
            expected = dangerous(theirs.read_text(encoding="utf-8-sig")) if theirs.is_file() else []
            assert dangerous(text) == expected, relative
        if path.suffix == ".js":  # data in a script: nothing in it ends the script or starts markup
            assert "</script" not in text.lower() and "<!--" not in text, relative
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


def test_csv_cells_never_start_a_formula(mini: Path) -> None:
    edit(mini / "deputies" / "li-yan.yaml", "unit: 示例县第一中学", """unit: '=HYPERLINK("http://evil.example","点我")'""")
    text = rendered(lambda job: job.target == "data", mini)["data/deputies.csv"].decode("utf-8-sig")
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
    assert any("signage.font: 字体路径“../../../etc/fonts/x.ttf”超出了内容目录" in line for line in lines)


def test_resident_identity_numbers_are_refused_anywhere(mini: Path) -> None:
    # 11010519491231002X is the standard's own worked example (valid check digit)
    edit(mini / "opinions" / "2026-0002.yaml", "summary: 咨询劳动报酬纠纷如何处理",
         "summary: 咨询劳动报酬纠纷如何处理，身份证11010519491231002X")
    edit(mini / "notices" / "december.md", "12月1日上午", "编号110105194912310021（校验位不对，不是身份证号）\n12月1日上午")
    lines = messages(mini)
    assert [line for line in lines if "身份证" in line] == [
        "opinions/2026-0002.yaml:4:26: summary: 疑似居民身份证号（110***********002X），不得公开：请删除"]


def test_mobile_numbers_only_in_contact_fields(mini: Path) -> None:
    edit(mini / "opinions" / "2026-0001.yaml", "summary: 反映村道路面破损，雨天积水",
         "summary: 反映村道路面破损，雨天积水，联系人电话 139 0000 1234")
    edit(mini / "deputies" / "li-yan.yaml", "position: 教师", "position: 教师\nbio: 有事请打13900001234")
    lines = messages(mini)
    assert "opinions/2026-0001.yaml:5:30: summary: 疑似手机号码（139****1234）：此处不是公开联系方式的字段，" \
           "意见台账等只写公开摘要，不写群众的个人信息" in lines
    assert any(line.startswith("deputies/li-yan.yaml:6:10: bio: 疑似手机号码（139****1234）") for line in lines)
    # a deputy's and a staff member's public phone are where mobile numbers belong
    assert not any("phone" in line for line in lines)


ID_FOUND = "疑似居民身份证号（420***********1325），不得公开：请删除"
MOBILE_FOUND = "疑似手机号码（139****1234）：此处不是公开联系方式的字段，意见台账等只写公开摘要，不写群众的个人信息"


@pytest.mark.parametrize(("new", "expected"), [
    # as they were published: typed in groups, in full-width digits, with a Chinese dash, after +86
    ("咨询劳动报酬，证件 4201 0619 9205 1713 25", f"4:20: summary: {ID_FOUND}"),
    ("咨询劳动报酬，证件４２０１０６１９９２０５１７１３２５", f"4:19: summary: {ID_FOUND}"),
    ("咨询劳动报酬，证件 4201-0619-9205-1713-25", f"4:20: summary: {ID_FOUND}"),
    ("咨询劳动报酬，来电１３９００００１２３４", f"4:19: summary: {MOBILE_FOUND}"),
    ("咨询劳动报酬，来电139－0000－1234", f"4:19: summary: {MOBILE_FOUND}"),
    ("咨询劳动报酬，来电139—0000—1234", f"4:19: summary: {MOBILE_FOUND}"),
    ("咨询劳动报酬，来电 +86 139 0000 1234", f"4:24: summary: {MOBILE_FOUND}"),
    ("咨询劳动报酬，来电+8613900001234", f"4:22: summary: {MOBILE_FOUND}"),
    ("咨询劳动报酬，回复至 zhangsan@qq.com", "4:21: summary: 疑似电子邮箱（z***@qq.com）：此处不是公开联系方式的字段"),
    ("咨询劳动报酬，回复至 ｚｈａｎｇ＠ｑｑ．ｃｏｍ", "4:21: summary: 疑似电子邮箱（z***@qq.com）：此处不是公开联系方式的字段"),
])
def test_personal_data_is_found_however_it_was_typed(mini: Path, new: str, expected: str) -> None:
    edit(mini / "opinions" / "2026-0002.yaml", "summary: 咨询劳动报酬纠纷如何处理", f"summary: {new}")
    found = [line for line in messages(mini) if "疑似" in line]
    assert len(found) == 1 and found[0].startswith(f"opinions/2026-0002.yaml:{expected}"), found


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    # a Markdown body: the second line of the notice's text
    ("notices/december.md", "接待群众。", "接待群众。\n预约电话：139 0000 1234", "notices/december.md:8:6: body: "),
    # a block scalar, a folded one, and a number folded across two lines
    ("stations/centre.yaml", "  <script>alert(1)</script>", "  站长手机 13900001234", "stations/centre.yaml:14:8: intro: "),
    ("stations/centre.yaml", "intro: |\n  县中心站是全县联络站的**枢纽**。\n\n  <script>alert(1)</script>",
     "intro: >\n  县中心站是全县联络站的**枢纽**。\n  站长手机 139 0000\n  1234", "stations/centre.yaml:13:8: intro: "),
    # inside a flow mapping of a list item
    ("stations/centre.yaml", "{name: 赵一, role: 站长}", "{name: 赵一 13900001234, role: 站长}",
     "stations/centre.yaml:16:15: staff[0].name: "),
])
def test_personal_data_is_reported_at_its_line_and_column(mini: Path, file: str, old: str, new: str,
                                                         expected: str) -> None:
    edit(mini / file, old, new)
    assert [line for line in messages(mini) if "疑似" in line] == [expected + MOBILE_FOUND]


def test_numbers_and_addresses_that_are_not_personal_data_pass(mini: Path) -> None:
    edit(mini / "opinions" / "2026-0002.yaml", "summary: 咨询劳动报酬纠纷如何处理",
         "summary: 受理编号 2026-1103-0001，转 12345 热线，县人社局 0579-61234567，涉及 139 户 2000 人，"
         "单号 13900001234567，号码 139 0000 123")
    edit(mini / "stations" / "centre.yaml", "  <script>alert(1)</script>", "  来信请寄 lianluozhan@example.gov.cn")
    assert not [line for line in messages(mini) if "疑似" in line]


def test_photos_lose_their_metadata_turn_upright_and_become_srgb(mini: Path) -> None:
    from PIL import ImageCms

    image = Image.new("RGB", (300, 400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    image.save(mini / "photos" / "wang-kun.jpg", exif=exif, icc_profile=profile,
               xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret</x:xmpmeta>")
    edit(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    portraits = rendered(lambda job: job.outputs[:1] in (("media/deputies/wang-kun.jpg",), ("media/deputies/wang-kun-240.jpg",),
                                                    ("deputies/wang-kun/index.html",)), mini)
    for name, width in (("wang-kun.jpg", 480), ("wang-kun-240.jpg", 240)):
        data = portraits[f"media/deputies/{name}"]
        published = Image.open(io.BytesIO(data))
        assert published.size == (width, width * 4 // 3)
        assert b"Exif" not in data and b"secret" not in data and b"ICC_PROFILE" not in data
        assert published.info.get("icc_profile") is None and not published.getexif()
    html = portraits["deputies/wang-kun/index.html"].decode()
    assert 'srcset="../../media/deputies/wang-kun-240.jpg 240w, ../../media/deputies/wang-kun.jpg 480w"' in html


RESAVE = "请在手机或电脑上打开这张照片，另存（导出）为 JPEG 格式后替换"


def test_an_iphone_heic_photo_says_how_to_convert_it(mini: Path) -> None:
    (mini / "photos" / "wang-kun.heic").write_bytes(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic")
    edit(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.heic")
    assert f"deputies/wang-kun.yaml:2:8: photo: 照片“photos/wang-kun.heic”是苹果手机的 HEIC 格式，无法读取：{RESAVE}" \
        in messages(mini)


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: p.write_bytes(b"not an image at all"), "无法读取：不是图片，或文件已损坏、不完整"),
    (lambda p: p.write_bytes(_jpeg(300, 400)[:2000]), "无法读取：不是图片，或文件已损坏、不完整"),
    # decompression bombs: a few hundred bytes declaring 900 megapixels
    (lambda p: p.write_bytes(_png_declaring(30000, 30000)), "声明有 30000×30000 像素，文件却只有 "),
    (lambda p: p.write_bytes(_jpeg_declaring(30000, 30000)), "这不可能是正常的图片（文件已损坏，或是恶意构造的“解压炸弹”），"
                                                              f"未予读取：{RESAVE}"),
    (lambda p: p.write_bytes(_png_declaring(12000, 12000)), "声明有 12000×12000 像素"),
    # plausible bytes, but beyond any camera
    (lambda p: p.write_bytes(_png_declaring(20000, 20000, padding=200_000)),
     "有 20000×20000 像素（400 百万像素），超过上限 250 百万像素：请把照片缩小（例如长边 4000 像素）后替换"),
])
def test_broken_or_malicious_photos_are_errors_naming_the_file(mini: Path, make, reason: str) -> None:
    make(mini / "photos" / "wang-kun.png")
    lines = messages(mini)
    assert any(line.startswith("deputies/wang-kun.yaml:2:8: photo: 照片“photos/wang-kun.png”") and reason in line
               for line in lines), lines


@pytest.mark.parametrize(("mode", "size"), [("RGB", (8000, 6000)), ("L", (16320, 12240))])
def test_phone_photos_up_to_200_megapixels_are_accepted_and_downscaled(mini: Path, mode: str,
                                                                      size: tuple[int, int]) -> None:
    from liaison.render.portraits import portrait_jpeg
    from liaison.render.print.posters import portrait_asset

    # a 48 MP phone photo and a 200 MP one; a flat colour keeps them small on disk
    photo = mini / "photos" / "wang-kun.jpg"
    Image.new(mode, size, 128).save(photo, "JPEG")
    edit(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    assert messages(mini) == []
    # the web page's and kiosk's portraits, and the poster's
    assert Image.open(io.BytesIO(portrait_jpeg(photo, 240))).size == (240, 320)
    assert Image.open(io.BytesIO(portrait_jpeg(photo))).size == (480, 640)
    assert Image.open(io.BytesIO(portrait_asset(photo).data)).size == (471, 628)  # 40 mm at 300 ppi, exactly 3:4


def test_every_medium_takes_a_48_megapixel_photo(mini: Path) -> None:
    from liaison.render.kiosk.screen import kiosk_page
    from liaison.render.print.posters import poster_sheets

    Image.new("RGB", (8000, 6000), (90, 120, 150)).save(mini / "photos" / "wang-kun.jpg", "JPEG")
    edit(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    site, env = model(mini)
    centre = site.stations["centre"]
    web_photo = rendered(lambda job: job.outputs == ("media/deputies/wang-kun.jpg",), mini)["media/deputies/wang-kun.jpg"]
    assert Image.open(io.BytesIO(web_photo)).size == (480, 640)
    kiosk = kiosk_page(site, env, centre, mini)
    shown = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)" alt="([^"]+)">', kiosk)
    assert {alt for _, alt in shown} == {"王堃"}
    assert all(Image.open(io.BytesIO(base64.b64decode(photo))).size == (480, 640) for photo, _ in shown)
    [printed] = pdf_reading.reader(poster_sheets(site, env, centre, mini, None)[0]).pages[0].images
    assert abs(printed.image.width / printed.image.height - 3 / 4) < 0.01


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path: Path) -> None:
    from liaison.content import photos

    Image.new("RGB", (8000, 6000), (90, 120, 150)).save(tmp_path / "p.jpg", "JPEG")
    with photos.open_photo(tmp_path / "p.jpg") as image:
        # a 480×640 portrait needs 640 pixels on the short side: 1/8 scale gives 750, not 6000
        assert photos.decode_at_least(image, (480, 640)).size == (1000, 750)


def _png_declaring(width: int, height: int, padding: int = 0) -> bytes:
    """A one-pixel PNG whose header declares width×height, the decompression bomb's trick."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = struct.pack(">II", width, height)  # IHDR data follows the signature, length and type
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data) + b"\0" * padding


def _jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(_jpeg(64, 64))
    frame = data.index(b"\xff\xc0")  # start of frame: length, precision, then height and width
    data[frame + 5:frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.effect_mandelbrot((width, height), (-2, -1.5, 1, 1.5), 100).convert("RGB").save(out, "JPEG")
    return out.getvalue()
