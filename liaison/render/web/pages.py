"""The public website: one page per station, deputy, system and notice, plus indexes;
a notice page and its WeChat text per published reception."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2

from liaison.model import urls
from liaison.model.site import Site
from liaison.render import Output

BOM = "\ufeff".encode("utf-8")


def pages(site: Site, env: jinja2.Environment) -> Iterator[Output]:
    def page(path: str, template: str, **context: Any) -> Output:
        html = env.get_template(template).render(site=site, page_path=path, **context)
        return Output(path, html.encode("utf-8"))

    def plain_text(path: str, template: str, **context: Any) -> Output:
        # With a BOM, browsers read it as UTF-8 even when the host sends text/plain without a charset.
        return Output(path, BOM + page(path, template, **context).data)

    yield page("index.html", "home.html")
    yield page("stations/index.html", "stations.html")
    for station in site.stations.values():
        yield page(urls.page_path("stations", station.id), "station.html", station=station)
    yield page("deputies/index.html", "deputies.html")
    for deputy in site.deputies.values():
        yield page(urls.page_path("deputies", deputy.id), "deputy.html", deputy=deputy)
    yield page("systems/index.html", "systems.html")
    for system in site.systems.values():
        yield page(urls.page_path("systems", system.id), "system.html", system=system)
    yield page("notices/index.html", "notices.html")
    for notice in site.notices.values():
        yield page(urls.page_path("notices", notice.id), "notice.html", notice=notice)
    yield page("schedule/index.html", "schedule.html")
    for event in site.published_receptions():
        yield page(urls.reception_notice_path(event.id), "notice-reception.html", event=event)
        yield plain_text(urls.wechat_text_path(event.id), "notice-reception.txt", event=event)
    yield page("opinions/index.html", "opinions.html")
    yield page("404.html", "404.html", absolute_links=True)
    yield page("notices/feed.xml", "feed.xml")
    yield page("sitemap.xml", "sitemap.xml", listed=list(listed_pages(site)))


def listed_pages(site: Site) -> Iterator[str]:
    """Every HTML page a search engine should know, as output paths."""
    yield "index.html"
    for section in urls.SECTIONS:
        yield f"{section}/index.html"
        for record_id in getattr(site, section):
            yield urls.page_path(section, record_id)
    yield "schedule/index.html"
    for event in site.published_receptions():
        yield urls.reception_notice_path(event.id)
    yield "opinions/index.html"
