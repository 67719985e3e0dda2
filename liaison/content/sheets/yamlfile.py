"""Record files written by the importer with ruamel.yaml's round trip: an update changes the fields the sheet
carries and keeps every other line of the file, its comments and its order; a new record's fields come in the
schema's order. Text that the content loader would read as something else (a number, a date, yes) is quoted."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from liaison.content.loader import ContentLoader

DELETE = object()  # a field the sheet left empty: the key goes


def _yaml() -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # never fold a long line the clerk wrote on one
    handler.indent(mapping=2, sequence=4, offset=2)  # the demo's and the docs' `  - item` lists
    handler.representer.ignore_aliases = lambda data: True  # the content loader refuses anchors and aliases
    return handler


def updated(text: str, fields: Mapping[str, Any], order: Sequence[str]) -> str:
    """The file's text with `fields` set (or removed, DELETE), a new key placed after its schema predecessor."""
    handler = _yaml()
    document = handler.load(text)
    for key, value in fields.items():
        if value is DELETE:
            document.pop(key, None)
        elif isinstance(document.get(key), CommentedSeq) and isinstance(value, list):
            _replace_items(document[key], value)
        elif key in document:
            document[key] = node(value)
        else:
            before = [k for k in order[: order.index(key)] if k in document]
            position = list(document).index(before[-1]) + 1 if before else 0
            document.insert(position, key, node(value))
    return _dump(handler, document)


def _replace_items(sequence: CommentedSeq, items: list[Any]) -> None:
    """The list's items set in place: an item that stays keeps its node, so its style and comments stay."""
    old = list(sequence)
    kept = [next((node_ for node_ in old if node_ == item), None) for item in items]
    del sequence[:]
    sequence.extend(node(item) if same is None else same for item, same in zip(items, kept, strict=True))


def created(data: Mapping[str, Any], order: Sequence[str]) -> str:
    document = CommentedMap()
    for key in sorted(data, key=order.index):
        document[key] = node(data[key])
    return _dump(_yaml(), document)


def node(value: Any) -> Any:
    """A value as ruamel writes it, fresh (never shared, so never an alias)."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = node(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq(node(item) for item in value)
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        return value if _reads_back(value) else DoubleQuotedScalarString(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _reads_back(text: str) -> bool:
    try:
        return bool(yaml.load(text, Loader=ContentLoader) == text)
    except yaml.YAMLError:
        return False


def _dump(handler: YAML, document: Any) -> str:
    buffer = io.StringIO()
    handler.dump(document, buffer)
    return buffer.getvalue()
