"""WeasyPrint, set up for print files: assets from memory only, reproducible bytes.

Templates refer to images and fonts as `asset:<name>`; nothing is fetched from
disk paths or the network, so each PDF is a function of the assets it is given.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


@dataclass(frozen=True)
class Asset:
    data: bytes
    mime: str


class _AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information: URLFetcher is Any
    def __init__(self, assets: Mapping[str, Asset]):
        super().__init__(fail_on_errors=True)
        self.assets = assets

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.startswith("asset:") or url[len("asset:"):] not in self.assets:
            raise ValueError(f"print templates may only use known assets, not {url!r}")
        asset = self.assets[url[len("asset:"):]]
        return URLFetcherResponse(url, body=asset.data, headers={"Content-Type": asset.mime})


@functools.cache
def _font_config() -> FontConfiguration:
    # One per process: fonts declared with @font-face are registered once and reused.
    return FontConfiguration()


def document(html: str, assets: Mapping[str, Asset] | None = None) -> weasyprint.document.Document:
    """Lay out an HTML print template into pages."""
    fetcher = _AssetFetcher(assets or {})
    return weasyprint.HTML(string=html, base_url="asset:", url_fetcher=fetcher).render(
        font_config=_font_config())


def write(doc: weasyprint.document.Document) -> bytes:
    pdf: bytes = doc.write_pdf(uncompressed_pdf=False)
    return pdf


def sheets(doc: weasyprint.document.Document) -> list[bytes]:
    """One PDF per page: each sheet of a multi-sheet poster is its own file for the shop."""
    return [doc.copy([page]).write_pdf() for page in doc.pages]
