"""WeasyPrint, set up for print files: assets from memory only, reproducible bytes.

Templates refer to images and fonts as `asset:<name>`; nothing is fetched from
disk paths or the network, so each PDF is a function of the assets it is given.

Each document sets its text in the large Noto CJK faces through subsets of them made for it: HarfBuzz cuts each
face the print templates use down to the characters of the document's HTML, and WeasyPrint lays out and embeds
those. Given the whole face, WeasyPrint read the collection (tens of MB) and subset it again for every PDF, and
embedded a subset keeping the face's glyph numbers, whose tables ran up to the highest one used: some 70 KB a face
even for a QR card's caption. The glyphs are the face's own, so the print is the same; a character a subset lacks
is drawn by the whole face, as before. Each PDF is a function of its own text: no other file's content shapes it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from liaison.render import fonts
from liaison.render.print import libraries

if TYPE_CHECKING:  # WeasyPrint is imported where a PDF is made: a web-only build never loads it (half a second)
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

# The faces the print templates set text in (CSS family, weight); text in any other face uses the whole face.
SUBSET_FACES = (("Noto Serif CJK SC", 900), ("Noto Serif CJK SC", 700), ("Noto Sans CJK SC", 400),
                ("Noto Sans CJK SC", 700))
GENERATED = "•◦▪"  # what WeasyPrint draws that the HTML does not spell: the list markers (disc, circle, square)


@dataclass(frozen=True)
class Asset:
    data: bytes
    mime: str


def load() -> None:
    """Import WeasyPrint now, in a build that makes PDFs: before the render workers fork, once for them all. Any
    process that makes a PDF comes here first (libraries: its native libraries found in half the time)."""
    libraries.import_weasyprint()


def _asset_fetcher(assets: Mapping[str, Asset]) -> Any:
    """A WeasyPrint URL fetcher that serves `assets` (asset:NAME) and refuses every other address."""
    return _fetcher_class()(assets)


@functools.cache  # WeasyPrint is imported where first needed (a web build never loads it)
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information: URLFetcher is Any
        def __init__(self, assets: Mapping[str, Asset]) -> None:
            super().__init__(fail_on_errors=True)
            self.assets = assets

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            name = url.removeprefix("asset:")
            if not url.startswith("asset:") or name not in self.assets:
                raise ValueError(f"print templates may only use known assets, not {url!r}")
            asset = self.assets[name]
            return URLFetcherResponse(url, body=asset.data, headers={"Content-Type": asset.mime})

    return AssetFetcher


def document(html: str, assets: Mapping[str, Asset] | None = None) -> weasyprint.document.Document:
    """Lay out an HTML print template into pages, its text in faces subset to its characters."""
    load()
    import weasyprint

    fetcher = _asset_fetcher(assets or {})
    return weasyprint.HTML(string=html, base_url="asset:", url_fetcher=fetcher).render(
        font_config=_font_config("".join(sorted(set(html + GENERATED)))))


def _subset_family(family: str, weight: int) -> str:
    return f"{family} {weight} subset"  # the name the PDF's font carries: Noto-Serif-CJK-SC-900-subset-Heavy


def _font_config(chars: str) -> FontConfiguration:
    """Fonts for one document: the system's, and the subsets of SUBSET_FACES to `chars` preferred over them."""
    from weasyprint.text.constants import FONTCONFIG_WEIGHT
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()  # a few ms; it holds the document's own @font-face fonts too
    if not _prefer_subsets(SUBSET_FACES):
        return config
    for family, weight in SUBSET_FACES:
        try:
            face = fonts.find(f"{family}:weight={FONTCONFIG_WEIGHT[weight]}")
        except fonts.FontMissing:
            continue  # the theme's fallback applies, as for any face not installed
        asset = {"subset": Asset(fonts.subset(face, chars), "font/otf")}
        config.add_font_face({"font_family": _subset_family(family, weight), "font_weight": weight,
                              "src": [("external", "asset:subset")]}, _asset_fetcher(asset))
    return config


@functools.cache
def _prefer_subsets(faces: tuple[tuple[str, int], ...]) -> bool:
    """Teach fontconfig, once per process, that text asked for in one of `faces` is set in its subset
    when the document has one, falling back to the face itself: then no template names the subsets.

    Pango substitutes the families a document asks for with fontconfig's current configuration (not the one a
    FontConfiguration holds), so the rules go there; they name only the subsets' families, which exist in no
    other configuration. False where fontconfig cannot be reached this way (then every face is used whole)."""
    from weasyprint.text.constants import FONTCONFIG_WEIGHT

    name = ctypes.util.find_library("fontconfig")
    if name is None:
        return False
    library = ctypes.CDLL(name)
    library.FcConfigGetCurrent.restype = ctypes.c_void_p
    library.FcConfigParseAndLoadFromMemory.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    rules = "".join(
        f'<match target="pattern"><test name="family"><string>{escape(family)}</string></test>'
        f'<test name="weight" compare="eq"><int>{FONTCONFIG_WEIGHT[weight]}</int></test>'
        f'<edit name="family" mode="prepend" binding="strong"><string>{escape(_subset_family(family, weight))}'
        f'</string></edit></match>' for family, weight in faces)
    xml = ('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
           f"<fontconfig>{rules}</fontconfig>")
    return bool(library.FcConfigParseAndLoadFromMemory(library.FcConfigGetCurrent(), xml.encode(), 1))


def write(doc: weasyprint.document.Document) -> bytes:
    pdf: bytes = doc.write_pdf(uncompressed_pdf=False)
    return pdf


def sheets(doc: weasyprint.document.Document) -> list[bytes]:
    """One PDF per page: each sheet of a multi-sheet poster is its own file for the shop."""
    return [doc.copy([page]).write_pdf() for page in doc.pages]
