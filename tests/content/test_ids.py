"""One id pattern (liaison/content/ids.py) for the file names the loader accepts, the references the schema
accepts, and the ids the URL builder puts into public addresses: the three agree on every name."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from liaison.content import ids, schema
from liaison.content.loader import load_content
from liaison.model import urls
from tests.conftest import write

NAMES = {  # name -> whether it is an id
    "qingshi-town": True, "a": True, "2026-0030": True, "x1-2y": True,
    "Qingshi": False, "a--b": False, "-a": False, "a-": False, "a_b": False, "a.b": False, "a b": False,
    "青石镇": False, "ａ": False, "abc\n": False, "": False,
}


def loader_accepts(content: Path, name: str) -> bool:
    write(content / "stations" / f"{name}.yaml", "name: 站\n")
    return name in load_content(content).ids["stations"]


def schema_accepts(name: str) -> bool:
    try:
        TypeAdapter(schema.Id).validate_python(name)
    except ValidationError:
        return False
    return True


def urls_accept(name: str) -> bool:
    try:
        urls.page_path("stations", name)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", [n for n in NAMES if n])  # a file cannot be named ".yaml" alone: no stem
def test_loader_schema_and_urls_agree(tmp_path: Path, name: str) -> None:
    assert loader_accepts(tmp_path, name) == schema_accepts(name) == urls_accept(name) == NAMES[name]
    assert ids.is_id(name) == NAMES[name]


def test_every_url_of_a_record_refuses_what_is_no_id() -> None:
    for build in (urls.reception_notice_path, urls.wechat_text_path, urls.calendar_path, urls.portrait_path,
                  lambda name: urls.page_path("deputies", name)):
        assert build("li-yan")
        for name in ("../etc", "a/b", "", "a b"):
            if name == "" and build is urls.calendar_path:
                continue  # no station: the feed of every station, all.ics
            with pytest.raises(ValueError, match="not a record id"):
                build(name)

