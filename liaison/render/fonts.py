"""System fonts: find them through fontconfig, read their coverage, subset them.

Web, kiosk and print all need this: the web ships glyphs that phones may lack,
print refuses characters a signboard font cannot draw.

A character the face in use lacks is drawn by fontconfig's fallback, the face it
picks for that character: WeasyPrint (through Pango) does so for print, and the
web and kiosk embed subsets of the same faces. So a character is covered in
every medium if any installed font has it (scripts/run.sh installs
fonts-babelstone-han for the rare characters of names that Noto CJK lacks).
"""
from __future__ import annotations

import codecs
import functools
import io
import subprocess
import threading
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

import brotli
import uharfbuzz as harfbuzz
from fontTools.ttLib import TTFont, woff2

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
    path, index, families = _fc_match(pattern)
    if family not in families.split(","):
        raise FontMissing(f"系统中没有字体“{family}”，请先运行 bash scripts/run.sh build 安装所需字体")
    return FontFile(Path(path), int(index))


def _fc_match(pattern: str) -> list[str]:
    """fontconfig's best face for a pattern: file, face index, families."""
    try:
        answer = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FontMissing(f"无法查找字体（fontconfig 不可用）：{exc}") from exc
    return answer.split("\t")


@functools.cache
def coverage(font: FontFile) -> Container[int]:
    """Code points the face has glyphs for (HarfBuzz reads a Noto CJK cmap in 3 ms, fontTools in 400), as HarfBuzz
    keeps them: a bitmap of a few KB, where a Python set of a CJK face's 45,000 code points takes 3.7 MB."""
    unicodes: Container[int] = _harfbuzz_face(font).unicodes
    return unicodes


def face_for(char: str, pattern: str) -> FontFile | None:
    """The face that draws `char` in text set in `pattern`: that face, else fontconfig's fallback; None if no
    installed font has the character."""
    face = find(pattern)
    if ord(char) in coverage(face):
        return face
    return _fallback(ord(char), pattern)


@functools.cache
def _fallback(code: int, pattern: str) -> FontFile | None:
    # The charset element outranks the family in fontconfig's matching: the best face that has the character.
    answer = _fc_match(f"{pattern}:charset={code:x}")
    face = FontFile(Path(answer[0]), int(answer[1]))
    return face if code in coverage(face) else None


def faces_for(text: str, pattern: str) -> tuple[dict[FontFile, str], str]:
    """The characters of `text` by the face that draws them (the pattern's face first), and those none can."""
    faces: dict[FontFile, str] = {find(pattern): ""}
    missing = ""
    for char in sorted(set(text)):
        if unicodedata.category(char) == "Cc":
            continue  # line breaks and tabs are never drawn
        face = face_for(char, pattern)
        if face is None:
            missing += char
        else:
            faces[face] = faces.get(face, "") + char
    return faces, missing


def unicode_range(chars: str) -> str:
    """A CSS unicode-range naming exactly these characters."""
    return ", ".join(f"U+{ord(char):X}" for char in sorted(set(chars)))


def subset_woff2(font: FontFile, text: str) -> bytes:
    """A WOFF2 font holding only the glyphs for `text`; the same input gives the same bytes.

    Subset once per face and set of characters in a process (the web's rare glyphs and the kiosk pages of
    stations with the same text share one).
    """
    return _subset_woff2(font, "".join(sorted(set(text))))


BROTLI_QUALITY = 9  # of 11: a subset 7 % larger in a ninth of the time (benchmarks/render_speed.py)


class _Brotli:
    """Brotli as fontTools' WOFF2 writer calls it (its module's `brotli`), at BROTLI_QUALITY: fontTools always
    asks for the highest quality, which took most of a lobby screen's rendering."""

    MODE_FONT = brotli.MODE_FONT

    @staticmethod
    def compress(data: bytes, mode: int = brotli.MODE_GENERIC, **_: object) -> bytes:
        compressed: bytes = brotli.compress(data, mode=mode, quality=BROTLI_QUALITY)
        return compressed

    @staticmethod
    def decompress(data: bytes) -> bytes:
        plain: bytes = brotli.decompress(data)
        return plain


woff2.brotli = _Brotli  # this program writes WOFF2 here only; nothing else in the process reads fontTools' brotli


@functools.lru_cache(maxsize=64)  # a kiosk page's subsets are some 50 KB each
def _subset_woff2(font: FontFile, chars: str) -> bytes:
    # fontTools packs the small subset into WOFF2 (Brotli at BROTLI_QUALITY).
    out = io.BytesIO()
    woff2.compress(io.BytesIO(subset(font, chars)), out)  # keeps the face's own head.modified: reproducible
    return out.getvalue()


def subset(font: FontFile, text: str) -> bytes:
    """The face as an OpenType font holding only the glyphs for `text` (and those its layout rules reach from
    them), unhinted; the same input gives the same bytes."""
    # HarfBuzz subsets a Noto CJK face in about 15 ms where fontTools took 1.5 s (benchmarks/render_speed.py).
    wanted = harfbuzz.SubsetInput()
    wanted.unicode_set.update(ord(char) for char in set(text))
    wanted.flags = harfbuzz.SubsetFlags.NO_HINTING  # screens render CJK unhinted; print embeds it unhinted
    wanted.drop_table_tag_set.add(int.from_bytes(b"meta"))  # BabelStone Han's; no browser reads it
    data: bytes = harfbuzz.subset(_harfbuzz_face(font), wanted).blob.data
    return data


@functools.cache
def _harfbuzz_face(font: FontFile) -> harfbuzz.Face:
    return harfbuzz.Face(harfbuzz.Blob.from_file_path(font.path), font.index)


def rare_characters(text: str) -> str:
    """Han characters outside GB 2312, which many phone and PC fonts lack (䶮, 堃, 𠮷 …)."""
    # The GB 2312 encoder skims a page in C and hands over only what it cannot encode (a handful of characters a
    # page), where a set of a page's characters took most of the time; a rare character is one of those.
    found: list[str] = []
    _outside_gb2312.found = found
    text.encode("gb2312", errors=_OUTSIDE_GB2312)
    return "".join(sorted({char for run in found for char in run if _rare(char)}))


_OUTSIDE_GB2312 = "liaison.outside-gb2312"
_outside_gb2312 = threading.local()  # the characters of the encoding under way in this thread


def _collect(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    _outside_gb2312.found.append(error.object[error.start:error.end])
    return "", error.end


codecs.register_error(_OUTSIDE_GB2312, _collect)


@functools.cache  # every page asks of the same few thousand characters
def _rare(char: str) -> bool:
    if unicodedata.category(char) != "Lo" or "CJK" not in unicodedata.name(char, ""):
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False
