"""The signboard's lettering: which name goes on the plate and how it breaks into lines.

Pure layout arithmetic shared by validation (a name that cannot fit is a content
error) and the print renderer. Chinese characters are full-width: one em each.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from liaison.content.schema import Plate
from liaison.render.print.spec import MM_PER_PT

SUFFIX_START = "人大代表"
# Endings of an administrative unit, longest first (村委会 before 村). A line may end after one.
UNIT_SUFFIXES = ("经济开发区", "开发区", "高新区", "自治州", "自治县", "自治旗", "居委会", "村委会", "管委会", "办事处",
                 "街道", "社区", "园区", "小区", "片区", "省", "市", "县", "区", "旗", "镇", "乡", "村")
# Words that begin with a one-character unit ending, so that character ends no unit there:
# 大市场社区 is 大市场 + 社区, not 大市 + 场社区. A name this list misreads takes `name_lines`.
NOT_UNIT_ENDS = ("市场", "区域", "镇江", "村镇")


class DoesNotFit(ValueError):
    pass


@dataclass(frozen=True)
class Capacity:
    per_line: int
    lines: int


def capacity(plate: Plate) -> Capacity:
    """How many characters fit on a line of the safe zone, and how many lines."""
    em_mm = plate.text_pt * MM_PER_PT
    width = plate.width_mm - 2 * plate.margin_mm
    height = plate.height_mm - 2 * plate.margin_mm
    lines = 1 + max(0, math.floor((height - em_mm) / (em_mm * plate.line_height)))
    return Capacity(per_line=math.floor(width / em_mm), lines=lines if height >= em_mm else 0)


def words(name: str) -> tuple[list[str], list[str]]:
    """The name as place units and the suffix words: 荷花街道|南门社区 + 人大代表|联络站."""
    cut = name.find(SUFFIX_START)
    place, suffix = (name[:cut], name[cut:]) if cut > 0 else (name, "")
    rest = suffix[len(SUFFIX_START):]
    suffix_words = [SUFFIX_START, rest] if rest else ([suffix] if suffix else [])
    return place_units(place), suffix_words


def place_units(place: str) -> list[str]:
    """The place name cut after every unit ending that really ends a unit, never inside a word."""
    units: list[str] = []
    start = 0
    for end in range(1, len(place)):
        if _ends_unit(place[start:end]) and not _word_across(place, end) and not _bare_ending_at(place, end):
            units.append(place[start:end])
            start = end
    return units + [place[start:]] if place[start:] else units


def _ends_unit(head: str) -> bool:
    if any(head.endswith(word) for word in NOT_UNIT_ENDS):  # 村镇 in 村镇银行 ends no town
        return False
    return any(head.endswith(ending) and len(head) > len(ending) for ending in UNIT_SUFFIXES)


def _bare_ending_at(text: str, cut: int) -> bool:
    """Whether the text after the cut starts with a unit ending of its own (东村|村委会): it belongs to what precedes."""
    return any(text.startswith(ending, cut) for ending in UNIT_SUFFIXES if len(ending) > 1)


def _word_across(text: str, cut: int) -> bool:
    """Whether a unit ending or a known word runs across the cut (村|委会, 大市|场)."""
    return any(text[k:k + len(word)] == word
               for word in UNIT_SUFFIXES + NOT_UNIT_ENDS for k in range(max(0, cut - len(word) + 1), cut))


def break_lines(name: str, plate: Plate, explicit: Sequence[str] | None = None) -> tuple[str, ...]:
    """Lines of the name: the clerk's `name_lines` if given (checked), else broken only between words."""
    room = capacity(plate)
    if explicit:
        return _checked(name, tuple(explicit), room, plate)
    if len(name) <= room.per_line:
        return (name,)
    place, suffix = words(name)
    for candidate in (_pack(place, room.per_line) + _pack(suffix, room.per_line),
                      _pack(place + suffix, room.per_line)):
        if candidate and _fits(candidate, room):
            return tuple(candidate)
    raise DoesNotFit(
        f"站名“{name}”在标识牌上排不下：{plate.text_pt:g}pt 字号下安全区内每行最多 {room.per_line} 个字、"
        f"最多 {room.lines} 行，且只能在地名和“人大代表……”之间换行；"
        "如自动断行不对，可在站点记录中用 name_lines 逐行写出标识牌上的站名")


def _checked(name: str, lines: tuple[str, ...], room: Capacity, plate: Plate) -> tuple[str, ...]:
    if "".join(lines) != name:
        raise DoesNotFit(f"name_lines 连起来是“{''.join(lines)}”，与正式名称“{name}”不一致")
    if len(lines) > room.lines:
        raise DoesNotFit(f"name_lines 有 {len(lines)} 行，标识牌上 {plate.text_pt:g}pt 字号下最多排 {room.lines} 行")
    for number, line in enumerate(lines, 1):
        if len(line) > room.per_line:
            raise DoesNotFit(f"name_lines 第 {number} 行“{line}”有 {len(line)} 个字，"
                             f"标识牌上 {plate.text_pt:g}pt 字号下每行最多 {room.per_line} 个字")
    return lines


def _fits(lines: list[str], room: Capacity) -> bool:
    return len(lines) <= room.lines and all(len(line) <= room.per_line for line in lines)


def _pack(units: list[str], per_line: int) -> list[str]:
    """Greedy: fill each line with whole words."""
    lines: list[str] = []
    for unit in units:
        if lines and len(lines[-1]) + len(unit) <= per_line:
            lines[-1] += unit
        else:
            lines.append(unit)
    return lines
