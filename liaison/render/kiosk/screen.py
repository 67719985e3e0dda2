"""Lobby screens: site/kiosk/<station-id>/index.html, one self-contained file per station,
and version.json, which the screen polls to pick up a republished page."""
from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup

from liaison.content import paths
from liaison.content.schema import RECEPTION_KINDS
from liaison.model import schedule
from liaison.model.site import Site, Station
from liaison.render import Context, Output, Rendered, fonts
from liaison.render.markup import plain_text
from liaison.render.portraits import portrait_jpeg

FACES = {"400": "Noto Sans CJK SC:style=Regular", "700": "Noto Sans CJK SC:style=Bold"}
NOTICES_PER_SLIDE = 5
VERSION_TOKEN = "@@KIOSK-VERSION@@"
PAGE = "kiosk/page.html"
FONTS_SLOT = "/*FONTS*/"  # in PAGE's <style>: the @font-face rules, once the page's text is known
SCRIPT_CHARACTERS = "0123456789:年月日（）"  # what the script writes besides its templates' text (clock, dates)


def page_path(station_id: str) -> str:
    return f"kiosk/{station_id}/index.html"


def version_path(station_id: str) -> str:
    return f"kiosk/{station_id}/version.json"


def page(ctx: Context, station_id: str) -> Rendered:
    """The station's lobby page; its version is a fact the version file is made of."""
    html, version = versioned_page(ctx.site, ctx.env, ctx.site.stations[station_id], ctx.content)
    return Rendered((Output(page_path(station_id), html.encode("utf-8")),), {"version": version})


def version_file(ctx: Context, pages: Sequence[Rendered], station_id: str) -> Rendered:
    """version.json, which the screen polls: the version of the station's page."""
    [kiosk] = pages
    return Rendered((Output(version_path(station_id), (json.dumps({"version": kiosk.facts["version"]}) + "\n").encode()),))


def kiosk_page(site: Site, env: jinja2.Environment, station: Station, content_dir: Path) -> str:
    return versioned_page(site, env, station, content_dir)[0]


def versioned_page(site: Site, env: jinja2.Environment, station: Station,
                   content_dir: Path) -> tuple[str, str]:
    """The station's page, its fonts subset to the text the template wrote, and its version (a digest of it)."""
    kiosk = site.settings.kiosk
    members = site.members(station)
    per_slide = kiosk.deputies_per_slide
    notices = [n for n in site.notices_for(station) if n.expires is None or n.expires >= site.today]
    receptions = [e for e in site.events_at(station) if e.kind in RECEPTION_KINDS and e.date >= site.today]
    config = {"slideSeconds": kiosk.slide_seconds, "pollSeconds": kiosk.poll_seconds,
              "standbyFrom": _clock(kiosk.standby_from), "standbyUntil": _clock(kiosk.standby_until),
              "version": VERSION_TOKEN}
    people = {m.deputy.id: m.deputy for m in members}
    people.update({did: site.deputies[did] for e in receptions for did in e.deputies})
    shown: list[str] = []  # every value the template writes, noted as it writes it (see _noting)
    page = _noting(env).get_template(PAGE).render(
        shown_values=shown, site=site, station=station, kiosk=kiosk, page_path=page_path(station.id),
        config_json=Markup(json.dumps(config, ensure_ascii=False)),
        intro=_first_paragraph(station.intro),
        receptions=receptions,
        # the screen finds the next reception day by itself for a year
        rule_days=[d.isoformat() for d in site.rule_days(station, site.today, schedule.rule_horizon(site.today))],
        deputy_pages=[members[i:i + per_slide] for i in range(0, len(members), per_slide)],
        notice_pages=[notices[i:i + NOTICES_PER_SLIDE] for i in range(0, len(notices), NOTICES_PER_SLIDE)],
        summary=site.opinion_summary(station, since=_months_ago(site.today, 12)),
        months=site.opinion_months(station),
        photos={did: _data_uri(portrait_jpeg(paths.named_file(content_dir, d.photo)), "image/jpeg")
                for did, d in people.items() if d.photo},
    )
    text = set(_template_text(env, PAGE)).union(*shown, SCRIPT_CHARACTERS)
    page = page.replace(FONTS_SLOT, _font_faces("".join(sorted(text))), 1)
    version = hashlib.sha256(page.encode("utf-8")).hexdigest()[:16]
    return page.replace(VERSION_TOKEN, version, 1), version


@functools.lru_cache(maxsize=4)
def _noting(env: jinja2.Environment) -> jinja2.Environment:
    """The build's environment, noting each value a template writes in its `shown_values` list: the text of the
    page besides the templates' own, known without reading the page back. Its own cache: templates compiled
    without a finalize never call it."""
    return env.overlay(finalize=_note, cache_size=50)


@jinja2.pass_context  # called as the page renders, never folded into a constant at compile time
def _note(context: jinja2.runtime.Context, value: Any) -> Any:
    shown = context.get("shown_values")
    if shown is not None:  # a photo's data: URI adds only ASCII, which the page's CSS and script have anyway
        shown.append(str(value))
    return value


@functools.lru_cache(maxsize=16)
def _template_text(env: jinja2.Environment, name: str) -> str:
    """The text a template and those it includes, imports or extends write as they are (its TemplateData)."""
    source = env.loader.get_source(env, name)[0] if env.loader else ""
    tree = env.parse(source)
    own = "".join(node.data for node in tree.find_all(jinja2.nodes.TemplateData))
    return own + "".join(_template_text(env, other) for other in jinja2.meta.find_referenced_templates(tree) if other)


def _font_faces(text: str) -> str:
    """@font-face rules with the two weights, subset to exactly the characters the page can show, then for the
    characters they lack the fallback faces fontconfig picks (司马𪚥), limited to those characters."""
    rules = []
    for weight, pattern in FACES.items():
        data = fonts.subset_woff2(fonts.find(pattern), text)
        rules.append(f'@font-face {{ font-family: "Kiosk Sans"; font-weight: {weight}; '
                     f'src: url("{_data_uri(data, "font/woff2")}") format("woff2"); }}')
    faces, _ = fonts.faces_for(text, FACES["400"])  # characters no font has are reported by `check`
    for face, chars in list(faces.items())[1:]:
        data = fonts.subset_woff2(face, chars)
        rules.append(f'@font-face {{ font-family: "Kiosk Sans"; font-weight: 100 900; '
                     f'unicode-range: {fonts.unicode_range(chars)}; '
                     f'src: url("{_data_uri(data, "font/woff2")}") format("woff2"); }}')
    return "\n".join(rules)


def _first_paragraph(markdown_text: str, limit: int = 110) -> str:
    plain = plain_text(markdown_text).split("\n\n")[0].replace("\n", " ")
    if len(plain) <= limit:
        return plain
    cut = max(plain.rfind(mark, 0, limit) for mark in "。；！？")
    return plain[: cut + 1] if cut > 0 else plain[:limit] + "……"


def _months_ago(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - (months - 1), 12)
    return dt.date(year, month + 1, 1)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _clock(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
