"""Plate textures: print size and resolution, byte-for-byte determinism, and that each material looks like itself."""
from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageStat

from liaison.render.print.texture import MATERIALS, plate_texture
from tests.conftest import ROOT

SMALL = (120.0, 80.0, 150)  # mm, mm, ppi -> 709×472 px: quick, yet at proof resolution
RED_TEXT = (200, 16, 30)
generate = plate_texture.__wrapped__  # bypasses the cache, so every call really renders


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def left_strip(image: Image.Image, inset_mm: float) -> tuple[int, int, int, int]:
    """A 1 mm strip along the left edge, `inset_mm` in from it, clear of the corners."""
    def px(mm: float) -> int:
        return round(mm / 25.4 * SMALL[2])

    return px(inset_mm), px(30), px(inset_mm + 1), image.height - px(30)


def test_full_size_signboard_is_3579_by_2398_px_at_150_ppi_plain_jpeg() -> None:
    image = decode(plate_texture("gold", 606, 406))
    assert image.format == "JPEG"
    assert image.size == (3579, 2398)
    assert image.info["dpi"] == (150, 150)
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_same_arguments_give_identical_bytes() -> None:
    for material in MATERIALS:
        assert generate(material, *SMALL) == generate(material, *SMALL)
    assert plate_texture("brass", 120, 80) is plate_texture("brass", 120.0, 80.0)


def test_bytes_do_not_depend_on_the_process() -> None:
    """Another interpreter with another hash seed renders the same bytes: nothing unseeded is used."""
    code = ("import hashlib, sys; from liaison.render.print.texture import plate_texture; "
            "sys.stdout.write(hashlib.sha256(plate_texture('gold', 120.0, 80.0, 150)).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert other == hashlib.sha256(generate("gold", *SMALL)).hexdigest()


def test_each_material_looks_different() -> None:
    textures = {material: generate(material, *SMALL) for material in MATERIALS}
    for a, b in itertools.combinations(MATERIALS, 2):
        assert textures[a] != textures[b], (a, b)


def test_gold_is_a_warm_light_gold_that_red_text_stands_out_on() -> None:
    image = decode(generate("gold", *SMALL)).convert("RGB")
    r, g, b = ImageStat.Stat(image).mean
    assert r > g + 20 > b + 40
    brightness = ImageStat.Stat(image.convert("L")).mean[0]
    assert 150 < brightness < 210
    red = Image.new("RGB", (1, 1), RED_TEXT).convert("L").getpixel((0, 0))
    assert brightness - red > 80


def test_gold_is_brushed_in_horizontal_streaks() -> None:
    """Neighbours along a row are nearly equal, neighbours down a column are not.

    Differences between neighbours, rather than the spread of whole rows, so the
    deliberate diagonal sheen across the plate does not count as variation.
    """
    image = decode(generate("gold", *SMALL)).convert("L")
    cx, cy = image.width // 2, image.height // 2
    crop = image.crop((cx - 128, cy - 128, cx + 128, cy + 128)).reduce(2)
    w, h = crop.size
    along_rows = ImageChops.difference(crop.crop((1, 0, w, h)), crop.crop((0, 0, w - 1, h)))
    along_columns = ImageChops.difference(crop.crop((0, 1, w, h)), crop.crop((0, 0, w, h - 1)))
    row_rms, column_rms = ImageStat.Stat(along_rows).rms[0], ImageStat.Stat(along_columns).rms[0]
    assert column_rms > 1.5  # visible streaks at all
    assert column_rms > 3 * row_rms


def test_brass_is_darker_than_gold_and_darkens_towards_its_edge() -> None:
    gold = decode(generate("gold", *SMALL)).convert("L")
    brass = decode(generate("brass", *SMALL)).convert("L")
    assert ImageStat.Stat(brass).mean[0] < ImageStat.Stat(gold).mean[0] - 15
    at_trim = ImageStat.Stat(brass.crop(left_strip(brass, 3))).mean[0]
    inside = ImageStat.Stat(brass.crop(left_strip(brass, 20))).mean[0]
    assert at_trim < inside - 15


def test_insert_is_a_light_plain_board_in_a_grey_frame() -> None:
    image = decode(generate("insert", *SMALL)).convert("RGB")
    assert ImageStat.Stat(image.convert("L")).mean[0] > 200
    cx, cy = image.width // 2, image.height // 2
    board = image.crop((cx - 100, cy - 100, cx + 100, cy + 100))
    assert max(ImageStat.Stat(board.convert("L")).stddev) < 3  # matte: no streaks
    frame = ImageStat.Stat(image.crop(left_strip(image, 4))).mean
    assert max(frame) - min(frame) < 12  # neutral silver-grey, unlike the warm board
    assert sum(frame) / 3 < ImageStat.Stat(board.convert("L")).mean[0] - 20


@pytest.mark.parametrize(("args", "why"), [
    (("silver", 606, 406), "unknown plate material 'silver'"), (("Gold", 606, 406), "unknown plate material 'Gold'"),
    (("gold", 0, 406), "must be positive"), (("gold", 606, 406, 0), "must be positive"),
])
def test_unknown_material_or_empty_plate_is_refused(args: tuple, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        plate_texture(*args)
