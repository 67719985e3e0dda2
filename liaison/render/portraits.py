"""The one portrait path for web, kiosk and print: a deputy's photo upright, in sRGB, cut to a 3:4 frame."""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

from liaison.content import photos

ASPECT = (3, 4)  # width : height of every portrait frame, on screens and in print
PORTRAIT_WIDTHS = (240, 480)  # portraits for srcset: small cards and the deputy page on sharp screens


def height_for(width: float) -> float:
    """The height of a portrait frame `width` wide (in any unit)."""
    return width * ASPECT[1] / ASPECT[0]


def frame(width: float) -> tuple[int, int]:
    """The frame in whole pixels of exactly 3:4 nearest to `width` pixels wide."""
    unit = max(1, round(width / ASPECT[0]))
    return unit * ASPECT[0], unit * ASPECT[1]


def largest_frame(size: tuple[int, int]) -> tuple[int, int]:
    """The largest frame of exactly 3:4 a photo of this many pixels can fill without enlarging."""
    unit = max(1, min(size[0] // ASPECT[0], size[1] // ASPECT[1]))
    return unit * ASPECT[0], unit * ASPECT[1]


def portrait_jpeg(source: Path, width: int = PORTRAIT_WIDTHS[-1]) -> bytes:
    """The portrait for screens, `width` pixels wide. Kept while the photo's file is unchanged: a process that
    builds again (`serve` where it does not fork) sees a photo replaced under the same name."""
    status = source.stat()
    return _screen_portrait(source, status.st_mtime_ns, status.st_size, status.st_ino, width)


@functools.lru_cache(maxsize=256)  # the same portrait serves the deputy page and every kiosk it appears on
def _screen_portrait(source: Path, _mtime_ns: int, _size: int, _inode: int, width: int) -> bytes:
    return screen_jpeg(portrait(source, width))


def screen_jpeg(image: Image.Image) -> bytes:
    """A portrait encoded for screens."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def portrait(source: Path | BinaryIO, width: float, enlarge: bool = True) -> Image.Image:
    """The one portrait path for web, kiosk and print: upright, converted to sRGB, cropped to the 3:4 frame
    `width` pixels wide (or, with enlarge=False, to at most the photo's own resolution).

    The caller encodes it with no exif=, icc_profile= or xmp=: no metadata is carried over.
    """
    size = frame(width)
    with photos.open_photo(source) as image:
        image = _to_srgb(ImageOps.exif_transpose(photos.decode_at_least(image, size)))
    if not enlarge:
        size = min(size, largest_frame(image.size))
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)


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
