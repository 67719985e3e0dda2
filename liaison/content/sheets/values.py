"""Cell values as records hold them: a date typed as an Excel date or as 2026年3月3日, a phone typed as a number,
full-width digits (１３９…), a time as 9:00 or an Excel time. What cannot be read raises CellError."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

Cell = str | int | float | dt.datetime | dt.date | dt.time | None  # a cell's value as a workbook or CSV file holds it
LIST_SEPARATOR = "；"  # between the items of a list in one cell, in every spreadsheet liaison writes (CSV too)
ITEMS = re.compile(r"\s*[；;、,，\n]\s*")  # what a clerk separates names with
LINES = re.compile(r"\s*[；;\n]\s*")  # items that may hold a comma or 、 themselves (opening hours, constituencies)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"(\d{1,2})\s*[:点]\s*(\d{2})\s*分?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(32874, 73051)  # Excel's day numbers of 1990-01-01 to 2099-12-31


class CellError(ValueError):
    """A cell that cannot be read as its column's kind of value; the message says how to write it."""


def shown(value: Cell) -> str:
    """A cell's value as the clerk sees it: an Excel date without the midnight openpyxl adds."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return "" if value is None else str(value)


def folded(value: Cell) -> str:
    """The cell's text with full-width digits, letters and punctuation folded to ASCII (１３９ → 139)."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def text(value: Cell) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise CellError(f"“{shown(value)}”是日期或时间，此处应为文字")
    return str(value).strip() or None


def person(value: Cell) -> str | None:
    """A person's name without the spaces rosters pad two-character names with (王　堃)."""
    name = text(value)
    return None if name is None else "".join(name.split())


def phone(value: Cell) -> str | None:
    return None if value is None else folded(value)


def date(value: Cell) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and value in _SERIALS:  # a date cell whose format was lost
        return _EXCEL_EPOCH + dt.timedelta(days=value)
    found = _DATE.fullmatch(folded(value)) if isinstance(value, str) else None
    if found:
        try:
            return dt.date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise CellError(f"“{shown(value)}”不是有效日期：请写成 2026-03-03 或 2026年3月3日，或设为日期格式的单元格")


def time(value: Cell) -> str | None:
    """A time as the records write it ("09:00")."""
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.time)):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:  # a time cell whose format was lost: a fraction of a day
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    found = _TIME.fullmatch(folded(value)) if isinstance(value, str) else None
    if found:
        return f"{int(found.group(1)):02d}:{found.group(2)}"
    raise CellError(f"“{shown(value)}”不是有效时间：请写成 09:00 这样的 24 小时制时间")


def integer(value: Cell) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(folded(value))
    except ValueError:
        raise CellError(f"“{value}”不是整数：请只写数字，如 3") from None


def number(value: Cell) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        read = float(folded(value))
    except ValueError:
        raise CellError(f"“{value}”不是数字：请只写数字，如 120") from None
    return int(read) if read.is_integer() else read


def items(value: Cell, separator: re.Pattern[str] = ITEMS) -> list[str]:
    """The items of a list cell (周一至周五 8:30—12:00；周六 9:00—11:30), without empty ones."""
    return [item for item in aligned(value, separator) if item]


def aligned(value: Cell, separator: re.Pattern[str] = LINES) -> list[str]:
    """The items of a list cell with empty ones kept, for columns read side by side (代表层级 and 选区)."""
    if value is None:
        return []
    return [item.strip() for item in separator.split(str(value).strip())]
