"""Load the content directory into located raw records.

Each record is one file; its id is the file name without extension. YAML is
composed into nodes first so that every value keeps the line and column it
came from; the schema stage uses those marks to locate its messages.
"""
from __future__ import annotations

import codecs
import contextlib
import dataclasses
import difflib
import errno
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from liaison.content import ids, paths, syntax
from liaison.content.kinds import KINDS, SITE_FILE
from liaison.content.problems import Problem, field_path

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 50  # nesting levels; content never needs more, and deeper input exhausts the stack
RESAVE = "请用记事本或 WPS 打开，点“另存为”，编码选“UTF-8”后保存"
_OS_ERRORS: dict[int | None, str] = {errno.EACCES: "没有读取权限，请检查文件的权限设置", errno.EPERM: "没有读取权限，请检查文件的权限设置",
              errno.ENOENT: "文件在读取时已被移走或删除", errno.EIO: "磁盘读取出错，请检查存储设备"}
Loc = tuple[str | int, ...]


class ContentLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so `start: 10:30` stays a time text, and without aliases."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # Refused where they are written, before anything is expanded: aliases make "billion laughs" bombs.
        if self.check_event(yaml.AliasEvent):
            # types-PyYAML leaves peek_event() unannotated.
            raise _Refused(self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                           "不支持 YAML 锚点和别名（& 和 *）：请把内容直接写出来")
        return super().compose_node(parent, index)


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    # An impossible date (2026-13-01) stays text; the schema then reports it with its location.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"""),
    list("-+0123456789"))
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"""
               r"""|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"""),
    list("-+0123456789."))


class _FastLoader(yaml.CSafeLoader):
    """ContentLoader's reading, parsed by libyaml (C): for texts with no anchor or alias and little flow
    nesting, which are all a clerk writes (PyYAML's own parser took two thirds of `check`). Anything else, and
    any text libyaml refuses, is read again by ContentLoader, whose refusals and messages the user sees."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        # A scalar's tag is a function of its text alone here (no resolver looks at a node's place): a plain text
        # that starts with a character no implicit resolver is listed under (Chinese) is a text, and the others
        # (keys, ids, dates, 是/否 ...) are walked over the resolvers once a process (a fifth of libyaml's parse).
        if kind is not yaml.ScalarNode or not _TEXT_SHORTCUT:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call, no-any-return]
        if implicit[0] and value and value[0] not in _RESOLVED_FIRST:
            return self.DEFAULT_SCALAR_TAG
        key = (value, *implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            if len(_TAGS) < _MAX_TAGS and len(value) <= 40:
                _TAGS[key] = tag
        return tag


_FastLoader.yaml_implicit_resolvers = ContentLoader.yaml_implicit_resolvers
_FastLoader.yaml_constructors = ContentLoader.yaml_constructors
_RESOLVED_FIRST = frozenset(ContentLoader.yaml_implicit_resolvers)
# The shortcut holds while no resolver looks at every text (None) and none at a node's place in the document.
_TEXT_SHORTCUT = None not in _RESOLVED_FIRST and not _FastLoader.yaml_path_resolvers
_TAGS: dict[tuple[str, bool, bool], str] = {}  # a short scalar's (text, implicit) -> its tag, as resolved before
_MAX_TAGS = 50_000
_FAST = yaml.__with_libyaml__
_MAX_FLOW = 200  # flow brackets beyond which a text goes to ContentLoader (its depth limit is Python's)


@dataclass
class _Tables:
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    spans: dict[Loc, tuple[int, int]] = field(default_factory=dict)  # scalar -> (start, end) index in text


@dataclass(frozen=True)
class Marks:
    """Line/column (1-based) of every value and mapping key in one file, and where each text value is written.

    Found when first asked, by parsing the file's text again: only a problem asks, and a county's content (ten
    thousand files and more) takes more memory in marks than in values, for every process of a build."""

    text: str = ""  # the whole file
    yaml: tuple[int, int, int] | None = None  # the YAML (start, end) in text, and the lines before its start
    libyaml: bool = False  # the YAML was read by _FastLoader, else by ContentLoader
    body: tuple[int, int] | None = None  # a Markdown body's (start, end) in text
    _found: list[_Tables] = field(default_factory=list, init=False, compare=False, repr=False)  # tables once found

    @property
    def values(self) -> dict[Loc, tuple[int, int]]:
        return self._tables().values

    @property
    def keys(self) -> dict[Loc, tuple[int, int]]:
        return self._tables().keys

    @property
    def spans(self) -> dict[Loc, tuple[int, int]]:
        return self._tables().spans

    def _tables(self) -> _Tables:
        if not self._found:
            tables = _Tables()
            if self.yaml is not None:
                _walk_again(self.text, *self.yaml, _FastLoader if self.libyaml else ContentLoader, tables)
            if self.body is not None:
                tables.values[("body",)] = position(self.text, self.body[0])
                tables.spans[("body",)] = self.body
            self._found.append(tables)
        return self._found[0]

    def of_value(self, loc: Loc) -> tuple[int, int]:
        return self._nearest(self.values, loc)

    def of_key(self, loc: Loc) -> tuple[int, int]:
        if loc in self.keys:
            return self.keys[loc]
        return self._nearest(self.values, loc)

    def of_piece(self, loc: Loc, value: str, start: int, end: int) -> tuple[int, int]:
        """Where value[start:end], part of the text value at loc, is written in the file.

        Block scalars and Markdown bodies hold the piece verbatim; folded lines turn a line break and
        its indentation into one space. Escaped quoted text falls back to the start of the value.
        """
        span = self.spans.get(tuple(loc))
        piece = value[start:end]
        if span is None or not piece.strip():
            return self.of_value(loc)
        pattern = r"\s+".join(re.escape(word) for word in piece.split())
        found = list(re.finditer(pattern, self.text[span[0]:span[1]]))
        nth = len(re.findall(pattern, value[:start]))  # the same piece may occur earlier in the value
        if nth >= len(found):
            return self.of_value(loc)
        return position(self.text, span[0] + found[nth].start())

    def written(self, loc: Loc) -> str | None:
        """A one-line scalar exactly as the file has it (`start: 9.00`, not 9.0), else None."""
        span = self.spans.get(tuple(loc))
        if span is None:
            return None
        source = self.text[span[0]:span[1]]
        return source if source and "\n" not in source else None

    @staticmethod
    def _nearest(table: dict[Loc, tuple[int, int]], loc: Loc) -> tuple[int, int]:
        loc = tuple(loc)
        while loc:
            if loc in table:
                return table[loc]
            loc = loc[:-1]
        return table.get((), (1, 1))


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of text[index]."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


@dataclass(frozen=True)
class RawRecord:
    kind: str  # "site", "stations", "deputies", ...
    id: str
    path: Path
    data: dict[str, Any]
    marks: Marks

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error",
                piece: tuple[str, int, int] | None = None) -> Problem:
        """A problem at the value (or key) at loc; piece = (value text, start, end) points inside the value."""
        if piece is not None:
            line, col = self.marks.of_piece(loc, *piece)
        else:
            line, col = self.marks.of_key(loc) if key else self.marks.of_value(loc)
        return Problem(self.path, line, col, field_path(loc), message, severity)


@dataclass
class LoadResult:
    site: RawRecord | None
    records: dict[str, list[RawRecord]]
    problems: list[Problem]
    ids: dict[str, set[str]] = field(default_factory=dict)  # every file's id, even one that did not parse
    unread: list[Path] = field(default_factory=list)  # files and folders no record kind reads

    def every(self) -> list[RawRecord]:
        """Every record read: the site settings' first, then each kind's in KINDS order."""
        return [*([self.site] if self.site else []), *(raw for raws in self.records.values() for raw in raws)]


def load_content(content_dir: Path) -> LoadResult:
    problems: list[Problem] = []
    unread: list[Path] = []
    records: dict[str, list[RawRecord]] = {kind: [] for kind in KINDS}
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    if not content_dir.is_dir():
        problems.append(Problem(content_dir, 0, 0, "", "内容目录不存在"))
        return LoadResult(None, records, problems, {kind: set() for kind in KINDS})

    site_path = content_dir / SITE_FILE
    site = None
    if site_path.is_file() and paths.inside(content_dir, SITE_FILE) is None:
        problems.append(Problem(site_path, 0, 0, "", paths.LINK_OUTSIDE))
    elif site_path.is_file():
        site = _load_file("site", "site", site_path, problems)
    else:
        problems.append(Problem(site_path, 0, 0, "", f"缺少站点设置文件 {SITE_FILE}"))

    for kind, entry in KINDS.items():
        directory, suffixes = content_dir / kind, entry.suffixes
        if not directory.is_dir():
            continue
        seen: dict[str, Path] = {}
        folder_linked = os.path.islink(directory)
        with os.scandir(directory) as listing:  # by name, as sorted paths of one folder are
            entries = sorted(listing, key=lambda entry: entry.name)
        for listed in entries:
            if listed.name.startswith((".", "_")):
                continue
            path = directory / listed.name
            if listed.is_dir():
                unread.append(path)
                continue
            if path.suffix not in suffixes:
                problems.append(Problem(path, 0, 0, "", f"不识别的文件类型，{kind}/ 目录只接受 {'、'.join(suffixes)} 文件"))
                continue
            # Without a link on the way the file is inside by its making (paths.inside says so too, at two lstats).
            # Windows: a junction is no link to islink before Python 3.12, so there every file is asked.
            if ((folder_linked or listed.is_symlink() or os.sep != "/")
                    and paths.inside(content_dir, f"{kind}/{listed.name}") is None):
                problems.append(Problem(path, 0, 0, "", paths.LINK_OUTSIDE))
                continue
            record_id = path.stem
            if not ids.is_id(record_id):
                problems.append(Problem(path, 0, 0, "id", f"文件名“{record_id}”不能用作编号：{ids.RULE}，它决定公开网址"))
                continue
            if taken_by := ids.reserved(kind, record_id):
                problems.append(Problem(path, 0, 0, "id", f"编号“{record_id}”已被系统占用（{taken_by}），请换一个文件名"))
                continue
            if record_id in seen:
                problems.append(Problem(path, 0, 0, "id", f"编号“{record_id}”重复，已由 {seen[record_id].name} 使用"))
                continue
            seen[record_id] = path
            found[kind].add(record_id)  # so a broken file does not also show up as dangling references
            record = _load_file(kind, record_id, path, problems)
            if record is not None:
                records[kind].append(record)
    unread.extend(path for path in sorted(content_dir.iterdir()) if path.name not in (SITE_FILE, *KINDS)
                  and not path.name.startswith((".", "_")) and not path.name.upper().startswith("README"))
    return LoadResult(site, records, problems, found, unread)


def unread_warnings(unread: list[Path], content_dir: Path, referenced: set[Path]) -> list[Problem]:
    """A warning for each file or folder no record kind reads and no record refers to (referenced: the
    resolved paths records name, so photos/ is not warned about): a misspelt `staions/` passed in silence."""
    problems = []
    kinds = "、".join(f"{kind}/" for kind in KINDS)
    for path in unread:
        if any(ref.is_relative_to(path.resolve()) for ref in referenced):
            continue
        name = path.relative_to(content_dir).as_posix()
        if path.parent != content_dir:
            message = f"子目录“{name}/”中的文件不会被读取：{path.parent.name}/ 目录下的记录文件不能再放进子目录"
        elif path.is_dir():
            hint = difflib.get_close_matches(path.name.lower(), list(KINDS), n=1, cutoff=0.6)
            message = f"目录“{name}/”不是记录目录，内容中也没有引用其中的文件，其中的文件不会被读取：" + (
                f"是否想写“{hint[0]}/”？" if hint else f"记录目录为 {kinds}")
        elif difflib.get_close_matches(path.name.lower(), [SITE_FILE], n=1, cutoff=0.6):
            message = f"文件“{name}”不会被读取：站点设置文件应命名为 {SITE_FILE}"
        else:
            message = (f"文件“{name}”不会被读取：内容目录下只读取 {SITE_FILE}，记录文件应放在 {kinds} 中，"
                       "图片、字体等文件须由记录引用")
        problems.append(Problem(path, 0, 0, "", message, "warning"))
    return problems


class Remembered:
    """Each file's record and problems as last read, by the file's identity, size and times: a process that loads
    the same content again and again (`liaison serve`) parses only the files saved since. Off unless
    `remembering()`: a build reads every file once."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str, Path], tuple[tuple[int, ...], RawRecord | None, list[Problem]]] = {}
        self.seen: set[tuple[str, str, Path]] = set()  # the files the load in progress came to


_REMEMBERED: Remembered | None = None


@contextlib.contextmanager
def remembering(memory: Remembered) -> Iterator[None]:
    """Loads made in the block take the files that have not changed since from `memory`, and leave theirs there."""
    global _REMEMBERED
    before, _REMEMBERED = _REMEMBERED, memory
    memory.seen = set()
    try:
        yield
        # files deleted or renamed since are forgotten: a long `serve` keeps no record of every file it ever saw
        memory.files = {key: memory.files[key] for key in memory.seen if key in memory.files}
    finally:
        _REMEMBERED = before


def _load_file(kind: str, record_id: str, path: Path, problems: list[Problem]) -> RawRecord | None:
    memory = _REMEMBERED
    if memory is None:
        return _read_file(kind, record_id, path, problems)
    try:
        stat = path.stat()
    except OSError:
        return _read_file(kind, record_id, path, problems)
    # the inode and change time too: a file replaced by a save (rename) within the clock's step is still seen
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    memory.seen.add((kind, record_id, path))
    known = memory.files.get((kind, record_id, path))
    if known is not None and known[0] == version:
        problems.extend(known[2])
        return known[1]
    found: list[Problem] = []
    record = _read_file(kind, record_id, path, found)
    memory.files[(kind, record_id, path)] = (version, record, found)
    problems.extend(found)
    return record


def _read_file(kind: str, record_id: str, path: Path, problems: list[Problem]) -> RawRecord | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, 0, 0, "", f"无法读取文件：{_OS_ERRORS.get(exc.errno, f'系统错误 {exc.errno}')}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(path, 0, 0, "", f"文件过大（{len(raw)} 字节，上限 {MAX_FILE_BYTES}）"))
        return None
    text = _decode(path, raw, problems)
    if text is None:
        return None
    if path.suffix == ".md":
        return _load_markdown(kind, record_id, path, text, problems)
    parsed = _parse_yaml(path, text, 0, len(text), 0, problems)
    if parsed is None:
        return None
    data, marks = parsed
    if not isinstance(data, dict):
        line, col, message = _not_a_mapping(text, "文件内容应为“字段: 值”形式的映射")
        problems.append(Problem(path, line, col, "", message))
        return None
    return RawRecord(kind, record_id, path, data, marks)


def _decode(path: Path, raw: bytes, problems: list[Problem]) -> str | None:
    """UTF-8 (with or without BOM); UTF-16/32 with a BOM and GBK are read too, with a warning.

    Windows Notepad and WPS save "ANSI" (GBK) or "Unicode" (UTF-16 with a BOM). A BOM is unambiguous.
    """
    for bom, codec, name in ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
                             (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")):
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                break
            problems.append(Problem(path, 0, 0, "", f"文件是 {name} 编码，已按 {name} 读取；{RESAVE}", "warning"))
            return text
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _not_utf8(path, raw, exc.start, problems)


def _not_utf8(path: Path, raw: bytes, broken: int, problems: list[Problem]) -> str | None:
    """Text that is not UTF-8 but is valid GB18030 almost always is GBK; unless it is UTF-8 with a few
    broken bytes, which are reported where they are instead of misreading the whole file."""
    if raw.count(b"\x00") * 8 > len(raw):
        problems.append(Problem(path, 0, 0, "", f"文件像是没有 BOM 的 UTF-16 编码，无法可靠读取：{RESAVE}"))
        return None
    lossy = raw.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    if sum(1 for char in lossy if ord(char) > 0x7F) - bad > bad:
        problems.append(Problem(path, *_byte_position(raw, broken), "", "这里有不是 UTF-8 的字节（多半是从别处粘贴带进来的"
                                                                      "乱码）：请删去这个字符后重新输入，并以 UTF-8 编码保存"))
        return None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        problems.append(Problem(path, *_byte_position(raw, broken), "", f"文件不是 UTF-8 编码，也不是 GBK，无法读取：{RESAVE}"))
        return None
    number, sample = next(((n, line) for n, line in enumerate(text.splitlines(), 1) if not line.isascii()), (1, ""))
    problems.append(Problem(path, number, 1, "", f"文件是 GBK（GB18030）编码，已按 GBK 读取，请核对这一行读作"
                                                 f"“{sample.strip()[:30]}”是否正确；{RESAVE}", "warning"))
    return text


def _byte_position(raw: bytes, index: int) -> tuple[int, int]:
    """Line and column (in characters) of the byte at index of a mostly-UTF-8 file."""
    before = raw[:index].decode("utf-8", errors="replace")
    return position(before, len(before))


def _not_a_mapping(text: str, message: str, line_offset: int = 0) -> tuple[int, int, str]:
    """A file that parsed as one piece of text, most often for a Chinese colon or a missing space."""
    found = syntax.plain_document(text, line_offset)
    if found is None:
        return 1 + line_offset, 1, message
    line, col, explained = found
    return line + 1 + line_offset, col + 1, explained


def _load_markdown(kind: str, record_id: str, path: Path, text: str,
                   problems: list[Problem]) -> RawRecord | None:
    """A Markdown document with YAML front matter between '---' lines."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, 1, "", "Markdown 文件应以 '---' 开头的前置信息（标题等）开始"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, 1, 1, "", "前置信息缺少结束行 '---'"))
        return None
    front_start, front_end = len(lines[0]), len("".join(lines[:end]))
    parsed = _parse_yaml(path, text, front_start, front_end, 1, problems)
    if parsed is None:
        return None
    data, marks = parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line, col, message = _not_a_mapping(text[front_start:front_end], "前置信息应为“字段: 值”形式的映射", 1)
        problems.append(Problem(path, line, col, "", message))
        return None
    if "body" in data:
        line, col = marks.of_key(("body",))
        problems.append(Problem(path, line, col, "body", "正文写在第二个 '---' 之后，前置信息中不能有 body 字段"))
        return None
    rest = "".join(lines[end + 1:])
    data["body"] = rest.strip("\n")
    body_start = front_end + len(lines[end]) + (len(rest) - len(rest.lstrip("\n")))
    marks = dataclasses.replace(marks, body=(body_start, body_start + len(data["body"])))
    return RawRecord(kind, record_id, path, data, marks)


def _parse_yaml(path: Path, source: str, start: int, end: int, line_offset: int,
                problems: list[Problem]) -> tuple[Any, Marks] | None:
    """Parse source[start:end], which begins on line line_offset + 1 of the file."""
    text = source[start:end]
    fast = _parse_fast(path, source, start, end, line_offset)
    if fast is not None:
        return fast
    try:
        loader = ContentLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character PyYAML refuses outright
        line, col = position(text, exc.position)
        problems.append(Problem(path, line + line_offset, col, "", f"文件含有不允许的控制字符（U+{exc.character:04X}），请删除"))
        return None
    try:
        read = _read(loader, path, source, start, end, line_offset)
        if isinstance(read, list):  # keys written twice
            problems.extend(read)
            return None
        return read
    except _Refused as refused:
        mark = refused.mark
        problems.append(Problem(path, mark.line + 1 + line_offset, mark.column + 1, "", refused.message))
        return None
    except RecursionError:
        problems.append(Problem(path, 0, 0, "", f"嵌套层次过深（超过 {MAX_DEPTH} 层）"))
        return None
    except yaml.YAMLError as exc:
        line, col, message = syntax.explain(exc, text, line_offset)
        problems.append(Problem(path, line + 1 + line_offset, col + 1, "", message))
        return None
    finally:
        loader.dispose()


def _read(loader: ContentLoader | _FastLoader, path: Path, source: str, start: int, end: int,
          line_offset: int) -> tuple[Any, Marks] | list[Problem]:
    """The values of the text the loader holds, source[start:end], and its marks (found when asked), or the keys
    written twice."""
    node = loader.get_single_node()
    marks = Marks(source, (start, end, line_offset), isinstance(loader, _FastLoader))
    if node is None:
        return None, marks
    walk = _Walk(None, source, [], path, line_offset, start)
    walk.collect(node, ())
    if walk.duplicates:
        return walk.duplicates
    try:
        return _values(loader, node), marks
    except Exception:  # noqa: BLE001 - whatever it is, the constructor alone says what to raise first
        return _constructed(type(loader), source[start:end]), marks


def _constructed(loader_class: type[ContentLoader | _FastLoader], text: str) -> Any:
    """The text's values made by PyYAML's constructor alone, from a parse of its own (the constructor changes the
    nodes it reads: a mapping's merge keys are taken out, for one)."""
    loader = loader_class(text)
    try:
        return loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _values(loader: ContentLoader | _FastLoader, node: yaml.Node) -> Any:
    """What loader.construct_document(node) gives: texts, and lists and mappings by text, are made here (most of
    every record; PyYAML's constructor took a third of loading them), any other node by the constructor. A node
    the constructor refuses raises here too, though not necessarily the refusal the constructor would meet first:
    the caller then has the constructor alone read the whole text (_constructed), for the one the user is told of."""
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value
    if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
        return [_values(loader, item) for item in node.value]
    if node.tag == _MAP and isinstance(node, yaml.MappingNode) and all(
            key.tag == _STR and isinstance(key, yaml.ScalarNode) for key, _ in node.value):
        return {key.value: _values(loader, value) for key, value in node.value}
    return loader.construct_document(node)  # a number, a date, a merge key (<<) ...


def _walk_again(source: str, start: int, end: int, line_offset: int,
                loader_class: type[ContentLoader | _FastLoader], tables: _Tables) -> None:
    """The marks of source[start:end], which `loader_class` read without a problem, into `tables`."""
    loader = loader_class(source[start:end])
    try:
        node = loader.get_single_node()
        if node is not None:
            _Walk(tables, source, [], Path(), line_offset, start).collect(node, ())
    finally:
        loader.dispose()


def _parse_fast(path: Path, source: str, start: int, end: int, line_offset: int) -> tuple[Any, Marks] | None:
    """_parse_yaml by libyaml where that reads the text as ContentLoader would (see _FastLoader), else None:
    the caller reads it with ContentLoader, which reports whatever is wrong."""
    text = source[start:end]
    if not _fast(text):
        return None
    try:
        loader = _FastLoader(text)
    except yaml.YAMLError:
        return None
    try:
        read = _read(loader, path, source, start, end, line_offset)
    except (yaml.YAMLError, _Refused, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    return None if isinstance(read, list) else read


def _fast(text: str) -> bool:
    """Whether libyaml reads the text as ContentLoader would."""
    return _FAST and "&" not in text and "*" not in text and text.count("[") + text.count("{") <= _MAX_FLOW


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        self.mark, self.message = mark, message


@dataclass
class _Walk:
    """Checks every node of one parsed YAML text (which starts at char_offset of the file), and records their marks
    in `tables` unless None."""

    tables: _Tables | None
    text: str  # the whole file
    duplicates: list[Problem]
    path: Path
    line_offset: int
    char_offset: int

    def collect(self, node: yaml.Node, loc: Loc) -> None:
        if len(loc) > MAX_DEPTH:
            raise _Refused(node.start_mark, f"嵌套层次过深（超过 {MAX_DEPTH} 层）")
        if self.tables is not None:
            self.tables.values[loc] = (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            span = (node.start_mark.index + self.char_offset, node.end_mark.index + self.char_offset)
            if self.tables is not None:
                self.tables.spans[loc] = span
            if not node.style:  # plain: None from PyYAML's parser, "" from libyaml's
                self._misaligned_item(span)
        elif isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                key_pos = (key_node.start_mark.line + 1 + self.line_offset, key_node.start_mark.column + 1)
                if key in keys:
                    self.duplicates.append(Problem(self.path, *key_pos, field_path(loc + (key,)), f"字段“{key}”重复出现"))
                keys.add(key)
                if self.tables is not None:
                    self.tables.keys[loc + (key,)] = key_pos
                self.collect(value_node, loc + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.collect(item, loc + (index,))


    def _misaligned_item(self, span: tuple[int, int]) -> None:
        """`- a` then `   - b` one column further in reads as the one item "a - b": refuse it instead."""
        found = _CONTINUED_ITEM.search(self.text, span[0], span[1])
        if found:
            line, col = position(self.text, found.end(1))
            mark = yaml.Mark("", found.end(1), line - 1 - self.line_offset, col - 1, None, 0)
            raise _Refused(mark, f"第 {line} 行的列表项“- ”没有与上一项对齐：同一列表的“- ”应在同一列")


_CONTINUED_ITEM = re.compile(r"\n([ \t]*)-(?:[ \t]|$)", re.MULTILINE)
