"""What the print files promise the shop and the reader, in one place.

Validation, the print renderer and the tests all read these numbers.
"""
from __future__ import annotations

from liaison.render import portraits

MM_PER_PT = 25.4 / 72
BLEED_MM = 3.0
MIN_IMAGE_PPI = 150  # photos and textures at printed size

# Red lettering for the plate: process red, no black, no RGB anywhere in the artwork.
PLATE_RED_CMYK = (0, 1, 1, 0)
PROOF_RED = "#e60012"  # the sRGB look of C0 M100 Y100 K0 on coated stock, for the proof only
SIGNBOARD_FONT = "Noto Serif CJK SC:style=Black"  # open fallback for 方正大标宋

# Wall poster (公示栏). Read from 1.5 m: at that distance a 24 pt (8.5 mm) Han
# character subtends about 19.4 arc minutes, the size at which complex characters
# stay legible for most readers; nothing on the poster is set smaller.
POSTER_MIN_PT = 24
POSTER_PHOTO_MM = (40.0, portraits.height_for(40.0))  # the portrait frame every medium uses (3:4)

# QR codes: printed size by scanning distance (about a tenth of it).
QR_DEPUTY_MM = 35.0   # on the poster, scanned from ~30 cm: at least 3 cm
QR_STATION_MM = 80.0  # the station code, scanned from ~80 cm: at least 8 cm
QR_CARD_DEPUTY_MM = 50.0  # standalone deputy code for the wall
QR_NOTICE_MM = 35.0   # the station code on an A4 reception notice, scanned from ~35 cm
QR_CARD_MIN_PT = 14  # a card's caption shrinks to fit its width down to this (5 mm), then wraps

# Reception notice for the bulletin board: A4 from an office printer, so no bleed
# (the sheet is the page; printers cannot print to the edge anyway).
A4_MM = (210.0, 297.0)


def fitting_pt(text: str, width_mm: float, smallest: float, largest: float) -> float:
    """The largest size within the bounds at which `text` fits one line of `width_mm`, a full em a character."""
    return max(smallest, min(largest, width_mm / max(len(text), 1) / MM_PER_PT))


def min_pixels(size_mm: float, ppi: int = MIN_IMAGE_PPI) -> int:
    return round(size_mm / 25.4 * ppi)
