"""Record ids: a record's id is its file name, becomes part of its public URL, and is how other records
refer to it. One pattern for all three."""
from __future__ import annotations

import re

PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID = re.compile(PATTERN)
RULE = "只能用小写字母、数字和连字符（如 qingshi-town）"


def is_id(text: str) -> bool:
    """Whether text can be an id: lowercase letters and digits, in groups joined by single hyphens."""
    return ID.fullmatch(text) is not None



# Generated files whose public URL a record of some kind and id would take (model/urls.py builds them): no
# record may have such an id.
ALL_STATIONS = "all"  # calendar/all.ics, every station's reception days
NOTICES_FEED = "feed"  # notices/feed.xml
DEPUTIES_BY_TOWNSHIP = "township"  # deputies/township/<id>/, the deputies by township
MONTH_ID = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # an event's page is schedule/<id>/, a month's schedule/2026-11/
RESERVED = {("stations", ALL_STATIONS): f"calendar/{ALL_STATIONS}.ics 是全县日历",
            ("notices", NOTICES_FEED): f"notices/{NOTICES_FEED}.xml",
            ("deputies", DEPUTIES_BY_TOWNSHIP): f"deputies/{DEPUTIES_BY_TOWNSHIP}/ 是按乡镇（街道）分列的代表名单"}


def reserved(kind: str, record_id: str) -> str | None:
    """Which generated file takes the public URL a record of this kind and id would have, if one does."""
    if kind == "events" and MONTH_ID.fullmatch(record_id):
        return "schedule/<年-月>/ 是按月分列的接待安排"
    return RESERVED.get((kind, record_id))
