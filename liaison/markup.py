"""Markdown from content, rendered without raw HTML and sanitised."""
from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


class _DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    """Content headings sit under the page's own h1/h2, so '#' becomes h3."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(int(element.tag[1]) + 2, 6)}"


class _ContentMarkdown(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library API)
        # Raw HTML in content is shown as text, never passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 0)


def render_markdown(text: str) -> Markup:
    html = markdown.markdown(text, extensions=[_ContentMarkdown(), "tables", "sane_lists"],
                             output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener")
    return Markup(clean)
