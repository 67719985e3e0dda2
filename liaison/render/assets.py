"""Static files of the theme and images from content, prepared for the web."""
from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps

from .. import fonts, urls
from ..model import Site
from . import Output

PORTRAIT_SIZE = (480, 640)  # 3:4, twice the largest CSS size for sharp phone screens


def theme_static(theme_dir: Path) -> Iterator[Output]:
    static = theme_dir / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            yield Output("static/" + path.relative_to(static).as_posix(), path.read_bytes())


def rare_glyph_font(pages: list[Output]) -> Output:
    """Glyphs of the rare characters the pages use (a deputy named 李䶮), as the font stack's last fallback.

    A browser fetches it only when a character is missing from the reader's own fonts.
    """
    text = "".join(page.data.decode("utf-8") for page in pages if page.path.endswith(".html"))
    font = fonts.find(fonts.WEB_FALLBACK)
    return Output("static/fonts/rare-glyphs.woff2", fonts.subset_woff2(font, fonts.rare_characters(text)))


def portraits(site: Site, content_dir: Path) -> Iterator[Output]:
    for deputy in site.deputies.values():
        if deputy.photo:
            yield Output(urls.portrait_path(deputy.id), portrait_jpeg(content_dir / deputy.photo))


@functools.lru_cache(maxsize=256)  # the same portrait serves the deputy page and every kiosk it appears on
def portrait_jpeg(source: Path) -> bytes:
    """Upright, cropped to 3:4, sRGB JPEG with no metadata."""
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image = ImageOps.fit(image.convert("RGB"), PORTRAIT_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
