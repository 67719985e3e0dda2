"""iCalendar feeds of the schedule: calendar/all.ics (every station) and calendar/<station-id>.ics.

A feed holds every event of its station(s) and, up to the end of the month a year from today, each station's
reception days (by its own rule, see Site.reception_rule) that have no reception there yet. Times are wall times
in the site's time zone. Nothing depends on the clock: an entry's DTSTAMP is the content date of the records it
is made from (midnight, written in UTC), and UIDs are made from ids, so a calendar app that subscribed once
updates its entries in place, and a feed changes from one day to the next only when a rule day has passed,
a month has begun or a reception's notice has been published.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import icalendar
from icalendar.timezone import tzid_from_dt

from liaison.content import ids
from liaison.content.schema import RECEPTION_KINDS, EventKind
from liaison.model import schedule, urls
from liaison.model.dates import Dating
from liaison.model.site import Event, Site, Station
from liaison.render import Context, Output, Rendered

PRODID = "-//liaison//reception schedule//ZH"
REFRESH = dt.timedelta(hours=12)  # how often a subscribed calendar app should look again


def station_feed(ctx: Context, station_id: str | None) -> Rendered:
    """calendar/<station-id>.ics, or calendar/all.ics for every station when station_id is None."""
    station = ctx.site.stations[station_id] if station_id else None
    texts = ctx.env.get_template("calendar.txt").module
    return Rendered((Output(urls.calendar_path(station_id), feed(ctx.site, texts, station, ctx.dating)),))


def feed(site: Site, texts: Any, station: Station | None, dating: Dating) -> bytes:
    """One station's feed, or every station's when station is None."""
    stations = [station] if station else list(site.stations.values())
    entries = [_event(site, texts, event, dating) for s in stations for event in site.events_at(s)]
    entries += [_pending(site, texts, s, day, dating) for s in stations for day in pending_days(site, s)]
    entries.sort(key=lambda entry: (entry.start, entry.uid))
    calendar = _calendar(site, texts, station)
    if entries and tzid_from_dt(entries[0].start) != UTC:  # the site's zone, which every entry's times are in (_at)
        first, last = entries[0].start, max(e.end for e in entries)
        calendar.add_component(vtimezone(site.settings.zone, first.date(), last.date() + dt.timedelta(days=1)))
    head: bytes = calendar.to_ical()  # the calendar's properties and time zone, its entries spliced in below
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[:-len(end)] + "".join(entry.lines() for entry in entries).encode() + end


def vtimezone(zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date) -> icalendar.Timezone:
    """What `Calendar.add_missing_timezones(first, last)` adds for `zone`, made in a fraction of the time.

    icalendar (Timezone.from_tzinfo) finds the zone's offset changes from `first` on in steps of 64 days and
    less, and only stops a stretch without a change at the end of its dates, year 9999: for Asia/Shanghai some
    45,000 steps a feed. It records only the stretches that begin before `last`, so a zone that ends (raises
    OverflowError, as at year 9999) well past `last` gives the same component: the longest step beyond it is
    64 days, and a change up to `last` is still found exactly."""
    return icalendar.Timezone.from_tzinfo(_Ending(zone, last + _PAST_LAST), tzid=zone.key, first_date=first,
                                          last_date=last)


_PAST_LAST = dt.timedelta(days=366)  # more than icalendar's longest step (64 days) past the last date


class _Ending(dt.tzinfo):
    """`zone` up to `end` (a wall time): later times have no offset, as past year 9999."""

    def __init__(self, zone: zoneinfo.ZoneInfo, end: dt.date) -> None:
        self.zone = zone
        self.end = dt.datetime.combine(end, dt.time())

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta | None:
        if when is not None and when.replace(tzinfo=None) >= self.end:
            raise OverflowError("past the end of the calendar's dates")
        return self.zone.utcoffset(when)

    def dst(self, when: dt.datetime | None) -> dt.timedelta | None:
        return self.zone.dst(when)

    def tzname(self, when: dt.datetime | None) -> str | None:
        return self.zone.tzname(when)


def pending_days(site: Site, station: Station) -> list[dt.date]:
    """Rule days from today to the horizon with no reception at the station yet."""
    taken = {e.date for e in site.events_at(station) if e.kind in RECEPTION_KINDS}
    return [day for day in site.rule_days(station, site.today, schedule.rule_horizon(site.today)) if day not in taken]


def _calendar(site: Site, texts: Any, station: Station | None) -> icalendar.Calendar:
    page = urls.page_path("stations", station.id) if station else "schedule/index.html"
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", calscale="GREGORIAN",
        name=_text(texts.name(site, station)), description=_text(texts.description(site, station)),
        uid=f"calendar-{station.id if station else ids.ALL_STATIONS}@{_host(site)}",
        url=urls.canonical(site.settings.base_url, page))
    calendar.add("x-wr-timezone", site.settings.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH).to_ical().decode())
    return calendar


def _event(site: Site, texts: Any, event: Event, dating: Dating) -> Entry:
    station = site.stations[event.station]
    deputies = [site.deputies[did] for did in event.deputies]
    if site.notice_published(event):
        url = urls.canonical(site.settings.base_url, urls.reception_notice_path(event.id))
    else:
        url = urls.canonical(site.settings.base_url, site.event_path(event)) + "#" + event.id
    return Entry(
        uid=f"{event.id}@{_host(site)}", stamp=_stamp(site, dating.of(site.settings, event, station, deputies)),
        start=_at(site, event.date, event.start), end=_at(site, event.date, event.end),
        summary=_text(texts.summary(event, station)), location=event.location or station.address,
        description=_text(texts.event_description(event, station, deputies, url, event.kind in RECEPTION_KINDS)),
        category=event.kind.value, status=icalendar.STATUS.CONFIRMED, url=url)


def _pending(site: Site, texts: Any, station: Station, day: dt.date, dating: Dating) -> Entry:
    rule = site.reception_rule(station)
    url = urls.canonical(site.settings.base_url, urls.page_path("stations", station.id)) + "#schedule"
    return Entry(
        uid=f"reception-{station.id}-{day:%Y%m%d}@{_host(site)}",
        stamp=_stamp(site, dating.of(site.settings, site.lineage(station))),  # whose rule it is
        start=_at(site, day, rule.start), end=_at(site, day, rule.end),
        summary=_text(texts.pending_summary(station)), location=station.address,
        description=_text(texts.pending_description(site, station, url)),
        category=EventKind.RECEPTION_DAY.value, status=icalendar.STATUS.TENTATIVE, url=url)


@dataclass(frozen=True)
class Entry:
    """A feed's VEVENT, written as `icalendar.Event.new` with these properties writes it (tests compare the two
    over awkward text, zones and lengths): a feed holds thousands, and icalendar's general machinery (a
    component, a property object and a folding loop over every character of every line) took most of a
    feed's time, all.ics 4.5 s at 300 stations."""

    uid: str
    stamp: dt.datetime
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str | None
    description: str
    category: str
    status: str
    url: str

    def lines(self) -> str:
        """The VEVENT's content lines, folded, each ended by CRLF; the properties in icalendar's order."""
        lines = ["BEGIN:VEVENT", f"SUMMARY:{_escaped(self.summary)}", f"DTSTART{_moment(self.start)}",
                 f"DTEND{_moment(self.end)}", f"DTSTAMP:{_wall(self.stamp.astimezone(dt.UTC))}Z",
                 f"UID:{_escaped(self.uid)}", f"CATEGORIES:{_escaped(self.category)}",
                 f"DESCRIPTION:{_escaped(self.description)}",
                 *([f"LOCATION:{_escaped(self.location)}"] if self.location is not None else []),
                 f"STATUS:{_escaped(self.status)}", f"URL:{self.url}", "END:VEVENT"]
        return "".join(_folded(line) + "\r\n" for line in lines)


UTC = "UTC"  # icalendar's TZID of UTC, which it writes as a Z after the time instead


def _moment(moment: dt.datetime) -> str:
    """A DTSTART or DTEND after its name: the TZID parameter and the wall time, or the time in UTC."""
    tzid = tzid_from_dt(moment)
    wall = _wall(moment)
    if tzid == UTC:
        return f":{wall}Z"
    if tzid is None or any(char in tzid for char in ',;:"'):
        raise ValueError(f"no time zone id to write for {moment!r}")  # never: a zone setting is an IANA name
    return f";TZID={tzid}:{wall}"


def _wall(moment: dt.datetime) -> str:
    """The date and time as written, every field zero-padded (strftime's %Y is not, before the year 1000)."""
    return (f"{moment.year:04}{moment.month:02}{moment.day:02}"
            f"T{moment.hour:02}{moment.minute:02}{moment.second:02}")


def _escaped(text: str) -> str:
    """A TEXT value as RFC 5545 escapes it, in the order icalendar does."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


FOLD_AT = 75  # octets: a content line is cut before the character that would reach it


def _folded(line: str) -> str:
    """The line folded as icalendar folds it: cut before the character that brings a piece to 75 octets, a
    backslash or caret that would end a piece of more than one character moved to the next, pieces joined by
    CRLF and a space. A line under 75 octets, most of them, is left as it is without looking at each character;
    a longer one is cut in its UTF-8 bytes (a feed's descriptions, a third of its time when cut a character at
    a time)."""
    if len(line) < FOLD_AT and (line.isascii() or len(line.encode()) < FOLD_AT):
        return line
    data = line.encode()
    pieces: list[str] = []
    start = 0
    while len(data) - start >= FOLD_AT:
        end = start + FOLD_AT - 1
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in b"\\^":  # the piece holds more characters than this one, which goes with the next
            end -= 1
        pieces.append(data[start:end].decode())
        start = end
    pieces.append(data[start:].decode())
    return "\r\n ".join(pieces)


def _at(site: Site, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=site.settings.zone)


def _stamp(site: Site, content_date: dt.date | None) -> dt.datetime:
    """Midnight of the entry's content date, written in UTC as RFC 5545 asks (in Beijing: the evening before)."""
    return _at(site, content_date or dt.date(1970, 1, 1), dt.time())


def _host(site: Site) -> str:
    return urlsplit(site.settings.base_url).hostname or "localhost"


def _text(value: object) -> str:
    return str(value).strip()
