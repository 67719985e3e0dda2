"""The one portrait path for web, kiosk and print: a deputy's photo upright, in sRGB, cut to a 3:4 frame."""
from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from liaison.content import photos

PORTRAIT_WIDTHS = (240, 480)  # 3:4 portraits for srcset: small cards and the deputy page on sharp screens


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
