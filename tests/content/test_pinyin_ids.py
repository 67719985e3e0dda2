"""Ids proposed from names: the demo's form (surname-givenname), compound surnames and surname readings, unique."""
import pytest

from liaison.content.pinyin_ids import propose_id, propose_place_id


@pytest.mark.parametrize(("name", "expected"), [
    ("陈秀兰", "chen-xiulan"), ("李䶮", "li-yan"), ("司马𪚥", "sima-zhe"), ("欧阳晓燕", "ouyang-xiaoyan"),
    ("单田芳", "shan-tianfang"), ("曾国强", "zeng-guoqiang"), ("尉迟敬德", "yuchi-jingde"), ("王　堃", "wang-kun"),
    ("吕", "lv"),
])
def test_a_persons_id_is_surname_then_given_name(name: str, expected: str) -> None:
    assert propose_id(name, set()) == expected


def test_an_id_already_taken_gets_the_next_number() -> None:
    assert propose_id("李䶮", {"li-yan"}) == "li-yan-2"
    assert propose_id("李䶮", {"li-yan", "li-yan-2"}) == "li-yan-3"


@pytest.mark.parametrize("name", ["", "Tom 李", "李A"])
def test_no_id_is_invented_for_a_name_without_a_reading(name: str) -> None:
    assert propose_id(name, set()) is None


@pytest.mark.parametrize(("name", "expected"), [
    ("荷花街道", "hehua-street"), ("南门社区", "nanmen-community"), ("溪口村", "xikou-village"), ("青石镇", "qingshi-town"),
    ("松林乡", "songlin-township"),
])
def test_a_places_id_names_its_unit_in_english_as_the_demo_does(name: str, expected: str) -> None:
    assert propose_place_id(name, set()) == expected
