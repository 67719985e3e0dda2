"""Links between output files: relative() gives what posixpath.relpath gives, without the working directory."""
from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from liaison.model.urls import relative

PART = st.sampled_from(["stations", "qingshi-town", "index.html", "static", "style.css", "a", "."])
PATH = st.lists(PART, min_size=1, max_size=4).map("/".join)


@given(PATH, PATH)
def test_relative_is_relpath_from_the_folder_of_the_page(from_path: str, to_path: str) -> None:
    assert relative(from_path, to_path) == posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def test_links_between_pages() -> None:
    assert relative("stations/a/index.html", "static/style.css") == "../../static/style.css"
    assert relative("index.html", "stations/a/index.html") == "stations/a/index.html"
    assert relative("stations/a/index.html", "stations/a/index.html") == "index.html"
    assert relative("stations/a/index.html", "stations/index.html") == "../index.html"
