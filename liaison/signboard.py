"""The signboard's lettering: which name goes on the plate and how it breaks into lines.

Pure layout arithmetic shared by validation (a name that cannot fit is a content
error) and the print renderer. Chinese characters are full-width: one em each.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .schema import Plate

MM_PER_PT = 25.4 / 72
SUFFIX_START = "人大代表"
_PLACE_UNIT = re.compile(r".+?(?:街道|社区|园区|开发区|小区|片区|居委会|村委会|省|市|县|区|旗|镇|乡|村)|.+$")


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
    place_words = _PLACE_UNIT.findall(place)
    suffix_words = [SUFFIX_START, suffix[len(SUFFIX_START):]] if suffix[len(SUFFIX_START):] else ([suffix] if suffix else [])
    return place_words, suffix_words


def break_lines(name: str, plate: Plate) -> tuple[str, ...]:
    """Lines of the name, broken only between words, the place and the suffix apart if it must break."""
    room = capacity(plate)
    if len(name) <= room.per_line:
        return (name,)
    place, suffix = words(name)
    for candidate in (_pack(place, room.per_line) + _pack(suffix, room.per_line),
                      _pack(place + suffix, room.per_line)):
        if candidate and len(candidate) <= room.lines and all(len(line) <= room.per_line for line in candidate):
            return tuple(candidate)
    raise DoesNotFit(
        f"站名“{name}”在标识牌上排不下：{plate.text_pt:g}pt 字号下安全区内每行最多 {room.per_line} 个字、"
        f"最多 {room.lines} 行，且只能在地名和“人大代表……”之间换行")


def _pack(units: list[str], per_line: int) -> list[str]:
    """Greedy: fill each line with whole words."""
    lines: list[str] = []
    for unit in units:
        if lines and len(lines[-1]) + len(unit) <= per_line:
            lines[-1] += unit
        else:
            lines.append(unit)
    return lines
