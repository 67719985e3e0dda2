"""Print files read back as a print shop's preflight would: boxes, colour, fonts, text, QR codes."""
from __future__ import annotations

import errno
import io
import json
import os
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from liaison.build.plan import Job
from liaison.build.writer import MANIFEST
from liaison.cli import main
from liaison.render.print import pdf as pdf_module
from liaison.render.print import signboards
from liaison.render.print import spec as printspec
from liaison.render.print.posters import poster_sheets
from liaison.rules.six_items import TITLES
from tests.conftest import MINI, model, plan_of, rendered, write
from tests.pdf_reading import box_mm, colour_operators, font_names, images, qr_codes, reader, text, unembedded_fonts

BASE = "https://rd.example.cn/lianluozhan/"


@pytest.fixture
def signage(mini_build: Path) -> Path:
    return mini_build / "signage"


def production_artwork(content: Path, station: str) -> bytes:
    """The signboard's production PDF, rendered alone (no proofs, no other print file)."""
    site, env = model(content)
    return signboards.production(site, env, site.stations[station], content, None)


def first_poster_sheet(content: Path, station: str) -> bytes:
    site, env = model(content)
    return poster_sheets(site, env, site.stations[station], content, None)[0]


def test_signboard_boxes_are_plate_plus_bleed(signage: Path) -> None:
    for name in ("signboard-production.pdf", "signboard-proof.pdf"):
        page = reader((signage / "centre" / name).read_bytes()).pages[0]
        assert box_mm(page.trimbox) == (0, 0, 600, 400), name
        assert box_mm(page.mediabox) == (-3, -3, 603, 403), name
        assert box_mm(page.bleedbox) == (-3, -3, 603, 403), name


def test_production_artwork_is_cmyk_red_text_only(signage: Path) -> None:
    data = (signage / "centre" / "signboard-production.pdf").read_bytes()
    assert colour_operators(data) == {"cs /DeviceCMYK", "scn 0 1 1 0"}  # C0 M100 Y100 K0, nothing else
    assert b"DeviceRGB" not in data
    assert images(data) == 0  # vector text, no texture, no marks
    assert text(data) == "示例县人大代表联络中心站"


def test_every_font_is_embedded_and_subset(signage: Path) -> None:
    """Each a subset of one of the faces the print templates name: text the stylesheets do not reach (an SVG's)
    would be set in fontconfig's default faces, read whole from their files. (No character of mini needs a
    fallback face: test_fonts.py has one that does.)"""
    subsets = {pdf_module._subset_family(family, weight).replace(" ", "-") for family, weight in pdf_module.SUBSET_FACES}
    for pdf in sorted(signage.rglob("*.pdf")):
        data = pdf.read_bytes()
        assert unembedded_fonts(data) == [], pdf
        faces = {_face(name) for name in font_names(data)}
        assert faces and faces <= subsets, (pdf, faces - subsets)
    production = reader((signage / "centre" / "signboard-production.pdf").read_bytes())
    [font] = production.pages[0]["/Resources"]["/Font"].values()
    assert "+" in str(font.get_object()["/BaseFont"])  # a subset tag, ABCDEF+Name


def test_proof_shows_the_plate_at_150_ppi(signage: Path) -> None:
    pdf = reader((signage / "centre" / "signboard-proof.pdf").read_bytes())
    [image] = pdf.pages[0].images
    assert image.image.size[0] >= printspec.min_pixels(606) and image.image.size[1] >= printspec.min_pixels(406)
    assert (signage / "centre" / "signboard-proof.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_poster_has_the_six_items_in_order(signage: Path) -> None:
    sheets = sorted((signage / "centre").glob("poster-*.pdf"))
    assert sheets and sheets[0].name == "poster-1.pdf"
    body = "".join(text(s.read_bytes()) for s in sheets)
    positions = [body.index(title) for title in TITLES]
    assert positions == sorted(positions)
    assert "人民选我当代表，我当代表为人民" in body


def test_poster_sheet_size_and_minimum_text_size(signage: Path) -> None:
    data = (signage / "centre" / "poster-1.pdf").read_bytes()
    page = reader(data).pages[0]
    assert box_mm(page.trimbox) == (0, 0, 841, 1189)
    assert box_mm(page.mediabox) == (-3, -3, 844, 1192)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        sizes = {round(char["size"], 1) for char in pdf.pages[0].chars}
    assert min(sizes) >= printspec.POSTER_MIN_PT - 0.05


def test_poster_sets_the_flow_chart_in_the_heading_face(signage: Path) -> None:
    """The flow chart is an SVG: the page's stylesheet does not reach its text, which fell to fontconfig's defaults
    (DejaVu Sans, BabelStone Han) and embedded a 51 MB font whole in every poster."""
    with pdfplumber.open(io.BytesIO((signage / "centre" / "poster-1.pdf").read_bytes())) as pdf:
        chars = [char for page in pdf.pages for char in page.chars]
    step = f"1.{model(MINI)[0].settings.opinion_flow[0]}"
    start = "".join(char["text"] for char in chars).index(step)
    heading = pdf_module._subset_family("Noto Serif CJK SC", 900).replace(" ", "-")  # as the PDF names it
    assert {_face(char["fontname"]) for char in chars[start:start + len(step)]} == {heading}


def _face(name: str) -> str:
    """A PDF font's face without its subset tag (ABCDEF+) and style (-Bold, -Heavy): the family name WeasyPrint
    gave it."""
    return name.lstrip("/").split("+")[-1].removesuffix("-Bold").removesuffix("-Heavy")


def test_every_qr_code_decodes_to_its_url_at_its_size(signage: Path) -> None:
    station = BASE + "stations/centre/"
    poster = qr_codes((signage / "centre" / "poster-1.pdf").read_bytes())
    assert sorted(c.text for c in poster) == sorted([station, BASE + "deputies/wang-kun/", "https://rd.example.cn/find",
                                                     "https://rd.example.cn/liuyan/"])  # and the site's 留言 form
    for code in poster:
        minimum = printspec.QR_STATION_MM if code.text == station else 30
        assert code.size_mm >= minimum - 0.5, code
    [card] = qr_codes((signage / "east-village" / "qr-deputy-li-yan.pdf").read_bytes())
    assert card.text == BASE + "deputies/li-yan/"
    [card] = qr_codes((signage / "centre" / "qr-station.pdf").read_bytes())
    assert card.text == station and card.size_mm >= printspec.QR_STATION_MM - 0.5
    assert "李䶮代表" in text((signage / "east-village" / "qr-deputy-li-yan.pdf").read_bytes())


def test_manifest_lists_every_file_with_size_sheets_material_quantity(signage: Path) -> None:
    rows = json.loads((signage / "manifest.json").read_text())
    files = {p.relative_to(signage).as_posix() for p in signage.rglob("*")
             if p.is_file() and not p.name.startswith("manifest") and p.name != MANIFEST}
    assert {row["file"] for row in rows} == files
    production = next(r for r in rows if r["file"] == "centre/signboard-production.pdf")
    assert (production["finished_width_mm"], production["finished_height_mm"], production["bleed_mm"]) == (600, 400, 3)
    assert production["quantity"] == 1 and "金色拉丝牌" in production["material"]
    poster = next(r for r in rows if r["file"] == "centre/poster-1.pdf")
    assert (poster["finished_width_mm"], poster["finished_height_mm"], poster["sheets"]) == (841, 1189, 1)
    csv_text = (signage / "manifest.csv").read_text(encoding="utf-8-sig")
    assert len(csv_text.strip().splitlines()) == len(rows) + 1


def test_a_build_makes_no_pack_and_pack_zips_the_published_files(signage: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert not (signage / "packs").exists()
    rows = json.loads((signage / "manifest.json").read_text())
    assert main(["pack", "--signage", str(signage), "--station", "east-village", "--output", str(tmp_path)]) == 0
    assert "east-village.zip" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["east-village.zip"]
    data = (tmp_path / "east-village.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        own = [row["file"] for row in rows if row["station"] == "east-village"]
        assert pack.namelist() == [*own, "manifest.csv"]
        assert {"east-village/signboard-production.pdf", "east-village/poster-1.pdf"} <= set(own)
        for name in own:  # byte for byte the published files
            assert pack.read(name) == (signage / name).read_bytes(), name
        # Each entry dated by its content, as the PDF's metadata has it; the manifest by the newest of them.
        for info in pack.infolist():
            if info.filename.endswith(".pdf"):
                created = str(reader(pack.read(info.filename)).metadata["/CreationDate"])
                assert created.startswith("D:{:04}{:02}{:02}".format(*info.date_time[:3])), info.filename
        assert pack.getinfo("manifest.csv").date_time == max(info.date_time for info in pack.infolist())
        listed = pack.read("manifest.csv").decode("utf-8-sig").splitlines()
        assert [line.split(",")[0] for line in listed] == ["file", *own]
    again = tmp_path / "again"
    assert main(["pack", "--signage", str(signage), "--output", str(again), "-q"]) == 0  # every station
    assert sorted(p.name for p in again.iterdir()) == sorted(f"{row['station']}.zip" for row in rows
                                                                if row["file"].endswith("signboard-production.pdf"))
    assert (again / "east-village.zip").read_bytes() == data  # reproducible


def test_pack_refuses_an_unknown_station_and_a_place_inside_the_outputs(signage: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", "--signage", str(signage), "--station", "east-vilage", "--output", str(tmp_path)]) == 2
    assert "没有编号为“east-vilage”的联络站的制作文件，是否想写“east-village”？" in capsys.readouterr().err
    assert main(["pack", "--signage", str(signage), "--output", str(signage / "packs")]) == 2
    assert "--output：制作包不能写在" in capsys.readouterr().err
    assert main(["pack", "--signage", str(tmp_path / "nothing"), "--output", str(tmp_path / "out")]) == 5
    assert "不是本程序生成的制作文件目录" in capsys.readouterr().err
    assert main(["build", "--output", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir()) and not (signage / "packs").exists()



def test_a_pack_that_cannot_be_written_leaves_the_old_one_and_no_temporary(signage: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The last step of writing a pack fails (a full disk): the pack made before is whole and nothing of the
    failed one is left in the folder (a fixed `.name.partial` was, and two `pack` runs wrote into one)."""
    assert main(["pack", "--signage", str(signage), "--station", "east-village", "--output", str(tmp_path)]) == 0
    before = (tmp_path / "east-village.zip").read_bytes()

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    assert main(["pack", "--signage", str(signage), "--station", "east-village", "--output", str(tmp_path)]) == 5
    assert "无法写入制作包目录" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["east-village.zip"]
    assert (tmp_path / "east-village.zip").read_bytes() == before

def test_materials_follow_the_profile(mini: Path) -> None:
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {convention: 无锡, poster: {size: A1}}\nopinion_categories:"))
    names = [path for job in plan_of(mini) if job.station == "east-village" for path in job.outputs
             if "/signboard-" in path]  # the files the plan makes (tests/build/test_plan.py: and a build writes)
    assert names == ["east-village/signboard-production.pdf", "east-village/signboard-proof.pdf",
                     "east-village/signboard-proof.png", "east-village/signboard-proof-insert.pdf",
                     "east-village/signboard-proof-insert.png"]  # 铜牌 first, then 插牌
    poster = reader(first_poster_sheet(mini, "east-village")).pages[0]
    assert box_mm(poster.trimbox) == (0, 0, 594, 841)


def test_user_font_replaces_the_default(mini: Path) -> None:
    from liaison.render import fonts

    source = fonts.find("Noto Sans CJK SC:style=Bold")  # stands in for a licensed 方正大标宋 file
    from fontTools.ttLib import TTCollection

    collection = TTCollection(source.path)
    collection.fonts[source.index].save(mini / "licensed.otf")
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {font: licensed.otf}\nopinion_categories:"))
    data = production_artwork(mini, "centre")
    names = [str(f.get_object()["/BaseFont"]) for f in reader(data).pages[0]["/Resources"]["/Font"].values()]
    assert len(names) == 1 and "Signboard-Face" in names[0] and "Serif" not in names[0]


def test_portraits_are_cropped_to_the_frame_at_print_resolution(signage: Path) -> None:
    [photo] = reader((signage / "centre" / "poster-1.pdf").read_bytes()).pages[0].images
    width, height = photo.image.size
    assert abs(width / height - 3 / 4) < 0.01
    assert (width, height) >= tuple(printspec.min_pixels(mm) for mm in printspec.POSTER_PHOTO_MM)


def test_national_emblem_only_when_the_user_supplies_it(mini: Path, signage: Path) -> None:
    from PIL import Image

    assert len(reader((signage / "centre" / "poster-1.pdf").read_bytes()).pages[0].images) == 1  # the portrait only
    Image.new("RGB", (300, 300), (200, 20, 20)).save(mini / "emblem.png")  # a stand-in: the real one is the user's
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {emblem: emblem.png}\nopinion_categories:"))
    assert len(reader(first_poster_sheet(mini, "centre")).pages[0].images) == 2


def _text_lines(data: bytes) -> list[str]:
    """The page's text line by line, top to bottom."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        rows: dict[int, list[dict]] = {}
        for char in pdf.pages[0].chars:
            rows.setdefault(round(char["top"]), []).append(char)
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]


def test_signboard_lines_never_split_a_word_and_follow_name_lines(mini: Path) -> None:
    station = mini / "stations" / "east-village.yaml"
    text_ = station.read_text().replace("name: 城关镇东村人大代表联络站", "name: 清源县城关镇东门农贸市场社区人大代表联络站")
    write(station, text_)
    assert _text_lines(production_artwork(mini, "east-village")) == ["清源县城关镇", "东门农贸市场社区", "人大代表联络站"]
    write(station, text_.replace("short_name:", "name_lines: [清源县城关镇东门, 农贸市场社区, 人大代表联络站]\nshort_name:"))
    assert _text_lines(production_artwork(mini, "east-village")) == ["清源县城关镇东门", "农贸市场社区", "人大代表联络站"]


@pytest.mark.slow  # renders every print file of mini
def test_every_print_file_fits_its_declared_sheets_with_long_names(mini: Path) -> None:
    """Long short names (7 to 17 characters) and a long deputy name: each card stays one sheet, and every PDF
    has exactly the pages the manifest declares."""
    for path, old, new in [
        ("stations/east-village.yaml", "short_name: 东村站", "short_name: 白沙洲农副产品综合大市场社区联络站"),
        ("stations/centre.yaml", "short_name: ", "short_name: 城关镇东门社区联络站  # was: "),
        ("deputies/li-yan.yaml", "name: 李䶮", "name: 阿卜杜热合曼·买买提"),
    ]:
        text_ = (mini / path).read_text()
        assert old in text_, (path, old)
        write(mini / path, text_.replace(old, new, 1))
    shop = rendered(lambda job: job.target == "print", mini)
    rows = json.loads(shop["manifest.json"])
    pdfs = [row for row in rows if row["file"].endswith(".pdf")]
    assert pdfs
    for row in pdfs:
        pages = len(reader(shop[row["file"]]).pages)
        assert pages == row["sheets"], row["file"]
        if "/qr-" in row["file"]:
            assert pages == 1, row["file"]
    card = shop["east-village/qr-station.pdf"]
    assert "白沙洲农副产品综合大市场社区联络站站码" in text(card)


def display_p3_profile() -> bytes:
    """An ICC profile with Display P3's primaries (as phones tag their photos): LittleCMS's sRGB profile with its
    red, green and blue colorants replaced by P3's, adapted to D50."""
    import struct

    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    colorants = {b"rXYZ": (0.5151, 0.2412, -0.0011), b"gXYZ": (0.2920, 0.6922, 0.0419),
                 b"bXYZ": (0.1571, 0.0666, 0.7841)}
    (count,) = struct.unpack_from(">I", data, 128)
    for index in range(count):
        signature, offset, _ = struct.unpack_from(">4sII", data, 132 + 12 * index)
        if signature in colorants:
            struct.pack_into(">3i", data, offset + 8, *(round(v * 65536) for v in colorants[signature]))
    data[84:100] = bytes(16)  # the profile id (an MD5 of the old contents) no longer holds
    return bytes(data)


def test_print_and_web_portraits_agree_in_colour_for_a_wide_gamut_photo(mini: Path) -> None:
    from PIL import Image, ImageStat

    p3_red = (200, 40, 40)
    Image.new("RGB", (600, 800), p3_red).save(mini / "photos" / "wang-kun.jpg", quality=95,
                                                icc_profile=display_p3_profile())
    text_ = (mini / "deputies" / "wang-kun.yaml").read_text()
    write(mini / "deputies" / "wang-kun.yaml", text_.replace("photos/wang-kun.png", "photos/wang-kun.jpg"))
    [printed] = reader(first_poster_sheet(mini, "centre")).pages[0].images
    portrait = "media/deputies/wang-kun.jpg"
    web = Image.open(io.BytesIO(rendered(lambda job: job.outputs == (portrait,), mini)[portrait]))
    print_rgb, web_rgb = (ImageStat.Stat(im.image.convert("RGB") if hasattr(im, "image") else im.convert("RGB")).mean
                          for im in (printed, web))
    assert all(abs(p - w) <= 2 for p, w in zip(print_rgb, web_rgb, strict=True)), (print_rgb, web_rgb)
    assert web_rgb[0] > p3_red[0] + 10  # converted: P3's red is redder than the same numbers in sRGB
    assert abs(printed.image.width / printed.image.height - 3 / 4) < 0.01


@pytest.mark.slow
def test_every_demo_qr_card_is_small_one_sheet_readable_and_decodes(demo) -> None:
    report, out = demo
    site, signage = report.site, out / "signage"
    rows = {row["file"]: row for row in json.loads((signage / "manifest.json").read_text())}
    cards = 0
    for station_id, station in site.stations.items():
        for deputy in [None, *(m.deputy for m in site.members(station))]:
            path = f"{station_id}/{'qr-deputy-' + deputy.id if deputy else 'qr-station'}.pdf"
            data = (signage / path).read_bytes()
            assert len(data) < 30_000, (path, len(data))  # 145 to 195 KB each, a whole-face font subset, before
            [page] = reader(data).pages
            row = rows[path]
            assert box_mm(page.trimbox) == (0, 0, row["finished_width_mm"], row["finished_height_mm"]), path
            caption = f"{deputy.name}代表扫码联系代表" if deputy else f"{station.short_name} 站码扫码查看本站代表和信息"
            assert text(data).replace("\n", "") == caption.replace(" ", ""), path
            [code] = qr_codes(data)
            symbol = printspec.QR_CARD_DEPUTY_MM if deputy else printspec.QR_STATION_MM
            assert code.text == site.qr_target(deputy or station) and code.size_mm >= symbol - 0.5, path
            cards += 1
    assert cards == sum(1 + len(site.members(s)) for s in site.stations.values()) > 50


def _pixels(data: bytes) -> list[bytes]:
    import pypdfium2

    return [page.render(scale=150 / 72).to_pil().convert("RGB").tobytes() for page in pypdfium2.PdfDocument(data)]


@pytest.mark.slow  # renders in the whole CJK faces and rasterises every page
def test_print_in_subset_faces_looks_and_reads_as_in_whole_faces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of PDF set in the Noto CJK faces (a card with a rare character, a poster sheet, a reception notice)
    is the same, pixel for pixel at 150 ppi and in its text, as WeasyPrint makes it from the whole faces."""
    from liaison.render.print import pdf
    from liaison.render.print import signage as renderers

    wanted = ("east-village/qr-deputy-li-yan.pdf", "centre/poster-1.pdf")
    def kinds(job: Job) -> bool:  # a card, a poster, the notices: what is compared below, no other card or poster
        return job.render is renderers.reception_notice or any(job.owns(path) for path in wanted)

    pdf._prefer_subsets.cache_clear()  # as in a fresh process: whole faces first must not keep subsets off after
    with monkeypatch.context() as whole_faces:
        whole_faces.setattr(pdf, "SUBSET_FACES", ())
        whole = rendered(kinds)
    subset = rendered(kinds)
    notices = [path for path in subset if "/reception-notice-" in path]
    assert notices and set(wanted) <= set(subset)
    for path in [*wanted, *notices]:
        assert _pixels(subset[path]) == _pixels(whole[path]), path
        assert text(subset[path]) == text(whole[path]), path
        assert len(subset[path]) < len(whole[path]) / 2, path
    assert "李䶮代表" in text(subset["east-village/qr-deputy-li-yan.pdf"])  # 䶮 is drawn by BabelStone Han, whole
