"""The accepted headers of every sheet, as the table docs/import.md shows (kept current by a test):
`python -m liaison.content.sheets.reference docs/import.md` rewrites the table between its markers."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from liaison.content import files
from liaison.content.sheets import values as v
from liaison.content.sheets.columns import SHEETS, Column

START, END = "<!-- columns:start -->", "<!-- columns:end -->"
_FORMS: dict[Callable[[v.Cell], Any], str] = {v.date: "日期：日期单元格、2026-03-03、2026/3/3 或 2026年3月3日", v.time: "时间：时间单元格、9:00 或 09:00",
          v.integer: "整数", v.number: "数字", v.phone: "电话：数字或文字均可，全角数字亦可",
          v.person: "姓名：姓名中的空格（王　堃）不算"}
_PARTS = {"id": "记录的编号（文件名）；空着则新建时由拼音或日期生成",
          "unit_position": "只用于导入：工作单位和职务之间用空格隔开，分别写入 unit 和 position",
          "levels": "seats 的 level，多个用“；”隔开", "congresses": "seats 的 congress，与代表层级一一对应",
          "constituencies": "seats 的 constituency，与代表层级一一对应（可空）",
          "stations": "memberships：未离站的进站联络站，召集人在站名后写“（召集人）”",
          "staff": "staff：姓名（职务），多人用“；”隔开"}


def markdown() -> str:
    out = []
    for sheet in SHEETS.values():
        out += [f"### {sheet.title}（`--kind {sheet.kind}`，`content/{sheet.kind}/`）", "",
                "| 列名（导出时所写） | 也认作 | 字段 | 写法 | 可选值 |", "|---|---|---|---|---|"]
        out += [_row(column) for column in sheet.columns]
        out.append("")
    return "\n".join(out)


def _row(column: Column) -> str:
    form = _FORMS.get(column.read, "")
    if column.reference:
        form = f"{'联络站的编号、全称或简称' if column.reference == 'stations' else '代表的编号或姓名'}"
        form += "，多个用“；”或“、”隔开" if column.key == "deputies" else ""
    elif column.key == "opening_hours":
        form = "多项用“；”或换行隔开（一项之中可以有逗号）"
    elif column.key == "functional_areas":
        form = "多项用“；”或“、”隔开"
    field = _PARTS.get(column.key, f"`{column.key}`")
    choices = "、".join(str(member.value) for member in column.choices) if column.choices else ""
    return f"| {column.headers[0]} | {'、'.join(column.headers[1:])} | {field} | {form} | {choices} |"


def rewrite(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    files.replace(path, f"{head}{START}\n{markdown()}{END}{tail}".encode(), keep_mode=True)


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]))
