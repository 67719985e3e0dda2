"""The one Jinja environment shared by web, kiosk and print templates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from liaison.model import urls
from liaison.model.dates import Dating
from liaison.model.schedule import WEEKDAY_NAMES, describe
from liaison.render import qr
from liaison.render.markup import render_markdown, short_lines
from liaison.rules import six_items

if TYPE_CHECKING:
    from liaison.model.site import Site


def _default_theme() -> Path:
    """The default theme: inside the package when installed from a wheel, at the repository's top in a checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "themes" / "default"
    return installed if installed.is_dir() else package.parent / "themes" / "default"


DEFAULT_THEME = _default_theme()


def environment(dating: Dating, theme_dir: Path = DEFAULT_THEME) -> jinja2.Environment:
    """The environment of one build; `content_date(records…)` dates what a template makes of records."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir / "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markdown=render_markdown,
        cn_date=cn_date,
        weekday=weekday,
        clock=clock,
        percent=percent,
        tel=tel,
        rule_text=describe,
        zoned=zoned,
        short_lines=short_lines,
    )
    env.globals.update(href=href, qr_svg=qr.svg, page_url=page_url, content_date=dating.of,
                       reception_title=reception_title, six_items=six_items.BY_KEY,
                       notice_path=urls.reception_notice_path, wechat_path=urls.wechat_text_path,
                       calendar_path=urls.calendar_path)
    return env


@jinja2.pass_context
def href(context: jinja2.runtime.Context, target: Any, anchor: str = "") -> str:
    """Relative link from the page being rendered to an output path or an entity's page."""
    path = target if isinstance(target, str) else urls.page_path(target.section, target.id)
    if context.get("absolute_links"):  # pages served at any depth, such as 404.html
        link = urls.canonical(context["site"].settings.base_url, path)
    else:
        link = urls.relative(context["page_path"], path)
    return f"{link}#{anchor}" if anchor else link


@jinja2.pass_context
def page_url(context: jinja2.runtime.Context, target: Any = None) -> str:
    """Absolute public URL of an entity's page, an output path, or the page being rendered."""
    site: Site = context["site"]
    if target is None or isinstance(target, str):
        return urls.canonical(site.settings.base_url, target or context["page_path"])
    return site.public_url(target)


@jinja2.pass_context
def reception_title(context: jinja2.runtime.Context, event: Any) -> str:
    """The title of a reception's notice as plain text, so that each template escapes it as its format needs."""
    station = context["site"].stations[event.station]
    wording: Any = context.environment.get_template("notice-reception-wording.html").module  # its macros
    return Markup(wording.title(event, station)).unescape().strip()


def cn_date(value: dt.date, with_weekday: bool = False) -> str:
    text = f"{value.year}年{value.month}月{value.day}日"
    return f"{text}（{weekday(value)}）" if with_weekday else text


@jinja2.pass_context
def zoned(context: jinja2.runtime.Context, day: dt.date, time: dt.time = dt.time(), timespec: str = "seconds") -> str:
    """A day and a wall time in the site's time zone, in ISO 8601 with its offset (2026-12-01T09:00+08:00)."""
    moment = dt.datetime.combine(day, time, tzinfo=context["site"].settings.zone)
    return moment.isoformat(timespec=timespec)


def weekday(value: dt.date) -> str:
    return "星期" + WEEKDAY_NAMES[value.weekday()]


def clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def tel(phone: str) -> Markup:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return Markup('<a href="tel:{0}">{1}</a>').format(digits, phone)
