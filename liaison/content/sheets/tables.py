"""A workbook's sheets or a CSV file as tables of cells, as the clerk sees them: file, sheet, cell (C7).

Title rows above the header (merged or not) and blank rows are skipped; the header row is found by its
known column names. Values stay as the file holds them (a number, an Excel date, text); `values` reads them.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from liaison.content.sheets.problems import SheetProblem
from liaison.content.sheets.values import Cell

HEADER_SCAN_ROWS = 20  # title rows, notes and blank rows above the header are skipped up to here


@dataclass
class Table:
    file: str  # the file's name as the clerk knows it (代表名册.xlsx)
    sheet: str | None  # None for a CSV file
    header_row: int = 0  # 1-based; 0: none found
    headers: dict[int, str] = field(default_factory=dict)  # 1-based column -> header text as written
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)  # (1-based row, column -> value)

    def problem(self, message: str, row: int = 0, column: int = 0, severity: str = "error") -> SheetProblem:
        header = self.headers.get(column, "") if column else ""
        return SheetProblem(self.file, self.sheet, row, get_column_letter(column) if column else "", header,
                            message, severity)


def read_tables(path: Path, problems: list[SheetProblem]) -> list[tuple[str | None, list[list[Cell]]]]:
    """Every sheet of a workbook (or the one table of a CSV file) as its rows of values."""
    if path.suffix.lower() == ".csv":
        text = _decode_csv(path, problems)
        return [] if text is None else [(None, [list(row) for row in csv.reader(io.StringIO(text))])]
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        problems.append(SheetProblem(path.name, None, 0, "", "", f"无法作为 Excel 工作簿（.xlsx）打开：{_reason(exc)}"))
        return []
    try:
        return [(sheet.title, [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)])
                for sheet in book.worksheets]
    finally:
        book.close()


def find_header(table: Table, grid: list[list[Cell]], is_header: Callable[[str], bool]) -> None:
    """Fills the table from the grid: the first row with two or more known column names is the header."""
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        texts = {column: str(value).strip() for column, value in enumerate(row, 1)
                 if isinstance(value, str) and value.strip()}
        if sum(1 for text in texts.values() if is_header(text)) >= 2:
            table.header_row, table.headers = index + 1, texts
            break
    else:
        return
    for number, row in enumerate(grid[table.header_row:], table.header_row + 1):
        values = {column: _plain(value) for column, value in enumerate(row, 1) if column in table.headers}
        if any(value not in (None, "") for value in values.values()):
            table.rows.append((number, values))


def _cell(value: object) -> Cell:
    """A value as openpyxl gives it, as one of the kinds a cell is read as (rich text as its text)."""
    if value is None or isinstance(value, (str, int, float, dt.datetime, dt.date, dt.time)):
        return value
    return str(value)


def _plain(value: Cell) -> Cell:
    if isinstance(value, str):
        value = value.strip().strip("\u3000")
        return value or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # a phone typed as a number may come back as 13905795512.0
    return value


def _decode_csv(path: Path, problems: list[SheetProblem]) -> str | None:
    """UTF-8 with or without a BOM, else GB18030 (what Excel on Chinese Windows saves as CSV)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(SheetProblem(path.name, None, 0, "", "", f"无法读取文件：{_reason(exc)}"))
        return None
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    problems.append(SheetProblem(path.name, None, 0, "", "", "文件既不是 UTF-8 编码也不是 GB18030（GBK）编码，无法读取："
                                                            "请在 Excel 或 WPS 中另存为“CSV UTF-8”"))
    return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, PermissionError):
        return "没有读取权限（文件是否正在 Excel 或 WPS 中打开？）"
    return "文件已损坏，或不是 .xlsx 格式（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）"
