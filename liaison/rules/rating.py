"""The Wuxi star rating (无锡“家站点”星级评定): the 100-point table, line by line.

Lines that records can decide are scored here, each with its evidence; the rest
come from an inspector's assessment file (content/assessments/). A line with no
score yet counts 0 and says so. Bands: 达标级 ≥ 80, 三星级 ≥ 85, 四星级 ≥ 90, 五星级 ≥ 95.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from liaison.content.problems import Problem
from liaison.content.schema import RECEPTION_KINDS, EventKind, SeatLevel, StaffRole, StationKind, Tier
from liaison.content.validate import Typed
from liaison.model.site import Assessment, Event, Site, Station
from liaison.rules.compliance import (
    Context,
    assignment_problems,
    feedback_counts,
    has_plan,
    notice_problems,
    reception_months,
)

TABLE = Path(__file__).with_name("standards") / "wuxi-star.yaml"
SENIOR_LEVELS = {SeatLevel.NATIONAL, SeatLevel.PROVINCIAL, SeatLevel.CITY}


@dataclass(frozen=True)
class Line:
    id: str
    section: str
    points: float
    text: str
    auto: str | None


@dataclass(frozen=True)
class Scored:
    line: Line
    points: float
    evidence: str
    source: str  # "记录" (computed), "评估" (assessment file) or "待评" (not yet scored)


@dataclass(frozen=True)
class Rating:
    station: Station
    year: int
    lines: tuple[Scored, ...]
    sections: tuple[tuple[str, float, float], ...]  # (title, points, maximum)
    total: float
    band: str | None
    assessment: Assessment | None


@functools.cache
def table() -> tuple[tuple[tuple[str, str, float], ...], tuple[Line, ...], tuple[tuple[float, str], ...]]:
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    sections = tuple((s["id"], s["title"], float(s["points"])) for s in data["sections"])
    lines = tuple(Line(row["id"], row["section"], float(row["points"]), row["text"], row.get("auto")) for row in data["lines"])
    bands = tuple((float(b["minimum"]), b["name"]) for b in data["bands"])
    return sections, lines, bands


def manual_line_ids() -> dict[str, float]:
    """Lines an inspector scores, with their maximum (for validating assessment files)."""
    return {line.id: line.points for line in table()[1] if line.auto is None}


def assessment_problems(typed: Typed) -> list[Problem]:
    """Each inspector's score names a manual line of the star table and stays within its points."""
    manual = manual_line_ids()
    computed = {line.id for line in table()[1] if line.auto}
    problems: list[Problem] = []
    for aid, assessment in typed.of("assessments").items():
        raw = typed.raw[("assessments", aid)]
        for line_id, score in assessment.scores.items():
            if line_id in computed:
                problems.append(raw.problem(("scores", line_id), f"“{line_id}”由记录自动计分，不在评估文件中填写"))
            elif line_id not in manual:
                hint = difflib.get_close_matches(line_id, list(manual), n=1)
                problems.append(raw.problem(("scores", line_id),
                                            f"评分表中没有“{line_id}”" + (f"，是否想写“{hint[0]}”？" if hint else "")))
            elif score > manual[line_id]:
                problems.append(raw.problem(("scores", line_id), f"该项最多 {manual[line_id]:g} 分"))
        for line_id in assessment.notes:
            if line_id not in manual:
                problems.append(raw.problem(("notes", line_id), f"评分表中没有需评估的“{line_id}”"))
    return problems


def rate(site: Site, station: Station, year: int) -> Rating:
    sections, lines, bands = table()
    ctx = Context(site, year, {}, {})
    assessment = next((a for a in site.assessments.values() if a.station == station.id and a.year == year), None)
    scored = tuple(_score(ctx, station, line, assessment) for line in lines)
    totals = []
    for section_id, title, maximum in sections:
        got = sum(s.points for s in scored if s.line.section == section_id)
        totals.append((title, min(got, maximum), maximum))  # the bonus section is capped at its 10 points
    total = sum(points for _, points, _ in totals)
    band = next((name for minimum, name in bands if total >= minimum), None)
    return Rating(station, year, scored, tuple(totals), total, band, assessment)


def _score(ctx: Context, station: Station, line: Line, assessment: Assessment | None) -> Scored:
    if line.auto is None:
        if assessment is not None and line.id in assessment.scores:
            note = assessment.notes.get(line.id, "")
            return Scored(line, assessment.scores[line.id], note or f"{assessment.assessor}评定", "评估")
        return Scored(line, 0, "待评估", "待评")
    name, _, argument = line.auto.partition(":")
    met, evidence = AUTO[name](ctx, station, argument)
    return Scored(line, line.points if met else 0, evidence, "记录")


# ---- lines decided by records: each returns (met, evidence) -----------------------------

def _standard_area(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    need = 60 if station.kind == StationKind.HOME or station.tier in (Tier.COUNTY, Tier.TOWNSHIP) else 30
    return station.area_m2 >= need, f"面积 {station.area_m2:g} 平方米（标准 {need} 平方米）"


def _intro_and_deputies(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    members = ctx.site.members(station)
    return bool(station.intro.strip()) and bool(members), f"简介已公开，进站代表 {len(members)} 名信息上墙"


def _online_platform(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    names = "、".join(s.name for s in station.scenarios)
    return bool(station.scenarios), f"站码、代表码及应用场景：{names or '无'}"


def _dedicated_staff(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    roles = [s.role for s in station.staff]
    return StaffRole.LIAISON in roles, "、".join(f"{s.name}（{s.role.value}）" for s in station.staff)


def _system(ctx: Context, station: Station, pattern: str) -> tuple[bool, str]:
    found = [s.title for s in ctx.site.systems_for(station) if re.search(pattern, s.title)]
    return bool(found), "、".join(found) if found else "未找到相应制度"


def _staff_duties(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    staff = ctx.site.staff(station)
    return bool(staff) and all(s.duties for s in staff), f"{len(staff)} 名工作人员均有公开的职责"


def _study_sessions(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    members = len(ctx.site.members(station)) or 1
    sessions = [e for e in _events(ctx, station) if e.kind == EventKind.STUDY]
    rates = [(e.outcome.participants or 0) / members if e.outcome else 0 for e in sessions]
    met = len(sessions) >= 2 and all(rate >= 0.6 for rate in rates)
    shown = "、".join(f"{e.date}（{rate:.0%}）" for e, rate in zip(sessions, rates, strict=True))
    return met, f"集中学习 {len(sessions)} 次{('：' + shown) if shown else ''}"


def _plan_and_notice(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    plan = has_plan(ctx.site, station, ctx.year)
    checked, late = notice_problems(ctx, station, ctx.site.settings.notice_lead_days)
    return plan and not late, f"{'有' if plan else '无'}{ctx.year}年度计划；{checked} 次接待中提前公告不足 {len(late)} 次"


def _report_back(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    done = [e for e in _events(ctx, station) if e.kind == EventKind.REPORT_BACK]
    return bool(done), f"述职评议 {len(done)} 次"


def _timely_assignment(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    checked, late = assignment_problems(ctx, station, 7)
    return not late, f"{checked} 件交办意见中超过 7 个工作日交办 {len(late)} 件"


def _contacts_public(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    return bool(station.phone), f"联络站电话 {station.phone}，代表信息和代表码已公开"


def _monthly_reception(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    due, missing = reception_months(ctx, station)
    return not missing, (f"缺少：{'、'.join(f'{m}月' for m in missing)}" if missing else f"{len(due)} 个月每月均有")


def _every_deputy_receives(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    received = {d for e in _events(ctx, station) if e.kind in RECEPTION_KINDS for d in e.deputies}
    absent = [m.deputy.name for m in ctx.site.members(station) if m.deputy.id not in received]
    return not absent, f"未接待的代表：{'、'.join(absent)}" if absent else "进站代表均已参加接待"


def _full_feedback(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    due, answered = feedback_counts(ctx, station)[:2]
    return answered == due, f"到期 {due} 件，已答复 {answered} 件"


def _inspections(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    done = [e for e in _events(ctx, station) if e.kind == EventKind.INSPECTION]
    return len(done) >= 2, f"视察调研 {len(done)} 次"


def _senior_deputies_take_part(ctx: Context, station: Station, _: str) -> tuple[bool, str]:
    active = {d for e in _events(ctx, station) for d in e.deputies}
    senior = [m.deputy for m in ctx.site.members(station) if {s.level for s in m.deputy.seats} & SENIOR_LEVELS]
    absent = [d.name for d in senior if d.id not in active]
    return not absent, (f"未参加：{'、'.join(absent)}" if absent else f"市级以上代表 {len(senior)} 名均参加")


def _events(ctx: Context, station: Station) -> list[Event]:
    return [e for e in ctx.events(station) if e.date <= ctx.site.today]


AUTO: dict[str, Callable[[Context, Station, str], tuple[bool, str]]] = {
    "standard_area": _standard_area, "intro_and_deputies": _intro_and_deputies,
    "online_platform": _online_platform, "dedicated_staff": _dedicated_staff, "system": _system,
    "staff_duties": _staff_duties, "study_sessions": _study_sessions, "plan_and_notice": _plan_and_notice,
    "report_back": _report_back, "timely_assignment": _timely_assignment, "contacts_public": _contacts_public,
    "monthly_reception": _monthly_reception, "every_deputy_receives": _every_deputy_receives,
    "full_feedback": _full_feedback, "inspections": _inspections,
    "senior_deputies_take_part": _senior_deputies_take_part,
}
