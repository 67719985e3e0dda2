"""Plate textures for signboard proofs: brushed gold, brass, and an inserted board.

Pillow only. Every random source is seeded from the arguments, so a proof rebuilt
from the same content embeds byte-identical JPEG backgrounds.
"""
from __future__ import annotations

import functools
import io
import math
import random
import zlib
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

MATERIALS = ("gold", "brass", "insert")  # 金色拉丝牌, 铜牌, 插牌
BLEED_MM = 3.0  # the texture is the plate plus this much on every side
STREAK_COLUMNS = 96  # noise samples along a row before stretching to full width
SHADE_SCALE = 2  # px per mm of the low-resolution shading layers

RGB = tuple[int, int, int]
Size = tuple[int, int]


@dataclass(frozen=True)
class Metal:
    shadow: RGB
    base: RGB
    highlight: RGB
    streak: float  # standard deviation of the brushing, in grey levels
    sheen: float  # amplitude of the diagonal light band, in grey levels
    bevel: float  # darkening at the plate edge, in grey levels
    bevel_mm: float  # width of that darkening inside the trim


METALS = {
    "gold": Metal((170, 130, 60), (212, 175, 90), (240, 215, 140),
                  streak=11, sheen=60, bevel=0, bevel_mm=0),
    "brass": Metal((118, 78, 30), (184, 136, 64), (226, 186, 112),
                   streak=6, sheen=50, bevel=55, bevel_mm=6),
}

# The inserted board: cream card in a thin brushed-aluminium frame; shadow, base, highlight.
BOARD = ((236, 229, 212), (246, 241, 229), (252, 250, 243))
FRAME = ((104, 107, 111), (182, 185, 189), (238, 240, 242))
FRAME_MM = 8.0


@functools.lru_cache(maxsize=8)
def plate_texture(material: str, width_mm: float, height_mm: float, ppi: int = 150) -> bytes:
    """JPEG bytes of the plate surface at `ppi`; same arguments -> identical bytes."""
    if material not in MATERIALS:
        raise ValueError(f"unknown plate material {material!r}; expected one of {', '.join(MATERIALS)}")
    if width_mm <= 0 or height_mm <= 0 or ppi <= 0:
        raise ValueError(f"plate size and ppi must be positive, got {width_mm}×{height_mm} mm at {ppi} ppi")
    size = (pixels(width_mm, ppi), pixels(height_mm, ppi))
    # Seeded by pixel size, not the numbers as typed: 606 and 606.0 share a cache entry.
    rng = random.Random(zlib.crc32(f"{material}:{size[0]}x{size[1]}".encode()))
    mm = (width_mm, height_mm)
    image = _insert(rng, size, mm) if material == "insert" else _metal(METALS[material], rng, size, mm)
    return _jpeg(image, ppi)


def pixels(mm: float, ppi: int) -> int:
    return max(1, round(mm / 25.4 * ppi))


def _metal(metal: Metal, rng: random.Random, size: Size, mm: tuple[float, float]) -> Image.Image:
    shade = _sheen(mm, metal.sheen)
    if metal.bevel:
        shade = ImageChops.subtract(shade, _edge(mm, BLEED_MM, BLEED_MM + metal.bevel_mm, metal.bevel))
    light = ImageChops.add(_streaks(rng, size, metal.streak), shade.resize(size, Image.Resampling.BICUBIC),
                           offset=-128)
    return _tint(light, (metal.shadow, metal.base, metal.highlight))


def _insert(rng: random.Random, size: Size, mm: tuple[float, float]) -> Image.Image:
    board = ImageChops.subtract(_grain(rng, size), _edge(mm, FRAME_MM, FRAME_MM + 2, 110)
                                .resize(size, Image.Resampling.BILINEAR))
    board = _tint(board, BOARD)
    frame_shade, mask = _frame(mm)
    across = _streaks(rng, size[::-1], 8).transpose(Image.Transpose.ROTATE_90)
    brushed = Image.composite(across, _streaks(rng, size, 8), _side_rails(size))
    frame = ImageChops.add(brushed, frame_shade.resize(size, Image.Resampling.BILINEAR), offset=-128)
    frame = _tint(frame, FRAME)
    return Image.composite(frame, board, mask.resize(size, Image.Resampling.BILINEAR))


def _tint(light: Image.Image, tones: tuple[RGB, RGB, RGB]) -> Image.Image:
    """Map grey 0 / 128 / 255 to the shadow / base / highlight colours."""
    shadow, base, highlight = tones
    return ImageOps.colorize(light, black=shadow, white=highlight, mid=base)


def _noise(rng: random.Random, size: Size) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _centred(image: Image.Image, std: float) -> Image.Image:
    """Rescale grey levels to mean 128 and the given standard deviation."""
    stat = ImageStat.Stat(image)
    mean, spread = stat.mean[0], stat.stddev[0] or 1.0
    return image.point(lambda v: round(128 + (v - mean) * std / spread))


def _streaks(rng: random.Random, size: Size, std: float) -> Image.Image:
    """Horizontal brushing: noise that varies fast between rows and slowly along them.

    Three scales are summed on a narrow image (cheap), then stretched to full width:
    short scratches, long hairlines, and broad bands of a slightly different sheen.
    """
    _, height = size
    narrow = (STREAK_COLUMNS, height)
    scratches = _noise(rng, narrow).filter(ImageFilter.BoxBlur(0.6))
    hairlines = _noise(rng, (12, height)).resize(narrow, Image.Resampling.BICUBIC)
    bands = (_noise(rng, (6, max(2, height // 12))).filter(ImageFilter.GaussianBlur(1.2))
             .resize(narrow, Image.Resampling.BICUBIC))
    mixed = ImageChops.add(_centred(scratches, 40), _centred(hairlines, 60), offset=-128)
    mixed = ImageChops.add(mixed, _centred(bands, 30), offset=-128)
    return _centred(mixed, std).resize(size, Image.Resampling.BICUBIC)


def _grain(rng: random.Random, size: Size) -> Image.Image:
    """Fine isotropic paper grain around grey 128, made at half size."""
    half = (max(1, size[0] // 2), max(1, size[1] // 2))
    grain = _noise(rng, half).filter(ImageFilter.GaussianBlur(0.7))
    return _centred(grain, 14).resize(size, Image.Resampling.BILINEAR)


def _sheen(mm: tuple[float, float], amplitude: float) -> Image.Image:
    """A soft diagonal light band on 128, computed every 10 mm; it only changes over centimetres."""
    width, height = _shade_size(mm)
    step = 10
    grid = (math.ceil(mm[0] / step) + 1, math.ceil(mm[1] / step) + 1)
    span = mm[0] + 0.6 * mm[1]
    values = []
    for y in range(grid[1]):
        for x in range(grid[0]):
            u = (x * step + 0.6 * y * step) / span  # 0 at top left, 1 at bottom right
            light = math.exp(-((u - 0.38) / 0.16) ** 2) + 0.45 * math.exp(-((u - 0.8) / 0.07) ** 2)
            values.append(round(128 + amplitude * (light - 0.4)))
    image = Image.new("L", grid)
    image.putdata(values)
    stretched = (grid[0] * step * SHADE_SCALE, grid[1] * step * SHADE_SCALE)
    return image.resize(stretched, Image.Resampling.BICUBIC).crop((0, 0, width, height))


def _shade_size(mm: tuple[float, float]) -> Size:
    return max(1, round(mm[0] * SHADE_SCALE)), max(1, round(mm[1] * SHADE_SCALE))


def _edge(mm: tuple[float, float], full_mm: float, clear_mm: float, depth: float) -> Image.Image:
    """Darkening by `depth` up to `full_mm` from the edge, easing to none at `clear_mm`."""
    fills = []
    for inset in range(math.ceil(clear_mm * SHADE_SCALE)):
        t = min(1.0, max(0.0, (clear_mm - inset / SHADE_SCALE) / (clear_mm - full_mm)))
        fills.append(round(depth * t * t * (3 - 2 * t)))
    return _rings(Image.new("L", _shade_size(mm), 0), fills)


def _frame(mm: tuple[float, float]) -> tuple[Image.Image, Image.Image]:
    """The frame's cross-section (a rounded rail with a dark lip) and its coverage, at 4 px per mm."""
    scale = 4
    size = (max(1, round(mm[0] * scale)), max(1, round(mm[1] * scale)))
    fills = []
    for inset in range(round(FRAME_MM * scale)):
        d = inset / scale
        across = min(1.0, max(0.0, (d - BLEED_MM) / (FRAME_MM - 1 - BLEED_MM)))
        lip = d >= FRAME_MM - 1  # where the frame meets the board
        fills.append(60 if lip else round(100 + 80 * math.sin(math.pi * (0.15 + 0.7 * across))))
    shade = _rings(Image.new("L", size, 128), fills)
    mask = _rings(Image.new("L", size, 0), [255] * len(fills))
    return shade, mask


def _rings(image: Image.Image, fills: list[int]) -> Image.Image:
    """Paint 1 px concentric rings from the edge inwards, one fill each."""
    draw = ImageDraw.Draw(image)
    for inset, fill in enumerate(fills):
        if 2 * inset >= min(image.size):
            break
        draw.rectangle((inset, inset, image.width - 1 - inset, image.height - 1 - inset), outline=fill)
    return image


def _side_rails(size: Size) -> Image.Image:
    """Mask of the left and right rails, mitred at 45° into the corners, so each rail is brushed along its length."""
    width, height = size
    half = min(width, height) // 2
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon([(0, 0), (half, half), (half, height - half), (0, height)], fill=255)
    draw.polygon([(width, 0), (width - half, half), (width - half, height - half), (width, height)], fill=255)
    return mask


def _jpeg(image: Image.Image, ppi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, subsampling="4:2:0", dpi=(ppi, ppi))
    return out.getvalue()
