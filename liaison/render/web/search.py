"""The search page's index: every deputy, station and published notice, with what a reader may type to find it.

The page (`search/index.html`, a template like any other) loads the index with a `<script>` tag, not `fetch`, so
search works opened from disk (file://) and on an intranet with no server logic; `static/search.js` matches a
query against it in the browser. Names carry their pinyin and its initials (张德明: zhangdeming, zdm), made here
at build time with pypinyin, so the browser needs no dictionary. Rows are arrays, not objects, and stations are
referred to by their position: at 3,000 deputies and 300 stations the index stays near 100 KB gzipped (README).
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


def index_script(ctx: Context) -> Rendered:
    """search/entries.js: the index as one assignment to a global. Its facts list the pages and photos it links
    to, so the build's link check covers them as it covers a page's links."""
    site = ctx.site
    position = {sid: number for number, sid in enumerate(site.stations)}
    index = {
        "format": FORMAT, "levels": LEVELS,
        "fields": {"stations": STATION_FIELDS, "deputies": DEPUTY_FIELDS, "notices": NOTICE_FIELDS},
        "stations": [_station(station) for station in site.stations.values()],
        "deputies": [_deputy(site, deputy, position) for deputy in site.deputies_sorted()],
        "notices": [_notice(notice, position) for notice in _published(site)],
    }
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script element early where the index is pasted inline (a theme may do so).
    script = "window." + VARIABLE + "=" + text.replace("</", "<\\/") + ";\n"
    return Rendered((Output(INDEX, script.encode("utf-8")),), {"links": {INDEX: _links(index)}})


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
