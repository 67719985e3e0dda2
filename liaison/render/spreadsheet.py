"""CSV as the offices open it: Excel or WPS, which read UTF-8 Chinese only after a BOM, and which run a
cell that starts like a formula unless it is marked as text. Every CSV output is written here."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from liaison.content.sheets.values import LIST_SEPARATOR

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(rows: Sequence[Mapping[str, Any]], empty_header: Sequence[str] = ()) -> bytes:
    """The rows as CSV with a BOM and CRLF line ends; `empty_header` heads a table without rows."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(empty_header), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: cell(value) for key, value in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def cell(value: Any) -> str:
    """A value as a cell's text: lists joined by the Chinese semicolon, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, list):
        return safe_cell(LIST_SEPARATOR.join(cell(v) if not isinstance(v, dict) else
                                             " ".join(str(x) for x in v.values() if x) for v in value))
    return safe_cell(value) if isinstance(value, str) else str(value)


def safe_cell(text: str) -> str:
    """Text that Excel would run as a formula (=HYPERLINK(…)) gets a leading apostrophe, which it shows as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
