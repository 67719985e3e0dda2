"""Static files of the theme and images from content, prepared for the web."""
from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from .. import fonts, photos, urls
from ..model import Site
from . import Output

PORTRAIT_WIDTHS = (240, 480)  # 3:4 portraits for srcset: small cards and the deputy page on sharp screens


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
            for width in PORTRAIT_WIDTHS:
                yield Output(urls.portrait_path(deputy.id, width), portrait_jpeg(content_dir / deputy.photo, width))


@functools.lru_cache(maxsize=256)  # the same portrait serves the deputy page and every kiosk it appears on
def portrait_jpeg(source: Path, width: int = PORTRAIT_WIDTHS[-1]) -> bytes:
    """Upright, cropped to 3:4, converted to sRGB, re-encoded with no metadata (EXIF, GPS, XMP, ICC)."""
    with photos.open_photo(source) as image:
        image = ImageOps.exif_transpose(photos.decode_at_least(image, (width, width * 4 // 3)))
        image = _to_srgb(image)
        image = ImageOps.fit(image, (width, width * 4 // 3), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)  # no exif=, icc_profile= or xmp=: nothing carried over
    return out.getvalue()


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image.convert("RGB") if image.mode not in ("RGB", "CMYK") else image,
                                             source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: treat the pixels as sRGB
    return image.convert("RGB")
