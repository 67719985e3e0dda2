"""Print files read back as a print shop's preflight would: boxes, colour, fonts, text, QR codes."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from liaison import printspec
from liaison.pipeline import Config, build
from liaison.writer import MANIFEST
from tests.conftest import MINI, TODAY, write
from tests.pdf_reading import box_mm, colour_operators, images, qr_codes, reader, text, unembedded_fonts
from tests.render.test_web import SIX_ITEMS

BASE = "https://rd.example.cn/lianluozhan/"


@pytest.fixture(scope="module")
def signage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print")
    build(Config(content=MINI, site_dir=out / "site", signage_dir=out / "signage", today=TODAY))
    return out / "signage"


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
    for pdf in sorted(signage.rglob("*.pdf")):
        data = pdf.read_bytes()
        assert unembedded_fonts(data) == [], pdf
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
    positions = [body.index(title) for title in SIX_ITEMS]
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


def test_every_qr_code_decodes_to_its_url_at_its_size(signage: Path) -> None:
    station = BASE + "stations/centre/"
    poster = qr_codes((signage / "centre" / "poster-1.pdf").read_bytes())
    assert sorted(c.text for c in poster) == sorted([station, BASE + "deputies/wang-kun/", "https://rd.example.cn/find"])
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
             if p.is_file() and not p.name.startswith("manifest") and p.parent.name != "packs" and p.name != MANIFEST}
    assert {row["file"] for row in rows} == files
    production = next(r for r in rows if r["file"] == "centre/signboard-production.pdf")
    assert (production["finished_width_mm"], production["finished_height_mm"], production["bleed_mm"]) == (600, 400, 3)
    assert production["quantity"] == 1 and "金色拉丝牌" in production["material"]
    poster = next(r for r in rows if r["file"] == "centre/poster-1.pdf")
    assert (poster["finished_width_mm"], poster["finished_height_mm"], poster["sheets"]) == (841, 1189, 1)
    csv_text = (signage / "manifest.csv").read_text(encoding="utf-8-sig")
    assert len(csv_text.strip().splitlines()) == len(rows) + 1


def test_print_pack_per_station_is_reproducible(signage: Path) -> None:
    data = (signage / "packs" / "east-village.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        names = set(pack.namelist())
        assert {"east-village/signboard-production.pdf", "east-village/poster-1.pdf", "manifest.csv"} <= names
        assert all(info.date_time == (2026, 11, 26, 0, 0, 0) for info in pack.infolist())  # the build date
        assert pack.read("east-village/poster-1.pdf") == (signage / "east-village" / "poster-1.pdf").read_bytes()


def test_materials_follow_the_profile(mini: Path, tmp_path: Path) -> None:
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {convention: 无锡, poster: {size: A1}}\nopinion_categories:"))
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    names = sorted(p.name for p in (tmp_path / "signage" / "east-village").glob("signboard-*"))
    assert names == ["signboard-production.pdf", "signboard-proof-insert.pdf", "signboard-proof-insert.png",
                     "signboard-proof.pdf", "signboard-proof.png"]  # 铜牌 first, then 插牌
    poster = reader((tmp_path / "signage" / "east-village" / "poster-1.pdf").read_bytes()).pages[0]
    assert box_mm(poster.trimbox) == (0, 0, 594, 841)


def test_user_font_replaces_the_default(mini: Path, tmp_path: Path) -> None:
    from liaison import fonts

    source = fonts.find("Noto Sans CJK SC:style=Bold")  # stands in for a licensed 方正大标宋 file
    from fontTools.ttLib import TTCollection

    collection = TTCollection(source.path)
    collection.fonts[source.index].save(mini / "licensed.otf")
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {font: licensed.otf}\nopinion_categories:"))
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    data = (tmp_path / "signage" / "centre" / "signboard-production.pdf").read_bytes()
    names = [str(f.get_object()["/BaseFont"]) for f in reader(data).pages[0]["/Resources"]["/Font"].values()]
    assert len(names) == 1 and "Signboard-Face" in names[0] and "Serif" not in names[0]


def test_portraits_are_cropped_to_the_frame_at_print_resolution(signage: Path) -> None:
    [photo] = reader((signage / "centre" / "poster-1.pdf").read_bytes()).pages[0].images
    width, height = photo.image.size
    assert abs(width / height - 3 / 4) < 0.01
    assert (width, height) >= tuple(printspec.min_pixels(mm) for mm in printspec.POSTER_PHOTO_MM)


def test_national_emblem_only_when_the_user_supplies_it(mini: Path, tmp_path: Path, signage: Path) -> None:
    from PIL import Image

    assert len(reader((signage / "centre" / "poster-1.pdf").read_bytes()).pages[0].images) == 1  # the portrait only
    Image.new("RGB", (300, 300), (200, 20, 20)).save(mini / "emblem.png")  # a stand-in: the real one is the user's
    text_ = (mini / "site.yaml").read_text()
    write(mini / "site.yaml", text_.replace("opinion_categories:", "signage: {emblem: emblem.png}\nopinion_categories:"))
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY))
    assert len(reader((tmp_path / "signage" / "centre" / "poster-1.pdf").read_bytes()).pages[0].images) == 2
