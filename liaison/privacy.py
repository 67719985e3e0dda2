"""What must never be published: resident identity numbers anywhere, and mobile numbers
outside the fields meant for public contact data (the opinions ledger above all)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from .loader import Loc, RawRecord

_ID = re.compile(r"(?<![0-9])([1-9][0-9]{5})((?:18|19|20)[0-9]{2})([01][0-9])([0-3][0-9])([0-9]{3})([0-9Xx])(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Where a mobile number may appear: public contact phones of stations, staff and deputies.
CONTACT_FIELDS = {
    "stations": [("phone",), ("staff", "*", "phone")],
    "deputies": [("phone",)],
}


def problems(record: RawRecord) -> Iterator[tuple[Loc, str]]:
    for loc, text in _strings(record.data, ()):
        for match in _ID.finditer(text):
            if _is_identity_number(match):
                yield loc, f"疑似居民身份证号（{_mask(match.group(0))}），不得公开：请删除"
        if not _contact_field(record.kind, loc):
            for match in _MOBILE.finditer(text):
                yield loc, (f"疑似手机号码（{_mask(match.group(0))}）：此处不是公开联系方式的字段，"
                            "意见台账等只写公开摘要，不写群众的个人信息")


def _is_identity_number(match: re.Match) -> bool:
    digits = match.group(0).upper()
    try:
        dt.date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _WEIGHTS))
    return _CHECK[total % 11] == digits[17]


def _contact_field(kind: str, loc: Loc) -> bool:
    for pattern in CONTACT_FIELDS.get(kind, []):
        if len(pattern) == len(loc) and all(p == "*" or p == part for p, part in zip(pattern, loc)):
            return True
    return False


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield loc, str(value)  # an unquoted number in YAML
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (str(key),))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, loc + (index,))


def _mask(text: str) -> str:
    compact = re.sub(r"[ -]", "", text)
    return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]
