import pytest
from fontTools.ttLib import TTFont

from liaison import fonts


def test_rare_characters_are_han_outside_gb2312() -> None:
    assert fonts.rare_characters("王堃、李䶮和张三（𠮷）abc") == "".join(sorted("堃䶮𠮷"))


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


def test_weasyprint_has_its_fast_subsetting_path() -> None:
    """scripts/run.sh installs libharfbuzz-subset0; without it every PDF takes seconds (benchmarks/print_speed.py)."""
    import weasyprint.pdf.fonts as weasy_fonts
    from weasyprint.text.ffi import harfbuzz

    assert weasy_fonts.harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0)
