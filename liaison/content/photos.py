"""Photos from content: which files are safe to decode, and decoding one no larger than it is needed.

A phone photo today has 12 to 200 megapixels (48 MP is 8000×6000), more than Pillow's fixed limit
(89 MP, refused above 179 MP) allows. What makes an image dangerous is not its size but a header
that declares far more pixels than the file's bytes could hold (a decompression bomb): Pillow would
allocate the declared size before reading a byte of it. So a photo is refused when its declared
size is implausible for its byte size, or beyond any camera; every other photo is decoded, JPEGs
at a reduced scale (DCT scaling), so a 200 MP photo never occupies 600 MB to become a 480 px portrait.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
from pathlib import Path
from typing import BinaryIO

import PIL
from PIL import Image

from liaison.content import files

MAX_PIXELS = 250_000_000  # 200 MP phone sensors (16320×12240), with room to spare
# Flat colour compresses best: a flat 48 MP JPEG takes 64 pixels a byte, a flat 8-bit PNG at most
# about 1,000 (deflate's limit) and a flat 1-bit PNG under 3,000 as Pillow writes it. A declared
# size needing more pixels per byte than this cannot be a real picture.
MAX_PIXELS_PER_BYTE = 4096
RESAVE = "请在手机或电脑上打开这张照片，另存（导出）为 JPEG 格式后替换"
# What phones save that cannot be read here, by file extension.
UNSUPPORTED = {".heic": "苹果手机的 HEIC 格式，无法读取", ".heif": "HEIF 格式，无法读取"}


def open_photo(path: Path | BinaryIO) -> Image.Image:
    """The image with only its header read; whether it is safe to decode is refusal()'s to say."""
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        return Image.open(path)
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def refusal(size: tuple[int, int], file_bytes: int) -> str | None:
    """Why an image of this declared size in a file of this many bytes must not be decoded, or None."""
    width, height = size
    pixels = width * height
    if pixels > MAX_PIXELS_PER_BYTE * max(file_bytes, 1):
        return (f"声明有 {width}×{height} 像素，文件却只有 {_bytes(file_bytes)}，这不可能是正常的图片"
                f"（文件已损坏，或是恶意构造的“解压炸弹”），未予读取：{RESAVE}")
    if pixels > MAX_PIXELS:
        return (f"有 {width}×{height} 像素（{pixels / 1_000_000:.0f} 百万像素），超过上限 "
                f"{MAX_PIXELS // 1_000_000} 百万像素：请把照片缩小（例如长边 4000 像素）后替换")
    return None


def decode_at_least(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Decode no more pixels than needed to fill box (in either orientation), then the rest is resampling.

    Only JPEG can decode at a reduced scale (1/2, 1/4, 1/8); other formats decode whole.
    """
    side = max(box)
    image.draft(None, (side, side))
    image.load()
    return image


class Decoded:
    """Photos seen to decode whole, by the SHA-256 of their bytes, with their pixel size: kept in a file between
    processes, so that a check does not decode again a photo whose bytes it has decoded before (decoding every
    photo took a fifth of a check). Only a photo that decoded whole is kept, under the version of Pillow that
    decoded it: any other is read and reported again, and another Pillow decodes everything again. The file is a
    cache: missing, damaged or from elsewhere, it is as if empty."""

    MAX_ENTRIES = 50_000  # some 4 MB of JSON: a province's portraits; the oldest go first
    MAX_BYTES = 32 * 1024 * 1024  # a larger file is decoded from disk each time rather than held to be hashed

    def __init__(self, file: Path | None = None):
        self.file = file
        self.known = self._read(file) if file is not None else {}
        self.seen: dict[str, tuple[int, int]] = {}  # this process's, decoded or known

    @staticmethod
    def _read(file: Path) -> dict[str, tuple[int, int]]:
        try:
            kept = json.loads(file.read_text(encoding="utf-8"))
            if kept["pillow"] != PIL.__version__:
                return {}
            sizes = {str(digest): (int(width), int(height)) for digest, (width, height) in kept["sizes"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}
        return sizes

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def size(self, digest: str, data: bytes) -> tuple[int, int] | None:
        """The pixel size of `data` (of this digest) if they decoded whole before, else None. The size kept must be
        the one their header declares: the file is the user's to write, and the size is what the check refuses
        a decompression bomb by, so it is not taken on trust (reading the header costs little)."""
        size = self.known.get(digest)
        if size is not None and _declared(data) != size:
            return None
        if size is not None:
            self.seen[digest] = size
        return size

    def add(self, digest: str, size: tuple[int, int]) -> None:
        """The bytes of this digest decoded whole, to an image of this size."""
        self.seen[digest] = size

    def save(self) -> None:
        """Keep this process's photos for the next, with as many earlier ones as there is room for. A file that
        cannot be written is left as it is: the next check decodes again."""
        if self.file is None or all(self.known.get(digest) == size for digest, size in self.seen.items()):
            return
        earlier = [(digest, size) for digest, size in self.known.items() if digest not in self.seen]
        entries = [*earlier, *self.seen.items()][-self.MAX_ENTRIES:]
        text = json.dumps({"pillow": PIL.__version__, "sizes": dict(entries)}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            files.replace(self.file, text.encode("utf-8"))


def _declared(data: bytes) -> tuple[int, int] | None:
    """The pixel size an image's header declares, or None where it is no image Pillow knows."""
    try:
        with open_photo(io.BytesIO(data)) as image:
            return image.size
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        return None


def _bytes(count: int) -> str:
    return f"{count} 字节" if count < 10_000 else f"{count // 1000} KB"
