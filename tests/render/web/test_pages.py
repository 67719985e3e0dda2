"""The public website built from the small fixture: golden output, links, sub-path serving."""
from __future__ import annotations

import os
import re
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.build.writer import MANIFEST
from liaison.rules.six_items import TITLES
from tests.conftest import ROOT, serving, snapshot
from tests.html_links import broken_local_links, external_resources, is_external, parse

GOLDEN = ROOT / "tests" / "golden" / "mini"
TEXT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".svg", ".txt", ".ics"}
TEXT_FILES = {"search/entries.js"}  # generated scripts (the theme's own are its files, not outputs to review)


@pytest.fixture
def built(mini_build: Path) -> Path:
    return mini_build


def _reviewable(data: bytes) -> bytes:
    """Inline fonts and photos, and the kiosk's version (a digest of its page, fonts included), as placeholders:
    they depend on the system's fonts and on Pillow's JPEG encoder, not on the templates, and the kiosk tests
    check them (test_fonts_subset_to_the_page_and_photos_are_the_portraits, test_version_is_the_digest_of_the_page).
    """
    data = re.sub(rb"(data:[\w/+.-]+;base64,)[A-Za-z0-9+/=]+", rb"\1(inline)", data)
    return re.sub(rb'("version": ")[0-9a-f]{16}"', rb'\1(digest of the page)"', data)


def test_golden_output(built: Path) -> None:
    """Every text output equals the reviewed copy; UPDATE_GOLDEN=1 rewrites the copy, then fails."""
    actual = {f"{part}/{path}": _reviewable(data) for part in ("site", "signage")  # not the writer's MANIFEST:
              for path, data in snapshot(built / part).items()  # the golden copy holds what it digests
              if (Path(path).suffix in TEXT_SUFFIXES or path in TEXT_FILES) and path != MANIFEST}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, data in actual.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
        pytest.fail(f"UPDATE_GOLDEN is set: {GOLDEN.relative_to(ROOT)} was rewritten from this build. Review "
                    f"`git diff {GOLDEN.relative_to(ROOT).parent}`, then run the tests again without UPDATE_GOLDEN.",
                    pytrace=False)
    expected = {f"{part}/{path}": data for part in ("site", "signage")
                for path, data in snapshot(GOLDEN / part).items()}
    assert sorted(actual) == sorted(expected)
    for path in expected:
        assert actual[path].decode() == expected[path].decode(), path


def test_page_for_every_record_at_stable_urls(built: Path) -> None:
    site = built / "site"
    for path in ["index.html", "stations/centre/index.html", "stations/east-village/index.html",
                 "deputies/wang-kun/index.html", "deputies/li-yan/index.html", "systems/reception/index.html",
                 "notices/december/index.html", "schedule/index.html", "opinions/index.html", "404.html",
                 "sitemap.xml", "notices/feed.xml", "data/stations.json", "data/deputies.csv",
                 "media/deputies/wang-kun.jpg", "static/style.css"]:
        assert (site / path).is_file(), path


def test_station_page_has_the_six_items_in_order(built: Path) -> None:
    html = (built / "site" / "stations" / "east-village" / "index.html").read_text()
    positions = [html.index(f"</span>{title}</h2>") for title in TITLES]
    assert positions == sorted(positions)
    for extra in ("联络站简介", "接待安排", "意见建议办理结果", "城关镇东村文化礼堂", "扫码访问本站（站码）"):
        assert extra in html


def test_works_from_disk(built: Path) -> None:
    assert broken_local_links(built / "site") == []


def test_loads_nothing_from_the_internet(built: Path) -> None:
    assert external_resources(built / "site") == []


def test_pages_declare_language_and_alt_texts(built: Path) -> None:
    for path in (built / "site").rglob("*.html"):
        html = path.read_text()
        assert '<html lang="zh-CN">' in html, path
        assert '<meta name="viewport"' in html, path
        for tag in html.split("<img")[1:]:
            assert ' alt="' in tag.split(">")[0], path


def test_content_html_is_escaped(built: Path) -> None:
    html = (built / "site" / "stations" / "centre" / "index.html").read_text()
    assert re.findall(r"<script[^>]*>", html) == ['<script src="../../static/reading.js">']  # the theme's own only
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_404_links_are_absolute(built: Path) -> None:
    page = parse((built / "site" / "404.html").read_text())
    assert all(url.startswith("https://rd.example.cn/lianluozhan/") for _, _, url in page.links
               if not url.startswith("#"))


@pytest.fixture
def served_under_subpath(built: Path, tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www"
    shutil.copytree(built / "site", root / "gov" / "rd" / "lianluozhan")
    with serving(root) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/gov/rd/lianluozhan/"


# What no page links: each lobby screen's TV opens its own address, the server sends 404.html on a miss,
# search engines read the sitemap, the writer keeps its manifest; the stylesheet names the font.
UNLINKED = {"404.html", "sitemap.xml", MANIFEST, "static/fonts/rare-glyphs.woff2"}


def test_served_under_a_subpath_every_link_answers(served_under_subpath: str, built: Path) -> None:
    start = served_under_subpath
    seen: set[str] = set()
    queue = [start, start + "stations/centre/"]  # the directory form printed in QR codes
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200, url
            body = response.read()
        if url.endswith((".html", "/")):
            for _, _, link in parse(body.decode()).links:
                if not is_external(link) and not link.startswith("#"):
                    queue.append(urllib.parse.urljoin(url, link.partition("#")[0]))
    reached = {re.sub(r"(^|/)$", r"\1index.html", url.removeprefix(start)) for url in seen}  # x/ is x/index.html
    on_disk = set(snapshot(built / "site"))
    assert reached == {path for path in on_disk if not path.startswith("kiosk/")} - UNLINKED


def test_rare_glyphs_are_shipped_for_readers_whose_fonts_lack_them(built: Path) -> None:
    font = built / "site" / "static" / "fonts" / "rare-glyphs.woff2"
    from fontTools.ttLib import TTFont

    assert set(TTFont(font).getBestCmap()) == {ord("䶮"), ord("堃")}  # 李䶮 and 王堃 in the fixture
    for page in (built / "site").rglob("*.html"):  # every page links the faces, relative to itself
        if page.name != "404.html" and "kiosk" not in page.parts:  # the kiosk embeds its own
            depth = len(page.relative_to(built / "site").parts) - 1
            assert f'href="{"../" * depth}static/fonts/rare-glyphs.css"' in page.read_text(), page
    faces = (built / "site" / "static" / "fonts" / "rare-glyphs.css").read_text()
    assert faces.count("@font-face") == 1 and 'url("rare-glyphs.woff2")' in faces  # Noto has both
