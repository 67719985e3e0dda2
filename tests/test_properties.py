"""Never a traceback: random and mutated records always give a build or located error messages."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison import theme
from liaison.loader import RECORD_DIRS
from liaison.pipeline import Config, check
from liaison.problems import ContentError
from liaison.render import web
from tests.conftest import MINI, TODAY

FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml")) + \
    sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.md"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates().map(dt.date.isoformat), st.sampled_from(
                        ["", "09:00", "25:61", "2026-02-30", "centre", "li-yan", "县", "联络站", "https://a.cn/",
                         "javascript:x", "0579-61234567", "13900000000", "<script>", "../../x", "已答复"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def outcome(content: Path) -> None:
    """A build model and its web pages, or ContentError with located problems; anything else is a bug."""
    config = Config(content=content, site_dir=content / "_out", signage_dir=content / "_sign", today=TODAY)
    try:
        site, _ = check(config)
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path.is_relative_to(content) and problem.line >= 0 and problem.message
        return
    env = theme.environment(TODAY)
    for page in web.pages(site, env):
        assert page.data


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
@given(kind=st.sampled_from(sorted(RECORD_DIRS)), name=st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True),
       data=values)
def test_new_records_of_any_shape(kind: str, name: str, data) -> None:
    content = fresh()
    suffix = RECORD_DIRS[kind][0]
    text = yaml.safe_dump(data, allow_unicode=True)
    if suffix == ".md":
        text = f"---\n{text}---\n正文\n"
    (content / kind).mkdir(exist_ok=True)
    (content / kind / f"{name}{suffix}").write_text(text, encoding="utf-8")
    outcome(content)
    shutil.rmtree(content.parent)
