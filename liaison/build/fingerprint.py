"""What shapes the bytes of a build besides its jobs: the libraries and their versions, the native text stack
(Pango, HarfBuzz, fontconfig, zlib), the installed fonts, the theme's files and the content's files.

Two machines with equal fingerprints render the same bytes from the same plan; a Dask worker compares its
own with the client's before it takes a job (docs/distributed.md). A fingerprint is a flat mapping from what
was looked at to a short description of it, so that a difference can be named item by item.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import functools
import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path

from liaison.render import fonts
from liaison.render.kiosk import screen as kiosk
from liaison.render.print import spec
from liaison.render.theme import Theme

# The Python packages whose version can change an output's bytes (by distribution name).
LIBRARIES = ("liaison", "jinja2", "markupsafe", "markdown", "nh3", "weasyprint", "pydyf", "tinycss2", "pillow",
             "fonttools", "brotli", "uharfbuzz", "zxing-cpp", "pypdfium2", "icalendar", "chinesecalendar")
# The font patterns the renderers ask fontconfig for by name (print's serif, the web's and the kiosk's sans).
FONT_PATTERNS = (spec.SIGNBOARD_FONT, fonts.WEB_FALLBACK, *kiosk.FACES.values())
SHOWN = 12  # differences named in a message; the rest are counted

Fingerprint = dict[str, str]


def fingerprint(content: Path, theme: Theme) -> Fingerprint:
    """This process's fingerprint for a build of `content` with `theme`."""
    return {**libraries(), **native(), **installed_fonts(), **theme_files(theme), **content_files(content)}


def libraries() -> Fingerprint:
    found = {"Python": ".".join(map(str, sys.version_info[:3]))}
    for name in LIBRARIES:
        try:
            found[f"库 {name}"] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[f"库 {name}"] = "未安装"
    return {**found, "liaison 代码": f"SHA-256 {code()[:16]}"}


@functools.cache
def code() -> str:
    """A digest of this package's modules: a checkout's edits change outputs without changing its version."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def native() -> Fingerprint:
    """The versions of the C libraries that lay out text, subset fonts and compress, where they can be read."""
    import uharfbuzz
    from weasyprint.text.ffi import pango

    return {"Pango": _dotted(pango.pango_version()), "HarfBuzz（系统）": _native("harfbuzz", "hb_version_string"),
            "HarfBuzz（uharfbuzz 自带）": uharfbuzz.version_string(),
            "fontconfig": _native("fontconfig", "FcGetVersion"), "zlib": zlib.ZLIB_RUNTIME_VERSION}


def _dotted(version: int) -> str:
    """Pango's and fontconfig's version numbers: 15012 is 1.50.12."""
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}"


def _native(library: str, function: str) -> str:
    """A shared library's version as its own function tells it (a string, or a number to be dotted)."""
    name = ctypes.util.find_library(library)
    if not name:
        return "未找到"
    call = getattr(ctypes.CDLL(name), function)
    if function.endswith("_string"):
        call.restype = ctypes.c_char_p
        return str(call().decode())
    return _dotted(int(call()))


def installed_fonts() -> Fingerprint:
    """Every font file fontconfig knows (its fallback may pick any of them), and the face each named pattern
    resolves to."""
    found = {f"字体 {pattern}": f"{face.path}#{face.index}" for pattern in FONT_PATTERNS
             if (face := _resolved(pattern))}
    listed = font_files()
    if listed is None:
        return {**found, "字体文件": "无法列出（fontconfig 的 fc-list 不可用）"}
    return {**found, **{f"字体文件 {path}": _stat(path) for path in listed}}


def font_files() -> list[Path] | None:
    """Every font file fontconfig knows, in order; None where fc-list cannot be run."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}\n"], capture_output=True, text=True, check=True,
                                timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [Path(name) for name in sorted(set(listed.splitlines())) if name]


def _resolved(pattern: str) -> fonts.FontFile | None:
    try:
        return fonts.find(pattern)
    except fonts.FontMissing:
        return None


def theme_files(theme: Theme) -> Fingerprint:
    """The theme's files by their path inside each folder and their SHA-256 (an installed package's files
    carry the time of installation, so their contents are compared, not their dates)."""
    found = {}
    for label, folder in (("主题", theme.custom), ("默认主题", theme.default)):
        if folder is not None:
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                found[f"{label} {path.relative_to(folder).as_posix()}"] = f"SHA-256 {digest}"
    return found


def content_files(content: Path) -> Fingerprint:
    """The content folder's files by size and time of change: outputs are dated by the files they are made
    of (unless SOURCE_DATE_EPOCH is set), and photos are too large to read on every worker."""
    return {f"内容 {path.relative_to(content).as_posix()}": _stat(path)
            for path in sorted(content.rglob("*")) if path.is_file()}


def _stat(path: Path) -> str:
    try:
        status = path.stat()
    except OSError:
        return "无法读取"
    changed = dt.datetime.fromtimestamp(int(status.st_mtime), dt.UTC).isoformat(sep=" ")
    return f"{status.st_size} 字节，修改于 {changed}"


def differences(ours: Mapping[str, str], theirs: Mapping[str, str]) -> list[str]:
    """What differs between two fingerprints, one line each: `item：本机 …，工作进程 …`."""
    lines = [f"{item}：本机 {ours.get(item, '没有')}，工作进程 {theirs.get(item, '没有')}"
             for item in sorted(ours.keys() | theirs.keys()) if ours.get(item) != theirs.get(item)]
    return lines if len(lines) <= SHOWN else [*lines[:SHOWN], f"…… 共 {len(lines)} 处不同"]
