"""Every internal link of the website must lead somewhere: a page, a file, an anchor on it.

Run over all outputs before anything is written, so that a broken link typed into
content fails the build (naming the page and the link) instead of being published.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problems import Problem
from .render import Output

LINKING = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif (tag, name) in LINKING and value:
                self.links.append(value)


def broken_links(outputs: Iterable[Output], base_url: str) -> list[Problem]:
    files = {o.path: o for o in outputs}
    pages = {path: _parse(o.data) for path, o in files.items() if path.endswith(".html")}
    base_path = urlsplit(base_url).path
    problems = []
    for path, page in sorted(pages.items()):
        for link in dict.fromkeys(page.links):
            target = _target(path, link, base_url, base_path)
            if target is None:
                continue  # another site, mail, phone, inline data
            file, anchor = target
            if file not in files:
                problems.append(_problem(path, link, "指向不存在的页面或文件"))
            elif anchor and file in pages and anchor not in pages[file].ids:
                problems.append(_problem(path, link, f"页面中没有锚点“#{anchor}”"))
    return problems


def _target(page: str, link: str, base_url: str, base_path: str) -> tuple[str, str] | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if not link.startswith(base_url):
            return None
        path = parts.path[len(base_path):]
    elif link.startswith("/"):
        if not parts.path.startswith(base_path):
            return ("<site root>" + parts.path, "")
        path = parts.path[len(base_path):]
    else:
        if not parts.path:  # "#anchor" on the same page
            return (page, parts.fragment)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        if parts.path.endswith("/"):
            path += "/"
    if path in ("", ".") or path.endswith("/"):
        path = (path.rstrip("/") + "/index.html").lstrip("./") if path not in ("", ".") else "index.html"
    return (path, parts.fragment)


def _parse(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8", errors="replace"))
    return page


def _problem(page: str, link: str, why: str) -> Problem:
    return Problem(Path(page), 0, 0, "链接", f"网页 {page} 中的链接“{link}”{why}")
