"""The public website: one page per station, deputy, system and notice, plus indexes;
a notice page and its WeChat text per published reception. Each page is a job of the plan."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from liaison.content.kinds import KINDS
from liaison.model.site import Site
from liaison.render import Context, Output, Rendered, fonts

BOM = "\ufeff".encode("utf-8")
# The variable a page template reads its record as, and the part of the site graph that holds it.
RECORD_VARIABLES = {kind.singular: name for name, kind in KINDS.items()}


def page(ctx: Context, path: str, template: str, variable: str | None = None, record_id: str | None = None,
         absolute_links: bool = False) -> Rendered:
    """A page (or feed) from its template, given its record as `variable` where it has one; an HTML page tells
    the rare characters it uses (the web's rare-glyph font is made of them)."""
    html = render(ctx.site, ctx.env, path, template, **_record(ctx.site, variable, record_id),
                  **({"absolute_links": True} if absolute_links else {}))
    return _rendered(path, html)


def _rendered(path: str, html: str) -> Rendered:
    """A rendered page or feed; an HTML page tells the rare characters it uses."""
    facts = {"characters": fonts.rare_characters(html)} if path.endswith(".html") else {}
    return Rendered((Output(path, html.encode("utf-8")),), facts)


def station_page(ctx: Context, path: str, station_id: str, former: Sequence[Sequence[str]]) -> Rendered:
    """A station's page, with the deputies whose membership ended this year as 曾任 (name, role, end, page)."""
    html = render(ctx.site, ctx.env, path, "station.html", station=ctx.site.stations[station_id],
                  former=[_Former(name, role, _day(until), page) for name, role, until, page in former])
    return _rendered(path, html)


def tombstone(ctx: Context, path: str, kind: str, title: str, ended: str | None, since: str | None,
              station: str | None) -> Rendered:
    """The page left at the address of a record that is gone: what it was, when it ended, where to go instead."""
    html = render(ctx.site, ctx.env, path, "gone.html", gone=_Gone(KINDS[kind].label, title, _day(ended),
                                                                   _day(since)),
                  successor=ctx.site.stations[station] if station else None)
    return _rendered(path, html)


@dataclass(frozen=True)
class _Former:
    name: str
    role: str
    until: dt.date | None
    path: str


@dataclass(frozen=True)
class _Gone:
    label: str  # what the record was: 代表, 联络站, 公告
    title: str
    ended: dt.date | None
    since: dt.date | None


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def part(ctx: Context, path: str, template: str, township_id: str | None, period: str | int | None) -> Rendered:
    """A part of a long list (deputies, the schedule, opinions), or the index of a month's or year's parts:
    the template reads `township` (the township's station) and `month` or `year`."""
    township = ctx.site.stations[township_id] if township_id else None
    when = {"month": period} if isinstance(period, str) else {"year": period} if period is not None else {}
    html = render(ctx.site, ctx.env, path, template, township=township, **when)
    return _rendered(path, html)


def plain_text(ctx: Context, path: str, template: str, variable: str, record_id: str) -> Rendered:
    """A text page: with a BOM, browsers read it as UTF-8 even when the host sends text/plain without a charset."""
    text = render(ctx.site, ctx.env, path, template, **_record(ctx.site, variable, record_id))
    return Rendered((Output(path, BOM + text.encode("utf-8")),))


def sitemap(ctx: Context, listed: Sequence[Rendered]) -> Rendered:
    """sitemap.xml: the pages the plan lists for search engines, in the plan's order."""
    paths = [path for rendered in listed for path in rendered.facts["paths"]]
    xml = render(ctx.site, ctx.env, "sitemap.xml", "sitemap.xml", listed=paths)
    return Rendered((Output("sitemap.xml", xml.encode("utf-8")),))


def render(site: Site, env: jinja2.Environment, path: str, template: str, **context: Any) -> str:
    return env.get_template(template).render(site=site, page_path=path, **context)


def _record(site: Site, variable: str | None, record_id: str | None) -> dict[str, Any]:
    if variable is None or record_id is None:
        return {}
    return {variable: getattr(site, RECORD_VARIABLES[variable])[record_id]}
