"""A new record (`liaison new KIND [ID]`): one file of the kind with every field of its schema in order, each with
a comment that says what it is (the words of the schema reference, reference.py). Required fields stand with an
empty value for the clerk to fill (until then `check` reports each of them where it is); optional fields are
commented out, ready to be taken in. The id is checked, never taken twice, and for a person made from the name."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel

from liaison.content import ids, pinyin_ids
from liaison.content.kinds import KINDS, MARKDOWN, Kind
from liaison.content.loader import ContentLoader, Loc
from liaison.content.reference import FieldDoc, fields, yaml_text

BY_SINGULAR: dict[str, Kind] = {kind.singular: kind for kind in KINDS.values()}
NAME_FIELDS = ("name", "title")  # where --name goes: the first of these the kind has
BODY = "body"  # a Markdown record's text, below its front matter


class NewRecordError(Exception):
    """A record that cannot be made as asked: the message says why, in Chinese."""


@dataclass(frozen=True)
class Created:
    path: Path
    record_id: str
    proposed: bool  # the id was made from the name


def create(content_dir: Path, kind: Kind, record_id: str | None, name: str | None = None,
           station: str | None = None) -> Created:
    """Write a new record of kind into content_dir; NewRecordError when it cannot be made as asked."""
    if not content_dir.is_dir():
        raise NewRecordError(f"内容目录“{content_dir}”不存在")
    taken = existing_ids(content_dir, kind)
    proposed = record_id is None
    record_id = _proposed_id(kind, name, taken) if record_id is None else record_id
    _check_id(kind, record_id, taken)
    values = _values(content_dir, kind, name, station)
    path = content_dir / kind.name / kind.file_name(record_id)
    try:
        path.parent.mkdir(exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never over a file made meanwhile
            out.write(text(kind, record_id, values))
    except FileExistsError:
        raise NewRecordError(_taken_message(kind, record_id)) from None
    except OSError as exc:
        raise NewRecordError(f"无法写入“{path}”：{exc.strerror}") from None
    return Created(path, record_id, proposed)


def existing_ids(content_dir: Path, kind: Kind) -> set[str]:
    """The ids of the kind's files in content_dir, whatever their state."""
    folder = content_dir / kind.name
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.iterdir() if path.suffix in kind.suffixes}


def _proposed_id(kind: Kind, name: str | None, taken: set[str]) -> str:
    if kind.name != "deputies":
        raise NewRecordError(f"请写明新{kind.label}的编号（{ids.RULE}），如 liaison new {kind.singular} 编号")
    if not name:
        raise NewRecordError("请写明新代表的编号，或用 --name 写代表姓名，由姓名的拼音生成编号")
    proposed = pinyin_ids.propose_id(name, taken)
    if proposed is None:
        raise NewRecordError(f"无法由姓名“{name}”生成编号（其中有没有拼音的字符）：请写明编号，{ids.RULE}")
    return proposed


def _check_id(kind: Kind, record_id: str, taken: set[str]) -> None:
    if not ids.is_id(record_id):
        hint = _suggestion(record_id)
        raise NewRecordError(f"“{record_id}”不能用作编号：{ids.RULE}；编号是文件名，也是公开网址的一部分，"
                             "汉字请写成拼音" + (f"。是否想写“{hint}”？" if hint else ""))
    if taken_by := ids.reserved(kind.name, record_id):
        raise NewRecordError(f"编号“{record_id}”已被系统占用（{taken_by}），请换一个")
    if record_id in taken:
        raise NewRecordError(_taken_message(kind, record_id))


def _taken_message(kind: Kind, record_id: str) -> str:
    return (f"编号“{record_id}”已有{kind.label}使用（{kind.name}/ 中已有 {record_id} 的文件）：编号不能重复，"
            "请换一个；要修改已有的记录，请直接编辑那个文件")


def _suggestion(text: str) -> str | None:
    """The id a mistyped one most likely meant: Qingshi_Town as qingshi-town."""
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in text.lower()).split()
    candidate = "-".join(words)
    return candidate if ids.is_id(candidate) and candidate != text else None


def _values(content_dir: Path, kind: Kind, name: str | None, station: str | None) -> dict[Loc, str]:
    """The values given on the command line, by where they go in the record."""
    values: dict[Loc, str] = {}
    if name is not None:
        field = next((field for field in NAME_FIELDS if field in kind.model.model_fields), None)
        if field is None:
            raise NewRecordError(f"--name 不适用于{kind.label}：{kind.label}记录没有名称或标题字段")
        values[(field,)] = _scalar(name)
    if station is not None:
        if station not in existing_ids(content_dir, KINDS["stations"]):
            raise NewRecordError(f"联络站“{station}”不存在：stations/ 目录下没有 {KINDS['stations'].file_name(station)}")
        values[kind.station_field] = station
    return values


def _scalar(text: str) -> str:
    """text as a YAML value that reads back as the same text: quoted where it has YAML's marks (# : ' ")."""
    try:
        if yaml.load(f"k: {text}", Loader=ContentLoader) == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


# ---- the text of a new record -----------------------------------------------------------------------------

def text(kind: Kind, record_id: str, values: dict[Loc, str]) -> str:
    """The new record's file: the header, then every field (a Markdown record: its front matter, then the body)."""
    docs = fields(kind.model)
    head = _header(kind, record_id)
    if kind.suffixes != MARKDOWN:
        return "\n".join([*head, *_fields(docs, (), values, 0)]) + "\n"
    body = next(doc for doc in docs if doc.name == BODY)
    front = [doc for doc in docs if doc.name != BODY]
    return "\n".join(["---", *head, *_fields(front, (), values, 0), f"# 正文：{body.description}。必填；Markdown 格式", "---", ""]) + "\n"


def _header(kind: Kind, record_id: str) -> list[str]:
    address = f"，也是公开网址 {kind.name}/{record_id}/ 的一部分" if kind.pages else ""
    lines = [f"# 新建的{kind.label}记录。编号 {record_id} 就是文件名{address}，定下后不要再改。",
             "# 请在每个空着的冒号后面填写；“#”后面的文字是说明。",
             "# 行首是“# 字段名:”的是选填字段：需要时删去行首的“# ”再填写。",
             "# 每个字段的写法见 docs/schema.md；填好后运行 liaison check 检查。"]
    if kind.suffixes == MARKDOWN:
        lines.append("# 正文写在下面第二个 --- 之后（Markdown 格式）。")
    return lines


def _fields(docs: list[FieldDoc], prefix: Loc, values: dict[Loc, str], indent: int) -> list[str]:
    """The lines of these fields: the required and given ones to fill in, the others commented out."""
    lines = []
    for doc in docs:
        loc = prefix + (doc.name,)
        block = _field(doc, loc, values, indent, complete=True)
        given = any(key[:len(loc)] == loc for key in values)
        lines.extend(block if doc.required or given else _commented(_field(doc, loc, values, indent, complete=False),
                                                                    indent))
    return lines


def _field(doc: FieldDoc, loc: Loc, values: dict[Loc, str], indent: int, complete: bool) -> list[str]:
    """One field with what it holds; complete: with the optional fields of a record nested in it (commented)."""
    pad, shape = " " * indent, doc.shape
    value = values.get(loc, "")
    first = f"{pad}{doc.name}: {value}".rstrip() + f"  # {_comment(doc)}"
    if shape.container == "list":
        item = values.get(loc + (0,), "")
        if shape.model is None:
            return [first, f"{pad}  - {item}".rstrip()]
        inner = _nested(shape.model, loc + (0,), values, indent + 4, complete)
        return [first, pad + "  - " + inner[0].lstrip(), *inner[1:]]
    if shape.model is not None and shape.container == "":
        return [first, *_nested(shape.model, loc, values, indent + 2, complete)]
    return [first]


def _nested(model: type[BaseModel], prefix: Loc, values: dict[Loc, str], indent: int, complete: bool) -> list[str]:
    docs = fields(model)
    if complete:
        return _fields(docs, prefix, values, indent)
    # Commented out as a whole: its required fields (all of them where none is), not commented once more.
    shown = [doc for doc in docs if doc.required] or docs
    return [line for doc in shown for line in _field(doc, prefix + (doc.name,), values, indent, complete=False)]


def _commented(lines: list[str], indent: int) -> list[str]:
    """Lines commented out at the field's indent, so that deleting “# ” takes the field in as it is."""
    return [line[:indent] + "# " + line[indent:] for line in lines]


def _comment(doc: FieldDoc) -> str:
    """What the field is, whether it must be filled, how it is written, and an example."""
    shape = doc.shape
    if doc.required:
        status = "必填"
    elif doc.default in (None, [], {}, "") or isinstance(doc.default, BaseModel):
        status = "选填"
    else:
        status = f"选填，不写为 {yaml_text(doc.default)}"
    parts = [status]
    if shape.choices:
        parts.append(("每项取" if shape.container == "list" else "取") + "值：" + "、".join(shape.choices))
    elif shape.model is None:
        parts.append(shape.words)
    elif shape.container == "list":
        parts.append("列表，每项以“- ”开头")
    parts.extend(shape.bounds)
    if doc.examples and not shape.choices:
        parts.append(f"如 {yaml_text(doc.examples[0])}")
    return f"{doc.description}。{'；'.join(parts)}"
