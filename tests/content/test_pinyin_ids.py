"""Ids proposed from names (liaison/content/pinyin_ids.py), for `liaison new` and `liaison import`: a person's
surname-givenname with compound surnames and surname readings, a name in parts one group per part, a place's name
and unit, no id for a name without a reading, unique among the ids taken."""
import subprocess
import sys

import pytest

from liaison.content import ids
from liaison.content.pinyin_ids import COMPOUND_SURNAMES, propose_id, propose_place_id, unique
from tests.conftest import ROOT


@pytest.mark.parametrize(("name", "expected"), [
    ("陈秀兰", "chen-xiulan"), ("李䶮", "li-yan"),  # a rare character
    ("司马𪚥", "sima-zhe"), ("司马哲", "sima-zhe"), ("欧阳晓燕", "ouyang-xiaoyan"), ("欧阳晓琳", "ouyang-xiaolin"),
    ("尉迟敬德", "yuchi-jingde"), ("尉迟恭", "yuchi-gong"), ("乐正克", "yuezheng-ke"),  # two-character surnames
    ("单田芳", "shan-tianfang"), ("单雄信", "shan-xiongxin"), ("曾国强", "zeng-guoqiang"), ("曾国藩", "zeng-guofan"),
    ("查良镛", "zha-liangyong"), ("阚泽", "kan-ze"), ("乜红", "nie-hong"),  # surnames read otherwise
    ("黑大春", "hei-dachun"), ("宓子贱", "mi-zijian"),  # surnames read as the dictionary reads them
    ("吕布", "lv-bu"), ("吕", "lv"), ("朴", "piao"),  # ü as v; a surname alone
    ("王　堃", "wang-kun"), ("单　芳", "shan-fang"), ("欧阳 晓燕", "ouyang-xiaoyan"),  # spaces pad, not part
    ("阿依古丽·买买提", "ayiguli-maimaiti"), ("阿依古丽.买买提", "ayiguli-maimaiti"),  # a name in parts
])
def test_a_persons_id_is_surname_then_given_name(name: str, expected: str) -> None:
    assert propose_id(name, set()) == expected
    assert ids.is_id(expected)


@pytest.mark.parametrize("surname", sorted(COMPOUND_SURNAMES))
def test_every_compound_surname_is_one_group(surname: str) -> None:
    proposed = propose_id(f"{surname}明", set())
    assert proposed is not None
    assert proposed.endswith("-ming")
    assert "-" not in proposed.removesuffix("-ming")


def test_an_id_already_taken_gets_the_next_number() -> None:
    assert propose_id("李䶮", {"li-yan"}) == "li-yan-2"
    assert propose_id("李䶮", {"li-yan", "li-yan-2"}) == "li-yan-3"
    assert unique("li-yan", set()) == "li-yan"
    assert unique("li-yan", {"li-yan"}) == "li-yan-2"
    assert unique("li-yan", {"li-yan", "li-yan-2", "li-yan-3"}) == "li-yan-4"


@pytest.mark.parametrize("name", ["", "　", "·", "张😀", "Tom 李", "李A", "阿依古丽·Maimaiti"])
def test_no_id_is_invented_for_a_name_without_a_reading(name: str) -> None:
    assert propose_id(name, set()) is None


@pytest.mark.parametrize(("name", "expected"), [
    ("荷花街道", "hehua-street"), ("南门社区", "nanmen-community"), ("溪口村", "xikou-village"), ("青石镇", "qingshi-town"),
    ("松林乡", "songlin-township"),
])
def test_a_places_id_names_its_unit_in_english_as_the_demo_does(name: str, expected: str) -> None:
    assert propose_place_id(name, set()) == expected


def test_the_command_line_loads_the_pinyin_dictionaries_only_when_a_name_is_read() -> None:
    """pypinyin takes about half a second to load: `liaison build` and the other commands do without it."""
    probe = "import sys, liaison.cli; print('pypinyin' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
    assert propose_id("陈秀兰", set()) == "chen-xiulan"
