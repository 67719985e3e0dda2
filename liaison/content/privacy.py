"""What must never be published: resident identity numbers anywhere, and mobile numbers and e-mail
addresses where no public contact data belongs (the opinions ledger above all).

Numbers are matched however they were typed: in full-width digits (１３９…), in groups separated by
spaces or dashes of any kind (139 0000 1234, 139－0000－1234, 4201 0619 …), after +86. Each match is
reported where it is in the file, not at the start of the value that holds it.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from liaison.content import kinds
from liaison.content.loader import Loc, RawRecord

_SEP = r"[ \-]{0,3}"  # between digits, after _normalised: spaces and dashes of every width
_ID = re.compile(rf"(?<![0-9])[1-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9X](?![0-9])", re.IGNORECASE)
_MOBILE = re.compile(rf"(?:(?<![0-9])|(?<=\+86)|(?<=0086))1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}(?![0-9])")
_CANDIDATE = re.compile(r"[0-9@]")  # what every match below holds
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u30fc"), "-")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PRIVATE = "此处不是公开联系方式的字段，意见台账等只写公开摘要，不写群众的个人信息"

# Where a mobile number may appear (public contact phones of stations, staff and deputies), and in which
# records an e-mail address is the publisher's own contact (a station's or deputy's public mailbox, named in an
# intro or a notice; in opinions, events and assessments it can only be someone's): each kind's entry says.

Finding = tuple[Loc, str, tuple[str, int, int]]  # where, message, (value text, start, end) of the match


def problems(record: RawRecord) -> Iterator[Finding]:
    emails = kinds.of(record.kind).emails
    for loc, text in _strings(record.data, ()):
        plain = _normalised(text)
        if not _CANDIDATE.search(plain):
            continue  # no digit and no @ (most text): nothing below can match
        piece = _Pieces(text)
        for match in _ID.finditer(plain):
            if _is_identity_number(_digits(match.group(0))):
                yield loc, f"疑似居民身份证号（{_mask(_digits(match.group(0)))}），不得公开：请删除", piece(match)
        if not _contact_field(record.kind, loc):
            for match in _MOBILE.finditer(plain):
                yield loc, f"疑似手机号码（{_mask(_digits(match.group(0)))}）：{_PRIVATE}", piece(match)
        if not emails:
            for match in _EMAIL.finditer(plain):
                address = match.group(0)
                yield loc, f"疑似电子邮箱（{address[0]}***{address[address.index('@'):]}）：{_PRIVATE}", piece(match)


class _Pieces:
    """Where in a text a match in its folded form is: (the text, start, end). Most texts have no match: the
    index map is made when one asks."""

    def __init__(self, text: str):
        self.text = text
        self.origin: list[int] | None = None

    def __call__(self, match: re.Match[str]) -> tuple[str, int, int]:
        if self.origin is None:
            self.origin = _origin(self.text)
        return self.text, self.origin[match.start()], self.origin[match.end() - 1] + 1


class _Folded(dict[int, str]):
    """Each character as _normalised folds it, found the first time it is asked for (a str.translate table)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char).translate(_DASHES)
        self[code] = folded
        return folded


_FOLDED = _Folded()


def _normalised(text: str) -> str:
    """Full-width forms folded to ASCII and every dash to '-', character by character."""
    return text if text.isascii() else text.translate(_FOLDED)


def _origin(text: str) -> list[int]:
    """The index in text of each character of _normalised(text) (a character may fold to several)."""
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_FOLDED[ord(char)]))
    return origin


def _digits(text: str) -> str:
    return re.sub(r"[ \-]", "", text).upper()


def _is_identity_number(digits: str) -> bool:
    try:
        dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    if not 1800 <= int(digits[6:10]) <= 2099:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == digits[17]


def _contact_field(kind: str, loc: Loc) -> bool:
    for pattern in kinds.of(kind).phones:
        if len(pattern) == len(loc) and all(p == "*" or p == part for p, part in zip(pattern, loc, strict=True)):
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


def _mask(digits: str) -> str:
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
