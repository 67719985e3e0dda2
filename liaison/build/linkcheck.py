"""Every internal link of the website must lead somewhere: a page, a file, an anchor on it.

The one HTML link extractor: each page job of the site tells its links and anchors (`page_facts`), and the
link check, a job that fans in from every job of the site's folder, works from those facts and the paths
written, never from the pages' bytes. It runs before the site is published, so that a broken link typed into
content fails the build instead of being published. Each problem names what to edit: the content file, line
and field that hold the link, or else the theme's templates.
"""
from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from liaison.content.loader import Loc, RawRecord, load_content
from liaison.content.problems import Problem
from liaison.model import urls
from liaison.render import Context, Output, Rendered
from liaison.render.theme import Theme

# Attributes that hold one URL; srcset holds several, style attributes hold CSS.
URL_ATTRIBUTES = {"href", "src", "xlink:href", "poster", "action", "formaction"}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.I)
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
# A relative path that urlsplit and unquote leave as it is: no scheme, query, fragment or escape, no leading
# slash, and no character urlsplit strips (controls and spaces).
_PLAIN_RELATIVE = re.compile(r"[^/:?#%\x00-\x20][^:?#%\x00-\x20]*\Z")
_OUTSIDE = "指向网站根目录之外"
_MISSING = "指向不存在的页面或文件"
_ABSENT = "指向的页面或文件本次没有生成（只生成了部分内容，请完整生成一次）"
_CARRIED = "（网页 {page} 是上次生成的，本次只生成了部分内容；完整生成一次即可更新它）"
_EDITED = "；内容在生成过程中有改动，无法判断这个链接出自内容文件还是主题模板，请重新生成一次"


@dataclass
class PageLinks:
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url); CSS in <style>: attribute ""
    ids: set[str] = field(default_factory=set)


def links_in(html: str) -> PageLinks:
    """Every URL a page links to or loads (href, src, srcset, CSS url() in style attributes and <style>), in
    the order of the page, and its ids. Parsed as browsers parse HTML (Lexbor, through selectolax: a tenth of
    the time of the standard library's parser, which took a sixth of a page's rendering)."""
    page = PageLinks()
    for node in LexborHTMLParser(html).css("*"):
        tag = node.tag or ""
        for name, value in node.attributes.items():
            if value is None:
                continue
            if name == "id" and value:
                page.ids.add(value)
            elif name in URL_ATTRIBUTES or (tag, name) == ("object", "data"):
                page.links.append((tag, name, value))
            elif name == "srcset":
                page.links += [(tag, name, url) for url in srcset_urls(value)]
            elif name == "style":
                page.links += [(tag, name, url) for url in css_urls(value)]
        if tag == "style":
            page.links += [("style", "", url) for url in css_urls(node.text(deep=True))]
    return page


def css_urls(css: str) -> list[str]:
    """The URLs of url(...) and @import in a stylesheet, comments skipped."""
    return [next(g for g in match.groups() if g is not None)
            for match in _CSS_URL.finditer(_CSS_COMMENT.sub("", css))]


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate of a srcset ("a.jpg 240w, b.jpg 480w"), parsed as HTML does:
    a URL runs to the next space (a data: URL holds commas), its descriptors to the next comma."""
    found, position = [], 0
    while match := _SRCSET_URL.match(value, position):
        url, position = match.group(1), match.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = value.find(",", position)
            position = len(value) if comma < 0 else comma + 1
        if url:
            found.append(url)
    return found


def page_facts(outputs: Iterable[Output]) -> dict[str, Any]:
    """What the link check reads of a job's outputs: the links of each page and stylesheet, each page's ids."""
    links: dict[str, list[str]] = {}
    ids: dict[str, list[str]] = {}
    for output in outputs:
        if output.path.endswith(".html"):
            page = links_in(output.data.decode("utf-8", errors="replace"))
            links[output.path] = _kept([url for _, _, url in page.links])
            ids[output.path] = sorted(page.ids)
        elif output.path.endswith(".css"):
            links[output.path] = _kept(css_urls(output.data.decode("utf-8", errors="replace")))
    return {"links": links, "ids": ids} if links else {}


def _kept(urls: list[str]) -> list[str]:
    """Each URL once; inline data (a lobby screen's fonts and photos) is no file and is left out."""
    return [url for url in dict.fromkeys(urls) if ":" not in url or urlsplit(url).scheme.lower() != "data"]


@dataclass
class SiteFiles:
    """The files of the site's folder, with the links and anchors of its pages and stylesheets."""

    files: set[str] = field(default_factory=set)
    links: dict[str, list[str]] = field(default_factory=dict)  # page or stylesheet -> the URLs it holds
    ids: dict[str, set[str]] = field(default_factory=dict)  # page -> its anchors
    carried: set[str] = field(default_factory=set)  # pages the build kept from the last one
    absent: set[str] = field(default_factory=set)  # files of the plan that a partial build neither makes nor keeps

    def add(self, facts: Mapping[str, Any], carried: bool = False) -> None:
        """A job's facts: the paths it wrote, and their links and anchors."""
        self.files.update(facts["paths"])
        self.links.update(facts.get("links", {}))
        self.ids.update((path, set(ids)) for path, ids in facts.get("ids", {}).items())
        if carried:
            self.carried.update(facts.get("links", {}))

    @classmethod
    def of(cls, outputs: Iterable[Output]) -> SiteFiles:
        files = list(outputs)
        found = cls()
        found.add({"paths": [output.path for output in files], **page_facts(files)})
        return found


def check_links(ctx: Context, jobs: Sequence[Rendered], more_files: Iterable[str] = (),
                absent: Iterable[str] = ()) -> Rendered:
    """The link check as a job of the plan: over the facts of every job of the site's folder. A partial build
    adds `more_files`, files kept from the last build that no job of this plan writes, and `absent`, the files of
    jobs it neither runs nor keeps."""
    site = SiteFiles(files=set(more_files), absent=set(absent))
    for job in jobs:
        site.add(job.facts, carried=bool(job.facts.get("carried")))
    loaded = Loaded(ctx.content, ctx.loaded) if ctx.loaded is not None else None
    return Rendered((), problems=tuple(broken_links(site, ctx.site.settings.base_url, records=_records(ctx.content),
                                                    theme=ctx.theme, loaded=loaded)))


def _records(content: Path) -> Iterator[RawRecord]:
    """The content's records as loaded, read again only when a broken link is to be located in them: no process of
    the build holds them (and their marks) for the rare build that has one."""
    yield from load_content(content).every()


def stamp(*records: RawRecord | None) -> str:
    """The records' kinds, ids and values in one digest, whatever their order: those the build made its model from,
    and those the link check reads again, are the same content if their stamps are (a comment edited is no
    change)."""
    digest = hashlib.sha256()
    for record in sorted((r for r in records if r is not None), key=lambda r: (r.kind, r.id)):
        digest.update(repr((record.kind, record.id, record.data)).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Loaded:
    """The content folder, and the stamp of its records as the build loaded them."""

    folder: Path
    stamp: str


def broken_links(site: SiteFiles, base_url: str, *, records: Iterable[RawRecord] = (),
                 theme: Theme, loaded: Loaded | None = None) -> list[Problem]:
    """Every broken link of the site in one list, each located in the content or the theme (`records` are read
    at the first link that may be the content's). When they are not the content `loaded` tells the build was
    made from (edited while it ran), such a link is located nowhere: the problem says to build again."""
    sources: list[RawRecord] | None = None
    edited = False
    problems = []
    for path in sorted(site.links):
        directory = posixpath.dirname(path)
        for link in site.links[path]:
            why = _why_broken(path, link, base_url, site, directory)
            if why and (why == _ABSENT or path in site.carried):  # not the content's or the theme's doing
                carried = _CARRIED.format(page=path) if path in site.carried else ""
                problems.append(Problem(theme.folders[0] / "templates", 0, 0, "链接", f"网页 {path} 中的链接“{link}”{why}{carried}"))
            elif why:
                if sources is None:
                    sources = list(records)
                    edited = loaded is not None and stamp(*sources) != loaded.stamp
                if edited and loaded is not None:
                    problems.append(Problem(loaded.folder, 0, 0, "链接", f"网页 {path} 中的链接“{link}”{why}{_EDITED}"))
                else:
                    problems.append(_locate(path, link, why, sources, theme))
    return problems


def _why_broken(source: str, link: str, base_url: str, site: SiteFiles, directory: str) -> str | None:
    target = _target(source, link, base_url, directory)
    if target is None:
        return None  # another site, mail, phone, inline data
    file, anchor = target
    if file is None:
        return _OUTSIDE
    if file not in site.files:
        return _ABSENT if file in site.absent else _MISSING
    if anchor and file in site.ids and anchor not in site.ids[file]:
        return f"页面中没有锚点“#{anchor}”"
    return None


def _target(source: str, link: str, base_url: str, directory: str) -> tuple[str | None, str] | None:
    """The output file and anchor a link leads to; file None when the link leaves the site's root;
    None when it is not a file of this site at all. `directory` is the source's folder."""
    if _PLAIN_RELATIVE.match(link):  # most links: what urlsplit and unquote would give back unchanged
        return _file_at(posixpath.normpath(posixpath.join(directory, link)), link, "")
    parts = urlsplit(link)
    base_path = urlsplit(base_url).path
    if parts.scheme or parts.netloc:
        if not link.startswith(base_url):
            return None
        directory, path = "", parts.path[len(base_path):]
    elif link.startswith("/"):
        if not parts.path.startswith(base_path):
            return None, ""
        directory, path = "", parts.path[len(base_path):]
    elif not parts.path:  # "#anchor" on the same page
        return source, parts.fragment
    else:
        path = parts.path
    return _file_at(posixpath.normpath(posixpath.join(directory, unquote(path))), path, parts.fragment)


def _file_at(joined: str, path: str, fragment: str) -> tuple[str | None, str]:
    """The file a link's path names, once joined to its folder and normalised; a folder's is its index.html."""
    # normpath of a relative path keeps leading "..": that is a link above the site's root
    if joined == ".." or joined.startswith("../"):
        return None, ""
    if not path or path.endswith("/") or posixpath.basename(path) in (".", ".."):
        joined = "index.html" if joined == "." else joined + "/index.html"
    return joined, fragment


# ---- where to fix it ----------------------------------------------------------------------------

def _locate(source: str, link: str, why: str, records: list[RawRecord], theme: Theme) -> Problem:
    found = list(_holding(records, link))
    on_this_page = [(r, loc) for r, loc in found if _page_of(r) == source]
    if on_this_page or found:
        record, loc = (on_this_page or found)[0]
        problem = record.problem(loc, f"链接“{link}”{why}（在网页 {source} 中）")
        position = _position_in_file(record, loc, link)
        return dataclasses.replace(problem, line=position[0], column=position[1]) if position else problem
    if source.endswith(".css"):  # the theme's static/ folder is copied to the site's static/
        return Problem(theme.path(source), 0, 0, "链接", f"主题样式表有误：其中的链接“{link}”{why}")
    return Problem(theme.folders[0] / "templates", 0, 0, "链接",
                   f"主题模板有误：网页 {source} 中的链接“{link}”{why}（链接不在任何内容文件中，请修改主题模板）")


def _holding(records: list[RawRecord], link: str) -> Iterator[tuple[RawRecord, Loc]]:
    """The records, and the field in each, that hold the link: as the whole value (a URL field)
    or as the target of a Markdown link ([text](link), [name]: link, <link>)."""
    in_markdown = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|<)" + re.escape(link) + r"(?=[\s)>\"']|$)", re.M)
    for record in records:
        for loc, text in _texts(record.data, ()):
            if text == link or in_markdown.search(text):
                yield record, loc


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, loc + (index,))


def _page_of(record: RawRecord) -> str | None:
    if record.kind == "site":
        return "index.html"
    return urls.page_path(record.kind, record.id) if record.kind in urls.SECTIONS else None


def _position_in_file(record: RawRecord, loc: Loc, link: str) -> tuple[int, int] | None:
    """Line and column of the link itself, at or after where its field's value starts (inside a
    block of Markdown, that is many lines further down)."""
    try:
        lines = record.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    start_line, start_column = record.marks.of_value(loc)
    for number in range(start_line, len(lines) + 1):
        column = lines[number - 1].find(link, start_column - 1 if number == start_line else 0)
        if column >= 0:
            return number, column + 1
    return None
