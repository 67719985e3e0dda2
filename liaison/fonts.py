"""System fonts: find them through fontconfig, read their coverage, subset them.

Web, kiosk and print all need this: the web ships glyphs that phones may lack,
print refuses characters a signboard font cannot draw.
"""
from __future__ import annotations

import functools
import io
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

WEB_FALLBACK = "Noto Sans CJK SC:style=Regular"


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc collection

    def open(self) -> TTFont:
        return TTFont(self.path, fontNumber=self.index, lazy=True)


@functools.cache
def find(pattern: str) -> FontFile:
    """The face fontconfig picks for a pattern; FontMissing unless its family is the one asked for."""
    family = pattern.split(":")[0]
    try:
        answer = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FontMissing(f"无法查找字体（fontconfig 不可用）：{exc}") from exc
    path, index, families = answer.split("\t")
    if family not in families.split(","):
        raise FontMissing(f"系统中没有字体“{family}”，请先运行 bash scripts/run.sh build 安装所需字体")
    return FontFile(Path(path), int(index))


@functools.cache
def coverage(font: FontFile) -> frozenset[int]:
    """Code points the face has glyphs for."""
    return frozenset(font.open().getBestCmap())


def subset_woff2(font: FontFile, text: str) -> bytes:
    """A WOFF2 font holding only the glyphs for `text`; the same input gives the same bytes."""
    face = font.open()
    options = subset.Options()
    options.hinting = False  # screens render CJK unhinted anyway; saves a third of the size and time
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(face)
    face.flavor = "woff2"
    face.recalcTimestamp = False  # keep the build reproducible
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def rare_characters(text: str) -> str:
    """Han characters outside GB 2312, which many phone and PC fonts lack (䶮, 堃, 𠮷 …)."""
    rare = set()
    for char in set(text):
        if unicodedata.category(char) == "Lo" and "CJK" in unicodedata.name(char, ""):
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                rare.add(char)
    return "".join(sorted(rare))
