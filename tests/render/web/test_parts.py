"""The long lists (deputies, the schedule, opinions, the search page's list) split into parts by township, month
and year: stable URLs from ids, an index of the parts with counts, each part linked back and to its neighbours,
and no public page over the budget at county size."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import TODAY as CORPUS_TODAY
from liaison.build import executor
from liaison.build.pipeline import Config, prepare
from liaison.model import urls
from liaison.model.site import Site, month_of
from liaison.render.web import search
from tests.conftest import rendered, web_page
from tests.html_links import parse

PAGE_BUDGET = 150 * 1024  # bytes of HTML a phone on a rural network is sent for one page


def _links(page: bytes, path: str) -> list[str]:
    """The site paths a page links to, anchors dropped."""
    return [urls.canonical("", _resolve(path, url)) for _, _, url in parse(page.decode()).links
            if not url.startswith(("http", "mailto:", "tel:", "#"))]


def _resolve(path: str, url: str) -> str:
    import posixpath
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), url.split("#")[0]))


def test_parts_have_urls_from_ids_and_the_old_urls_index_them(mini: Path) -> None:
    pages = rendered(web_page, mini)
    # The fixture: a county centre and a village under it, no township between: each is its own part.
    assert {"deputies/township/centre/index.html", "deputies/township/east-village/index.html",
            "schedule/2026-11/index.html", "schedule/2026-11/east-village/index.html",
            "schedule/2026-12/index.html", "schedule/2026-12/centre/index.html",
            "opinions/2026/index.html"} <= set(pages)
    for index, part in [("deputies/index.html", "deputies/township/east-village/index.html"),
                        ("schedule/index.html", "schedule/2026-11/index.html"),
                        ("schedule/2026-11/index.html", "schedule/2026-11/east-village/index.html"),
                        ("opinions/index.html", "opinions/2026/index.html")]:
        assert urls.canonical("", part) in _links(pages[index], index), (index, part)
        assert urls.canonical("", index) in _links(pages[part], part), (part, index)
    for township in ("centre", "east-village"):  # the home page's townships lead to their deputies
        assert urls.canonical("", urls.deputies_part_path(township)) in _links(pages["index.html"], "index.html")


def test_every_record_of_a_long_list_is_in_a_part_and_each_in_one(demo_checked) -> None:
    site: Site = demo_checked[0]
    townships = [township for township, _ in site.townships()]
    assert len(townships) > 3
    listed = [d.id for t in townships for d in site.deputies_in(t)]
    assert set(listed) == set(site.deputies)
    events = [e.id for month in site.months() for t in townships for e in site.events_in(month, t)]
    assert sorted(events) == sorted(site.events)
    opinions = [o.id for year in site.opinion_years() for t in townships for o in site.opinions_in(year, t)]
    assert sorted(opinions) == sorted(site.opinions)
    for event in site.events.values():  # a calendar's URL names the part that holds the event's row
        assert site.event_path(event) == urls.schedule_part_path(
            month_of(event.date), site.township_of(site.stations[event.station]).id)


def test_a_deputy_serving_nowhere_today_stays_listed_where_they_last_served(mini: Path) -> None:
    path = mini / "deputies" / "li-yan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "{station: east-village, since: 2023-03-01}" in text
    path.write_text(text.replace("since: 2023-03-01}", "since: 2023-03-01, until: 2026-01-31}"), encoding="utf-8")
    pages = rendered(lambda job: job.outputs[:1] != () and job.outputs[0].startswith("deputies/township/"), mini)
    listed = {path for path, page in pages.items() if b"li-yan/index.html" in page}
    assert listed == {"deputies/township/east-village/index.html"}


def test_parts_link_their_neighbours_and_records_link_their_part(demo_checked, tmp_path: Path) -> None:
    from tests.conftest import DEMO, DEMO_TODAY
    site: Site = demo_checked[0]
    townships = [township.id for township, _ in site.townships()]
    deputy = next(d for d in site.deputies.values() if site.townships_of(d))
    station = next(s for s in site.stations.values() if site.past(site.events_at(s)))
    wanted = {urls.deputies_part_path(t) for t in townships[:3]} | {
        urls.page_path("deputies", deputy.id), urls.page_path("stations", station.id)}
    pages = rendered(lambda job: bool(set(job.outputs) & wanted), DEMO, DEMO_TODAY)
    middle = urls.deputies_part_path(townships[1])
    assert {urls.canonical("", urls.deputies_part_path(townships[0])),
            urls.canonical("", urls.deputies_part_path(townships[2]))} <= set(_links(pages[middle], middle))
    deputy_page = urls.page_path("deputies", deputy.id)
    assert urls.canonical("", urls.deputies_part_path(site.townships_of(deputy)[0].id)) in _links(
        pages[deputy_page], deputy_page)
    station_page = urls.page_path("stations", station.id)
    latest = site.past(site.events_at(station))[0]
    assert urls.canonical("", site.event_path(latest)) in _links(pages[station_page], station_page)
    assert urls.canonical("", urls.deputies_part_path(site.township_of(station).id)) in _links(
        pages[station_page], station_page)


@pytest.mark.slow
def test_no_public_page_exceeds_the_budget_at_county_size(county_300: Path, tmp_path: Path) -> None:
    """300 generated stations and about 3,000 deputies: every web page of the plan rendered (kiosk screens,
    full-screen pages for the lobby TV, are not sent to phones)."""
    prepared = prepare(Config(county_300, tmp_path / "site", tmp_path / "signage", today=CORPUS_TODAY))
    assert len(prepared.context.site.deputies) >= 3000
    jobs = [job for job in prepared.jobs if job.target == "web" and not job.fan_in
            and any(path.endswith(".html") for path in job.outputs)]
    sizes = {output.path: len(output.data) for _, result in executor.run(jobs, prepared.context)
             for output in result.outputs if output.path.endswith(".html")}
    for path in ("deputies/index.html", "schedule/index.html", "opinions/index.html", search.PAGE,
                 "stations/index.html", "index.html"):
        assert path in sizes
    assert len(sizes) > 6000
    over = {path: size for path, size in sizes.items() if size > PAGE_BUDGET}
    assert not over, over
