import functools
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from liaison.render import qr
from liaison.render.theme import Theme

TOKENS = Theme().tokens()
svg_of = functools.partial(qr.svg, dark=TOKENS["qr-dark"], light=TOKENS["qr-light"])  # as templates have it


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
    [result] = zxingcpp.read_barcodes(rasterise(svg_of(url, "代表码")))
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
    assert 'aria-label="&lt;b&gt;"' in svg_of("https://a.cn/", "<b>")


def test_print_size_is_the_symbol_without_quiet_zone() -> None:
    svg = svg_of("https://rd.example.cn/x/", "码", symbol_mm=30)
    size = len(qr.matrix("https://rd.example.cn/x/"))
    total = float(re.search(r'width="([\d.]+)mm"', svg).group(1))
    assert abs(total * (size - 8) / size - 30) < 0.01


def test_colours_are_the_themes() -> None:
    drawn = qr.svg("https://a.cn/", "码", dark="#102030", light="#f0f0e0")
    assert re.search(r'<rect width="(\d+)" height="\1" fill="#f0f0e0"/><path fill="#102030" d="M', drawn)
    assert svg_of("https://a.cn/", "码").count('fill="') == 2


# Payloads of every kind a record may name: a page, a deep link with a query, upper-case text that an encoder
# may put in alphanumeric mode, Chinese in the path (UTF-8 bytes, no ECI), and one long enough for version 7+.
PAYLOADS = ["https://rd.example.cn/lianluozhan/deputies/wang-kun/",
            "weixin://dl/business/?t=AbC123&from=kiosk",
            "HTTPS://RD.EXAMPLE.CN/12345678901234567890",
            "https://rd.example.cn/代表/王堃/",
            "https://rd.example.cn/" + "opinion/" * 16]


def test_every_kind_of_payload_decodes_to_itself() -> None:
    for url in PAYLOADS:
        [result] = zxingcpp.read_barcodes(rasterise(svg_of(url, "码")))
        assert result.text == url
        # level M, and the symbol's content, not an ECI-switched one, is the URL's UTF-8 bytes
        assert result.extra["ECLevel"] == "M" and result.bytes == url.encode()


def _uncached(url: str, label: str, symbol_mm: float | None = None) -> str:
    qr._symbol.cache_clear()
    qr._drawing.cache_clear()
    return str(svg_of(url, label, symbol_mm))


def test_the_cache_returns_what_an_uncached_encode_gives() -> None:
    fresh = {url: _uncached(url, "码", 30) for url in PAYLOADS}
    matrices = {url: qr.matrix(url) for url in PAYLOADS}
    for url in PAYLOADS:
        assert str(svg_of(url, "码", 30)) == fresh[url]
        hits = qr._drawing.cache_info().hits
        assert str(svg_of(url, "码", 30)) == fresh[url]
        assert qr._drawing.cache_info().hits == hits + 1  # the second came from the cache
    assert all(qr.matrix(url) == matrices[url] == qr.matrix(url) for url in PAYLOADS)
    # the label and size are the call's own, never the cached call's
    assert str(svg_of(PAYLOADS[0], "<站码>")) == _uncached(PAYLOADS[0], "<站码>")


def test_distinct_payloads_never_share_an_entry() -> None:
    # near neighbours: a trailing slash, case, one character, the same length
    near = ["https://rd.example.cn/a/", "https://rd.example.cn/a", "https://rd.example.cn/A/",
            "https://rd.example.cn/b/", "https://rd.example.cn/a/ "]
    qr._symbol.cache_clear()
    qr._drawing.cache_clear()
    for url in near + near[::-1]:
        [result] = zxingcpp.read_barcodes(rasterise(svg_of(url, "码")))
        assert result.text == url
    assert qr._symbol.cache_info().currsize == qr._drawing.cache_info().currsize == len(near)


def test_a_cached_matrix_is_not_shared_with_the_caller() -> None:
    rows = qr.matrix(PAYLOADS[0])
    rows[4][4] = not rows[4][4]
    assert qr.matrix(PAYLOADS[0])[4][4] != rows[4][4]


def test_a_kept_symbol_draws_what_encoding_draws_without_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    with qr.recording({}) as drawn:
        fresh = {url: _uncached(url, "码", 30) for url in PAYLOADS}
    assert set(drawn) == set(PAYLOADS)
    monkeypatch.setattr(qr.zxingcpp, "create_barcode", _refused)
    with qr.recording(drawn) as again:
        assert {url: _uncached(url, "码", 30) for url in PAYLOADS} == fresh
    assert again == drawn


def test_a_kept_symbol_of_another_payload_is_not_taken() -> None:
    with qr.recording({}) as drawn:
        fresh = {url: _uncached(url, "码") for url in PAYLOADS}
    swapped = dict(zip(PAYLOADS, [drawn[url] for url in PAYLOADS[1:] + PAYLOADS[:1]], strict=True))
    with qr.recording(swapped) as again:
        assert {url: _uncached(url, "码") for url in PAYLOADS} == fresh
    assert again == drawn


def _refused(*args: object, **kwargs: object) -> None:
    raise AssertionError("encoded a payload whose symbol was kept")
