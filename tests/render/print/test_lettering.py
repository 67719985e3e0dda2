import pytest

from liaison.content.schema import Plate
from liaison.render.print.lettering import DoesNotFit, break_lines, capacity, words


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


# Words that begin with a character that can also end a unit (市, 区, 镇, 村): never split, never a unit's end.
@pytest.mark.parametrize(("name", "lines"), [
    ("清源县城关镇东门农贸市场社区人大代表联络站", ("清源县城关镇", "东门农贸市场社区", "人大代表联络站")),
    ("某某市经济开发区城东区域服务中心人大代表联络站", ("某某市经济开发区", "城东区域服务中心", "人大代表联络站")),
    ("润州区金山街道老镇江路社区人大代表联络站", ("润州区金山街道", "老镇江路社区", "人大代表联络站")),
    ("清源县青石镇黄泥坝村镇银行片区人大代表联系点", ("清源县青石镇", "黄泥坝村镇银行片区", "人大代表联系点")),
    ("城关镇东村村委会人大代表联络站", ("城关镇东村村委会", "人大代表联络站")),
])
def test_words_that_start_with_a_unit_character_stay_whole(name: str, lines: tuple[str, ...]) -> None:
    assert break_lines(name, Plate()) == lines


@pytest.mark.parametrize("name", [
    "白沙洲农副产品综合大市场社区人大代表联络站",  # 14 characters of community name, no real boundary inside
    "黄泥坝镇江路口综合农贸市场社区人大代表联络站",
])
def test_a_place_with_no_real_boundary_is_not_cut_inside_a_word(name: str) -> None:
    with pytest.raises(DoesNotFit, match="name_lines"):
        break_lines(name, Plate())


@pytest.mark.parametrize("word", ["市场", "区域", "镇江", "村镇", "村委会", "社区", "街道"])
def test_no_line_ends_inside_a_word(word: str) -> None:
    for place in (f"荷花街道东门{word}新村", f"某某县城关{word}片区东段", f"松林乡大{word}"):
        units, _ = words(place + "人大代表联络站")
        assert "".join(units) == place and any(word in unit for unit in units), units


def test_the_clerk_writes_the_lines_where_the_automatic_break_is_wrong() -> None:
    name = "白沙洲农副产品综合大市场社区人大代表联络站"
    lines = ("白沙洲农副产品", "综合大市场社区", "人大代表联络站")
    assert break_lines(name, Plate(), lines) == lines


@pytest.mark.parametrize(("lines", "message"), [
    (("白沙洲农副产品", "综合市场社区", "人大代表联络站"), "连起来是“白沙洲农副产品综合市场社区人大代表联络站”，与正式名称"),
    (("白沙洲农副产品综合大市场社区", "人大代表联络站"), "第 1 行“白沙洲农副产品综合大市场社区”有 14 个字，.*每行最多 12 个字"),
    (tuple("白沙洲农副产品综合大市场社区人大代表联络站"), "有 21 行，.*最多排 6 行"),
])
def test_name_lines_must_join_to_the_name_and_fit(lines: tuple[str, ...], message: str) -> None:
    with pytest.raises(DoesNotFit, match=message):
        break_lines("白沙洲农副产品综合大市场社区人大代表联络站", Plate(), lines)
