"""The compliance report at county size: the summary table against the rules' own figures, the charts against
their data, and the stations' details one click away."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.corpus import TODAY as CORPUS_TODAY
from liaison import cli
from liaison.render.report.compliance import (
    TERMINAL_PROBLEMS,
    TERMINAL_RATINGS,
    ratings_for,
    report_outputs,
    terminal_summary,
)
from liaison.render.report.overview import UNRATED
from liaison.rules import compliance
from liaison.rules.compliance import FAIL, PASS, Context, feedback_counts, reception_months
from liaison.rules.rating import manual_line_ids, rate
from tests.conftest import DEMO, DEMO_TODAY, files, model, write


class Rows(HTMLParser):
    """The summary table's rows: each row's data attributes and its cells' text; and every id of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict[str, str], list[str]]] = []
        self.links: list[str] = []  # the first cell's link of each row
        self.ids: set[str] = set()
        self._in_table = self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "table":
            self._in_table = attributes.get("id") == "station-table"
        elif self._in_table and tag == "tr" and "data-result" in attributes:
            self.rows.append(({k[5:]: v for k, v in attributes.items() if k.startswith("data-")}, []))
        elif self._in_table and self.rows and tag == "td":
            self.rows[-1][1].append("")
            self._cell = True
        elif self._in_table and tag == "a" and self.rows and len(self.rows[-1][1]) == 1:
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td":
            self._cell = False

    def handle_data(self, data: str) -> None:
        if self._in_table and self._cell:
            self.rows[-1][1][-1] += data.strip()


@pytest.fixture(scope="module")
def demo_report():
    site, env = model(DEMO, DEMO_TODAY)
    report = compliance.check(site)
    out = files(report_outputs(site, report, env))
    page = Rows()
    page.feed(out["compliance.html"].decode())
    return site, report, out["compliance.html"].decode(), json.loads(out["compliance.json"]), page


COLUMNS = ["name", "township", "tier", "result", "failed", "at_risk", "feedback", "months", "band", "total"]


def test_the_summary_has_a_row_per_station_with_the_rules_result_and_stars(demo_report) -> None:
    site, report, _, _, page = demo_report
    rows = {cells[0]: dict(zip(COLUMNS, cells, strict=True)) | {"data": data} for data, cells in page.rows}
    assert sorted(rows) == sorted(s.name for s in site.stations.values())  # one row each, no more
    name = {s.id: s.name for s in site.stations.values()}
    # The demo's lapses (tests/rules/test_compliance.py): 荷花街道's unanswered opinion, counted as the opinion and
    # as the station's feedback rate; 松林乡's late notice. Every other station meets every rule.
    failing = {f.subject for f in report.findings if f.status == FAIL}
    assert {"hehua-street", "2026-0030", "2026-06-02-songlin-township-reception"} <= failing
    results = {sid: rows[name[sid]]["result"] for sid in name}
    assert results == {sid: "不符合" if sid in ("hehua-street", "songlin-township") else "符合" for sid in name}
    assert (rows[name["hehua-street"]]["failed"], rows[name["songlin-township"]]["failed"]) == ("2", "1")
    assert {row["data"]["result"] for row in rows.values()} == {FAIL, PASS}
    # Stars: the one station with an assessment is rated as the rating rules rate it; the others are not rated.
    rated = {r.station.id: r for r in ratings_for(site, report.year)}
    assert list(rated) == ["qingshi-town"]
    expected = rate(site, site.stations["qingshi-town"], report.year)
    assert (rows[name["qingshi-town"]]["band"], rows[name["qingshi-town"]]["total"]) == (expected.band,
                                                                                      f"{expected.total:.1f}")
    assert expected.band == "四星级"
    assert {rows[name[sid]]["band"] for sid in name if sid != "qingshi-town"} == {UNRATED}
    # Feedback and reception months are the rules' own counts.
    ctx = Context(site, report.year)
    due, answered, _ = feedback_counts(ctx, site.stations["hehua-street"])
    assert (due, answered) == (7, 6) and rows[name["hehua-street"]]["feedback"] == "86%"
    months, missing = reception_months(ctx, site.stations["chengnan-community"])
    assert rows[name["chengnan-community"]]["months"] == f"{len(months) - len(missing)} / {len(months)}"
    # Township and tier as the filters read them.
    assert rows[name["xikou-village"]]["data"] == {"township": "青石镇", "tier": "村", "result": PASS,
                                                        "band": UNRATED}
    assert rows[name["qingyuan-county-centre"]]["township"] == "县级及以上"


def test_each_station_is_one_click_from_its_row(demo_report) -> None:
    site, _, html, _, page = demo_report
    assert len(page.links) == len(site.stations)
    assert all(link.startswith("#station-") and link[1:] in page.ids for link in page.links)
    detail = html[html.index('id="station-hehua-street"'):]
    detail = detail[:detail.index("</section>")]
    assert detail.count('<td class="fail">') == 2  # its two failures, and no other station's
    assert site.opinions["2026-0030"].summary in detail  # the opinion's finding, named by its summary
    assert "松林乡" not in detail


def test_the_json_beside_it_carries_the_rows_and_the_charts_figures(demo_report) -> None:
    _, _, _, data, page = demo_report
    assert [s["station"] for s in data["stations"]] == [link.removeprefix("#station-") for link in page.links]
    hehua = next(s for s in data["stations"] if s["station"] == "hehua-street")
    assert {k: hehua[k] for k in ("result", "failed", "feedback_due", "feedback_answered")} == {
        "result": FAIL, "failed": 2, "feedback_due": 7, "feedback_answered": 6}
    assert {chart["id"] for chart in data["charts"]} == {"feedback", "coverage", "stars"}


def svg_bars(html: str, chart: str) -> list[tuple[float, str | None]]:
    """(bar height, figure over it) of each bar of a chart, in order."""
    figure = html[html.index(f'id="chart-{chart}"'):]
    figure = figure[:figure.index("</figure>")]
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', figure)]
    figures: list[str | None] = []
    for bar in re.split(r"<rect ", figure)[1:]:
        texts = re.findall(r">([^<]+)</text>", bar)
        figures.append(texts[0] if len(texts) == 2 else None)  # the figure, then the label under the axis
    return list(zip(heights, figures, strict=True))


def test_the_charts_draw_the_rules_figures(demo_report) -> None:
    site, report, html, data, _ = demo_report
    charts = {chart["id"]: chart["bars"] for chart in data["charts"]}
    ctx = Context(site, report.year)
    # Feedback by month adds up to the feedback rule's counts over every station; the one unanswered opinion
    # (2026-0030, received in August) is August's gap.
    counted = [feedback_counts(ctx, station)[:2] for station in site.stations.values()]
    assert sum(b["due"] for b in charts["feedback"]) == sum(due for due, _ in counted)
    assert sum(b["answered"] for b in charts["feedback"]) == sum(answered for _, answered in counted)
    assert [b["month"] for b in charts["feedback"] if b["answered"] < b["due"]] == [8]
    assert site.opinions["2026-0030"].received.month == 8
    # Reception coverage by month: over the stations the monthly rule checks (county and township under the demo's
    # profiles), each month's due and held stations are the rule's.
    checked = [s for s in site.stations.values() if s.tier.value in ("县", "乡镇")]
    for bar in charts["coverage"]:
        due = [s for s in checked if bar["month"] in reception_months(ctx, s)[0]]
        held = [s for s in due if bar["month"] not in reception_months(ctx, s)[1]]
        assert (bar["stations_due"], bar["stations_held"]) == (len(due), len(held))
    # The drawing: a full bar is 300 units high; the figure is the share in per cent, none where nothing is due.
    for chart, part, whole in (("feedback", "answered", "due"), ("coverage", "stations_held", "stations_due")):
        expected = [(round(b[part] / b[whole] * 300, 1), f"{b[part] / b[whole] * 100:.0f}") if b[whole] else (0.0, None)
                    for b in charts[chart]]
        assert svg_bars(html, chart) == expected
    assert svg_bars(html, "feedback")[7] == (200.0, "67")  # August: 2 of 3
    assert svg_bars(html, "stars") == [(0.0, "0"), (300.0, "1"), (0.0, "0"), (0.0, "0"), (0.0, "0")]


def test_colours_come_from_the_theme_tokens(demo_report) -> None:
    from liaison.render.theme import Theme

    _, _, html, _, _ = demo_report
    tokens = Theme().tokens()
    fills = set(re.findall(r'<rect [^>]*fill="([^"]+)"', html))
    assert fills == {tokens["web-chart-answered"], tokens["web-done"], tokens["web-gold"]}


def test_without_script_the_table_is_whole_and_the_filters_wait_for_it(demo_report) -> None:
    site, _, html, _, page = demo_report
    assert len(page.rows) == len(site.stations)
    assert '<form id="station-filters" class="filters" hidden>' in html  # shown by the script, useless without it
    assert "<script src" not in html and "http" not in html.split("<script>")[1]  # inline, fetches nothing
    assert "@media print" in html


# ---- a county: a generated corpus, in Chromium from file:// ------------------------------------------------

def county_report(folder: Path, generated: Path) -> Path:
    """The report of a generated corpus (a copy of `generated`) under the 衢州, 西峡 and 无锡 rules (every station
    rated), with inspectors' assessments for two townships so that the star bands differ: its folder."""
    content = folder / "content"
    shutil.copytree(generated, content)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "compliance: {profiles: [衢州, 西峡, 无锡]}\n",
                         encoding="utf-8")
    for town, share in (("town-01", 1.0), ("town-02", 0.85)):
        scores = ", ".join(f"{line}: {points * share:g}" for line, points in manual_line_ids().items())
        write(content / "assessments" / f"{town}-2026.yaml",
              f"station: {town}\nyear: 2026\nassessor: 县人大常委会代表工作室\ndate: 2026-11-10\nscores: {{{scores}}}\n")
    report = folder / "report"
    assert cli.main(["check", "--content", str(content), "--report", str(report), "--today", CORPUS_TODAY.isoformat(),
                     "--quiet"]) == 0
    return report


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, county_100: Path) -> tuple[Path, dict]:
    report = county_report(tmp_path_factory.mktemp("county"), county_100)
    return report / "compliance.html", json.loads((report / "compliance.json").read_text(encoding="utf-8"))


VISIBLE = """() => [...document.querySelectorAll('#station-table tbody tr')].filter(row => !row.hidden)
  .map(row => row.cells[0].querySelector('a').getAttribute('href').slice('#station-'.length))"""


def open_report(browser, html: Path, javascript: bool = True):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(html.as_uri(), wait_until="load")
    return page, problems


@pytest.mark.slow
@pytest.mark.browser
def test_the_county_table_sorts_and_filters_in_chromium_from_disk(browser, county) -> None:
    html, data = county
    stations = {s["station"]: s for s in data["stations"]}
    assert len(stations) == 100
    page, problems = open_report(browser, html)
    try:
        assert page.is_visible("#station-filters")
        assert page.evaluate(VISIBLE) == list(stations)  # every station, in the build's order
        # Sort by score, highest first (a second click reverses), then by result, worst first.
        page.click("#station-table thead th:nth-child(10) button")
        page.click("#station-table thead th:nth-child(10) button")
        shown = page.evaluate(VISIBLE)
        totals = [stations[sid]["total"] for sid in shown]
        assert totals == sorted(totals, reverse=True) and totals[0] == max(s["total"] for s in stations.values())
        assert page.get_attribute("#station-table thead th:nth-child(10)", "aria-sort") == "descending"
        page.click("#station-table thead th:nth-child(4) button")
        ranks = {"fail": 0, "risk": 1, "pass": 2}
        assert [ranks[stations[sid]["result"]] for sid in page.evaluate(VISIBLE)] == sorted(
            ranks[s["result"]] for s in stations.values())
        # Filter by township, then also by result: the rows the rules' figures name, in the sorted order.
        town = data["stations"][5]["township"]
        township = next(s["name"] for s in data["stations"] if s["station"] == town).removesuffix("人大代表联络站")
        page.select_option("select[name=township]", township)
        in_town = page.evaluate(VISIBLE)
        assert sorted(in_town) == sorted(sid for sid, s in stations.items() if s["township"] == town)
        assert len(in_town) > 5
        page.select_option("select[name=result]", "fail")
        assert page.evaluate(VISIBLE) == [sid for sid in in_town if stations[sid]["result"] == "fail"]
        assert f"显示 {len(page.evaluate(VISIBLE))} 个，共 100 个联络站" in page.text_content("#station-count")
        # Tier and stars alone.
        page.click("#station-filters button[type=reset]")
        page.wait_for_function("document.querySelectorAll('#station-table tbody tr[hidden]').length === 0")
        page.select_option("select[name=tier]", "乡镇")
        assert sorted(page.evaluate(VISIBLE)) == sorted(sid for sid, s in stations.items() if s["tier"] == "乡镇")
        page.select_option("select[name=tier]", "")
        bands = {s["band"] for s in stations.values()}
        assert len(bands) >= 3  # the assessed townships stand out from the records-only scores
        for band in bands:
            page.select_option("select[name=band]", band)
            assert sorted(page.evaluate(VISIBLE)) == sorted(sid for sid, s in stations.items() if s["band"] == band)
        # A station's detail is one click away.
        first = page.evaluate(VISIBLE)[0]
        page.click(f"#station-table a[href='#station-{first}']")
        assert page.evaluate("location.hash") == f"#station-{first}"
        assert page.is_visible(f"#station-{first} h3")
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_without_javascript_the_county_table_is_all_there(browser, county) -> None:
    html, data = county
    page, problems = open_report(browser, html, javascript=False)
    try:
        assert page.evaluate("document.querySelectorAll('#station-table tbody tr').length") == len(data["stations"])
        assert not page.is_visible("#station-filters")
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.slow
def test_a_300_station_county_report_is_one_usable_file(county_300: Path, tmp_path: Path) -> None:
    """One row and one detail section per station, in one file a browser opens at once from disk: about 4 MB
    with every station rated (README: 检查报告). The size is bounded, not the time."""
    report = county_report(tmp_path, county_300)
    html = (report / "compliance.html").read_text(encoding="utf-8")
    page = Rows()
    page.feed(html)
    assert len(page.rows) == len(page.links) == 300 == len(set(page.links))
    assert all(link[1:] in page.ids for link in page.links)
    assert len(html.encode()) < 5_000_000
    data = json.loads((report / "compliance.json").read_text(encoding="utf-8"))
    assert len(data["stations"]) == 300


def test_the_terminal_lists_a_countys_problems_and_ratings_by_count(demo_report) -> None:
    site, report, _, _, _ = demo_report
    station = site.stations["hehua-street"]
    finding = next(f for f in report.findings if f.status == FAIL)
    many = dataclasses.replace(report, findings=(finding,) * (TERMINAL_PROBLEMS + 5))
    rated = rate(site, site.stations["qingshi-town"], report.year)
    ratings = [rated] * 3 + [dataclasses.replace(rated, station=station, band=None)] * (TERMINAL_RATINGS - 1)
    lines = terminal_summary(many, ratings)
    assert sum(1 for line in lines if line.startswith("  ✗ ")) == TERMINAL_PROBLEMS
    assert "  ……另有 5 项，全部问题见报告的“需要处理的问题”" in lines
    assert lines[-1] == f"  星级评定（无锡标准）：{TERMINAL_RATINGS + 2} 个联络站，四星级 3 个，未达标 {TERMINAL_RATINGS - 1} 个；逐站得分见报告"
    # A small site's are listed one by one, as before.
    lines = terminal_summary(report, [rated])
    assert sum(1 for line in lines if line.startswith("  ✗ ")) == len(report.with_status(FAIL))
    assert lines[-1] == "  星级评定（无锡标准）· 青石镇人大代表联络站：92 分，四星级"
