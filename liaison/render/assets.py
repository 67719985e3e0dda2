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


def rare_glyph_fonts(pages: list[Output]) -> Iterator[Output]:
    """Glyphs of the rare characters the pages use (a deputy named 李䶮), as the font stack's last fallback:
    from Noto Sans CJK SC, and for those it lacks (司马𪚥) from the face fontconfig falls back to, each face
    limited by unicode-range to its characters. style.css imports the stylesheet.

    A browser fetches a font only when a character is missing from the reader's own fonts.
    """
    text = "".join(page.data.decode("utf-8") for page in pages if page.path.endswith(".html"))
    faces, _ = fonts.faces_for(fonts.rare_characters(text), fonts.WEB_FALLBACK)  # `check` names what none has
    rules = []
    for number, (face, chars) in enumerate(faces.items(), 1):
        name = "rare-glyphs.woff2" if number == 1 else f"rare-glyphs-{number}.woff2"
        yield Output(f"static/fonts/{name}", fonts.subset_woff2(face, chars))
        scope = f" unicode-range: {fonts.unicode_range(chars)};" if number > 1 else ""
        rules.append(f'@font-face {{ font-family: "Liaison Rare Glyphs"; src: url("{name}") format("woff2");'
                     f"{scope} font-display: swap; }}\n")
    yield Output("static/fonts/rare-glyphs.css", "".join(rules).encode("utf-8"))


def portraits(site: Site, content_dir: Path) -> Iterator[Output]:
    for deputy in site.deputies.values():
        if deputy.photo:
            for width in PORTRAIT_WIDTHS:
                yield Output(urls.portrait_path(deputy.id, width), portrait_jpeg(content_dir / deputy.photo, width))


@functools.lru_cache(maxsize=256)  # the same portrait serves the deputy page and every kiosk it appears on
def portrait_jpeg(source: Path, width: int = PORTRAIT_WIDTHS[-1]) -> bytes:
    """The portrait for screens, `width` pixels wide."""
    out = io.BytesIO()
    portrait(source, (width, width * 4 // 3)).save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def portrait(source: Path, frame: tuple[int, int], enlarge: bool = True) -> Image.Image:
    """The one portrait path for web, kiosk and print: upright, converted to sRGB, cropped to the frame's shape
    at the frame's size (or, with enlarge=False, at most the photo's own resolution).

    The caller encodes it with no exif=, icc_profile= or xmp=: no metadata is carried over.
    """
    with photos.open_photo(source) as image:
        image = _to_srgb(ImageOps.exif_transpose(photos.decode_at_least(image, frame)))
    if not enlarge:
        scale = min(1.0, image.width / frame[0], image.height / frame[1])
        frame = (max(1, round(frame[0] * scale)), max(1, round(frame[1] * scale)))
    return ImageOps.fit(image, frame, Image.Resampling.LANCZOS)


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # None only with inPlace=True, which Pillow's annotation does not tell apart.
            return ImageCms.profileToProfile(  # type: ignore[return-value]
                image.convert("RGB") if image.mode not in ("RGB", "CMYK") else image,
                source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: treat the pixels as sRGB
    return image.convert("RGB")
