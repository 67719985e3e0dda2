"""The compliance check: each station, deputy and opinion against the rules of the region's profiles.

Every rule names its source. A finding passes, fails, or is at risk: a yearly
minimum not met yet that can still be met before the year ends (预警). A yearly
minimum fails once the remaining reception days of the year cannot make it up.
A norm of public sites rather than of a regulation (a way to leave a message) is
a warning (预警) when missing, not a failure.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from liaison.content.schema import (
    RECEPTION_KINDS,
    EventKind,
    NamingConvention,
    Profile,
    ReceptionRule,
    Route,
    SeatLevel,
    StationKind,
    Tier,
)
from liaison.model import schedule, workdays
from liaison.model.site import Event, Opinion, Site, Station
from liaison.rules.six_items import ITEMS

PASS, FAIL, RISK = "pass", "fail", "risk"
STATUS_LABELS = {PASS: "符合", FAIL: "不符合", RISK: "预警"}

QUZHOU = "《衢州市人大代表联络站工作条例》"
XIXIA = "西峡县《人大代表联络站工作制度》"
WUXI = "无锡市“家站点”建设指导意见附件3《星级评分标准》"
JIANGSU = "江苏省《关于加强和规范基层人大代表履职平台建设的指导意见》"
WUXI_OPINION = "无锡市《关于高质量推进人大代表“家站点”建设的意见》"
CHENZHOU = "郴州市人大常委会《代表联络站“建管用”提质增效工作提示》"
BEIHU = "北湖区人大常委会《持续推进平台建设 保障代表依法履职》"
GOV_SITES = "国务院办公厅《政府网站发展指引》（国办发〔2017〕47号）“互动交流”"


@dataclass(frozen=True)
class Finding:
    rule: str
    title: str
    source: str
    subject_kind: str  # station, deputy, opinion, event
    subject: str  # id
    subject_name: str
    status: str
    detail: str


@dataclass(frozen=True)
class Report:
    year: int
    today: dt.date
    profiles: tuple[str, ...]
    findings: tuple[Finding, ...]
    holidays_known: bool  # whether the year's public holidays are published

    def with_status(self, status: str) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def failed(self) -> bool:
        return any(f.status == FAIL for f in self.findings)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    check: Callable[[Context], Iterator[Finding]]


# One rule's thresholds, by name (counts, days, tiers) or by seat level; values differ in type per rule.
Params = dict[str, Any]


@dataclass
class Context:
    site: Site
    year: int
    params: dict[str, Params] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)

    @property
    def end(self) -> dt.date:
        return min(dt.date(self.year, 12, 31), self.site.today)

    def source(self, rule: str) -> str:
        return "；".join(self.sources[rule])

    def finding(self, rule: str, kind: str, subject_id: str, name: str, status: str, detail: str,
                source: str | None = None) -> Finding:
        """A finding citing the profiles' source of the rule, or the source given."""
        return Finding(rule, RULES[rule].title, source or self.source(rule), kind, subject_id, name, status, detail)

    def events(self, station: Station | None = None) -> list[Event]:
        pool = self.site.events_at(station) if station else self.site.events.values()
        return [e for e in pool if e.date.year == self.year]

    def remaining_reception_days(self, stations: Iterable[Station]) -> int:
        """Reception days the stations' rules still offer this year after today (a day shared counts once)."""
        start, end = max(self.site.today + dt.timedelta(days=1), dt.date(self.year, 1, 1)), dt.date(self.year, 12, 31)
        return len({day for station in stations for day in self.site.rule_days(station, start, end)})

    def year_over(self) -> bool:
        return self.site.today > dt.date(self.year, 12, 31)


# ---- the rules ---------------------------------------------------------------------

def six_items(ctx: Context) -> Iterator[Finding]:
    for station in ctx.site.stations.values():
        present = published_items(ctx.site, station, ctx.year)
        missing = [item.title for item in ITEMS if not present[item.key]]
        yield ctx.finding("six_items", "station", station.id, station.name, FAIL if missing else PASS,
                          f"缺少：{'、'.join(missing)}" if missing else "六项内容均已公开")


def published_items(site: Site, station: Station, year: int) -> dict[str, bool]:
    """Whether the station publishes each of the six items, by the item's key."""
    return {
        "deputies": bool(site.members(station)),
        "staff": bool(site.staff(station)) and all(s.duties for s in site.staff(station)),
        "systems": bool(site.systems_for(station)) and has_plan(site, station, year),
        "flow": len(site.settings.opinion_flow) >= 2,
        "scenarios": bool(station.scenarios),
        "other": bool(station.opening_hours and station.phone),
    }


def has_plan(site: Site, station: Station | None, year: int) -> bool:
    """The station's own annual plan, or the one of the station above it that it follows."""
    while station is not None:
        if any(plan.year == year for plan in station.plans):
            return True
        station = site.parent(station)
    return False


def monthly_reception(ctx: Context) -> Iterator[Finding]:
    for station in _stations(ctx, ctx.params["monthly_reception"]["tiers"]):
        due, missing = reception_months(ctx, station)
        yield ctx.finding("monthly_reception", "station", station.id, station.name, FAIL if missing else PASS,
                          f"{'、'.join(f'{m}月' for m in missing)}没有开展代表接待活动" if missing
                          else f"已到期的 {len(due)} 个月每月均有接待活动")


def reception_months(ctx: Context, station: Station) -> tuple[list[int], list[int]]:
    """(months due so far, those of them without a reception at the station)."""
    rule = ctx.site.reception_rule(station)
    months_with = {e.date.month for e in ctx.events(station) if e.kind in RECEPTION_KINDS and e.date <= ctx.end}
    due = [m for m in range(1, 13) if _month_due(ctx, rule, m)]
    return due, [m for m in due if m not in months_with]


def _month_due(ctx: Context, rule: ReceptionRule, month: int) -> bool:
    """A month counts once it is over, or once its last reception day has passed."""
    if (ctx.year, month) < (ctx.site.today.year, ctx.site.today.month):
        return True
    if (ctx.year, month) > (ctx.site.today.year, ctx.site.today.month):
        return False
    days = schedule.reception_days_in_month(rule, ctx.year, month)
    return bool(days) and days[-1] < ctx.site.today


def notice_lead(ctx: Context) -> Iterator[Finding]:
    lead = ctx.params["notice_lead"]["days"]
    for station in ctx.site.stations.values():
        checked, late = notice_problems(ctx, station, lead)
        for event, detail in late:
            yield ctx.finding("notice_lead", "event", event.id, f"{station.short_name} {event.date}", FAIL, detail)
        if checked:
            yield ctx.finding("notice_lead", "station", station.id, station.name, PASS,
                              f"共核对 {checked} 次接待的公告时间")


def notice_problems(ctx: Context, station: Station, lead: int) -> tuple[int, list[tuple[Event, str]]]:
    """(receptions whose notice was due, those announced late or not at all with why)."""
    checked, late = 0, []
    for event in ctx.events(station):
        if event.kind not in RECEPTION_KINDS or event.date - dt.timedelta(days=lead) > ctx.site.today:
            continue  # its notice is not due yet
        checked += 1
        if event.announced is None:
            late.append((event, f"{event.date} 的{event.kind.value}没有公告记录（应至少提前 {lead} 天公告）"))
        elif (event.date - event.announced).days < lead:
            late.append((event, f"{event.date} 的{event.kind.value}于 {event.announced} 公告，只提前了 "
                                f"{(event.date - event.announced).days} 天（应至少提前 {lead} 天）"))
    return checked, late


def deputy_visits(ctx: Context) -> Iterator[Finding]:
    minimum_by_level = ctx.params["deputy_visits"]
    for deputy in ctx.site.deputies_sorted():
        assignments = ctx.site.assignments(deputy)
        if not assignments:
            continue
        remaining = ctx.remaining_reception_days(m.station for m in assignments)
        need = max(minimum_by_level.get(seat.level, 0) for seat in deputy.seats)
        if need == 0:
            continue
        visits = [e for e in ctx.site.duty_events(deputy) if e.date.year == ctx.year]
        done = sum(1 for e in visits if e.date <= ctx.site.today)
        planned = len(visits) - done
        status, detail = _yearly(done, planned, need, remaining, ctx.year_over(), "次进站")
        levels = "、".join(s.level.value for s in deputy.seats)
        yield ctx.finding("deputy_visits", "deputy", deputy.id, deputy.name, status, f"{levels}级代表，{detail}")


def _yearly(done: int, planned: int, need: int, remaining: int, over: bool, unit: str) -> tuple[str, str]:
    text = f"全年应不少于 {need} {unit[0]}，已完成 {done} {unit[0]}" + (f"、已安排 {planned} {unit[0]}" if planned else "")
    if done + planned >= need:
        return PASS, text
    if over or done + max(planned, remaining) < need:
        return FAIL, text + "，今年已无法达到"
    return RISK, text + f"，还差 {need - done - planned} {unit[0]}"


def activities(ctx: Context) -> Iterator[Finding]:
    params = ctx.params["activities"]
    for station in _stations(ctx, params["tiers"]):
        events = ctx.events(station)
        done = sum(1 for e in events if e.date <= ctx.site.today)
        status, detail = _yearly(done, len(events) - done, params["minimum"], 99, ctx.year_over(), "次活动")
        yield ctx.finding("activities", "station", station.id, station.name, status, detail)


def inspections(ctx: Context) -> Iterator[Finding]:
    params = ctx.params["inspections"]
    for station in _stations(ctx, params["tiers"]):
        events = [e for e in ctx.events(station) if e.kind == EventKind.INSPECTION]
        done = sum(1 for e in events if e.date <= ctx.site.today)
        status, detail = _yearly(done, len(events) - done, params["minimum"], 99, ctx.year_over(), "次视察调研")
        if len(events) > params["maximum"]:
            detail += f"（超过计划的 {params['maximum']} 次）"
        yield ctx.finding("inspections", "station", station.id, station.name, status, detail)


def assignment(ctx: Context) -> Iterator[Finding]:
    limit = ctx.params["assignment"]["working_days"]
    for station in ctx.site.stations.values():
        checked, late = assignment_problems(ctx, station, limit)
        for op, detail in late:
            yield ctx.finding("assignment", "opinion", op.id, op.summary, FAIL, detail)
        if checked:
            yield ctx.finding("assignment", "station", station.id, station.name, PASS,
                              f"共核对 {checked} 件交办意见的交办时间")


def assignment_problems(ctx: Context, station: Station, limit: int) -> tuple[int, list[tuple[Opinion, str]]]:
    """(opinions to be assigned this year, those assigned late or overdue with why)."""
    checked, late = 0, []
    for op in ctx.site.opinions_at(station):
        if op.route != Route.ASSIGNED or op.received.year != ctx.year:
            continue
        checked += 1
        if op.assigned is not None:
            days = workdays.working_days_between(op.received, op.assigned)
            if days > limit:
                late.append((op, f"{op.received} 受理，{op.assigned} 交办，用了 {days} 个工作日（应在 {limit} 个工作日内）"))
        elif workdays.working_days_between(op.received, ctx.site.today) > limit:
            late.append((op, f"{op.received} 受理，已超过 {limit} 个工作日仍未交办"))
    return checked, late


def feedback(ctx: Context) -> Iterator[Finding]:
    for station in ctx.site.stations.values():
        due, answered, overdue = feedback_counts(ctx, station)
        for op, detail in overdue:
            yield ctx.finding("feedback", "opinion", op.id, op.summary, FAIL, detail)
        if due:
            yield ctx.finding("feedback", "station", station.id, station.name, PASS if answered == due else FAIL,
                              f"已到答复期限的 {due} 件中答复 {answered} 件，反馈率 {answered / due:.0%}")


def feedback_counts(ctx: Context, station: Station) -> tuple[int, int, list[tuple[Opinion, str]]]:
    """(opinions due an answer by now, how many were answered, the overdue ones with why)."""
    due = answers_due(ctx, station)
    overdue = [(op, f"{op.received} 受理，{deadline} 前应予答复，至今没有反馈（状态：{op.status.value}）")
               for op, deadline in due if deadline is not None]
    return len(due), len(due) - len(overdue), overdue


def answers_due(ctx: Context, station: Station) -> list[tuple[Opinion, dt.date | None]]:
    """The year's opinions at the station that are due an answer by now: answered (None), or overdue with the
    day the answer was due."""
    within = ctx.site.settings.compliance.feedback_within_working_days
    due: list[tuple[Opinion, dt.date | None]] = []
    for op in ctx.site.opinions_at(station):
        if op.route == Route.LEGAL_CHANNEL or op.received.year != ctx.year:
            continue
        deadline = workdays.add_working_days(op.received, within)
        if op.feedback is not None:
            due.append((op, None))
        elif deadline < ctx.site.today:
            due.append((op, deadline))
    return due


@dataclass(frozen=True)
class NameForm:
    """An official form of station name: what it names, as its source writes it, and the pattern that checks it."""

    what: str
    text: str
    pattern: str
    source: str


# The forms each signage convention gives, by the kind of place a station is (see _place).
NAMING: dict[NamingConvention, dict[str, NameForm]] = {
    NamingConvention.CHENZHOU: {
        "township": NameForm("乡镇（街道）联络站", "××乡镇（街道）人大代表联络站",
                             r"^.+?(镇|乡|街道)人大代表联络站$", CHENZHOU + "一、2"),
        "village": NameForm("村（社区）联络站", "××乡镇（街道）××村（社区）人大代表联络站",
                            r"^.+?(镇|乡|街道).+?(村|社区)人大代表联络站$", CHENZHOU + "一、2"),
        "contact": NameForm("联络点", "××人大代表联络点（联系点）", r"^.+?人大代表(联络|联系)点$", BEIHU + "二"),
    },
    NamingConvention.WUXI: {
        "home": NameForm("代表之家", "××市（县、区）或××镇（街道、园区）人大代表之家",
                         r"^.+?(市|县|区|镇|街道|园区)人大代表之家$", WUXI_OPINION + "三（一）1、2（有统一标识）"),
        "village": NameForm("村（社区）联络站", "××村（社区）人大代表联络站",
                            r"^.+?(村|社区)人大代表联络站$", WUXI_OPINION + "三（一）2（有统一标识）"),
        "contact": NameForm("联系点", "××人大代表联系点", r"^.+?人大代表联系点$", WUXI_OPINION + "三（一）1"),
    },
    NamingConvention.JIANGSU: {
        "township": NameForm("乡镇（街道、园区）工作站", "××乡镇（街道、园区）人大代表工作站（人大代表之家）",
                             r"^.+?(镇|乡|街道|园区)人大代表(工作站|之家)$", JIANGSU + "二、附件"),
        "home": NameForm("代表之家", "××乡镇（街道、园区）人大代表工作站（人大代表之家）",
                         r"^.+?(镇|乡|街道|园区)人大代表(工作站|之家)$", JIANGSU + "二、附件"),
        "village": NameForm("村（社区）工作站", "××村（社区）人大代表工作站",
                            r"^.+?(村|社区)人大代表工作站$", JIANGSU + "二、附件"),
        "contact": NameForm("联系点", "××人大代表联系点", r"^.+?人大代表联系点$", JIANGSU + "二、附件"),
    },
}
# The passage of each convention that sets its names.
CONVENTION_SOURCES: dict[NamingConvention, str] = {
    NamingConvention.CHENZHOU: CHENZHOU + "一、2", NamingConvention.WUXI: WUXI_OPINION + "三（一）",
    NamingConvention.JIANGSU: JIANGSU + "二、附件",
}
# Where the convention in force names no form for a kind of place, the form the other sources give.
GENERAL_NAMING: dict[str, NameForm] = {
    "top": NameForm("联络总站和联络中心站", "××市人大代表联络总站、××县（市、区）人大代表联络中心站",
                    r"^.+?(市|县|区)人大代表联络(中心|总)站$", QUZHOU + "第二条、第七条"),
    "township": NameForm("乡镇（街道）联络站", "××乡（镇）、街道、开发区（园区）人大代表联络站",
                         r"^.+?(镇|乡|街道|园区)人大代表联络站$", QUZHOU + "第二条"),
    "home": NAMING[NamingConvention.WUXI]["home"],
    "professional": NameForm("专业（行业）联络站", "××（区域）××专业（行业）人大代表联络站",
                             r"^.+?(专业|行业)人大代表(联络站|工作站)$",
                             "专业（行业）人大代表联络站的通行命名（所列各规范均未单列）"),
}
NOT_NAMED_AFTER_DEPUTIES = JIANGSU + "三；" + WUXI_OPINION + "三（一）1"


# The kind of place a station is, for its name: by its kind where the kind has a name of its own, else by tier.
PLACE_BY_KIND = {StationKind.CONTACT_POINT: "contact", StationKind.HOME: "home",
                 StationKind.PROFESSIONAL: "professional", StationKind.GENERAL: "top", StationKind.CENTRE: "top"}
PLACE_BY_TIER = {Tier.CITY: "top", Tier.COUNTY: "top", Tier.TOWNSHIP: "township", Tier.VILLAGE: "village"}


def _place(station: Station) -> str:
    return PLACE_BY_KIND.get(station.kind) or PLACE_BY_TIER[station.tier]


def name_form(convention: NamingConvention, station: Station) -> tuple[NameForm, bool]:
    """The form the station's name must take, and whether the convention itself gives it."""
    place = _place(station)
    given = NAMING[convention].get(place)
    return (given, True) if given else (GENERAL_NAMING[place], False)


def naming(ctx: Context) -> Iterator[Finding]:
    convention = ctx.site.settings.signage.convention
    deputy_names = {d.name for d in ctx.site.deputies.values()}
    for station in ctx.site.stations.values():
        named_after = [name for name in deputy_names if name in station.name]
        if named_after:
            yield ctx.finding("naming", "station", station.id, station.name, FAIL,
                              f"站名含代表姓名“{named_after[0]}”：不以代表个人名义冠名",
                              source=NOT_NAMED_AFTER_DEPUTIES)
            continue
        form, given = name_form(convention, station)
        ok = re.match(form.pattern, station.name) is not None
        if given:
            detail = f"符合{convention.value}命名规范“{form.text}”" if ok else \
                f"不符合{convention.value}命名规范：{form.what}应命名为“{form.text}”"
            source = form.source
        else:
            detail = (f"{convention.value}命名规范未规定{form.what}的名称，按“{form.text}”核对："
                      + ("符合" if ok else "不符合"))
            source = f"{CONVENTION_SOURCES[convention]}（未单列{form.what}）；{form.source}"
        yield ctx.finding("naming", "station", station.id, station.name, PASS if ok else FAIL, detail,
                          source=source)


def message_channel(ctx: Context) -> Iterator[Finding]:
    for station in ctx.site.stations.values():
        channel = ctx.site.message_channel(station)
        if channel is None:
            yield ctx.finding("message_channel", "station", station.id, station.name, RISK,
                              "网页、大厅屏幕和公示栏上没有留言渠道：请在本站记录或 site.yaml 中写 message_channel"
                              "（留言电话、微信小程序或网上留言网址）", source=GOV_SITES)
            continue
        ways = [label for label, value in (("留言电话", channel.phone), ("微信小程序", channel.wechat),
                                           ("网上留言", channel.url)) if value]
        whose = "本站的" if station.message_channel else "全县统一的"
        yield ctx.finding("message_channel", "station", station.id, station.name, PASS,
                          f"公开了{whose}留言渠道：{'、'.join(ways)}", source=GOV_SITES)


def _stations(ctx: Context, tiers: set[Tier]) -> list[Station]:
    return [s for s in ctx.site.stations.values() if s.tier in tiers]


RULES: dict[str, Rule] = {rule.id: rule for rule in (
    Rule("six_items", "公开六项内容", six_items),
    Rule("monthly_reception", "每月至少一次代表接待", monthly_reception),
    Rule("notice_lead", "接待活动提前公告", notice_lead),
    Rule("deputy_visits", "代表每年进站次数", deputy_visits),
    Rule("activities", "联络站全年活动次数", activities),
    Rule("inspections", "每年视察调研次数", inspections),
    Rule("assignment", "意见建议按时交办", assignment),
    Rule("feedback", "意见建议件件有答复", feedback),
    Rule("naming", "联络站统一命名", naming),
    Rule("message_channel", "公开留言渠道", message_channel),
)}

BASE_TIERS = {Tier.COUNTY, Tier.TOWNSHIP}
# Which rules each profile applies, with its thresholds and the source it cites. Naming findings cite
# the signage convention in force (NAMING), whichever profile asks for the check.
PROFILES: dict[Profile, dict[str, tuple[Params, str | None]]] = {
    Profile.QUZHOU: {
        "six_items": ({}, QUZHOU + "第十一条"),
        "monthly_reception": ({"tiers": BASE_TIERS}, QUZHOU + "第十四条"),
        "notice_lead": ({"days": 1}, QUZHOU + "第十四条"),
        "deputy_visits": ({SeatLevel.CITY: 2, SeatLevel.COUNTY: 3, SeatLevel.TOWNSHIP: 3}, QUZHOU + "第十二条"),
    },
    Profile.XIXIA: {
        "monthly_reception": ({"tiers": BASE_TIERS}, XIXIA + "·联络站活动制度三、2"),
        "notice_lead": ({"days": 3}, XIXIA + "·接待选民和群众制度三"),
        "activities": ({"minimum": 10, "tiers": BASE_TIERS}, XIXIA + "·联络站活动制度二"),
        "inspections": ({"minimum": 3, "maximum": 4, "tiers": BASE_TIERS}, XIXIA + "·联络站活动制度三、3"),
        "assignment": ({"working_days": 7}, XIXIA + "·意见建议反馈处理制度3"),
        "feedback": ({}, XIXIA + "·意见建议反馈处理制度5"),
    },
    Profile.WUXI: {
        "monthly_reception": ({"tiers": BASE_TIERS | {Tier.VILLAGE}}, WUXI + "·联系群众2"),
        "deputy_visits": (dict.fromkeys(SeatLevel, 1), WUXI + "·联系群众2"),
        "feedback": ({}, WUXI + "·联系群众3"),
        "naming": ({}, None),
    },
    Profile.JIANGSU: {
        "notice_lead": ({"days": 1}, JIANGSU + "第二部分"),
        "naming": ({}, None),
    },
    Profile.CHENZHOU: {
        "naming": ({}, None),
    },
}


# Rules every profile applies: norms of public sites, which cite their own source.
COMMON: dict[str, tuple[Params, str | None]] = {"message_channel": ({}, None)}


def merged(profiles: list[Profile]) -> tuple[dict[str, Params], dict[str, list[str]]]:
    """Rules of all profiles; where two set a threshold, the stricter one holds."""
    params: dict[str, Params] = {}
    sources: dict[str, list[str]] = {}
    for profile in profiles:
        for rule, (values, source) in {**PROFILES[profile], **COMMON}.items():
            if source:
                sources.setdefault(rule, []).append(source)
            current = params.setdefault(rule, {})
            for key, value in values.items():
                if isinstance(value, set):
                    current[key] = current.get(key, set()) | value
                elif key == "maximum":
                    current[key] = min(current.get(key, value), value)
                else:
                    current[key] = max(current.get(key, value), value)
    return params, sources


def check(site: Site, year: int | None = None) -> Report:
    year = year or site.today.year
    profiles = list(dict.fromkeys(site.settings.compliance.profiles))
    params, sources = merged(profiles)
    ctx = Context(site, year, params, sources)
    findings = [f for rule_id in RULES if rule_id in params for f in RULES[rule_id].check(ctx)]
    return Report(year, site.today, tuple(p.value for p in profiles), tuple(findings), workdays.covered(year))
