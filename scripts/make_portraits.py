"""Draw an illustrated placeholder portrait for every deputy.

For each content/deputies/<id>.yaml this writes content/photos/<id>.jpg: a
friendly, clearly drawn (not photo-realistic) head-and-shoulders picture,
600 x 800 px. Everything is derived from the deputy id, so running the script
again produces byte-identical files. Real stations replace these files with
the deputies' own photos.

    .venv/bin/python scripts/make_portraits.py [content-dir]

Only Pillow is used. The deputy's name is read (without a YAML parser) for a
rough hint at hair style; nothing else from the record is used.
"""
from __future__ import annotations

import hashlib
import math
import random
import re
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 600, 800
SCALE = 2  # draw at 2x, then downsample for smooth edges
W, H = WIDTH * SCALE, HEIGHT * SCALE

BACKGROUNDS = [
    ((222, 236, 248), (200, 222, 242)),  # sky
    ((232, 244, 232), (208, 230, 212)),  # mint
    ((250, 238, 222), (242, 222, 196)),  # apricot
    ((240, 232, 248), (222, 210, 238)),  # lavender
    ((248, 232, 232), (238, 212, 212)),  # rose
    ((236, 240, 228), (218, 226, 204)),  # sage
    ((246, 242, 226), (232, 224, 196)),  # sand
]
SKINS = [(246, 214, 186), (240, 204, 170), (232, 190, 154), (222, 176, 140), (250, 222, 196), (214, 166, 128)]
HAIRS = [(34, 30, 32), (46, 38, 34), (62, 46, 38), (28, 28, 36), (78, 58, 44)]
GREYS = [(120, 118, 118), (150, 146, 144), (96, 92, 92)]
JACKETS = [(44, 56, 84), (36, 40, 48), (70, 76, 86), (58, 46, 40), (40, 64, 70), (88, 40, 46)]
TOPS = [(70, 120, 168), (180, 84, 84), (92, 140, 110), (214, 160, 82), (120, 96, 156),
        (64, 150, 160), (196, 120, 150), (96, 110, 130)]
TIES = [(150, 32, 40), (40, 60, 120), (90, 30, 60), (60, 90, 70)]

# Characters common in women's given names; only a hint for the drawing.
_FEMININE = set("秀兰燕丽美玲淑芬萍婷梅静娟红霞芳敏雪菊莉琴慧娜颖倩")


def rng_for(deputy_id: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(deputy_id.encode("utf-8")).digest()[:8], "big")
    return random.Random(seed)


def read_name(path: Path) -> str:
    match = re.search(r"^name:\s*['\"]?([^'\"\n]+)", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip() if match else ""


def shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in color)  # type: ignore[return-value]


def ellipse_mask(box: tuple[float, float, float, float]) -> Image.Image:
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return mask


def paint(img: Image.Image, mask: Image.Image, color: tuple[int, int, int]) -> None:
    img.paste(color, (0, 0), mask)


def background(img: Image.Image, r: random.Random) -> None:
    top, bottom = r.choice(BACKGROUNDS)
    draw = ImageDraw.Draw(img)
    for y in range(0, H, 4):
        t = y / H
        color = tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3))
        draw.rectangle((0, y, W, y + 4), fill=color)
    # a soft halo behind the head
    halo = Image.new("L", (W, H), 0)
    ImageDraw.Draw(halo).ellipse((W * 0.12, H * 0.12, W * 0.88, H * 0.72), fill=70)
    halo = halo.filter(ImageFilter.GaussianBlur(60))
    img.paste((255, 255, 255), (0, 0), halo)


def body(img: Image.Image, r: random.Random, feminine: bool, skin: tuple[int, int, int],
         neck_top: int, shoulder_top: int) -> None:
    """Neck, shoulders and clothes. Shapes are laid out for shoulders at y = 1240
    and moved as one layer to shoulder_top."""
    cx = W // 2
    neck_w = 190 if feminine else 220
    ImageDraw.Draw(img).rectangle((cx - neck_w // 2, neck_top, cx + neck_w // 2, shoulder_top + 120),
                                  fill=shade(skin, 0.9))
    layer = Image.new("RGBA", (W, H + 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    style = r.choice(["suit", "suit", "shirt", "sweater"] if not feminine else ["suit", "blouse", "sweater", "blouse"])
    shoulders = (cx - 540, 1240, cx + 540, H + 400)
    if style == "suit":
        jacket = r.choice(JACKETS)
        shirt = r.choice([(246, 246, 244), (224, 236, 248), (250, 244, 236)])
        draw.rounded_rectangle(shoulders, radius=300, fill=jacket)
        # shirt V between the lapels
        draw.polygon([(cx - 150, 1270), (cx + 150, 1270), (cx, 1560)], fill=shirt)
        # collar points
        draw.polygon([(cx - 150, 1262), (cx - 10, 1330), (cx - 90, 1390)], fill=shade(shirt, 0.94))
        draw.polygon([(cx + 150, 1262), (cx + 10, 1330), (cx + 90, 1390)], fill=shade(shirt, 0.94))
        if not feminine and r.random() < 0.75:
            tie = r.choice(TIES)
            draw.polygon([(cx - 26, 1330), (cx + 26, 1330), (cx + 16, 1370), (cx - 16, 1370)], fill=shade(tie, 0.85))
            draw.polygon([(cx - 16, 1370), (cx + 16, 1370), (cx + 34, 1540), (cx, 1580), (cx - 34, 1540)], fill=tie)
        # lapels
        lapel = shade(jacket, 0.8)
        draw.polygon([(cx - 170, 1262), (cx - 40, 1560), (cx - 120, 1430), (cx - 230, 1300)], fill=lapel)
        draw.polygon([(cx + 170, 1262), (cx + 40, 1560), (cx + 120, 1430), (cx + 230, 1300)], fill=lapel)
        if r.random() < 0.5:  # a small badge on the lapel
            draw.ellipse((cx - 300, 1440, cx - 270, 1470), fill=(206, 40, 40))
    elif style == "shirt":
        shirt = r.choice(TOPS)
        draw.rounded_rectangle(shoulders, radius=300, fill=shirt)
        collar = shade(shirt, 0.88)
        draw.polygon([(cx - 130, 1255), (cx, 1350), (cx - 60, 1420), (cx - 170, 1300)], fill=collar)
        draw.polygon([(cx + 130, 1255), (cx, 1350), (cx + 60, 1420), (cx + 170, 1300)], fill=collar)
        draw.line((cx, 1350, cx, H), fill=shade(shirt, 0.8), width=6)
        for button in (1430, 1530):
            draw.ellipse((cx + 14, button, cx + 30, button + 16), fill=shade(shirt, 0.7))
    elif style == "sweater":
        top = r.choice(TOPS)
        shirt = r.choice([(246, 246, 244), (224, 236, 248)])
        draw.rounded_rectangle(shoulders, radius=300, fill=top)
        draw.polygon([(cx - 120, 1262), (cx + 120, 1262), (cx, 1470)], fill=shirt)
        draw.line([(cx - 130, 1262), (cx, 1490), (cx + 130, 1262)], fill=shade(top, 0.8), width=22)
    else:  # blouse with a rounded neckline
        top = r.choice(TOPS)
        draw.rounded_rectangle(shoulders, radius=300, fill=top)
        draw.chord((cx - 140, 1160, cx + 140, 1400), 0, 180, fill=shade(skin, 0.9))
        draw.arc((cx - 150, 1150, cx + 150, 1410), 0, 180, fill=shade(top, 0.82), width=14)
        if r.random() < 0.5:  # a necklace
            for a in range(20, 161, 14):
                x = cx + 118 * math.cos(math.radians(a))
                y = 1290 + 100 * math.sin(math.radians(a))
                draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=(244, 240, 230))

    img.paste(layer, (0, shoulder_top - 1240), layer)


def head_box(r: random.Random, feminine: bool) -> tuple[int, int, int]:
    hw = r.randint(236, 262) if not feminine else r.randint(224, 244)
    top = 300
    return hw, top, top + int(hw * 2 * r.uniform(1.28, 1.36))


def head(img: Image.Image, r: random.Random, feminine: bool, skin: tuple[int, int, int],
         hw: int, top: int, bottom: int) -> None:
    cx = W // 2
    face_box = (cx - hw, top, cx + hw, bottom)

    older = r.random() < 0.35
    hair_col = r.choice(GREYS) if older and r.random() < 0.6 else r.choice(HAIRS)
    if feminine:
        hair_style = r.choice(["long", "bob", "bun", "short_f"])
    else:
        hair_style = r.choice(["short", "side", "short", "buzz", "receding" if older else "side"])

    draw = ImageDraw.Draw(img)
    # hair behind the head
    if hair_style == "long":
        draw.rounded_rectangle((cx - hw - 60, top - 20, cx + hw + 60, bottom + 240), radius=150, fill=shade(hair_col, 0.9))
    elif hair_style == "bob":
        draw.rounded_rectangle((cx - hw - 55, top - 20, cx + hw + 55, bottom + 20), radius=170, fill=shade(hair_col, 0.9))
    elif hair_style == "bun":
        draw.ellipse((cx - 110, top - 150, cx + 110, top + 60), fill=hair_col)

    # ears
    ear_y = (top + bottom) // 2 + 10
    for side in (-1, 1):
        ex = cx + side * (hw - 6)
        draw.ellipse((ex - 42, ear_y - 60, ex + 42, ear_y + 60), fill=shade(skin, 0.93))
    # face
    draw.ellipse(face_box, fill=skin)

    # hair on top: an enlarged head shape minus the visible face
    cap = ellipse_mask((cx - hw - 18, top - 40, cx + hw + 18, bottom - 40))
    if hair_style == "buzz":
        face_area = ellipse_mask((cx - hw + 14, top + 60, cx + hw - 14, bottom + 200))
    elif hair_style == "receding":
        face_area = ellipse_mask((cx - hw + 40, top + 30, cx + hw - 40, bottom + 240))
        face_area = ImageChops.lighter(face_area, ellipse_mask((cx - hw + 10, top + 130, cx + hw - 10, bottom + 200)))
    else:
        shift = r.choice([-60, -30, 30, 60]) if hair_style in ("side", "long", "bob", "short_f") else 0
        face_area = ellipse_mask((cx - hw + 24 + shift, top + 120, cx + hw - 24 + shift, bottom + 260))
        face_area = ImageChops.lighter(face_area, ellipse_mask((cx - hw + 30, top + 150, cx + hw - 30, bottom + 200)))
    below_ears = Image.new("L", (W, H), 0)
    ImageDraw.Draw(below_ears).rectangle((0, 0, W, ear_y - (0 if hair_style in ("long", "bob") else 40)), fill=255)
    hair = ImageChops.multiply(ImageChops.subtract(cap, face_area), below_ears)
    paint(img, hair, hair_col)
    if hair_style == "side":  # a parting line
        px = cx + r.choice([-1, 1]) * (hw // 3)
        draw.line((px, top + 10, px + 8, top + 90), fill=shade(hair_col, 1.35), width=8)

    # face details
    fh = bottom - top
    eye_y = top + int(fh * 0.52)
    eye_dx = int(hw * 0.42)
    brow_col = shade(hair_col if hair_col not in GREYS else (70, 60, 56), 0.95)
    brow_tilt = r.choice([0, 6, 12])
    for side in (-1, 1):
        ex = cx + side * eye_dx
        draw.ellipse((ex - 20, eye_y - 24, ex + 20, eye_y + 24), fill=(44, 36, 34))
        draw.ellipse((ex - 4, eye_y - 16, ex + 10, eye_y - 2), fill=(255, 255, 255))
        bx0, bx1 = ex - 48, ex + 48
        inner, outer = (bx1, bx0) if side < 0 else (bx0, bx1)
        draw.line((inner, eye_y - 74 + brow_tilt, outer, eye_y - 70 - brow_tilt),
                  fill=brow_col, width=16 if not feminine else 10)
    if r.random() < 0.3 or (older and r.random() < 0.5):  # glasses
        frame = r.choice([(40, 40, 44), (120, 80, 50), (150, 150, 156)])
        for side in (-1, 1):
            ex = cx + side * eye_dx
            draw.rounded_rectangle((ex - 66, eye_y - 48, ex + 66, eye_y + 46), radius=30, outline=frame, width=9)
        draw.line((cx - eye_dx + 66, eye_y - 10, cx + eye_dx - 66, eye_y - 10), fill=frame, width=9)
    # nose and mouth
    nose_y = top + int(fh * 0.69)
    draw.arc((cx - 26, nose_y - 40, cx + 26, nose_y + 14), 20, 160, fill=shade(skin, 0.72), width=8)
    mouth_y = top + int(fh * 0.80)
    mw = r.randint(60, 84)
    if r.random() < 0.5:  # open smile
        draw.chord((cx - mw, mouth_y - 40, cx + mw, mouth_y + 50), 0, 180, fill=(160, 64, 70))
        draw.chord((cx - mw + 14, mouth_y - 30, cx + mw - 14, mouth_y + 14), 0, 180, fill=(255, 255, 255))
    else:
        draw.arc((cx - mw, mouth_y - 44, cx + mw, mouth_y + 34), 25, 155, fill=(150, 70, 72), width=10)
    # cheeks
    blush = Image.new("L", (W, H), 0)
    bd = ImageDraw.Draw(blush)
    for side in (-1, 1):
        x = cx + side * int(hw * 0.62)
        bd.ellipse((x - 46, nose_y - 20, x + 46, nose_y + 34), fill=60 if feminine else 34)
    blush = blush.filter(ImageFilter.GaussianBlur(12))
    img.paste((236, 120, 120), (0, 0), blush)


def portrait(deputy_id: str, name: str) -> Image.Image:
    r = rng_for(deputy_id)
    feminine = any(ch in _FEMININE for ch in name[1:])
    img = Image.new("RGB", (W, H))
    background(img, r)
    skin = r.choice(SKINS)
    hw, top, bottom = head_box(r, feminine)
    body(img, r, feminine, skin, bottom - 120, bottom + 110)
    head(img, r, feminine, skin, hw, top, bottom)
    return img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def main(argv: list[str]) -> int:
    content = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "content"
    deputies = sorted((content / "deputies").glob("*.y*ml"))
    out_dir = content / "photos"
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in deputies:
        img = portrait(path.stem, read_name(path))
        target = out_dir / f"{path.stem}.jpg"
        img.save(target, "JPEG", quality=85, optimize=True)
        print(f"{target}  {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
