"""Test support: read the links, sources and ids out of built HTML pages."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from liaison.build.linkcheck import css_urls, links_in

parse = links_in  # a page's links and ids, extracted as the build's link check does


def is_external(url: str) -> bool:
    """Not a file of this site: another host, or a scheme such as data:, tel:, mailto:."""
    return bool(urlsplit(url).scheme) or url.startswith("//")


def is_remote(url: str) -> bool:
    """Fetched from another host (data: URIs are inline, not remote)."""
    return urlsplit(url).scheme in ("http", "https", "ftp") or url.startswith("//")


def broken_local_links(root: Path) -> list[str]:
    """Every relative link in every page must name an existing file (and anchor) when opened from disk."""
    root = root.resolve()  # site/ is a link into the writer's store; targets below are resolved too
    pages = {p: parse(p.read_text(encoding="utf-8")) for p in root.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        if path.name == "404.html":  # links there are absolute: it is served at any depth
            continue
        for _tag, _attribute, url in page.links:
            if is_external(url):
                continue
            target_part, _, anchor = url.partition("#")
            target = (path.parent / target_part).resolve() if target_part else path
            if not target.is_file():
                broken.append(f"{path.relative_to(root)}: {url}")
            elif anchor and target.suffix == ".html" and anchor not in pages[target].ids:
                broken.append(f"{path.relative_to(root)}: {url} (no such anchor)")
    return broken


def external_resources(root: Path) -> list[str]:
    """Anything a page would load from another host (links to other sites are fine)."""
    found = []
    for path in root.rglob("*.html"):
        for tag, attribute, url in parse(path.read_text(encoding="utf-8")).links:
            loads = attribute in ("src", "srcset", "style", "poster") or tag == "style" or (
                tag == "link" and attribute == "href")
            if loads and is_remote(url) and path.name != "404.html":
                # <link rel=canonical> names the public address; it is not fetched.
                if tag == "link" and "canonical" in _link_rel(path, url):
                    continue
                found.append(f"{path.relative_to(root)}: <{tag} {attribute}={url}>")
    for path in root.rglob("*.css"):
        if any(is_remote(url) for url in css_urls(path.read_text(encoding="utf-8"))):
            found.append(str(path.relative_to(root)))
    return found


def _link_rel(path: Path, url: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.rfind("<link", 0, text.find(f'href="{url}"'))
    return text[start:text.find(">", start)]
