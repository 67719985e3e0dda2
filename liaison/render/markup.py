"""Content text, sanitised once for every medium.

`render_markdown` gives the HTML of web pages, print files and feeds: Markdown without
raw HTML, cleaned by nh3. `plain_text` gives the words of that same sanitised HTML for
text media (the lobby screen's intro), so nothing reaches a medium by another route.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup

from liaison.content.text import clean_characters

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BLOCKS = {"p", "li", "blockquote", "pre", "hr", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table"}

_HARD_BREAK = "\x00"  # stands for <br> in plain_text; never in sanitised text


class _DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    """Content headings sit under the page's own h1/h2, so '#' becomes h3."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(int(element.tag[1]) + 2, 6)}"


class _ContentMarkdown(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # camelCase: Markdown's extension API
        # Raw HTML in content is shown as text, never passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 0)


@functools.lru_cache(maxsize=8192)  # the same summary or intro is shown on many pages of a build
def render_markdown(text: str) -> Markup:
    """Sanitised HTML of Markdown content: no raw HTML, no scripts, handlers or unsafe links."""
    html = _converter().reset().convert(clean_characters(text))
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener")
    return Markup(clean)


_LOCAL = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown converter per thread, reset before each text (making one costs more than converting)."""
    if not hasattr(_LOCAL, "converter"):
        _LOCAL.converter = markdown.Markdown(extensions=[_ContentMarkdown(), "tables", "sane_lists"],
                                             output_format="html")
    converter: markdown.Markdown = _LOCAL.converter
    return converter


def plain_text(text: str) -> str:
    """The words of render_markdown(text), one paragraph (or list item, heading …) per block,
    blocks separated by a blank line; links keep their text, never their address."""
    parser = _Words()
    parser.feed(str(render_markdown(text)))
    parser.close()
    blocks = (_join_lines("".join(block)).strip(" ") for block in parser.blocks)
    return "\n\n".join(block.replace(_HARD_BREAK, "\n") for block in blocks if block)


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.blocks.append([])
        elif tag == "br":
            self.blocks[-1].append(_HARD_BREAK)
        elif tag in ("td", "th"):
            self.blocks[-1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        self.blocks[-1].append(data)


def _join_lines(text: str) -> str:
    """A soft line break inside a paragraph: nothing between two Han characters, else a space."""
    def joined(match: re.Match[str]) -> str:
        before, after = match.string[match.start() - 1:match.start()], match.string[match.end():match.end() + 1]
        return "" if before == _HARD_BREAK or (_wide(before) and _wide(after)) else " "

    return re.sub(r"[ \t]*\n[ \t]*", joined, text.strip("\n"))


def _wide(character: str) -> bool:
    return bool(character) and unicodedata.east_asian_width(character) in ("W", "F")


SHORT_LINE = 36  # characters: a line of the WeChat text wraps at most once on a phone
_CLAUSE_END = re.compile(r"(?<=[，；。：])")


def short_lines(text: str, width: int = SHORT_LINE) -> str:
    """Text for a chat message: each line filled with whole clauses (broken after ，；。：) up to `width`
    characters; a clause longer than that keeps its own line."""
    lines: list[str] = []
    for clause in _CLAUSE_END.split(text):
        if lines and len(lines[-1]) + len(clause) <= width:
            lines[-1] += clause
        elif clause:
            lines.append(clause)
    return "\n".join(lines)
