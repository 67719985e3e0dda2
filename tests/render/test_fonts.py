import io

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from liaison.render import fonts
from liaison.render.kiosk.screen import FACES


def test_rare_characters_are_han_outside_gb2312() -> None:
    assert fonts.rare_characters("王堃、李䶮和张三（𠮷）abc") == "".join(sorted("堃䶮𠮷"))


def _rare_by_definition(text: str) -> str:
    return "".join(sorted(char for char in set(text) if fonts._rare(char)))


@pytest.mark.slow  # all 1,114,112 code points; the property test below runs in the fast loop
def test_rare_characters_of_every_code_point_are_those_of_the_definition() -> None:
    every = "".join(map(chr, range(0x110000)))  # lone surrogates too: the encoder hands them over, none is rare
    found = fonts.rare_characters(every)
    assert found == _rare_by_definition(every) and {"堃", "䶮", "𠮷"} <= set(found) and "王" not in found


# Runs of characters GB 2312 lacks (rare or not) between those it has, as pages hold them.
_MIXED = st.text(st.sampled_from("王张a<&\n·–›—•😀\ud800堃䶮𠮷\u9fff\U00030000\uf9f1") | st.characters())


@given(_MIXED)
def test_rare_characters_of_any_text_are_those_of_the_definition(text: str) -> None:
    assert fonts.rare_characters(text) == _rare_by_definition(text)


def test_find_refuses_a_substitute_family() -> None:
    with pytest.raises(fonts.FontMissing, match="没有字体“No Such Font”"):
        fonts.find("No Such Font:style=Regular")


def test_subset_holds_exactly_the_text_and_is_reproducible(tmp_path) -> None:
    font = fonts.find(fonts.WEB_FALLBACK)
    data = fonts.subset_woff2(font, "䶮堃")
    assert data[:4] == b"wOF2" and data == fonts.subset_woff2(font, "䶮堃")
    path = tmp_path / "x.woff2"
    path.write_bytes(data)
    assert set(TTFont(path).getBestCmap()) == {ord("䶮"), ord("堃")}
    assert ord("䶮") in fonts.coverage(font)


def _outlines(face: TTFont, chars: str) -> dict[str, list]:
    glyphs, cmap = face.getGlyphSet(), face.getBestCmap()
    drawn = {}
    for char in chars:
        pen = DecomposingRecordingPen(glyphs)
        glyphs[cmap[ord(char)]].draw(pen)
        drawn[char] = pen.value
    return drawn


def test_each_face_is_subset_to_exactly_the_characters_asked_for_with_their_own_outlines() -> None:
    """The kiosk's two weights and a fallback face (BabelStone Han, for 𪚥): the subset maps exactly the asked
    characters the face has, and draws each as the installed face does."""
    text = "联络站王堃李䶮𪚥，接待日09:30（周二）"
    faces = [fonts.find(pattern) for pattern in FACES.values()] + [fonts.face_for("𪚥", FACES["400"])]
    assert len(set(faces)) == 3 and faces[2] is not None
    for font in faces:
        has = "".join(c for c in sorted(set(text)) if ord(c) in fonts.coverage(font))
        subset = TTFont(io.BytesIO(fonts.subset_woff2(font, text)))
        assert set(subset.getBestCmap()) == {ord(c) for c in has}, font
        assert _outlines(subset, has) == _outlines(font.open(), has), font
        assert subset.flavor == "woff2" and "meta" not in subset  # BabelStone's meta: no browser reads it


def test_coverage_is_the_faces_own_character_map() -> None:
    for font in [fonts.find(pattern) for pattern in FACES.values()] + [fonts.face_for("𪚥", FACES["400"])]:
        assert set(fonts.coverage(font)) == set(font.open().getBestCmap()), font  # fontTools reads the same cmap


def test_one_subset_per_face_and_set_of_characters() -> None:
    regular, bold = (fonts.find(pattern) for pattern in FACES.values())
    fonts._subset_woff2.cache_clear()
    first = fonts.subset_woff2(regular, "王堃站")
    # the same characters in another order, repeated: the same entry; the bytes an uncached subset gives
    assert fonts.subset_woff2(regular, "站站堃王") is first
    fonts._subset_woff2.cache_clear()
    assert fonts.subset_woff2(regular, "站堃王") == first
    # another set, or another face, never shares an entry
    others = {"王堃": fonts.subset_woff2(regular, "王堃"), "王堃站联": fonts.subset_woff2(regular, "王堃站联")}
    assert fonts.subset_woff2(bold, "王堃站") != first
    for chars, data in others.items():
        assert set(TTFont(io.BytesIO(data)).getBestCmap()) == {ord(c) for c in chars}
    assert fonts._subset_woff2.cache_info().currsize == 4


def test_weasyprint_has_its_fast_subsetting_path() -> None:
    """scripts/run.sh installs libharfbuzz-subset0; without it every PDF takes seconds (benchmarks/print_speed.py)."""
    import weasyprint.pdf.fonts as weasy_fonts
    from weasyprint.text.ffi import harfbuzz

    assert weasy_fonts.harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0)


def test_faces_for_splits_text_by_the_face_that_draws_it() -> None:
    faces, missing = fonts.faces_for("司马𪚥欧阳𠮷\U0002EBF0", fonts.WEB_FALLBACK)
    main, *fallbacks = faces
    assert main == fonts.find(fonts.WEB_FALLBACK) and set(faces[main]) == set("司马欧阳𠮷")
    assert [faces[f] for f in fallbacks] == ["𪚥"] and ord("𪚥") in fonts.coverage(fallbacks[0])
    assert missing == "\U0002EBF0"  # Extension I: no font installed here has it
    assert fonts.unicode_range("𪚥𠮷") == "U+20BB7, U+2A6A5"


def test_a_name_only_a_fallback_font_has_prints_and_shows_everywhere(mini) -> None:
    """司马𪚥: the poster and QR card embed the fallback face, the kiosk and the web ship its glyph."""
    import base64
    import io
    import re

    from liaison.build.pipeline import Config, check
    from liaison.render.web import assets
    from tests.conftest import TODAY, rendered
    from tests.pdf_reading import font_names, text

    path = mini / "deputies" / "li-yan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 李䶮", "name: 司马𪚥"), encoding="utf-8")
    check(Config(content=mini, site_dir=mini / "unused", signage_dir=mini / "unused", today=TODAY, strict=True))
    made = rendered(lambda job: job.outputs[:1] in (("east-village/poster-1.pdf",), ("east-village/qr-deputy-li-yan.pdf",),
                                                 ("kiosk/east-village/index.html",))
                    or job.render is assets.rare_glyph_fonts, mini)
    for pdf in ("east-village/poster-1.pdf", "east-village/qr-deputy-li-yan.pdf"):
        assert "司马𪚥" in text(made[pdf]) and any("BabelStone" in name for name in font_names(made[pdf])), pdf
    page = made["kiosk/east-village/index.html"].decode()
    [fallback] = re.findall(r'unicode-range: ([^;]+); src: url\("data:font/woff2;base64,([^"]+)"\)', page)
    assert fallback[0] == "U+2A6A5"
    assert ord("𪚥") in TTFont(io.BytesIO(base64.b64decode(fallback[1]))).getBestCmap()
    css = made["static/fonts/rare-glyphs.css"].decode()
    [name] = re.findall(r'url\("([^"]+)"\) format\("woff2"\); unicode-range: U\+2A6A5;', css)
    assert ord("𪚥") in TTFont(io.BytesIO(made[f"static/fonts/{name}"])).getBestCmap()
