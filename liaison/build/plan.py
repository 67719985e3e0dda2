"""The plan of a build: every output is a job, listed before anything is rendered.

A job names its output paths, its target (web, kiosk, print, data), the station it belongs to, a module-level
render function with plain arguments (ids, never objects), and the inputs that function reads: records by
kind and id, templates, files, settings keys. Jobs are small frozen values that pickle, so that any process
that holds the same content can run them.

An aggregate (the sitemap, the rare-glyph font, a kiosk's version file, the print manifests, the link check)
declares the jobs it fans in from and reads only what they tell of their outputs (paths, rows, characters, links
and anchors, a version), never their bytes: those are written as they come. Planning reads the model and lists
the theme's static files; it renders nothing and opens no template, so `liaison plan`, `--only`, `--station`
and the progress count all come from the same list.
"""
from __future__ import annotations

import contextvars
import dataclasses
import fnmatch
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from liaison.build import interning, linkcheck
from liaison.build.config import Config, site_theme
from liaison.content.kinds import KINDS
from liaison.model import tombstones, urls
from liaison.model.site import Entity, Site, Station
from liaison.render import Context, Rendered, qr, theme
from liaison.render.kiosk import screen as kiosk
from liaison.render.portraits import PORTRAIT_WIDTHS
from liaison.render.print import signage, signboards
from liaison.render.print.notices import receptions_to_post
from liaison.render.report import compliance as report
from liaison.render.web import assets, calendar, data, pages, search

TARGETS = ("web", "kiosk", "print", "data")
TREES = {"web": "site", "kiosk": "site", "data": "site", "print": "signage"}  # the output folder of each target
LINK_CHECK = "site:link-check"

# Settings (keys of site.yaml) each kind of output reads, besides what its records say.
PAGE_SETTINGS = ("title", "publisher", "slogan", "base_url", "timezone", "footer")
RULE_SETTINGS = ("reception_rule", "tier_reception_rules", "notice_lead_days")
PRINT_SETTINGS = ("signage", "timezone")


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a job reads: records by kind (the content folder's names: stations, deputies, …) and id, templates
    by name (with whatever they extend, include or import), files (content:photos/…, a signboard font, the
    emblem; theme:static/…) and settings keys."""

    records: tuple[tuple[str, tuple[str, ...]], ...] = ()
    templates: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    rule_days: bool = True  # shows the stations' rule days from today (pages, screens, feeds; not print)
    today: bool = False  # shows the day of the build itself (the compliance report's date)

    def as_dict(self) -> dict[str, Any]:
        return {"records": {kind: list(ids) for kind, ids in self.records}, "templates": list(self.templates),
                "files": list(self.files), "settings": list(self.settings), "rule_days": self.rule_days,
                "today": self.today}


@dataclass(frozen=True, slots=True)
class Job:
    target: str  # one of TARGETS
    outputs: tuple[str, ...]  # paths inside the target's folder, each written by this job
    render: Callable[..., Rendered]  # render(context, *args), or render(context, upstream, *args) for an aggregate
    args: tuple[Any, ...] = ()
    inputs: Inputs = Inputs()
    station: str | None = None  # the station whose files these are (`--station`)
    more: str | None = None  # a pattern for further outputs whose number only rendering tells (poster sheets)
    fan_in: tuple[str, ...] = ()  # keys of the jobs whose facts this job reads
    name: str = ""  # the key of a job without outputs
    # Takes many times as long as a web page (a poster's layout): the executor starts it ahead of its turn, so that
    # a small build does not wait for it at the end with the other workers idle.
    heavy: bool = False

    def __post_init__(self) -> None:
        """A job made while a plan is made holds the names and inputs equal to another job's as that job does."""
        table = _HELD.get()
        if table is not None:
            for name in ("outputs", "fan_in", "inputs"):
                object.__setattr__(self, name, interning.held(getattr(self, name), table))

    @property
    def tree(self) -> str:
        return TREES[self.target]

    @property
    def key(self) -> str:
        return self.name or f"{self.tree}/{self.outputs[0]}"

    def owns(self, path: str) -> bool:
        return path in self.outputs or (self.more is not None and fnmatch.fnmatchcase(path, self.more))

    def run(self, context: Context, upstream: Sequence[Rendered] = ()) -> Rendered:
        """Render the job; its facts gain the paths it wrote and, in the site's folder, their links and anchors."""
        with theme.recording() as loaded, qr.recording(context.symbols) as symbols:
            rendered = self.render(context, upstream, *self.args) if self.fan_in else self.render(context, *self.args)
        paths = [output.path for output in rendered.outputs]
        unplanned = [path for path in paths if not self.owns(path)]
        missing = [path for path in self.outputs if path not in paths]
        if unplanned or missing:
            raise RuntimeError(f"job {self.key} wrote {unplanned} beyond its plan and not {missing}")
        facts = {**rendered.facts, "paths": paths}
        # Kept for the next build (Context.symbols) by the site's jobs: the print files draw the same codes, and a
        # PDF costs a thousand codes, so theirs would only grow the record (by two thirds again).
        if symbols and self.tree == "site":
            facts[qr.FACT] = dict(sorted(symbols.items()))
        if self.tree == "site":
            facts.update(linkcheck.page_facts(rendered.outputs))
        # As JSON values, the same whether made now or read from the last build's record (partial builds).
        return Rendered(rendered.outputs, json.loads(json.dumps(facts, ensure_ascii=False)), rendered.problems,
                        tuple(sorted(loaded.items())))


def describe(job: Job) -> dict[str, Any]:
    """A job as `liaison plan --json` shows it."""
    return {"key": job.key, "target": job.target, "folder": job.tree, "outputs": list(job.outputs),
            "more": job.more, "station": job.station,
            "render": f"{job.render.__module__}.{job.render.__qualname__}", "args": list(job.args),
            "inputs": job.inputs.as_dict(), "fan_in": list(job.fan_in)}


def plan(site: Site, config: Config, register: tombstones.Register = tombstones.EMPTY) -> list[Job]:
    """Every job of a full build, in the order their outputs are written: the site's folder (web pages, the
    open data, the lobby screens, then what fans in from them), then the print shop's. `register` tells the
    pages of records that are gone (tombstones)."""
    table: interning.Table = {}
    token = _HELD.set(table)
    try:
        web = _web(site, config, register)
        kiosks = _kiosk(site)
        site_jobs = [*web, *_data(site), *kiosks]
        check = Job("web", (), linkcheck.check_links, fan_in=tuple(job.key for job in site_jobs), name=LINK_CHECK,
                    inputs=_inputs(records=_all(site, "stations", "deputies", "systems", "notices", "events")))
        jobs = [*site_jobs, check, *_print(site)]
    finally:
        _HELD.reset(token)
    return jobs


# While a plan is made: the table of every equal name, list of names and set of inputs its jobs hold, held once
# (`interning`) as each job is made. A context variable: planning in two threads at once (`liaison serve`) holds two tables.
_HELD: contextvars.ContextVar[interning.Table | None] = contextvars.ContextVar("held", default=None)


def select(jobs: Sequence[Job], only: Iterable[str] = (), stations: Iterable[str] = ()) -> list[Job]:
    """The jobs of the targets in `only` (all when empty) that belong to `stations` (all jobs when empty), and
    every aggregate that fans in from a selected job, in plan order."""
    targets, chosen = set(only), set(stations)
    selected = {job.key for job in jobs if (not targets or job.target in targets)
                and (not chosen or job.station in chosen)}
    for job in jobs:  # aggregates come after what they fan in from
        if any(key in selected for key in job.fan_in):
            selected.add(job.key)
    return [job for job in jobs if job.key in selected]


# ---- planners, one per renderer ---------------------------------------------------------------------

def _web(site: Site, config: Config, register: tombstones.Register) -> list[Job]:
    listed, unlisted = _listed_pages(site, register), [*_unlisted_pages(site), *_tombstones(site, register)]
    sitemap = Job("web", ("sitemap.xml",), pages.sitemap, fan_in=_keys(listed, ".html"),
                  inputs=_inputs(templates=["sitemap.xml"], settings=["base_url"]))
    font = Job("web", (assets.FONT_STYLESHEET,), assets.rare_glyph_fonts, more=assets.FONT_FILES,
               fan_in=_keys([*listed, *unlisted], ".html"))
    jobs = [*listed, *unlisted, sitemap, font, *_search_index(site), *_feeds(site), *_static(site, config), *_portraits(site),
            *_badge(site)]
    if site.settings.compliance.publish:
        folder = report.PUBLISHED_FOLDER
        jobs.append(Job("web", (f"{folder}index.html", f"{folder}compliance.json"), report.published,
                        inputs=_inputs(records=_all(site, *_KINDS, "assessments"), templates=REPORT_TEMPLATES,
                                       settings=[*PAGE_SETTINGS, *RULE_SETTINGS, "compliance", "message_channel"],
                                       today=True)))
    return jobs


# The report's page and the files it inlines.
REPORT_TEMPLATES = ["report/compliance.html", "report/compliance.css", "report/compliance.js", "charts/bars.svg"]
_KINDS = tuple(name for name in KINDS if name != "assessments")  # what the pages read: assessments only the report


def _keys(jobs: Iterable[Job], suffix: str) -> tuple[str, ...]:
    return tuple(job.key for job in jobs if job.outputs[0].endswith(suffix))


def _listed_pages(site: Site, register: tombstones.Register) -> list[Job]:
    """Every HTML page a search engine should know, in the sitemap's order, with each reception's WeChat text."""
    everything = _all(site, *_KINDS)
    jobs = [_page("index.html", "home.html", everything, settings=[*RULE_SETTINGS, "region", "about"]),
            _page("stations/index.html", "stations.html", _all(site, "stations", "deputies"))]
    for station in site.stations.values():
        path = urls.page_path("stations", station.id)
        job = _page(path, "station.html", _station_reads(site, station), "station", station.id, station=station.id,
                    settings=[*RULE_SETTINGS, "staff_duties", "opinion_flow", "opinion_categories",
                              "message_channel"])
        jobs.append(dataclasses.replace(job, render=pages.station_page,
                                        args=(path, station.id, _former(site, station, register))))
    jobs.append(_page("deputies/index.html", "deputies.html", _all(site, "deputies", "stations"),
                      settings=["region"]))
    jobs += _deputies_parts(site)
    for deputy in site.deputies.values():
        duties = site.duty_events(deputy)
        lineage = [s.id for m in site.assignments(deputy, current=False) for s in site.lineage(m.station)]
        reads = {"deputies": [deputy.id], "stations": lineage + [e.station for e in duties],
                 "events": [e.id for e in duties]}
        jobs.append(_page(urls.page_path("deputies", deputy.id), "deputy.html", reads, "deputy", deputy.id,
                          files=_content_files(deputy.photo)))
    jobs.append(_page("systems/index.html", "systems.html", _all(site, "systems", "stations")))
    for system in site.systems.values():
        jobs.append(_page(urls.page_path("systems", system.id), "system.html",
                          {"systems": [system.id], "stations": [system.station] if system.station else []},
                          "system", system.id, station=system.station))
    jobs.append(_page("notices/index.html", "notices.html", _all(site, "notices", "stations")))
    for notice in site.notices.values():
        jobs.append(_page(urls.page_path("notices", notice.id), "notice.html",
                          {"notices": [notice.id], "stations": [notice.station] if notice.station else []},
                          "notice", notice.id, station=notice.station))
    jobs.append(_page("schedule/index.html", "schedule.html", _all(site, "stations", "deputies", "events"),
                      settings=RULE_SETTINGS))
    jobs += _schedule_parts(site)
    for event in site.published_receptions():
        reads = _event_reads(event)
        lineage = [s.id for s in site.lineage(site.stations[event.station])]  # its part of the schedule
        jobs.append(_page(urls.reception_notice_path(event.id), "notice-reception.html",
                          {**reads, "stations": lineage}, "event", event.id,
                          station=event.station, settings=RULE_SETTINGS))
        jobs.append(Job("web", (urls.wechat_text_path(event.id),), pages.plain_text,
                        (urls.wechat_text_path(event.id), "notice-reception.txt", "event", event.id),
                        _inputs(records=reads, templates=["notice-reception.txt"],
                                settings=[*PAGE_SETTINGS, *RULE_SETTINGS]), station=event.station))
    jobs.append(_page("opinions/index.html", "opinions.html", _all(site, "opinions", "stations"),
                      settings=["opinion_categories"]))
    jobs += _opinions_parts(site)
    jobs.append(_page(search.PAGE, "search.html", _all(site, "stations", "deputies")))
    return jobs


def _search_index(site: Site) -> list[Job]:
    """The search page's index: one file, or (search.split) a root listing the regions and a file per region.
    It shows no rule days: what the day decides of it is memberships and notices in force."""
    if not search.split(site):
        return [_index_job(search.INDEX, search.index_script, (), _all(site, "stations", "deputies", "notices"))]
    regions = [township for township, _ in site.townships()]
    root = {"stations": list(site.stations), "deputies": [d.id for d in site.deputies.values() if not d.memberships],
            "notices": [n.id for n in site.notices.values() if n.station is None]}
    deputies = _deputies_by_township(site)
    jobs = [_index_job(search.INDEX, search.root_script, (tuple(t.id for t in regions),), root)]
    for township, stations in site.townships():
        at = {s.id for s in stations}
        reads = {"stations": list(site.stations), "deputies": deputies[township.id],
                 "notices": [n.id for n in site.notices.values() if n.station in at]}
        jobs.append(_index_job(search.region_path(township.id), search.region_script, (township.id,), reads))
    return jobs


def _index_job(path: str, render: Callable[..., Rendered], args: tuple[Any, ...],
               reads: Mapping[str, Iterable[str]]) -> Job:
    return Job("web", (path,), render, args, _inputs(records=reads, rule_days=False))


def _former(site: Site, station: Station, register: tombstones.Register) -> tuple[tuple[str, str, str, str], ...]:
    """The deputies whose membership of the station ended this year (曾任 until the year is out): those still in
    the content, and those gone whose last station it was; each as (name, role, end date, page)."""
    today = site.today
    current = {member.deputy.id for member in site.members(station)}
    ended = sorted((m for m in site.members(station, current=False) if m.until is not None and m.until < today
                    and m.until.year == today.year and m.deputy.id not in current), key=lambda m: m.until or today)
    former = {m.deputy.id: (m.deputy.name, m.role.value, m.until.isoformat() if m.until else "",
                            urls.page_path("deputies", m.deputy.id)) for m in ended}  # a deputy once, the last end
    gone = [(page.title, "", page.ended or "", page.path) for page in register.tombstones
            if page.kind == "deputies" and page.station == station.id and tombstones.ended_in_year(page, today.year)]
    return (*former.values(), *gone)


def _tombstones(site: Site, register: tombstones.Register) -> list[Job]:
    """The page of each record that is gone, sending the reader to a station that is there, or home."""
    gone = {page.path: page for page in register.tombstones}
    jobs = []
    for page in register.tombstones:
        station = tombstones.destination(page, site, gone)
        jobs.append(Job("web", (page.path,), pages.tombstone,
                        (page.path, page.kind, page.title, page.ended, page.since, station),
                        _inputs(records={"stations": [station] if station else []}, templates=["gone.html"],
                                settings=PAGE_SETTINGS)))
    return jobs


def _deputies_parts(site: Site) -> list[Job]:
    """A page per township of the deputies serving there. It reads every station (the townships, its neighbours)
    and the deputies with a membership, past or present, at one of its stations."""
    jobs, deputies = [], _deputies_by_township(site)
    for township, _ in site.townships():
        jobs.append(_part(urls.deputies_part_path(township.id), "deputies-part.html", township.id, None,
                          {"stations": list(site.stations), "deputies": deputies[township.id]}))
    return jobs


def _deputies_by_township(site: Site) -> dict[str, list[str]]:
    """For each township, the deputies with a membership, past or present, at one of its stations (what a
    township's lists read), in the site's order: one pass over the deputies for all townships."""
    townships: dict[str, list[str]] = defaultdict(list)  # a station -> the townships it is in
    for township, stations in site.townships():
        for station in stations:
            townships[station.id].append(township.id)
    found: dict[str, list[str]] = {township.id: [] for township, _ in site.townships()}
    for deputy in site.deputies.values():
        for township_id in dict.fromkeys(t for m in deputy.memberships for t in townships.get(m.station, ())):
            found[township_id].append(deputy.id)
    return found


def _schedule_parts(site: Site) -> list[Job]:
    """A page per month, the index of its townships' pages; a page per month and township of the events there.
    Each reads the events of its month (its neighbours are the townships with events that month); a month's page
    every event (its neighbours are the months with events)."""
    jobs = []
    for month in site.months():
        events = site.events_in(month)
        jobs.append(_part(urls.schedule_month_path(month), "schedule-month.html", None, month,
                          _all(site, "stations", "events"), settings=RULE_SETTINGS))
        for township in site.townships_with(events):
            reads = {"stations": list(site.stations), "events": [e.id for e in events],
                     "deputies": [d for e in site.events_in(month, township) for d in e.deputies]}
            jobs.append(_part(urls.schedule_part_path(month, township.id), "schedule-part.html", township.id, month,
                              reads, settings=RULE_SETTINGS))
    return jobs


def _opinions_parts(site: Site) -> list[Job]:
    """A page per year, the index of its townships' pages; a page per year and township of the opinions there."""
    jobs = []
    for year in site.opinion_years():
        opinions = site.opinions_in(year)
        jobs.append(_part(urls.opinions_year_path(year), "opinions-year.html", None, year,
                          _all(site, "stations", "opinions")))
        for township in site.townships_with(opinions):
            jobs.append(_part(urls.opinions_part_path(year, township.id), "opinions-part.html", township.id, year,
                              {"stations": list(site.stations), "opinions": [o.id for o in opinions]}))
    return jobs


def _part(path: str, template: str, township: str | None, period: str | int | None,
          reads: Mapping[str, Iterable[str]], *, settings: Iterable[str] = ()) -> Job:
    # A part shows no rule days: what the day decides of it is memberships in force and events past or announced.
    return Job("web", (path,), pages.part, (path, template, township, period),
               _inputs(records=reads, templates=[template], settings=[*PAGE_SETTINGS, *settings], rule_days=False))


def _unlisted_pages(site: Site) -> list[Job]:
    return [Job("web", ("404.html",), pages.page, ("404.html", "404.html", None, None, True),
                _inputs(templates=["404.html"], settings=PAGE_SETTINGS)),
            _page(urls.NOTICES_FEED, "feed.xml", _all(site, "notices", "stations"))]


def _page(path: str, template: str, reads: Mapping[str, Iterable[str]], variable: str | None = None,
          record_id: str | None = None, *, station: str | None = None, files: Iterable[str] = (),
          settings: Iterable[str] = ()) -> Job:
    return Job("web", (path,), pages.page, (path, template, variable, record_id),
               _inputs(records=reads, templates=[template], files=files, settings=[*PAGE_SETTINGS, *settings]),
               station=station)


def _feeds(site: Site) -> list[Job]:
    jobs = [Job("web", (urls.calendar_path(),), calendar.station_feed, (None,),
                _inputs(records=_all(site, "stations", "deputies", "events"), templates=["calendar.txt"],
                        settings=[*RULE_SETTINGS, "title", "publisher", "base_url", "timezone"]))]
    for station in site.stations.values():
        events = site.events_at(station)
        reads = {"stations": [s.id for s in site.lineage(station)], "events": [e.id for e in events],
                 "deputies": [d for e in events for d in e.deputies]}
        jobs.append(Job("web", (urls.calendar_path(station.id),), calendar.station_feed, (station.id,),
                        _inputs(records=reads, templates=["calendar.txt"],
                                settings=[*RULE_SETTINGS, "title", "publisher", "base_url", "timezone"]),
                        station=station.id))
    return jobs


def _static(site: Site, config: Config) -> list[Job]:
    return [Job("web", (f"static/{relative}",), assets.static_file, (relative,),
                _inputs(files=[f"theme:static/{relative}"]))
            for relative in assets.static_files(site_theme(site, config))]


def _portraits(site: Site) -> list[Job]:
    return [Job("web", (urls.portrait_path(deputy.id, width),), assets.portrait, (deputy.id, width),
                _inputs(records={"deputies": [deputy.id]}, files=_content_files(deputy.photo)))
            for deputy in site.deputies.values() if deputy.photo for width in PORTRAIT_WIDTHS]


def _badge(site: Site) -> list[Job]:
    relative = site.settings.footer.badge
    return [Job("web", (urls.badge_path(relative),), assets.badge,
                inputs=_inputs(files=_content_files(relative), settings=["footer"]))] if relative else []


def _data(site: Site) -> list[Job]:
    return [Job("data", (path,), data.export, (path,), _inputs(records=_all(site, "stations", "deputies"),
                                                                settings=["base_url"]))
            for path in data.EXPORTS]


def _kiosk(site: Site) -> list[Job]:
    jobs = []
    for station in site.stations.values():
        reads = _station_reads(site, station)
        people = [m.deputy for m in site.members(station)]
        people += [site.deputies[did] for e in site.events_at(station) for did in e.deputies]
        page = Job("kiosk", (kiosk.page_path(station.id),), kiosk.page, (station.id,),
                   _inputs(records=reads, templates=["kiosk/page.html", "charts/monthly.svg"],
                           files=_content_files(*(d.photo for d in people)),
                           settings=[*PAGE_SETTINGS, *RULE_SETTINGS, "kiosk", "message_channel"]),
                   station=station.id)
        jobs += [page, Job("kiosk", (kiosk.version_path(station.id),), kiosk.version_file, (station.id,),
                           station=station.id, fan_in=(page.key,))]
    return jobs


def _print(site: Site) -> list[Job]:
    # No zip packs: `liaison pack` makes them from the published files, for the stations the shop needs.
    jobs = [job for station in site.stations.values() for job in _station_print(site, station)]
    printed = tuple(job.key for job in jobs)
    return [*jobs, *(Job("print", (path,), signage.manifest, (path,), fan_in=printed) for path in signage.MANIFESTS)]


def _station_print(site: Site, station: Station) -> list[Job]:
    """The station's print files, in the order the manifests (and its pack) list them."""
    sid = station.id
    plate = _print_inputs(records={"stations": [sid]}, templates=["print/signboard.html"],
                          files=_content_files(site.settings.signage.font), settings=PRINT_SETTINGS)
    jobs = [Job("print", (signboards.production_path(sid),), signage.signboard_production, (sid,), plate, sid)]
    jobs += [Job("print", (pdf_path, png_path), signage.signboard_proof, (sid, material.value), plate, sid)
             for material, pdf_path, png_path in signboards.proof_paths(site, station)]
    members = [m.deputy for m in site.members(station)]
    poster_reads = {"stations": [s.id for s in site.lineage(station)], "deputies": [d.id for d in members],
                    "systems": [s.id for s in site.systems_for(station)]}
    jobs.append(Job("print", (signage.poster_path(sid),), signage.poster, (sid,),
                    _print_inputs(records=poster_reads, templates=["print/poster.html", "print/flow.svg"],
                                  files=_content_files(site.settings.signage.emblem, *(d.photo for d in members)),
                                  settings=[*PRINT_SETTINGS, *RULE_SETTINGS, "publisher", "slogan", "opinion_flow",
                                            "staff_duties", "base_url", "message_channel"]),
                    sid, more=signage.POSTER_SHEETS.format(station=sid), heavy=True))
    for deputy in [None, *members]:
        reads = {"stations": [sid], "deputies": [deputy.id] if deputy else []}
        stem = signage.qr_stem(sid, deputy.id if deputy else None)
        args = (sid, deputy.id if deputy else None)
        jobs.append(Job("print", (f"{stem}.svg",), signage.qr_vector, args,
                        _print_inputs(records=reads, templates=["print/qr-code.svg"], settings=["base_url", "timezone"]),
                        sid))
        jobs.append(Job("print", (f"{stem}.pdf",), signage.qr_card, args,
                        _print_inputs(records=reads, templates=["print/qr-card.html"], settings=["base_url", "timezone"]),
                        sid))
    for event in receptions_to_post(site, station):
        jobs.append(Job("print", (signage.reception_notice_path(sid, event.id),), signage.reception_notice,
                        (sid, event.id),
                        _print_inputs(records=_event_reads(event), templates=["print/reception-notice.html"],
                                      settings=[*PRINT_SETTINGS, *RULE_SETTINGS, "publisher", "base_url"]),
                        sid))
    return jobs


# ---- inputs --------------------------------------------------------------------------------------------

def _station_reads(site: Site, station: Station) -> dict[str, list[str]]:
    """What a station's page and screen show: the station and those above and below it, its deputies (past ones
    too: their membership records), its events and their deputies, opinions, systems and notices."""
    events = site.events_at(station)
    return {"stations": [s.id for s in site.lineage(station)] + [s.id for s in site.children(station)],
            "deputies": [m.deputy.id for m in site.members(station, current=False)]
            + [d for e in events for d in e.deputies],
            "events": [e.id for e in events], "opinions": [o.id for o in site.opinions_at(station)],
            "systems": [s.id for s in site.systems_for(station)], "notices": [n.id for n in site.notices_for(station)]}


def _event_reads(event: Entity[Any]) -> dict[str, list[str]]:
    return {"events": [event.id], "stations": [event.station], "deputies": list(event.deputies)}


def _print_inputs(**given: Any) -> Inputs:
    """A station's print file's inputs: it shows who serves and which receptions are ahead, never the rule's
    next days."""
    return _inputs(**given, rule_days=False)


def _content_files(*relative: str | None) -> list[str]:
    """Files of the content folder that records name (photos, the signboard font, the emblem)."""
    return [f"content:{path}" for path in relative if path]


def _all(site: Site, *kinds: str) -> dict[str, list[str]]:
    return {kind: list(getattr(site, kind)) for kind in kinds}


def _inputs(records: Mapping[str, Iterable[str]] | None = None, templates: Iterable[str] = (),
            files: Iterable[str] = (), settings: Iterable[str] = (), today: bool = False,
            rule_days: bool = True) -> Inputs:
    """Inputs with each name once, records by kind in a stable order."""
    kinds = {kind: tuple(dict.fromkeys(ids)) for kind, ids in (records or {}).items()}
    templates = tuple(dict.fromkeys(templates))
    if templates:  # colours and type sizes, QR colours and chart palettes come from the theme's tokens
        files = [*files, f"theme:{theme.TOKENS}"]
    return Inputs(tuple((kind, ids) for kind, ids in sorted(kinds.items()) if ids), templates,
                  tuple(dict.fromkeys(files)), tuple(dict.fromkeys(settings)), rule_days, today)
