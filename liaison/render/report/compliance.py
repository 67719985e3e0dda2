"""The compliance report: HTML for people, JSON for machines. Kept out of the public site
unless the publisher opts in (compliance.publish)."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

import jinja2

from liaison.content.schema import Profile
from liaison.model.site import Site
from liaison.render import Context, Output, Rendered
from liaison.render.report import overview
from liaison.rules.compliance import FAIL, RISK, RULES, STATUS_LABELS, Report, check
from liaison.rules.rating import Rating, rate

PUBLISHED_FOLDER = "compliance/"
# What the terminal lists one by one; beyond that, a county's hundreds of lines are counted and left to the report.
TERMINAL_PROBLEMS = 20
TERMINAL_RATINGS = 10


def ratings_for(site: Site, year: int) -> list[Rating]:
    """Star ratings where they apply: every station under the 无锡 profile, else those with an assessment."""
    wuxi = Profile.WUXI in site.settings.compliance.profiles
    assessed = {a.station for a in site.assessments.values() if a.year == year}
    return [rate(site, station, year) for station in site.stations.values() if wuxi or station.id in assessed]


def report_outputs(site: Site, report: Report, env: jinja2.Environment, folder: str = "") -> list[Output]:
    ratings = ratings_for(site, report.year)
    counts = Counter((f.rule, f.status) for f in report.findings)
    summary = [(rule.title, counts[(rule.id, "pass")], counts[(rule.id, "fail")], counts[(rule.id, "risk")])
               for rule in RULES.values() if any(f.rule == rule.id for f in report.findings)]
    rows = overview.station_rows(site, report, ratings)
    drawn = overview.charts(site, report, rows)
    html = env.get_template("report/compliance.html").render(
        site=site, report=report, ratings=ratings, summary=summary, labels=STATUS_LABELS, rows=rows, charts=drawn,
        filters=overview.filters(rows), result_labels=overview.RESULT_LABELS, **overview.ranks(),
        page_path=f"{folder}index.html" if folder else "compliance.html")
    data = json.dumps(as_json(report, ratings, rows, drawn), ensure_ascii=False, indent=2) + "\n"
    name = "index.html" if folder else "compliance.html"
    return [Output(folder + name, html.encode("utf-8")), Output(folder + "compliance.json", data.encode("utf-8"))]


def published(ctx: Context) -> Rendered:
    """The report as the public site carries it, under compliance/ (compliance: {publish: true})."""
    return Rendered(tuple(report_outputs(ctx.site, check(ctx.site), ctx.env, folder=PUBLISHED_FOLDER)))


def as_json(report: Report, ratings: list[Rating], rows: list[overview.StationRow],
            charts: list[overview.Chart]) -> dict[str, Any]:
    return {
        "year": report.year,
        "today": report.today.isoformat(),
        "profiles": list(report.profiles),
        "holidays_known": report.holidays_known,
        "failed": report.failed,
        "findings": [vars(f) for f in report.findings],
        "ratings": [{
            "station": r.station.id, "year": r.year, "total": r.total, "band": r.band,
            "assessment": r.assessment.id if r.assessment else None,
            "sections": [{"title": t, "points": p, "maximum": m} for t, p, m in r.sections],
            "lines": [{"id": s.line.id, "text": s.line.text, "points": s.points, "maximum": s.line.points,
                       "source": s.source, "evidence": s.evidence} for s in r.lines],
        } for r in ratings],
        "stations": [{
            "station": row.station.id, "name": row.station.name, "tier": row.station.tier.value,
            "township": row.township.id if row.township else None, "result": row.result,
            "failed": row.count(FAIL), "at_risk": row.count(RISK), "band": row.band,
            "total": row.rating.total if row.rating else None,
            "feedback_due": row.feedback_due, "feedback_answered": row.feedback_answered,
            "months_due": row.months_due, "months_covered": row.months_covered,
        } for row in rows],
        "charts": [{"id": chart.id, "caption": chart.caption,
                    "bars": [{"label": bar.label, **bar.counts} for bar in chart.bars]}
                   for chart in charts],
    }


def terminal_summary(report: Report, ratings: list[Rating]) -> list[str]:
    lines = [f"合规检查：{report.year} 年，截至 {report.today}；适用规则：{'、'.join(report.profiles)}"]
    if not report.holidays_known:
        lines.append(f"  注意：{report.year} 年法定节假日尚未发布，工作日按周一至周五计算")
    counts = Counter((f.rule, f.status) for f in report.findings)
    for rule in RULES.values():
        if any(f.rule == rule.id for f in report.findings):
            parts = [f"{counts[(rule.id, s)]} {STATUS_LABELS[s]}" for s in ("pass", "fail", "risk") if counts[(rule.id, s)]]
            lines.append(f"  {rule.title}：{'，'.join(parts)}")
    problems = [(mark, f) for status, mark in (("fail", "✗"), ("risk", "!")) for f in report.with_status(status)]
    for mark, f in problems[:TERMINAL_PROBLEMS]:
        lines.append(f"  {mark} {STATUS_LABELS[f.status]} · {f.title} · {f.subject_name}：{f.detail}（依据：{f.source}）")
    if len(problems) > TERMINAL_PROBLEMS:
        lines.append(f"  ……另有 {len(problems) - TERMINAL_PROBLEMS} 项，全部问题见报告的“需要处理的问题”")
    if len(ratings) > TERMINAL_RATINGS:
        bands = Counter(r.band or overview.BELOW_BANDS for r in ratings)
        by_band = "，".join(f"{band} {bands[band]} 个" for band in overview.star_bands() if bands[band])
        lines.append(f"  星级评定（无锡标准）：{len(ratings)} 个联络站，{by_band}；逐站得分见报告")
        return lines
    for r in ratings:
        lines.append(f"  星级评定（无锡标准）· {r.station.name}：{r.total:g} 分，{r.band or overview.BELOW_BANDS}"
                     + ("" if r.assessment else "（尚无现场评估，只含记录可计分的项目）"))
    return lines
