"""Lobby screens: site/kiosk/<station-id>/index.html, one self-contained file per station,
and version.json, which the screen polls to pick up a republished page."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup

from liaison.build import parallel
from liaison.content import paths
from liaison.content.schema import RECEPTION_KINDS
from liaison.model import schedule
from liaison.model.site import Site, Station
from liaison.render import Output, fonts
from liaison.render.markup import plain_text
from liaison.render.portraits import portrait_jpeg

FACES = {"400": "Noto Sans CJK SC:style=Regular", "700": "Noto Sans CJK SC:style=Bold"}
NOTICES_PER_SLIDE = 5
VERSION_TOKEN = "@@KIOSK-VERSION@@"
KIOSK_PALETTE = {"text": "#efe8da", "muted": "#cfc6b4", "axis": "#8c8577", "received": "#d9cdb4", "answered": "#f2c86b"}


def kiosks(site: Site, env: jinja2.Environment, content_dir: Path) -> Iterator[Output]:
    def one_station(station: Station) -> tuple[Output, Output]:
        page = kiosk_page(site, env, station, content_dir)
        found = re.search(r'"version": "([0-9a-f]+)"', page)
        assert found is not None  # kiosk_page always embeds its version
        version = found.group(1)
        return (Output(f"kiosk/{station.id}/index.html", page.encode("utf-8")),
                Output(f"kiosk/{station.id}/version.json", (json.dumps({"version": version}) + "\n").encode()))

    for outputs in parallel.ordered_map(one_station, site.stations.values()):
        yield from outputs


def kiosk_page(site: Site, env: jinja2.Environment, station: Station, content_dir: Path) -> str:
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
    page = env.get_template("kiosk/page.html").render(
        site=site, station=station, kiosk=kiosk, page_path=f"kiosk/{station.id}/index.html",
        config_json=Markup(json.dumps(config, ensure_ascii=False)),
        intro=_first_paragraph(station.intro),
        receptions=receptions,
        # the screen finds the next reception day by itself for a year
        rule_days=[d.isoformat() for d in site.rule_days(station, site.today, schedule.rule_horizon(site.today))],
        deputy_pages=[members[i:i + per_slide] for i in range(0, len(members), per_slide)],
        notice_pages=[notices[i:i + NOTICES_PER_SLIDE] for i in range(0, len(notices), NOTICES_PER_SLIDE)],
        summary=site.opinion_summary(station, since=_months_ago(site.today, 12)),
        chart=Markup(env.get_template("charts/monthly.svg").render(months=site.opinion_months(station),
                                                                  palette=KIOSK_PALETTE)),
        photos={did: _data_uri(portrait_jpeg(paths.named_file(content_dir, d.photo)), "image/jpeg")
                for did, d in people.items() if d.photo},
    )
    page = page.replace("/*FONTS*/", _font_faces(_visible_text(page)), 1)
    version = hashlib.sha256(page.encode("utf-8")).hexdigest()[:16]
    return page.replace(VERSION_TOKEN, version, 1)


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


def _visible_text(page: str) -> str:
    """Characters of the page's text and of the script's messages (clock, weekdays, dates)."""
    without_images = re.sub(r'data:[^"\')]+', "", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", without_images))
    return "".join(sorted(set(text + "0123456789:年月日（）")))


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
