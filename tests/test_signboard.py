import pytest

from liaison.schema import Plate
from liaison.signboard import DoesNotFit, break_lines, capacity, words


def test_capacity_of_the_standard_plate() -> None:
    # 120 pt = 42.3 mm a character; the 520 mm wide safe zone takes 12
    assert capacity(Plate()) == capacity(Plate(width_mm=600, height_mm=400, text_pt=120, margin_mm=40))
    assert capacity(Plate()).per_line == 12


@pytest.mark.parametrize(("name", "lines"), [
    ("清源县人大代表联络中心站", ("清源县人大代表联络中心站",)),
    ("荷花街道南门社区人大代表联络站", ("荷花街道南门社区", "人大代表联络站")),
    ("荷花街道工业园区人大代表联系点", ("荷花街道工业园区", "人大代表联系点")),
    ("某某省某某市某某县某某镇某某村人大代表联络站", ("某某省某某市某某县某某镇", "某某村", "人大代表联络站")),
])
def test_names_break_between_words(name: str, lines: tuple[str, ...]) -> None:
    assert break_lines(name, Plate()) == lines


def test_words_of_a_name() -> None:
    assert words("荷花街道工业园区人大代表联系点") == (["荷花街道", "工业园区"], ["人大代表", "联系点"])


def test_suffix_breaks_only_when_it_must() -> None:
    narrow = Plate(width_mm=300, margin_mm=20)  # 6 characters a line
    assert break_lines("青石镇人大代表联络站", narrow) == ("青石镇", "人大代表", "联络站")


def test_a_name_that_cannot_fit_says_how_many_characters_fit() -> None:
    with pytest.raises(DoesNotFit, match="每行最多 12 个字、最多 1 行"):
        break_lines("荷花街道南门社区人大代表联络站", Plate(height_mm=150))
