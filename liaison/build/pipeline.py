"""The build, stage by stage: load -> validate -> model -> render -> write."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from liaison.build import linkcheck
from liaison.build.writer import Publication, WriteReport
from liaison.content.loader import load_content
from liaison.content.problems import ContentError, Problem
from liaison.content.validate import Typed, validate
from liaison.model import dates
from liaison.model.site import Site, build_site
from liaison.render import Output, theme
from liaison.render.kiosk import screen as kiosk
from liaison.render.print import signage
from liaison.render.print.preflight import preflight
from liaison.render.report import compliance as report
from liaison.render.web import assets, calendar, data
from liaison.render.web import pages as web
from liaison.rules import compliance, rating

Progress = Callable[[str, int], None]  # (target, files done so far)
Notify = Callable[[str], None]  # a one-line notice for the user


@dataclass(frozen=True)
class Config:
    content: Path
    site_dir: Path
    signage_dir: Path
    today: dt.date | None = None  # None: today in the site's time zone (or SOURCE_DATE_EPOCH's day)
    theme_dir: Path = theme.DEFAULT_THEME
    theme: Path | None = None  # --theme: a folder laid over theme_dir file by file; wins over site.yaml's `theme`
    strict: bool = False  # warnings fail the build too
    force: bool = False  # replace output folders holding files liaison did not write


@dataclass(frozen=True)
class BuildReport:
    site: Site
    warnings: list[Problem]
    written: dict[str, WriteReport]


def check(config: Config) -> tuple[Site, list[Problem]]:
    """Load and validate; raise ContentError with every problem, or return the model and warnings."""
    typed, warnings = _validated(config)
    return _site(typed, config), warnings


def content_problems(content: Path) -> tuple[Typed, list[Problem]]:
    """The typed records and every problem of the content, in one list: the records themselves, the rules
    that read them (the star table's scores) and what the print files need of them (preflight)."""
    typed, found = validate(load_content(content), content)
    return typed, [*found, *rating.assessment_problems(typed), *preflight(typed, content)]


def _validated(config: Config) -> tuple[Typed, list[Problem]]:
    typed, problems = content_problems(config.content)
    errors = [p for p in problems if p.severity == "error" or config.strict]
    if errors:
        raise ContentError(problems)
    return typed, problems


def _site(typed: Typed, config: Config) -> Site:
    """The model for the day of the build, which is read in the zone the settings name."""
    assert typed.site is not None
    return build_site(typed, config.today or dates.today(typed.site.zone))


def dating(site: Site, config: Config) -> dates.Dating:
    """What dates outputs by the content files they are made from."""
    return dates.Dating(config.content, site.settings.zone)


def site_theme(site: Site, config: Config) -> theme.Theme:
    """The default theme with the user's folder over it: --theme's, else the one site.yaml names."""
    custom = config.theme or (config.content / site.settings.theme if site.settings.theme else None)
    return theme.Theme(custom, config.theme_dir)


def environment(site: Site, config: Config) -> jinja2.Environment:
    return theme.environment(dating(site, config), site_theme(site, config))


def targets(site: Site, config: Config) -> dict[str, Iterator[Output]]:
    """Every output of the build, per target directory; each a pure function of its inputs."""
    content_dates = dating(site, config)
    themed = site_theme(site, config)
    env = theme.environment(content_dates, themed)

    def site_outputs() -> Iterator[Output]:
        pages = list(web.pages(site, env))
        yield from pages
        yield from assets.rare_glyph_fonts(pages)
        yield from kiosk.kiosks(site, env, config.content)
        yield from data.exports(site)
        yield from calendar.feeds(site, env, content_dates)
        if site.settings.compliance.publish:
            yield from report.report_outputs(site, compliance.check(site), env, folder="compliance/")
        yield from assets.theme_static(themed)
        yield from assets.portraits(site, config.content)

    return {"site": site_outputs(), "signage": signage.signage(site, env, config.content, content_dates)}


def sources(config: Config) -> dict[str, Path]:
    """What no output folder may be, contain or be inside."""
    folders = {"内容目录": config.content, "模板目录": config.theme_dir}
    if config.theme:  # site.yaml's theme is inside the content folder
        folders["主题目录"] = config.theme
    return folders


def build(config: Config, progress: Progress | None = None, notify: Notify | None = None) -> BuildReport:
    """Refuse unsafe output folders, lock them, check, render, then publish site and signage together."""
    directories = {"site": config.site_dir, "signage": config.signage_dir}
    written: dict[str, WriteReport] = {}
    with Publication(directories, sources(config), config.force, notify) as publication:
        typed, warnings = _validated(config)
        site = _site(typed, config)
        records = [typed.site_raw, *typed.raw.values()] if typed.site_raw else list(typed.raw.values())
        outputs: Iterable[Output]
        for name, outputs in targets(site, config).items():
            if name == "site":
                outputs = list(outputs)  # checked whole before a byte is staged
                broken = linkcheck.broken_links(outputs, site.settings.base_url, records=records,
                                                theme=site_theme(site, config))
                if broken:
                    raise ContentError(broken)
            written[name] = publication.stage(name, _counted(iter(outputs), name, progress))
        publication.publish()
    return BuildReport(site, warnings, written)


def _counted(outputs: Iterator[Output], name: str, progress: Progress | None) -> Iterator[Output]:
    for count, output in enumerate(outputs, 1):
        if progress:
            progress(name, count)
        yield output
