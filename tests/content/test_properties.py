"""Never a traceback: random and mutated records always give a build or located error messages."""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
import shutil
import tempfile
import typing
import unicodedata
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from liaison.build.pipeline import Config, check, prepare
from liaison.content import schema
from liaison.content.kinds import BY_MODEL, KINDS
from liaison.content.loader import load_content
from liaison.content.problems import ContentError, field_path
from liaison.render.web import pages as web
from tests.conftest import MINI, TODAY, examples

FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml")) + \
    sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.md"))
SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates().map(dt.date.isoformat), st.sampled_from(
                        ["", "09:00", "25:61", "2026-02-30", "centre", "li-yan", "县", "联络站", "https://a.cn/",
                         "javascript:x", "0579-61234567", "13900000000", "<script>", "../../x", "已答复"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


ENGLISH = re.compile(r"[A-Za-z]{2,}(?:,? +)[A-Za-z]{2,}")  # two English words in a row: pydantic's or PyYAML's text


def english(message: str) -> bool:
    """English prose in a message, apart from what it quotes of the content (“…”)."""
    return bool(ENGLISH.search(re.sub(r"“[^”]*”", "", message)))


def outcome(content: Path) -> None:
    """A build model and its web pages, or ContentError with located problems; anything else is a bug."""
    config = Config(content=content, site_dir=content / "_out", signage_dir=content / "_sign", today=TODAY)
    try:
        prepared = prepare(config)
    except ContentError as error:
        assert error.problems  # noqa: PT017 - a located ContentError is one of the two right outcomes
        for problem in error.problems:
            assert problem.path.is_relative_to(content) and problem.line >= 0 and problem.message
            assert not english(problem.message), problem  # no PyYAML or pydantic text reaches the clerk
        return
    for job in prepared.jobs:
        if job.render is web.page:
            assert job.run(prepared.context).outputs[0].data


def fresh() -> Path:
    target = Path(tempfile.mkdtemp()) / "content"
    shutil.copytree(MINI, target)
    return target


@SETTINGS
@given(file=st.sampled_from(FILES), text=st.text(max_size=400))
def test_any_text_in_any_file(file: str, text: str) -> None:
    content = fresh()
    (content / file).write_text(text, encoding="utf-8")
    outcome(content)
    shutil.rmtree(content.parent)


@SETTINGS
@given(file=st.sampled_from(FILES), data=st.binary(max_size=200))
def test_any_bytes_in_any_file(file: str, data: bytes) -> None:
    content = fresh()
    (content / file).write_bytes(data)
    outcome(content)
    shutil.rmtree(content.parent)


@SETTINGS
@given(file=st.sampled_from(FILES), edits=st.lists(
    st.tuples(st.integers(0, 10**6), st.sampled_from([":", "：", ": ", "-", "- ", "  ", "\t", "\u3000", "\n", "\n  ",
                                                     "'", '"', "[", "]", "{", "}", ",", "#", "@", "`", "&a ", "*a",
                                                     "!", "%", "|", ">", "?", "\\", "---\n", "..."])),
    min_size=1, max_size=4))
def test_yaml_mistakes_anywhere_in_any_file(file: str, edits: list[tuple[int, str]]) -> None:
    """The characters YAML gives a meaning, typed at random places: every message Chinese and located."""
    content = fresh()
    text = (content / file).read_text(encoding="utf-8")
    for position, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position:]
    (content / file).write_text(text, encoding="utf-8")
    outcome(content)
    shutil.rmtree(content.parent)


@st.composite
def mutated(draw):
    """A fixture record with a key dropped, added, or given another value anywhere in its tree."""
    file = draw(st.sampled_from([f for f in FILES if f.endswith(".yaml")]))
    data = yaml.safe_load((MINI / file).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
            if not isinstance(node[key], (dict, list)):
                break
            node = node[key]
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
            action = draw(st.sampled_from(["drop", "replace", "add"]))
            if action == "drop":
                del node[key]
            elif action == "replace":
                node[key] = draw(values)
            else:
                node[draw(st.text(min_size=1, max_size=10))] = draw(values)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(values)
    return file, data


@SETTINGS
@given(case=mutated())
def test_mutated_records(case) -> None:
    file, data = case
    content = fresh()
    (content / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    outcome(content)
    shutil.rmtree(content.parent)


@SETTINGS
@given(kind=st.sampled_from(sorted(KINDS)), name=st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True),
       data=values)
def test_new_records_of_any_shape(kind: str, name: str, data) -> None:
    content = fresh()
    suffix = KINDS[kind].suffixes[0]
    text = yaml.safe_dump(data, allow_unicode=True)
    if suffix == ".md":
        text = f"---\n{text}---\n正文\n"
    (content / kind).mkdir(exist_ok=True)
    (content / kind / f"{name}{suffix}").write_text(text, encoding="utf-8")
    outcome(content)
    shutil.rmtree(content.parent)


# ---- every field of every schema, given a value of the wrong type ----------------------------------

BASE_RECORDS = {  # a valid record of each kind; the mini fixture has no assessment
    "site": "site.yaml", "stations": "stations/centre.yaml", "deputies": "deputies/wang-kun.yaml",
    "systems": "systems/reception.md", "events": "events/2026-12-01-centre.yaml",
    "opinions": "opinions/2026-0001.yaml", "notices": "notices/december.md", "assessments": "assessments/check.yaml",
}
ASSESSMENT = {"station": "centre", "year": 2026, "assessor": "县人大常委会", "date": dt.date(2026, 11, 18),
              "scores": {"f1a": 3}, "notes": {"f1a": "现场查看"}}
def _field_paths(model: type[BaseModel], prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, annotation) for every field of model and of the models, lists and mappings inside it."""
    for name, info in model.model_fields.items():
        yield from _annotation_paths(info.annotation, prefix + (name,))


def _annotation_paths(annotation: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    yield path, annotation
    for inner in schema.type_members(annotation):
        origin = typing.get_origin(inner)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            yield from _field_paths(inner, path)
        elif origin is list:
            yield from _annotation_paths(typing.get_args(inner)[0], path + (0,))
        elif origin is dict:
            key_type, value_type = typing.get_args(inner)
            key = next(iter(key_type)).value if isinstance(key_type, type) and issubclass(key_type, Enum) else "f1a"
            yield from _annotation_paths(value_type, path + (key,))


FIELD_PATHS = [(kind, path, annotation) for kind, model in sorted((kind.name, kind.model) for kind in BY_MODEL.values())
               for path, annotation in _field_paths(model)
               if not (BASE_RECORDS[kind].endswith(".md") and path == ("body",))]  # the text after the front matter
PHONE = next(case for case in FIELD_PATHS if case[:2] == ("deputies", ("phone",)))
SITE_CODE = next(case for case in FIELD_PATHS if case[:2] == ("site", ("footer", "site_code")))


def _accepts(annotation: Any, value: Any) -> bool:
    """Whether value is of a type the field takes (a value of that type may still be out of range)."""
    kinds = set()
    for member in schema.type_members(annotation):
        origin = typing.get_origin(member)
        kinds.add(origin if origin in (list, dict) else member)
    if value is None:
        return type(None) in kinds
    if isinstance(value, bool):
        return bool in kinds
    if bool in kinds and (value in (0, 1) or str(value).lower() in ("yes", "no", "on", "off", "true", "false")):
        return True  # pydantic's readings of true and false
    if isinstance(value, int):  # a phone number's field reads an unquoted number as its digits
        return bool(kinds & {int, float}) or schema._number_as_text in set(_validators(annotation))
    if isinstance(value, float):
        return float in kinds or (int in kinds and value.is_integer())
    if isinstance(value, dt.date):
        return dt.date in kinds
    if isinstance(value, str):  # pydantic reads a quoted number as a number: "9.00" is 9
        number = r"-?[0-9]+(?:\.[0-9]*)?" if float in kinds else r"-?[0-9]+(?:\.0*)?" if int in kinds else None
        return str in kinds or bool(number and re.fullmatch(number, value.strip()))
    if isinstance(value, list):
        return list in kinds
    return dict in kinds or any(isinstance(k, type) and issubclass(k, BaseModel) for k in kinds)


def _validators(annotation: Any) -> Iterator[Any]:
    """The functions of the validators an annotation carries, in its Annotated parts at any depth."""
    for part in typing.get_args(annotation):
        if callable(getattr(part, "func", None)):
            yield part.func
        else:
            yield from _validators(part)


def _put(data: dict, path: tuple, value: Any) -> None:
    node: Any = data
    for part, following in itertools.pairwise(path):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(node, list):
            if not node:
                node.append(empty)
            node = node[part]
        else:
            if not isinstance(node.get(part), (dict, list)):
                node[part] = empty
            node = node[part]
    if isinstance(node, list) and not node:
        node.append(None)
    node[path[-1]] = value


def _write_record(content: Path, kind: str, data: dict) -> Path:
    path = content / BASE_RECORDS[kind]
    path.parent.mkdir(exist_ok=True)
    if path.suffix == ".md":
        body = data.pop("body")
        path.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}\n", encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _base_record(kind: str) -> dict:
    return copy.deepcopy(_BASES[kind])


def _bases() -> dict[str, dict]:
    loaded = load_content(MINI)
    records = {r.path.relative_to(MINI).as_posix(): r.data for rs in loaded.records.values() for r in rs}
    return {kind: ASSESSMENT if kind == "assessments" else loaded.site.data if kind == "site" else records[file]
            for kind, file in BASE_RECORDS.items()}


_BASES = _bases()


wrong_values = st.one_of(
    st.integers(-10**15, 10**15), st.floats(allow_nan=True), st.booleans(), st.none(), st.dates(),
    st.lists(st.integers(0, 9), max_size=2), st.dictionaries(st.sampled_from("abc"), st.integers(0, 9), max_size=2),
    st.text(min_size=200, max_size=3000),
    st.sampled_from([900, 9.0, 9.3, 20261201, 0, "9.00", "9.30", "yes", "13:61", "photos/a\x00b.jpg", "长" * 300]))


@pytest.mark.slow  # 400 examples
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(case=PHONE, value=10000)  # a service line (10000) unquoted: read as its digits, a good number
@example(case=SITE_CODE, value=1_000_000_000)  # ten digits unquoted: a good site code
@given(case=st.sampled_from(FIELD_PATHS), value=wrong_values)
def test_any_value_in_any_field_gives_located_chinese_problems(case, value) -> None:
    kind, path, annotation = case
    content = fresh()
    data = _base_record(kind)
    _put(data, path, value)
    record = _write_record(content, kind, data)
    config = Config(content=content, site_dir=content / "_out", signage_dir=content / "_sign", today=TODAY)
    try:
        check(config)
        problems: list = []
    except ContentError as error:
        problems = error.problems
    finally:
        shutil.rmtree(content.parent)
    where = field_path(path)
    for problem in problems:  # a value may also make another record wrong (an opinion's category)
        if problem.path == content / "photos":  # the photo field no longer names a file there: a folder warning
            continue
        assert problem.path.is_relative_to(content) and problem.line >= 1 and problem.column >= 1, problem
        assert re.search(r"[\u4e00-\u9fff]", problem.message) and not english(problem.message), problem
    if not _accepts(annotation, value):
        assert any(p.path == record and (p.field == where or p.field.startswith((where + ".", where + "[")))
                   for p in problems), (where, value, problems)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_text_is_folded_character_by_character(text: str) -> None:
    """privacy._normalised's table (each character folded once a process) and shortcut (ASCII text) give what folding
    each character gives, and _origin where in the text each folded character came from."""
    from liaison.content import privacy

    folded = [unicodedata.normalize("NFKC", char).translate(privacy._DASHES) for char in text]
    expected = "".join(folded), [index for index, part in enumerate(folded) for _ in part]
    assert (privacy._normalised(text), privacy._origin(text)) == expected


@given(value=st.none() | st.text(max_size=12) | st.sampled_from(["yes", "1", "2026-01-01", "10:30", "0", "true"]))
@settings(max_examples=50)
def test_a_text_or_nothing_is_left_as_it_is_for_every_field(value: str | None) -> None:
    """Record._no_silent_conversion passes a text or None on without asking the field's shape: for every field of
    every kind, _refuse_conversion gives the value itself."""
    models, pending = [], [schema.Record]
    while pending:  # every record model, nested ones (a deputy's seats) too
        model = pending.pop()
        models.append(model)
        pending.extend(model.__subclasses__())
    assert {kind.model for kind in KINDS.values()} <= set(models) and len(models) > len(KINDS)
    for model in models:
        for name in model.model_fields:
            assert schema._refuse_conversion(schema._field_shape(model, name), value) is value, (model, name)
