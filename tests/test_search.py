"""The search page (search/): its index holds what a reader may type, and in Chromium, opened from disk
(file://), typing part of a name, its initials or a village finds the right deputy, search/?q= opens with
results, the keyboard alone reaches them, and without JavaScript the page lists stations and deputies.
The same page through nginx, under its Content-Security-Policy: tests/test_served_by_nginx.py.
Above search.SPLIT_ABOVE deputies and stations (lowered here) the index is split by region (township)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from benchmarks.corpus import TODAY as CORPUS_TODAY
from benchmarks.search import index_files, write_search
from liaison.content.pinyin_ids import person_syllables
from liaison.model.site import Site
from liaison.render.web import search
from tests.conftest import DEMO, DEMO_TODAY, plan_of
from tests.html_links import parse

BUDGET = 400 * 1024  # gzipped bytes an index file may weigh (issue 16: the county's whole index)


def read_index(site: Path) -> dict:
    text = (site / search.INDEX).read_text(encoding="utf-8")
    prefix = f"window.{search.VARIABLE}="
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def rows(index: dict, kind: str, part: dict | None = None) -> list[dict]:
    """The rows of one kind, of the index or of a region's part (laid out as the index's fields say)."""
    return [dict(zip(index["fields"][kind], row, strict=True)) for row in (part or index)[kind]]


def read_part(site: Path, township: str) -> dict:
    text = (site / search.region_path(township)).read_text(encoding="utf-8")
    prefix = f"window.{search.PARTS}=window.{search.PARTS}||{{}};window.{search.PARTS}[{json.dumps(township)}]="
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def split_search(content: Path, site: Path, today, split_above: int, more: tuple[str, ...] = ()) -> Site:
    """The search page and its index files (and the outputs under `more`) written as a build writes them, split
    above `split_above`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SPLIT_ABOVE", split_above)
        return write_search(content, site, today, more)


@pytest.fixture(scope="module")
def split_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    """The demo's search page with its index split by region (the threshold lowered to nothing)."""
    site = tmp_path_factory.mktemp("split") / "site"
    return split_search(DEMO, site, DEMO_TODAY, 0, ("media/", "static/")), site  # and what the page loads


# ---- the index, from the small fixture's build ----------------------------------------------------------------

def test_the_index_names_each_deputy_with_pinyin_initials_levels_and_current_stations(mini_build: Path) -> None:
    index = read_index(mini_build / "site")
    stations = rows(index, "stations")
    deputies = {row["name"]: row for row in rows(index, "deputies")}
    assert set(deputies) == {"王堃", "李䶮"}
    assert (deputies["王堃"]["pinyin"], deputies["王堃"]["initials"]) == ("wangkun", "wk")
    assert (deputies["李䶮"]["pinyin"], deputies["李䶮"]["initials"]) == ("liyan", "ly")  # a rare character read
    assert [index["levels"][n] for n in deputies["王堃"]["levels"]] == ["县"]
    assert deputies["王堃"]["constituencies"] == ["城关镇第一选区"]
    assert [stations[n]["short_name"] for n in deputies["李䶮"]["stations"]] == ["东村站"]
    assert deputies["李䶮"]["photo"] == ""  # no photo: the result shows the placeholder


def test_every_link_of_the_index_is_a_file_of_the_site(mini_build: Path) -> None:
    site = mini_build / "site"
    index = read_index(site)
    links = [row["url"] for kind in ("stations", "deputies", "notices") for row in rows(index, kind)]
    links += [row["photo"] for row in rows(index, "deputies") if row["photo"]]
    assert len(links) >= 5
    for link in links:
        assert (site / "search" / link).resolve().is_file(), link


def test_the_page_without_script_lists_stations_by_township_with_their_deputies(mini_build: Path) -> None:
    """Each township's stations, and a link to the page of its deputies (the deputies of 300 stations in one list
    would weigh 256 KB: tests/render/web/test_parts.py)."""
    page = (mini_build / "site" / search.PAGE).read_text(encoding="utf-8")
    listed = page[page.index('id="search-all"'):]
    assert "<h3>城关镇</h3>" in listed and "<h3>东村站</h3>" in listed
    for link in ("../stations/centre/index.html", "../stations/east-village/index.html",
                 "../deputies/township/centre/index.html", "../deputies/township/east-village/index.html"):
        assert f'href="{link}"' in listed
    township = (mini_build / "site" / "deputies" / "township" / "east-village" / "index.html").read_text("utf-8")
    for link in ("../../wang-kun/index.html", "../../li-yan/index.html"):
        assert f'href="{link}"' in township
    assert '<form id="search-form"' in page and " hidden>" in page.split('<form id="search-form"')[1].split("\n")[0]


def test_every_page_links_the_search_from_its_header(mini_build: Path) -> None:
    site = mini_build / "site"
    pages = [p for p in site.rglob("*.html") if "kiosk" not in p.parts]
    assert len(pages) > 10
    for page in pages:
        header = page.read_text(encoding="utf-8").split("</header>")[0]
        links = [url for _, _, url in parse(header).links]
        if page.name == "404.html":  # served at any depth: its links are absolute
            assert "https://rd.example.cn/lianluozhan/search/" in links
            continue
        assert (site / search.PAGE).resolve() in [(page.parent / url).resolve() for url in links], page


def test_townships_group_each_station_under_the_township_above_it(demo_checked) -> None:
    site, _ = demo_checked
    groups = {site.township_name(township): [s.id for s in stations] for township, stations in site.townships()}
    assert next(iter(groups)) == "清源县"  # the county's centre first
    assert groups["青石镇"] == ["qingshi-town", "xikou-village"]
    assert set(groups["荷花街道"]) == {"hehua-street", "chengdong-market-community", "chengnan-community",
                                    "hehua-industrial-park", "nanmen-community"}
    assert sorted(s for stations in groups.values() for s in stations) == sorted(site.stations)


# ---- split by region (province scale) -------------------------------------------------------------------------

def test_at_county_scale_the_index_is_one_file() -> None:
    outputs = [path for job in plan_of() for path in job.outputs if path.startswith("search/")]
    assert sorted(outputs) == [search.INDEX, search.PAGE]


def test_a_split_index_lists_the_regions_and_each_region_holds_its_townships_deputies(split_demo) -> None:
    model, site = split_demo
    index = read_index(site)
    townships = [township for township, _ in model.townships()]
    assert [row["id"] for row in rows(index, "regions")] == [t.id for t in townships]
    assert {row["name"] for row in rows(index, "regions")} >= {"清源县", "青石镇", "荷花街道"}
    assert index["stations"] == [] and index["deputies"] == []  # every demo deputy serves somewhere
    found: set[str] = set()
    for township, stations in model.townships():
        part = read_part(site, township.id)
        deputies = rows(index, "deputies", part)
        assert [row["name"] for row in deputies] == [d.name for d in model.deputies_in(township)]
        part_stations = rows(index, "stations", part)
        assert {s.name for s in stations} <= {row["name"] for row in part_stations}
        for row in deputies:  # each deputy's stations, by position in the part's own rows
            served = {part_stations[at]["name"] for at in row["stations"]}
            assert served == {m.station.name for m in model.assignments(model.deputies[row["url"].split("/")[2]])}
        found.update(row["url"] for row in deputies)
    assert len(found) == len(model.deputies)
    assert set(index_files(site)) == {search.INDEX, *(search.region_path(t.id) for t in townships)}


@pytest.mark.slow
def test_at_province_scale_no_index_file_is_over_budget_nor_near_the_whole(county_100: Path, tmp_path: Path) -> None:
    """A generated county of 100 stations, its index once whole and once split by region: every file of the split
    index is under the budget and under a third of the whole, so a reader loads a region, not the county."""
    content = county_100
    split_search(content, tmp_path / "whole", CORPUS_TODAY, search.SPLIT_ABOVE)
    assert set(index_files(tmp_path / "whole")) == {search.INDEX}  # a county stays one file
    whole = len(gzip.compress((tmp_path / "whole" / search.INDEX).read_bytes(), 6))
    model = split_search(content, tmp_path / "split", CORPUS_TODAY, 500)
    files = {path: len(gzip.compress(data, 6)) for path, data in index_files(tmp_path / "split").items()}
    assert len(files) == len(model.townships()) + 1 >= 8
    over = {path: size for path, size in files.items() if size > min(BUDGET, whole // 3)}
    assert not over, (over, whole)


@pytest.mark.parametrize(("name", "expected"), [
    ("张德明", ["zhang", "de", "ming"]), ("单田芳", ["shan", "tian", "fang"]), ("尉迟敬德", ["yu", "chi", "jing", "de"]),
    ("司马𪚥", ["si", "ma", "zhe"]), ("吕布", ["lv", "bu"]), ("王　堃", ["wang", "kun"]),
])
def test_a_name_reads_as_pinyin_syllables_with_surname_readings(name: str, expected: list[str]) -> None:
    assert person_syllables(name) == expected


# ---- in Chromium, from disk ------------------------------------------------------------------------------

def search_url(demo) -> str:
    _, out = demo
    return (out / "site").resolve().joinpath(search.PAGE).as_uri()


def open_search(browser, url: str, *, script: bool = True):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=script)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(url, wait_until="load")
    return page, problems


def result_names(page) -> list[str]:
    return [a.text_content() for a in page.query_selector_all("#search-results h3 a")]


def typed(page, query: str) -> list[str]:
    page.fill("#search-q", "")
    page.type("#search-q", query)
    return result_names(page)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("query", "first", "also"), [
    ("德明", "张德明", []),  # part of a name
    ("zdm", "张德明", []),  # the initials of its pinyin
    ("zhangdeming", "张德明", []),
    ("溪头村", "曹明辉", ["黄志强"]),  # a village they serve (their constituency), which has no station of its own
    ("溪口村", "青石镇溪口村人大代表联络站", ["张德明", "曹明辉"]),  # the station there, and its deputies
    ("茶叶专业合作社", "张德明", []),  # the unit
])
def test_typing_finds_the_right_deputy_from_disk(browser, demo, query: str, first: str, also: list[str]) -> None:
    page, problems = open_search(browser, search_url(demo))
    try:
        found = typed(page, query)
        assert found and found[0] == first, found
        assert set(also) <= set(found)
        assert "找到" in page.text_content("#search-status")
        assert page.is_hidden("#search-all")  # the full list makes way for the results
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_result_shows_photo_station_and_level_and_links_to_the_page(browser, demo) -> None:
    page, problems = open_search(browser, search_url(demo))
    try:
        typed(page, "德明")
        result = page.query_selector("#search-results li")
        assert result is not None
        assert "市人大代表" in result.text_content() and "溪口村联络站" in result.text_content()
        assert page.evaluate("document.querySelector('#search-results img').naturalWidth") > 0  # the photo loads
        page.click("#search-results h3 a")
        page.wait_for_load_state("load")
        assert page.url.endswith("/deputies/zhang-deming/index.html") and page.title().startswith("张德明")
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_address_with_q_opens_with_the_query_and_its_results(browser, demo) -> None:
    page, problems = open_search(browser, search_url(demo) + "?q=%E5%BE%B7%E6%98%8E")  # ?q=德明
    try:
        assert page.input_value("#search-q") == "德明"
        assert result_names(page) == ["张德明"]
        typed(page, "zdm")  # the address follows the box, so it can be copied into a message
        assert page.url.endswith("?q=zdm")
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_search_is_usable_with_the_keyboard_alone(browser, demo) -> None:
    page, problems = open_search(browser, search_url(demo))
    try:
        for _ in range(30):  # from the top of the page, Tab reaches the box
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "search-q":
                break
        assert page.evaluate("document.activeElement.id") == "search-q"
        page.keyboard.type("溪口村")
        page.keyboard.press("Enter")  # to the first result
        assert page.evaluate("document.activeElement.textContent") == "青石镇溪口村人大代表联络站"
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == "张德明"
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")  # back in the box
        assert page.evaluate("document.activeElement.id") == "search-q"
        page.keyboard.press("Escape")
        assert page.input_value("#search-q") == "" and page.is_visible("#search-all")
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_without_javascript_the_page_lists_stations_and_deputies(browser, demo) -> None:
    site, _ = demo[0].site, demo[1]
    page, _ = open_search(browser, search_url(demo) + "?q=德明", script=False)
    try:
        assert page.is_hidden("#search-form")  # no box that would do nothing
        assert "未启用脚本" in page.text_content("main")
        listed = [a.get_attribute("href") for a in page.query_selector_all("#search-all a")]
        stations = {href.split("/")[2] for href in listed if href.startswith("../stations/")}
        townships = {href.split("/")[3] for href in listed if href.startswith("../deputies/township/")}
        assert stations == set(site.stations)
        assert townships == {township.id for township, _ in site.townships()}  # each township's deputies a page
        assert page.is_visible("text=青石镇")
        page.click("a:has-text('青石镇的人大代表')")
        assert page.is_visible("a:has-text('张德明')")
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_split_index_finds_the_deputy_once_the_region_is_chosen(browser, split_demo) -> None:
    """From disk: before a region is chosen the page asks for one; choosing 青石镇 loads its file only, and
    part of a name, initials and a village each find the deputy there."""
    _, site = split_demo
    page, problems = open_search(browser, (site / search.PAGE).resolve().as_uri())
    try:
        typed(page, "德明")
        assert "请先选择乡镇（街道）" in page.text_content("#search-status")
        page.select_option("#search-region", label="青石镇")
        page.wait_for_function("() => document.querySelectorAll('#search-results h3 a').length > 0")
        assert result_names(page)[0] == "张德明"
        assert page.url.endswith("?r=qingshi-town&q=%E5%BE%B7%E6%98%8E")
        assert typed(page, "zdm")[0] == "张德明"
        assert typed(page, "溪口村")[:1] == ["青石镇溪口村人大代表联络站"] and "张德明" in result_names(page)
        loaded = page.evaluate("Object.keys(window.LIAISON_SEARCH_PARTS)")
        assert loaded == ["qingshi-town"]  # no more than it needs
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("address", ["?r=qingshi-town&q=zdm", "?q=%E9%9D%92%E7%9F%B3%E9%95%87%20zdm"])  # 青石镇 zdm
def test_a_split_index_opens_the_region_the_address_or_the_query_names(browser, split_demo, address: str) -> None:
    _, site = split_demo
    page, problems = open_search(browser, (site / search.PAGE).resolve().as_uri() + address)
    try:
        page.wait_for_function("() => document.querySelectorAll('#search-results h3 a').length > 0")
        assert result_names(page)[0] == "张德明"
        assert page.input_value("#search-region") == "qingshi-town"
        assert problems == []
    finally:
        page.context.close()
