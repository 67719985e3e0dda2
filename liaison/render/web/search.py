"""The search page's index: every deputy, station and published notice, with what a reader may type to find it.

The page (`search/index.html`, a template like any other) loads the index with a `<script>` tag, not `fetch`, so
search works opened from disk (file://) and on an intranet with no server logic; `static/search.js` matches a
query against it in the browser. Names carry their pinyin and its initials (张德明: zhangdeming, zdm), made here
at build time with pypinyin, so the browser needs no dictionary. Rows are arrays, not objects, and stations are
referred to by their position: at 3,000 deputies and 300 stations the index stays near 100 KB gzipped (README).

Above SPLIT_ABOVE deputies and stations (a province's scale), the index is split by region, the township (乡镇、
街道, and the county's own stations; `Site.townships`): search/entries.js then lists the regions and holds only
what belongs to none (a deputy with no station, a notice of no station), and search/region-<township>.js each
region's stations, deputies and notices. The page loads the root, and a region's file when the reader picks the
region, by adding a script element (which works from file://), so no page loads more than it needs.
"""
from __future__ import annotations

import json
from typing import Any

from liaison.content.pinyin_ids import person_syllables, syllables
from liaison.content.schema import SeatLevel
from liaison.model import urls
from liaison.model.site import Deputy, Notice, Site, Station
from liaison.render import Context, Output, Rendered
from liaison.render.portraits import PORTRAIT_WIDTHS

PAGE = "search/index.html"
INDEX = "search/entries.js"
VARIABLE = "LIAISON_SEARCH"  # the global the index assigns and static/search.js reads
FORMAT = 1  # the layout of the rows below; search.js checks it
LEVELS = [level.value for level in SeatLevel]
# The layout of each kind's rows, which static/search.js reads by position.
STATION_FIELDS = ("name", "short_name", "url", "tier", "kind", "locality", "address", "pinyin", "initials")
DEPUTY_FIELDS = ("name", "url", "photo", "pinyin", "initials", "levels", "unit", "position", "constituencies",
                 "stations")
NOTICE_FIELDS = ("title", "url", "date", "station")
REGION_FIELDS = ("id", "name", "pinyin", "initials", "url")
# Above this many deputies and stations the index is split by region. A county of 300 stations and 3,000
# deputies (one file of some 100 KB gzipped) stays whole; a province (~100 counties) is split.
SPLIT_ABOVE = 6000
PARTS = "LIAISON_SEARCH_PARTS"  # the global each region's file adds its part to, by the region's id


def split(site: Site) -> bool:
    """Whether the index is split by region (the plan asks; a job is told its region)."""
    return len(site.deputies) + len(site.stations) > SPLIT_ABOVE


def region_path(township: str) -> str:
    return f"search/region-{township}.js"  # beside the page: its links, relative to the page, resolve from here


def index_script(ctx: Context) -> Rendered:
    """search/entries.js: the index as one assignment to a global. Its facts list the pages and photos it links
    to, so the build's link check covers them as it covers a page's links."""
    site = ctx.site
    index = {"format": FORMAT, "levels": LEVELS, "fields": _fields(),
             **_part(site, list(site.stations.values()), site.deputies_sorted(), _published(site))}
    return _script(INDEX, "window." + VARIABLE + "=", index)


def root_script(ctx: Context, regions: tuple[str, ...]) -> Rendered:
    """search/entries.js of a split index: the regions (by township station id), and what belongs to none."""
    site = ctx.site
    rows = []
    for township in regions:
        name = site.township_name(site.stations[township])
        read = syllables(name)
        rows.append([township, name, "".join(read), _initials(read), urls.relative(PAGE, region_path(township))])
    deputies = [deputy for deputy in site.deputies_sorted() if not site.townships_of(deputy)]
    notices = [notice for notice in _published(site) if notice.station is None]
    index = {"format": FORMAT, "levels": LEVELS, "fields": {**_fields(), "regions": REGION_FIELDS},
             "regions": rows, **_part(site, [], deputies, notices)}
    return _script(INDEX, "window." + VARIABLE + "=", index)


def region_script(ctx: Context, township: str) -> Rendered:
    """search/region-<township>.js: the region's stations, the deputies serving there (Site.deputies_in) and its
    stations' notices, added to the global PARTS under the region's id."""
    site = ctx.site
    stations = next(stations for place, stations in site.townships() if place.id == township)
    at = {station.id for station in stations}
    part = _part(site, stations, site.deputies_in(site.stations[township]),
                 [notice for notice in _published(site) if notice.station in at])
    prefix = f"window.{PARTS}=window.{PARTS}||{{}};window.{PARTS}[{json.dumps(township)}]="
    return _script(region_path(township), prefix, part)


def _fields() -> dict[str, tuple[str, ...]]:
    return {"stations": STATION_FIELDS, "deputies": DEPUTY_FIELDS, "notices": NOTICE_FIELDS}


def _part(site: Site, stations: list[Station], deputies: list[Deputy], notices: list[Notice]) -> dict[str, Any]:
    """Rows of the stations, deputies and notices given; a deputy's or notice's stations by position in the
    part's station rows, which gain every station its deputies serve at beyond those given."""
    shown = {station.id: station for station in stations}
    for deputy in deputies:
        shown.update((member.station.id, member.station) for member in site.assignments(deputy))
    position = {sid: number for number, sid in enumerate(shown)}
    return {"stations": [_station(station) for station in shown.values()],
            "deputies": [_deputy(site, deputy, position) for deputy in deputies],
            "notices": [_notice(notice, position) for notice in notices]}


def _script(path: str, prefix: str, value: dict[str, Any]) -> Rendered:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script element early where the index is pasted inline (a theme may do so).
    script = prefix + text.replace("</", "<\\/") + ";\n"
    return Rendered((Output(path, script.encode("utf-8")),), {"links": {path: _links(value)}})


def _station(station: Station) -> list[Any]:
    read = syllables(station.locality)
    return [station.name, station.short_name, _href(urls.page_path("stations", station.id)), station.tier.value,
            station.kind.value, station.locality, station.address, "".join(read), _initials(read)]


def _deputy(site: Site, deputy: Deputy, position: dict[str, int]) -> list[Any]:
    read = person_syllables(deputy.name)
    levels = sorted({LEVELS.index(seat.level.value) for seat in deputy.seats})
    photo = _href(urls.portrait_path(deputy.id, min(PORTRAIT_WIDTHS))) if deputy.photo else ""
    return [deputy.name, _href(urls.page_path("deputies", deputy.id)), photo, "".join(read), _initials(read),
            levels, deputy.unit, deputy.position, [seat.constituency for seat in deputy.seats if seat.constituency],
            [position[member.station.id] for member in site.assignments(deputy)]]


def _notice(notice: Notice, position: dict[str, int]) -> list[Any]:
    return [notice.title, _href(urls.page_path("notices", notice.id)), notice.date.isoformat(),
            position[notice.station] if notice.station else -1]


def _published(site: Site) -> list[Notice]:
    """The notices published by today, newest first (as the notices page lists them)."""
    return [notice for notice in site.notices_for(None) if notice.date <= site.today]


def _initials(read: list[str]) -> str:
    return "".join(syllable[0] for syllable in read)


def _href(path: str) -> str:
    """A link from the search page (and the index beside it) to an output path."""
    return urls.relative(PAGE, path)


def _links(index: dict[str, Any]) -> list[str]:
    """The pages and photos the index names, relative to the search page."""
    found = [row[STATION_FIELDS.index("url")] for row in index["stations"]]
    found += [row[DEPUTY_FIELDS.index(name)] for row in index["deputies"] for name in ("url", "photo")]
    found += [row[NOTICE_FIELDS.index("url")] for row in index["notices"]]
    return list(dict.fromkeys(link for link in found if link))
