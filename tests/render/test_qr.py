import re

import zxingcpp
from PIL import Image, ImageDraw

from liaison.render import qr


def rasterise(svg: str, scale: int = 8) -> Image.Image:
    """Draw the SVG's module runs (M x y h w ...) onto an image, as a print would."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)", svg):
        x, y, w = int(x), int(y), int(w)
        draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1), fill=0)
    return image


def test_svg_decodes_to_the_exact_url() -> None:
    url = "https://rd.example.cn/lianluozhan/deputies/wang-kun/"
    [result] = zxingcpp.read_barcodes(rasterise(qr.svg(url, "代表码")))
    assert result.text == url
    assert result.format == zxingcpp.BarcodeFormat.QRCode


def test_quiet_zone_and_error_correction() -> None:
    rows = qr.matrix("https://rd.example.cn/x/")
    for row in rows[:4] + rows[-4:]:
        assert not any(row)
    assert all(not any(row[:4]) and not any(row[-4:]) for row in rows)
    # level M: a version-2 code (25 modules) holds 26 bytes at M (20 at Q, 32 at L); the 27th needs version 3
    assert [len(qr.matrix("x" * n)) - 8 for n in (26, 27)] == [25, 29]


def test_label_is_escaped() -> None:
    assert 'aria-label="&lt;b&gt;"' in qr.svg("https://a.cn/", "<b>")


def test_print_size_is_the_symbol_without_quiet_zone() -> None:
    svg = qr.svg("https://rd.example.cn/x/", "码", symbol_mm=30)
    size = len(qr.matrix("https://rd.example.cn/x/"))
    total = float(re.search(r'width="([\d.]+)mm"', svg).group(1))
    assert abs(total * (size - 8) / size - 30) < 0.01
