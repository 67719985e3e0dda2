"""The records as one workbook for the office: a sheet per kind (联络站一览表, 代表名册 with their memberships,
接待安排表, 意见建议台账 with status and feedback dates), the headers `liaison import` reads (content.sheets.columns, the one
source of both), a drop-down on every enumerated column from the schema's enum, the header row frozen, widths
to fit. Importing the workbook back changes no file."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from liaison.content.sheets.columns import ID, SHEETS, Column, Refs, SheetKind

VALIDATED_ROWS = 2000  # rows below the records that get the drop-downs, for the rows a clerk adds
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def workbook_bytes(records: Mapping[str, Mapping[str, BaseModel]], today: dt.date) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    refs = Refs(records, today)
    for sheet in SHEETS.values():
        _sheet(book.create_sheet(sheet.title), sheet, records.get(sheet.kind, {}), refs)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet: Worksheet, kind: SheetKind, records: Mapping[str, BaseModel], refs: Refs) -> None:
    columns = [column for column in kind.columns if column.export is not None]
    for number, column in enumerate(columns, 1):
        cell = sheet.cell(1, number, column.headers[0])
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(number)].width = column.width + 2
    for row, record_id in enumerate(sorted(records), 2):
        for number, column in enumerate(columns, 1):
            _put(sheet, row, number, column, _value(column, record_id, records[record_id], refs))
    sheet.freeze_panes = "A2"
    last = max(len(records) + 1, 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for number, column in enumerate(columns, 1):
        if column.choices is not None:
            _drop_down(sheet, get_column_letter(number), column, len(records) + 1 + VALIDATED_ROWS)


def _value(column: Column, record_id: str, record: BaseModel, refs: Refs) -> Any:
    if column is ID:
        return record_id
    assert column.export is not None
    return column.export(record, refs)


def _put(sheet: Worksheet, row: int, number: int, column: Column, value: Any) -> None:
    cell = sheet.cell(row, number)
    if value is None:
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula: a cell starting with = stays what the record says
        cell.number_format = "@"
    elif column.date:
        cell.number_format = "yyyy-mm-dd"


def _drop_down(sheet: Worksheet, letter: str, column: Column, rows: int) -> None:
    assert column.choices is not None
    choices = ",".join(str(member.value) for member in column.choices)
    check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                           showErrorMessage=not column.multiple, errorTitle="取值无效",
                           error=f"请从下拉列表中选择：{choices.replace(',', '、')}",
                           promptTitle=column.headers[0],
                           prompt="可选：" + choices.replace(",", "、") + ("；多项用“；”隔开" if column.multiple else ""),
                           showInputMessage=True)
    check.add(f"{letter}2:{letter}{rows}")
    sheet.add_data_validation(check)
