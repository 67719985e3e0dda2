"""The immutable graph of a site: records with ids, and their relations resolved once.

Templates read everything through `Site`; nothing here mutates after build_site().
"""
from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from liaison.content import schema
from liaison.content.kinds import BY_MODEL
from liaison.content.schema import RECEPTION_KINDS, OpinionStatus, SeatLevel, StaffRole, Tier
from liaison.content.validate import Typed
from liaison.model import schedule, urls, workdays

R = TypeVar("R")

TIER_ORDER = [Tier.CITY, Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE]
LEVEL_ORDER = list(SeatLevel)
ROLE_ORDER = list(StaffRole)


@dataclass(frozen=True)
class Entity(Generic[R]):
    """A record with its id; attribute access falls through to the record."""

    id: str
    record: R

    @property
    def section(self) -> str:
        """The kind of this record (content/<kind>/, and the URL section of those with pages: see urls.py)."""
        return BY_MODEL[type(self.record)].name

    def __getattr__(self, name: str) -> Any:
        if name in ("id", "record", "__setstate__"):
            raise AttributeError(name)
        return getattr(self.record, name)


Station = Entity[schema.Station]
Deputy = Entity[schema.Deputy]
System = Entity[schema.System]
Event = Entity[schema.Event]
Opinion = Entity[schema.Opinion]
Notice = Entity[schema.Notice]
Assessment = Entity[schema.Assessment]


@dataclass(frozen=True)
class Member:
    """A deputy's assignment to a station."""

    deputy: Deputy
    station: Station
    role: schema.MemberRole
    since: dt.date
    until: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: StaffRole
    phone: str | None
    duties: tuple[str, ...]


@dataclass(frozen=True)
class OpinionSummary:
    total: int
    by_status: Mapping[OpinionStatus, int]
    by_category: tuple[tuple[str, int], ...]  # most frequent first
    assignment_days: tuple[int, ...]  # working days from receipt to assignment, per assigned opinion
    answered: int  # 已答复 + 已办结
    redirected: int
    satisfied: int  # 满意 + 基本满意
    rated: int

    @property
    def median_assignment_days(self) -> float | None:
        return statistics.median(self.assignment_days) if self.assignment_days else None

    @property
    def feedback_rate(self) -> float | None:
        handled = self.total - self.redirected
        return self.answered / handled if handled else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass(frozen=True)
class ReceptionDay:
    """A reception day of one station's rule, or of any station's, with the receptions planned for it."""

    date: dt.date
    events: tuple[Event, ...]
    announced: tuple[Event, ...]  # those of the events whose notice is public by today
    scopes: tuple[RuleScope, ...] = ()  # whose rule the day is (site-wide listings only)


@dataclass(frozen=True)
class RuleScope:
    """Where a reception rule is set, and the stations that follow it."""

    rule: schema.ReceptionRule
    stations: tuple[Station, ...]
    tier: Tier | None = None  # a tier's rule (site.tier_reception_rules)
    station: Station | None = None  # a station's own rule, which the stations below it inherit


@dataclass(frozen=True)
class Site:
    settings: schema.Site
    today: dt.date
    stations: Mapping[str, Station]
    deputies: Mapping[str, Deputy]
    systems: Mapping[str, System]
    events: Mapping[str, Event]
    opinions: Mapping[str, Opinion]
    notices: Mapping[str, Notice]
    assessments: Mapping[str, Assessment]
    _children: Mapping[str, tuple[Station, ...]]
    _members_by_station: Mapping[str, tuple[Member, ...]]
    _members_by_deputy: Mapping[str, tuple[Member, ...]]
    _events_by_station: Mapping[str, tuple[Event, ...]]
    _events_by_deputy: Mapping[str, tuple[Event, ...]]
    _opinions_by_station: Mapping[str, tuple[Opinion, ...]]

    # ---- public addresses ----
    def public_url(self, entity: Entity[Any]) -> str:
        """The stable absolute URL of an entity's page."""
        return urls.canonical(self.settings.base_url, urls.page_path(entity.section, entity.id))

    def qr_target(self, entity: Station | Deputy) -> str:
        """What the entity's QR code encodes: its own target if the record names one, else its page."""
        return entity.qr_target or self.public_url(entity)

    def message_channel(self, station: Station) -> schema.MessageChannel | None:
        """Where residents leave a message for the station's deputies: its own channel, else the site's."""
        return station.message_channel or self.settings.message_channel

    # ---- stations ----
    def station_tree(self) -> list[tuple[Tier, list[tuple[str, list[Station]]]]]:
        """Stations grouped by tier, then by locality, in a stable order."""
        groups: dict[Tier, dict[str, list[Station]]] = defaultdict(lambda: defaultdict(list))
        for station in self.stations.values():
            groups[station.tier][station.locality].append(station)
        def places(tier: Tier) -> list[tuple[str, list[Station]]]:
            # ids are pinyin, so ordering by id reads as a Chinese reader expects
            grouped = [(place, sorted(items, key=_station_key)) for place, items in groups[tier].items()]
            return sorted(grouped, key=lambda group: _station_key(group[1][0]))

        return [(tier, places(tier)) for tier in TIER_ORDER if tier in groups]

    def township_of(self, station: Station) -> Station:
        """The township station (乡镇 or 街道) a station is, or is below; a station above any township is its own."""
        return self.stations[self._township_ids[station.id]]

    def township_name(self, township: Station) -> str:
        """What a township's part is called: its place (a township's, or the top station's: the county); a station
        outside any township below the top, its short name."""
        station: schema.Station = township.record
        return station.locality if station.tier == Tier.TOWNSHIP or not station.parent else station.short_name

    def townships(self) -> list[tuple[Station, list[Station]]]:
        """Each township's station with the stations in it (itself first), the county's first: the parts the
        long lists of the site are split into."""
        return [(township, list(stations)) for township, stations in self._townships]

    @functools.cached_property
    def _township_ids(self) -> Mapping[str, str]:
        return {station.id: next((s for s in self.lineage(station) if s.tier == Tier.TOWNSHIP), station).id
                for station in self.stations.values()}

    @functools.cached_property
    def _townships(self) -> tuple[tuple[Station, tuple[Station, ...]], ...]:
        groups: dict[str, list[Station]] = defaultdict(list)
        for station in sorted(self.stations.values(), key=_station_key):
            groups[self._township_ids[station.id]].append(station)
        return tuple(sorted(((self.stations[tid], tuple(stations)) for tid, stations in groups.items()),
                            key=lambda group: _station_key(group[1][0])))

    def parent(self, station: Station) -> Station | None:
        return self.stations.get(station.parent) if station.parent else None

    def lineage(self, station: Station) -> list[Station]:
        """The station, its parent, its parent's parent … up to the top."""
        line: list[Station] = []
        node: Station | None = station
        while node is not None:
            line.append(node)
            node = self.parent(node)
        return line

    def children(self, station: Station) -> tuple[Station, ...]:
        return self._children.get(station.id, ())

    def members(self, station: Station, *, current: bool = True) -> tuple[Member, ...]:
        members = self._members_by_station.get(station.id, ())
        return tuple(m for m in members if m.active_on(self.today)) if current else members

    def staff(self, station: Station) -> tuple[StaffMember, ...]:
        defaults = self.settings.staff_duties
        people = sorted(station.staff, key=lambda s: ROLE_ORDER.index(s.role))
        return tuple(StaffMember(s.name, s.role, s.phone, tuple(s.duties or defaults.get(s.role, [])))
                     for s in people)

    def systems_for(self, station: Station | None) -> tuple[System, ...]:
        """Site-wide systems, then the station's own."""
        chosen = [s for s in self.systems.values()
                  if s.station is None or (station is not None and s.station == station.id)]
        return tuple(sorted(chosen, key=lambda s: (s.station is not None, s.order, s.id)))

    def notices_for(self, station: Station | None) -> tuple[Notice, ...]:
        """The notices of a station and those of the whole county (all of them for None), newest first."""
        if station is None:
            return self._notices_newest
        return tuple(n for n in self._notices_newest if n.station in (None, station.id))

    @functools.cached_property
    def _notices_newest(self) -> tuple[Notice, ...]:  # sorted once a build, not per station page or search region
        return tuple(sorted(self.notices.values(), key=lambda n: (n.date, n.id), reverse=True))

    def events_at(self, station: Station) -> tuple[Event, ...]:
        return self._events_by_station.get(station.id, ())

    def opinions_at(self, station: Station | None) -> tuple[Opinion, ...]:
        if station is None:
            return tuple(sorted(self.opinions.values(), key=_opinion_key, reverse=True))
        return self._opinions_by_station.get(station.id, ())

    def opinion_summary(self, station: Station | None = None, since: dt.date | None = None) -> OpinionSummary:
        return summarise(o for o in self.opinions_at(station) if since is None or o.received >= since)

    def opinion_months(self, station: Station | None = None, months: int = 12) -> list[MonthCount]:
        return monthly(self.opinions_at(station), self.today, months)

    # ---- the long lists' parts: by township, month and year ----
    def townships_with(self, items: Iterable[Event | Opinion]) -> list[Station]:
        """The townships, in order, at whose stations some of the events or opinions are."""
        places = {self._township_ids[item.station] for item in items}
        return [township for township, _ in self.townships() if township.id in places]

    def months(self) -> list[str]:
        """The months (2026-11) with events, in order."""
        return list(self._events_by_month)

    def events_in(self, month: str, township: Station | None = None) -> list[Event]:
        """The month's events, at the stations of one township or of all, in order."""
        return [e for e in self._events_by_month.get(month, ())
                if township is None or self._township_ids[e.station] == township.id]

    @functools.cached_property
    def _events_by_month(self) -> Mapping[str, tuple[Event, ...]]:
        months: dict[str, list[Event]] = defaultdict(list)
        for event in sorted(self.events.values(), key=_event_key):
            months[month_of(event.date)].append(event)
        return {month: tuple(months[month]) for month in sorted(months)}

    def event_path(self, event: Event) -> str:
        """The schedule part that lists the event (its row's anchor is the event's id)."""
        return urls.schedule_part_path(month_of(event.date), self.township_of(self.stations[event.station]).id)

    def opinion_years(self) -> list[int]:
        """The years opinions were received in, the latest first."""
        return sorted({o.received.year for o in self.opinions.values()}, reverse=True)

    def opinions_in(self, year: int, township: Station | None = None) -> list[Opinion]:
        """The year's opinions, at the stations of one township or of all, the latest first."""
        return [o for o in self._opinions_by_year.get(year, ())
                if township is None or self._township_ids[o.station] == township.id]

    @functools.cached_property
    def _opinions_by_year(self) -> Mapping[int, tuple[Opinion, ...]]:
        years: dict[int, list[Opinion]] = defaultdict(list)
        for opinion in self.opinions_at(None):  # the latest first, sorted once
            years[opinion.received.year].append(opinion)
        return {year: tuple(opinions) for year, opinions in years.items()}

    # ---- deputies ----
    def deputies_sorted(self) -> list[Deputy]:
        return sorted(self.deputies.values(), key=_deputy_key)

    def deputies_in(self, township: Station) -> list[Deputy]:
        """The deputies the township's part of the deputies' list shows (see townships_of), by level."""
        return list(self._deputies_by_township.get(township.id, ()))

    @functools.cached_property
    def _deputies_by_township(self) -> Mapping[str, tuple[Deputy, ...]]:
        groups: dict[str, list[Deputy]] = defaultdict(list)
        for deputy in self.deputies_sorted():
            for township in self.townships_of(deputy):
                groups[township.id].append(deputy)
        return {tid: tuple(deputies) for tid, deputies in groups.items()}

    def townships_of(self, deputy: Deputy) -> list[Station]:
        """The townships of the stations the deputy serves at today; for one serving nowhere today, the township of
        their latest membership."""
        members = self.assignments(deputy) or sorted(self._members_by_deputy.get(deputy.id, ()),
                                                     key=lambda m: (m.until or m.since, m.since))[-1:]
        return list({self.township_of(m.station).id: self.township_of(m.station) for m in members}.values())

    def assignments(self, deputy: Deputy, *, current: bool = True) -> tuple[Member, ...]:
        members = self._members_by_deputy.get(deputy.id, ())
        return tuple(m for m in members if m.active_on(self.today)) if current else members

    def duty_events(self, deputy: Deputy) -> tuple[Event, ...]:
        return self._events_by_deputy.get(deputy.id, ())

    # ---- time ----
    def upcoming(self, events: Iterable[Event]) -> list[Event]:
        return [e for e in events if e.date >= self.today]

    def past(self, events: Iterable[Event]) -> list[Event]:
        return sorted((e for e in events if e.date < self.today), key=_event_key, reverse=True)

    def reception_rule(self, station: Station | None = None) -> schema.ReceptionRule:
        """The rule a station receives by (see _rule_scope); the site-wide rule without a station."""
        return self._rule_scope(station)[0] if station else self.settings.reception_rule

    def _rule_scope(self, station: Station) -> tuple[schema.ReceptionRule, Station | Tier | None]:
        """The station's own rule, else its nearest ancestor's, else its tier's, else the site's; with its owner."""
        for node in self.lineage(station):
            if node.reception_rule is not None:
                return node.reception_rule, node
        if station.tier in self.settings.tier_reception_rules:
            return self.settings.tier_reception_rules[station.tier], station.tier
        return self.settings.reception_rule, None

    def rule_scopes(self) -> list[RuleScope]:
        """Every rule some station follows, with its followers: the site-wide rule, tiers', then stations'.

        A site without stations has the site-wide rule alone."""
        scopes: dict[tuple[object, ...], RuleScope] = {}
        for station in sorted(self.stations.values(), key=_station_key):
            rule, owner = self._rule_scope(station)
            key: tuple[object, ...]
            if owner is None:
                key, scope = (0,), RuleScope(rule, ())
            elif isinstance(owner, Tier):
                key, scope = (1, TIER_ORDER.index(owner)), RuleScope(rule, (), tier=owner)
            else:
                key, scope = (2, _station_key(owner)), RuleScope(rule, (), station=owner)
            scope = scopes.get(key, scope)
            scopes[key] = replace(scope, stations=scope.stations + (station,))
        return [scopes[key] for key in sorted(scopes)] or [RuleScope(self.settings.reception_rule, ())]

    def rule_days(self, station: Station, start: dt.date, end: dt.date) -> list[dt.date]:
        """The station's reception days from start to end inclusive, holidays applied."""
        return list(schedule.rule_dates(self.reception_rule(station), start, end))

    def reception_days(self, count: int = 3, station: Station | None = None) -> list[ReceptionDay]:
        """The next `count` reception days from today, of the station's rule or of any station's,
        with the receptions planned for them."""
        horizon = self.today + dt.timedelta(days=31 * (count + 1))
        whose: dict[dt.date, tuple[RuleScope, ...]] = defaultdict(tuple)
        if station is not None:
            for day in self.rule_days(station, self.today, horizon):
                whose[day] = ()
        else:
            for scope in self.rule_scopes():
                for day in schedule.rule_dates(scope.rule, self.today, horizon):
                    whose[day] += (scope,)
        pool = self.events_at(station) if station else tuple(self.events.values())
        receptions = sorted((e for e in pool if e.kind in RECEPTION_KINDS), key=_event_key)

        def reception_day(day: dt.date) -> ReceptionDay:
            events = tuple(e for e in receptions if e.date == day)
            return ReceptionDay(day, events, tuple(e for e in events if self.notice_published(e)), whose[day])

        return [reception_day(day) for day in sorted(whose)[:count]]

    def upcoming_receptions(self, station: Station | None = None) -> list[Event]:
        pool = self.events_at(station) if station else tuple(self.events.values())
        return sorted((e for e in pool if e.kind in RECEPTION_KINDS and e.date >= self.today), key=_event_key)

    def notice_date(self, event: Event) -> dt.date:
        """When the reception's notice goes public: the day it was announced, else lead days before it."""
        return event.record.announced or event.record.date - dt.timedelta(days=self.settings.notice_lead_days)

    def notice_published(self, event: Event) -> bool:
        """Whether the event is a reception whose notice is public by today."""
        return event.kind in RECEPTION_KINDS and self.notice_date(event) <= self.today

    def published_receptions(self, station: Station | None = None) -> list[Event]:
        """Receptions whose notice is public by today (past ones stay published), oldest first."""
        pool = self.events_at(station) if station else tuple(self.events.values())
        return sorted((e for e in pool if self.notice_published(e)), key=_event_key)

    def active_notices(self, station: Station | None = None) -> list[Notice]:
        return [n for n in self.notices_for(station)
                if n.date <= self.today and (n.expires is None or n.expires >= self.today)]


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    received: int
    answered: int  # opinions whose feedback was given in that month


def monthly(opinions: Iterable[Opinion], last: dt.date, months: int = 12) -> list[MonthCount]:
    """Received and answered per calendar month, for the `months` months ending with last's month."""
    items = list(opinions)
    keys = []
    year, month = last.year, last.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    received = Counter((o.received.year, o.received.month) for o in items)
    answered = Counter((o.feedback.year, o.feedback.month) for o in items if o.feedback is not None)
    return [MonthCount(y, m, received[(y, m)], answered[(y, m)]) for y, m in reversed(keys)]


def summarise(opinions: Iterable[Opinion]) -> OpinionSummary:
    items = list(opinions)
    by_status = Counter(o.status for o in items)
    answered = by_status[OpinionStatus.ANSWERED] + by_status[OpinionStatus.CLOSED]
    rated = [o for o in items if o.satisfaction is not None]
    satisfied = sum(1 for o in rated if o.satisfaction != schema.Satisfaction.UNSATISFIED)
    categories = Counter(o.category for o in items)
    return OpinionSummary(
        total=len(items),
        by_status=MappingProxyType({status: by_status[status] for status in OpinionStatus}),
        by_category=tuple(sorted(categories.items(), key=lambda item: (-item[1], item[0]))),
        assignment_days=tuple(workdays.working_days_between(o.received, o.assigned) for o in items
                              if o.assigned is not None),
        answered=answered,
        redirected=by_status[OpinionStatus.REDIRECTED],
        satisfied=satisfied,
        rated=len(rated),
    )


def _station_key(station: Station) -> tuple[int, str]:
    return (TIER_ORDER.index(station.tier), station.id)


def month_of(day: dt.date) -> str:
    """A day's month as the schedule's parts name it: 2026-11."""
    return f"{day.year:04d}-{day.month:02d}"


def top_level(deputy: Deputy) -> SeatLevel:
    """The highest level of congress the deputy sits in: where the lists of deputies place them."""
    record: schema.Deputy = deputy.record
    return min((seat.level for seat in record.seats), key=LEVEL_ORDER.index)


def by_level(deputies: Iterable[Deputy]) -> list[tuple[SeatLevel, list[Deputy]]]:
    """Deputies grouped by their top level, the levels in order, each group in the given order."""
    groups: dict[SeatLevel, list[Deputy]] = defaultdict(list)
    for deputy in deputies:
        groups[top_level(deputy)].append(deputy)
    return [(level, groups[level]) for level in LEVEL_ORDER if level in groups]


def _deputy_key(deputy: Deputy) -> tuple[int, str]:
    return (LEVEL_ORDER.index(top_level(deputy)), deputy.id)


def _event_key(event: Event) -> tuple[dt.date, dt.time, str]:
    return (event.date, event.start, event.id)


def _opinion_key(opinion: Opinion) -> tuple[dt.date, str]:
    return (opinion.received, opinion.id)


def build_site(typed: Typed, today: dt.date) -> Site:
    """Resolve relations once. Assumes validate() reported no errors."""
    assert typed.site is not None
    freeze = MappingProxyType

    def entities(kind: str) -> dict[str, Entity[Any]]:
        return {rid: Entity(rid, record) for rid, record in sorted(typed.of(kind).items())}

    stations, deputies = entities("stations"), entities("deputies")
    events, opinions = entities("events"), entities("opinions")

    children: dict[str, list[Station]] = defaultdict(list)
    for station in stations.values():
        if station.parent:
            children[station.parent].append(station)

    by_station: dict[str, list[Member]] = defaultdict(list)
    by_deputy: dict[str, list[Member]] = defaultdict(list)
    for deputy in deputies.values():
        for m in deputy.memberships:
            member = Member(deputy, stations[m.station], m.role, m.since, m.until)
            by_station[m.station].append(member)
            by_deputy[deputy.id].append(member)

    events_by_station: dict[str, list[Event]] = defaultdict(list)
    events_by_deputy: dict[str, list[Event]] = defaultdict(list)
    for event in sorted(events.values(), key=_event_key):
        events_by_station[event.station].append(event)
        for did in event.deputies:
            events_by_deputy[did].append(event)

    opinions_by_station: dict[str, list[Opinion]] = defaultdict(list)
    for opinion in sorted(opinions.values(), key=_opinion_key, reverse=True):
        opinions_by_station[opinion.station].append(opinion)

    def tuples(index: Mapping[str, list[R]], key: Callable[[R], tuple[object, ...]] | None = None
               ) -> Mapping[str, tuple[R, ...]]:
        return freeze({k: tuple(sorted(v, key=key) if key else v) for k, v in index.items()})

    member_key = lambda m: (m.role != schema.MemberRole.CONVENOR, _deputy_key(m.deputy))  # noqa: E731
    return Site(
        settings=typed.site,
        today=today,
        stations=freeze(stations),
        deputies=freeze(deputies),
        systems=freeze(entities("systems")),
        events=freeze(events),
        opinions=freeze(opinions),
        notices=freeze(entities("notices")),
        assessments=freeze(entities("assessments")),
        _children=tuples(children, key=_station_key),
        _members_by_station=tuples(by_station, key=member_key),
        _members_by_deputy=tuples(by_deputy, key=lambda m: _station_key(m.station)),
        _events_by_station=tuples(events_by_station),
        _events_by_deputy=tuples(events_by_deputy),
        _opinions_by_station=tuples(opinions_by_station),
    )
