"""A problem in a spreadsheet, located as the clerk sees it: 代表名册.xlsx › 县级代表 › C7（联系电话）：…"""
from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = " › "


@dataclass(frozen=True, order=True)
class SheetProblem:
    file: str
    sheet: str | None  # None for a CSV file
    row: int  # 1-based; 0 for the whole sheet or file
    column: str  # the column's letter (C); "" for a whole row
    header: str  # the column's header as written (联系电话)
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        place = [self.file] + ([self.sheet] if self.sheet else [])
        if self.row and self.column:
            place.append(f"{self.column}{self.row}" + (f"（{self.header}）" if self.header else ""))
        elif self.row:
            place.append(f"第 {self.row} 行")
        elif self.header:
            place.append(f"“{self.header}”列")
        prefix = "" if self.severity == "error" else "警告："
        return SEPARATOR.join(place) + f"：{prefix}{self.message}"
