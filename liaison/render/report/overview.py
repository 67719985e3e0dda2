"""The compliance report at county size: one summary row per station, and the figures its charts draw.

Every figure is the rules' own: a station's result is the worst of the findings about it, its events and its
opinions; its feedback and reception months are what the feedback and monthly-reception rules count.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from liaison.content.schema import Tier
from liaison.model.site import TIER_ORDER, Opinion, Site, Station
from liaison.rules.compliance import (
    FAIL,
    PASS,
    RISK,
    STATUS_LABELS,
    Context,
    Finding,
    Report,
    answers_due,
    merged,
    reception_months,
)
from liaison.rules.rating import Rating, table

WORST_FIRST = (FAIL, RISK, PASS)
UNRATED = "未评定"  # no star rating applies to the station
BELOW_BANDS = "未达标"  # rated, under the lowest band
ABOVE_TOWNSHIP = "县级及以上"  # the township column of a station above township level
NO_RULE = "none"  # the result of a station no rule applies to
RESULT_LABELS = {**STATUS_LABELS, NO_RULE: "无适用规则"}


@dataclass(frozen=True)
class StationRow:
    station: Station
    township: Station | None  # the township (乡镇、街道) station it is, or is under; None above township level
    findings: tuple[Finding, ...]
    rating: Rating | None
    answers: tuple[tuple[Opinion, dt.date | None], ...]  # the year's opinions due an answer by now (answers_due)
    months: tuple[int, ...]  # months whose reception was due by now (reception_months)
    missing: tuple[int, ...]  # of those, the months without a reception at the station

    @property
    def feedback_due(self) -> int:
        return len(self.answers)

    @property
    def feedback_answered(self) -> int:
        return sum(1 for _, overdue in self.answers if overdue is None)

    @property
    def months_due(self) -> int:
        return len(self.months)

    @property
    def months_covered(self) -> int:
        return len(self.months) - len(self.missing)

    @property
    def anchor(self) -> str:
        return f"station-{self.station.id}"

    @property
    def result(self) -> str:
        """The worst status among the station's findings; NO_RULE when no rule applies to it."""
        statuses = {f.status for f in self.findings}
        return next((status for status in WORST_FIRST if status in statuses), NO_RULE)

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def band(self) -> str:
        if self.rating is None:
            return UNRATED
        return self.rating.band or BELOW_BANDS

    @property
    def township_name(self) -> str:
        return self.township.locality if self.township else ABOVE_TOWNSHIP


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label under the axis, its height in the chart's unit, the figure over it, what it
    counts in words (the bar's tooltip) and in numbers (for the JSON)."""

    label: str
    value: float
    text: str
    title: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Chart:
    id: str
    caption: str
    bars: tuple[Bar, ...]
    top: float  # the value of a full-height bar
    fill: str  # the token that colours the bars


def station_rows(site: Site, report: Report, ratings: list[Rating]) -> list[StationRow]:
    """A row for every station, by township (the county's own stations first), then tier, then id."""
    ctx = Context(site, report.year)
    by_station = _findings_by_station(site, report)
    rated = {r.station.id: r for r in ratings}
    rows = []
    for station in site.stations.values():
        months, missing = reception_months(ctx, station)
        rows.append(StationRow(station, _township(site, station), tuple(by_station.get(station.id, ())),
                               rated.get(station.id), tuple(answers_due(ctx, station)), tuple(months), tuple(missing)))
    return sorted(rows, key=lambda r: (r.township.id if r.township else "", TIER_ORDER.index(r.station.tier),
                                       r.station.id))


def _findings_by_station(site: Site, report: Report) -> dict[str, list[Finding]]:
    """The findings about each station, its events and its opinions (a deputy's belong to no one station)."""
    owner = {("station", sid): sid for sid in site.stations}
    owner |= {("event", eid): e.station for eid, e in site.events.items()}
    owner |= {("opinion", oid): o.station for oid, o in site.opinions.items()}
    grouped: dict[str, list[Finding]] = {}
    for finding in report.findings:
        station = owner.get((finding.subject_kind, finding.subject))
        if station is not None:
            grouped.setdefault(station, []).append(finding)
    return grouped


def _township(site: Site, station: Station) -> Station | None:
    return next((s for s in site.lineage(station) if s.tier == Tier.TOWNSHIP), None)


# ---- the charts ------------------------------------------------------------------------------------------

def charts(site: Site, report: Report, rows: list[StationRow]) -> list[Chart]:
    found = [feedback_chart(report, rows), coverage_chart(site, report, rows)]
    if any(row.rating for row in rows):
        found.append(stars_chart(rows))
    return found


def monthly_feedback(rows: list[StationRow]) -> list[tuple[int, int, int]]:
    """(month received, opinions due an answer by now, answered) for each month of the year."""
    due: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    for row in rows:
        for op, overdue in row.answers:
            due[op.received.month] += 1
            answered[op.received.month] += overdue is None
    return [(month, due[month], answered[month]) for month in range(1, 13)]


def monthly_coverage(site: Site, rows: list[StationRow]) -> list[tuple[int, int, int]]:
    """(month, stations whose reception was due that month, those that held one) for each month of the year,
    over the stations the monthly-reception rule checks (every station where no profile sets that rule)."""
    params, _ = merged(list(dict.fromkeys(site.settings.compliance.profiles)))
    tiers = params.get("monthly_reception", {}).get("tiers", set(Tier))
    due: Counter[int] = Counter()
    covered: Counter[int] = Counter()
    for row in rows:
        if row.station.tier in tiers:
            due.update(row.months)
            covered.update(m for m in row.months if m not in row.missing)
    return [(month, due[month], covered[month]) for month in range(1, 13)]


def feedback_chart(report: Report, rows: list[StationRow]) -> Chart:
    bars = tuple(_share_bar(month, answered, due, f"{month}月受理、已到答复期限 {due} 件，已答复 {answered} 件",
                            {"month": month, "due": due, "answered": answered})
                 for month, due, answered in monthly_feedback(rows))
    return Chart("feedback", f"{report.year} 年各月受理的意见建议反馈率（%，已答复 ÷ 已到答复期限）", bars, 100,
                 "web-chart-answered")


def coverage_chart(site: Site, report: Report, rows: list[StationRow]) -> Chart:
    bars = tuple(_share_bar(month, covered, due, f"{month}月应接待的联络站 {due} 个，开展了接待 {covered} 个",
                            {"month": month, "stations_due": due, "stations_held": covered})
                 for month, due, covered in monthly_coverage(site, rows))
    return Chart("coverage", f"{report.year} 年各月代表接待日覆盖率（%，开展了接待的联络站 ÷ 应接待的联络站）", bars, 100,
                 "web-done")  # a rule met


def _share_bar(month: int, part: int, whole: int, title: str, counts: dict[str, int]) -> Bar:
    if not whole:
        return Bar(f"{month}", 0, "", f"{month}月：尚无到期的数据", counts)
    share = part / whole * 100
    return Bar(f"{month}", share, f"{share:.0f}", title, counts)  # the caption says %: twelve figures fit


def stars_chart(rows: list[StationRow]) -> Chart:
    counts = Counter(row.band for row in rows if row.rating)
    bars = tuple(Bar(name, counts[name], str(counts[name]), f"{name} {counts[name]} 个联络站", {"stations": counts[name]})
                 for name in star_bands() if name != UNRATED)
    return Chart("stars", "星级评定分布（联络站个数）", bars, max([1, *counts.values()]), "web-gold")


def filters(rows: list[StationRow]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The summary table's filters: (the rows' data attribute, label, [(value, text)]) with the values present."""
    townships = list(dict.fromkeys(row.township_name for row in rows))
    tiers = [tier.value for tier in TIER_ORDER if any(row.station.tier == tier for row in rows)]
    results = [(status, RESULT_LABELS[status]) for status in (*WORST_FIRST, NO_RULE) if any(row.result == status for row in rows)]
    found = [("township", "乡镇（街道）", [(name, name) for name in townships]),
             ("tier", "层级", [(tier, tier) for tier in tiers]), ("result", "结果", results)]
    if any(row.rating for row in rows):
        found.append(("band", "星级", [(band, band) for band in star_bands() if any(row.band == band for row in rows)]))
    return found


def ranks() -> dict[str, dict[Any, int]]:
    """Sort keys of the table's coded columns: tier from the top down, result worst first, stars best first."""
    return {"tier_rank": {tier: index for index, tier in enumerate(TIER_ORDER)},
            "result_rank": {status: index for index, status in enumerate((*WORST_FIRST, NO_RULE))},
            "band_rank": {band: index for index, band in enumerate(star_bands())}}


def star_bands() -> list[str]:
    """Every value of the star column, best first."""
    return [name for _, name in table()[2]] + [BELOW_BANDS, UNRATED]
