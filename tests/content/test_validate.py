"""Each kind of content error gives one located message in Chinese."""
from pathlib import Path

import pytest

from liaison.build.pipeline import content_problems
from tests.conftest import write


def messages(content: Path, severity: str = "error") -> list[str]:
    """Every problem `check` reports of the content, of one severity, as the clerk reads it."""
    _, problems = content_problems(content)
    return [p.format(relative_to=content) for p in problems if p.severity == severity]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_is_clean(mini: Path) -> None:
    assert messages(mini) == []
    assert messages(mini, "warning") == []


def test_unknown_key_suggests_the_closest_field(mini: Path) -> None:
    replace_in(mini / "stations" / "centre.yaml", "address:", "adress:")
    lines = messages(mini)
    assert "stations/centre.yaml:6:1: adress: 未知字段“adress”，是否想写“address”？" in lines
    assert "stations/centre.yaml:1:1: address: 缺少必填字段" in lines


def test_unknown_key_without_close_match_lists_fields(mini: Path) -> None:
    replace_in(mini / "deputies" / "li-yan.yaml", "position: 教师", "position: 教师\nhobby: 书法")
    [line] = messages(mini)
    assert line.startswith("deputies/li-yan.yaml:6:1: hobby: 未知字段“hobby”；可用字段：name、photo、seats")


def test_unknown_key_in_nested_record(mini: Path) -> None:
    replace_in(mini / "deputies" / "li-yan.yaml", "since: 2023-03-01", "sinse: 2023-03-01")
    lines = messages(mini)
    assert "deputies/li-yan.yaml:7:29: memberships[0].sinse: 未知字段“sinse”，是否想写“since”？" in lines


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("area_m2: 120", "area_m2: 很大", "stations/centre.yaml:7:10: area_m2: 应为数字"),
    ("area_m2: 120", "area_m2: -5", "stations/centre.yaml:7:10: area_m2: 应大于 0"),
    ("tier: 县", "tier: 区", "stations/centre.yaml:2:7: tier: 取值“区”无效，应为以下之一：市、县、乡镇、村"),
    ("phone: 0579-61234567", "phone: 12-34", "stations/centre.yaml:10:8: phone: 电话号码格式不正确"),
    ("url: https://rd.example.cn/find", "url: javascript:alert(1)", "stations/centre.yaml:24:10: scenarios[0].url: 网址格式不正确"),
    ("opening_hours: [周一至周五 08:30-17:30]", "opening_hours: 周一至周五", "stations/centre.yaml:9:16: opening_hours: 应为列表"),
    ("how: [扫描二维码, 选择代表, 填写留言]", "how: []", "stations/centre.yaml:25:10: scenarios[0].how: 至少需要 1 项"),
])
def test_wrong_types_and_formats(mini: Path, old: str, new: str, expected: str) -> None:
    replace_in(mini / "stations" / "centre.yaml", old, new)
    [line] = messages(mini)
    assert line.startswith(expected)


def test_bad_date_and_time(mini: Path) -> None:
    event = mini / "events" / "2026-12-01-centre.yaml"
    replace_in(event, "date: 2026-12-01", "date: 2026-12-32")
    replace_in(event, 'end: "11:30"', 'end: "25:00"')
    lines = messages(mini)
    assert "events/2026-12-01-centre.yaml:3:7: date: “2026-12-32”不是有效日期，应写成 YYYY-MM-DD（如 2026-03-01）" in lines
    assert "events/2026-12-01-centre.yaml:5:6: end: “25:00”不是有效时间，应写成 \"09:00\" 这样的 24 小时制时间" \
           "（小时、英文冒号、两位分钟）" in lines


TIME_FORM = '不是有效时间，应写成 "09:00" 这样的 24 小时制时间（小时、英文冒号、两位分钟）'


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    # YAML reads these as numbers or booleans; pydantic would have turned 900 into 00:15 UTC, yes into 1
    ("events/2026-12-01-centre.yaml", 'start: "09:00"', "start: 900",
     f"events/2026-12-01-centre.yaml:4:8: start: “900”{TIME_FORM}"),
    ("events/2026-12-01-centre.yaml", 'start: "09:00"', "start: 9.00",
     f"events/2026-12-01-centre.yaml:4:8: start: “9.00”{TIME_FORM}"),
    ("site.yaml", 'start: "09:00"', "start: 9.30", f"site.yaml:5:62: reception_rule.start: “9.30”{TIME_FORM}"),
    ("events/2026-12-01-centre.yaml", "date: 2026-12-01", "date: 0",
     "events/2026-12-01-centre.yaml:3:7: date: “0”不是有效日期，应写成 YYYY-MM-DD（如 2026-03-01）"),
    ("site.yaml", "reception_rule: {kind: nth_weekday, n: 1, weekday: 2,",
     "reception_rule: {kind: dates, dates: [2026-01-06, 0],",
     "site.yaml:5:51: reception_rule.dates[1]: “0”不是有效日期"),
    ("stations/centre.yaml", "area_m2: 120", "area_m2: 120\nfloor: yes", "stations/centre.yaml:8:8: floor: 应为整数（如 3）"),
    ("stations/centre.yaml", "area_m2: 120", "area_m2: true", "stations/centre.yaml:7:10: area_m2: 应为数字（如 120）"),
    ("stations/centre.yaml", "area_m2: 120", "area_m2: .nan",
     "stations/centre.yaml:7:10: area_m2: 应为数字（如 120），不能是 .nan 或 .inf"),
    ("events/2026-12-01-centre.yaml", "kind: 接待日", "kind: [接待日]", "events/2026-12-01-centre.yaml:1:7: kind: 取值“列表”无效"),
])
def test_values_yaml_reads_as_another_type_are_refused_with_the_form_to_write(
        mini: Path, file: str, old: str, new: str, expected: str) -> None:
    replace_in(mini / file, old, new)
    lines = messages(mini)
    assert any(line.startswith(expected) for line in lines), lines


def test_single_digit_hour_is_accepted(mini: Path) -> None:
    replace_in(mini / "events" / "2026-12-01-centre.yaml", 'start: "09:00"', "start: 9:00")
    assert messages(mini) == []


def test_unquoted_mobile_number_is_accepted(mini: Path) -> None:
    replace_in(mini / "stations" / "centre.yaml", 'phone: "13900000001"', "phone: 13900000001")
    assert messages(mini) == []


def test_dangling_references(mini: Path) -> None:
    replace_in(mini / "events" / "2026-12-01-centre.yaml", "deputies: [wang-kun]", "deputies: [wang-kan]")
    replace_in(mini / "opinions" / "2026-0001.yaml", "station: east-village", "station: west-village")
    lines = messages(mini)
    assert "events/2026-12-01-centre.yaml:7:12: deputies[0]: 引用的代表“wang-kan”不存在，是否想写“wang-kun”？" in lines
    assert "opinions/2026-0001.yaml:2:10: station: 引用的联络站“west-village”不存在，是否想写“east-village”？" in lines


def test_duplicate_official_names(mini: Path) -> None:
    replace_in(mini / "stations" / "east-village.yaml", "name: 城关镇东村人大代表联络站", "name: 示例县人大代表联络中心站")
    assert "stations/east-village.yaml:4:7: name: 正式名称与 centre 重复" in messages(mini)


def test_membership_ending_before_it_starts(mini: Path) -> None:
    replace_in(mini / "deputies" / "li-yan.yaml", "since: 2023-03-01}", "since: 2023-03-01, until: 2022-12-31}")
    assert "deputies/li-yan.yaml:7:55: memberships[0].until: 结束日期 2022-12-31 早于开始日期 2023-03-01" in messages(mini)


def test_photo_must_exist_inside_content(mini: Path) -> None:
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wangkun.png")
    replace_in(mini / "deputies" / "li-yan.yaml", "name: 李䶮", "name: 李䶮\nphoto: ../../etc/passwd")
    lines = messages(mini)
    assert "deputies/wang-kun.yaml:2:8: photo: 照片文件“photos/wangkun.png”不存在（路径相对于内容目录）" in lines
    assert "deputies/li-yan.yaml:2:8: photo: 照片路径“../../etc/passwd”超出了内容目录" in lines


def test_parent_cycle(mini: Path) -> None:
    replace_in(mini / "stations" / "centre.yaml", "tier: 县", "tier: 县\nparent: east-village")
    lines = messages(mini)
    assert "stations/centre.yaml:3:9: parent: 上级站点形成循环" in lines
    assert "stations/east-village.yaml:3:9: parent: 上级站点形成循环" in lines


def test_a_successor_must_be_another_existing_station(mini: Path) -> None:
    replace_in(mini / "stations" / "east-village.yaml", "parent: centre", "parent: centre\nreplaced_by: centr")
    replace_in(mini / "stations" / "centre.yaml", "tier: 县", "tier: 县\nreplaced_by: centre")
    lines = messages(mini)
    assert "stations/east-village.yaml:4:14: replaced_by: 引用的联络站“centr”不存在，是否想写“centre”？" in lines
    assert "stations/centre.yaml:3:14: replaced_by: 接替本站的联络站不能是本站自己" in lines


def test_opinion_story_must_be_consistent(mini: Path) -> None:
    path = mini / "opinions" / "2026-0001.yaml"
    replace_in(path, "feedback: 2026-11-20\n", "")
    replace_in(path, "assigned: 2026-11-05", "assigned: 2026-11-01")
    lines = messages(mini)
    assert "opinions/2026-0001.yaml:8:11: assigned: 日期 2026-11-01 早于受理日期 2026-11-03" in lines
    assert "opinions/2026-0001.yaml:10:9: status: 状态为“已答复”时须写明反馈日期 feedback" in lines
    assert any("satisfaction: 没有反馈日期，不能填写满意度" in line for line in lines)


def test_redirected_opinion_needs_legal_route(mini: Path) -> None:
    replace_in(mini / "opinions" / "2026-0002.yaml", "route: 法定途径", "route: 当场答复")
    assert any("status: 状态“已引导”只用于办理途径为“法定途径”的意见" in line for line in messages(mini))


def test_category_must_be_configured(mini: Path) -> None:
    replace_in(mini / "opinions" / "2026-0002.yaml", "category: 社会保障", "category: 其它")
    assert any("category: 类别“其它”不在站点设置的类别中：交通出行、社会保障" in line for line in messages(mini))


def test_event_deputy_not_member_is_a_warning(mini: Path) -> None:
    replace_in(mini / "events" / "2026-12-01-centre.yaml", "deputies: [wang-kun]", "deputies: [wang-kun, li-yan]")
    assert messages(mini) == []
    assert messages(mini, "warning") == [
        "events/2026-12-01-centre.yaml:7:22: deputies[1]: 警告: 代表“li-yan”在 2026-12-01 不属于站点“centre”（请核对进站时间）"]


def test_site_settings_are_checked(mini: Path) -> None:
    replace_in(mini / "site.yaml", "base_url: https://rd.example.cn/lianluozhan/", "base_url: https://rd.example.cn/lianluozhan")
    replace_in(mini / "site.yaml", "n: 1,", "n: 0,")
    lines = messages(mini)
    assert "site.yaml:4:11: base_url: base_url 应以 / 结尾，例如 https://rd.example.gov.cn/lianluozhan/" in lines
    assert any(line.startswith("site.yaml:5:17: reception_rule: n 不能为 0") for line in lines)


@pytest.mark.parametrize(("base_url", "message"), [
    # every QR code, the sitemap and the feeds would become …/?from=qr/stations/<id>/
    ("https://rd.example.cn/lianluozhan/?from=qr/", "base_url 不能含“?”或“#”及其后的部分"),
    ("https://rd.example.cn/lianluozhan/#top/", "base_url 不能含“?”或“#”及其后的部分"),
    ("https://rd.example.cn/lianluozhan?/", "base_url 不能含“?”或“#”及其后的部分"),
    ("https://user:pw@rd.example.cn/lianluozhan/", "网址格式不正确：不能含用户名或密码"),
    ("ftp://rd.example.cn/lianluozhan/", "网址格式不正确"),
    ("https://[rd.example.cn/lianluozhan/", "网址格式不正确"),
    ("https://rd.example.cn:70000/lianluozhan/", "网址格式不正确"),
])
def test_base_url_is_the_plain_address_of_the_sites_root(mini: Path, base_url: str, message: str) -> None:
    replace_in(mini / "site.yaml", "base_url: https://rd.example.cn/lianluozhan/", f"base_url: {base_url}")
    [line] = messages(mini)
    assert line.startswith(f"site.yaml:4:11: base_url: {message}")


def test_station_and_tier_reception_rules_are_checked_where_they_are_written(mini: Path) -> None:
    write(mini / "stations" / "east-village.yaml", (mini / "stations" / "east-village.yaml").read_text()
          + 'reception_rule: {kind: dates, start: "09:00", end: "11:30"}\n')
    write(mini / "site.yaml", (mini / "site.yaml").read_text() + "tier_reception_rules:\n"
          '  村庄: {kind: nth_weekday, n: 3, weekday: 4, start: "14:30", end: "16:30"}\n'
          '  乡镇: {kind: nth_weekday, n: 1, weekday: 9, start: "14:30", end: "16:30"}\n')
    lines = messages(mini)
    assert "site.yaml:12:3: tier_reception_rules.村庄: 取值“村庄”无效，应为以下之一：市、县、乡镇、村" in lines
    assert "site.yaml:13:42: tier_reception_rules.乡镇.weekday: 应不大于 7" in lines
    assert "stations/east-village.yaml:14:17: reception_rule: kind 为 dates 时须在 dates 中列出接待日期" in lines


def test_all_problems_reported_in_one_run(mini: Path) -> None:
    write(mini / "stations" / "broken.yaml", "name: [\n")
    replace_in(mini / "stations" / "centre.yaml", "address:", "adress:")
    replace_in(mini / "deputies" / "li-yan.yaml", "position: 教师", "position: [教师]")
    replace_in(mini / "events" / "2026-12-01-centre.yaml", "station: centre", "station: nowhere")
    files = {line.split(":")[0] for line in messages(mini)}
    assert files == {"stations/broken.yaml", "stations/centre.yaml", "deputies/li-yan.yaml",
                     "events/2026-12-01-centre.yaml"}


def test_a_file_that_does_not_parse_causes_no_dangling_reference_errors(mini: Path) -> None:
    (mini / "deputies" / "li-yan.yaml").write_text("name: [李䶮\n", encoding="utf-8")
    lines = messages(mini)
    assert len(lines) == 1 and lines[0].startswith("deputies/li-yan.yaml:1:7: -: YAML 语法错误")


def test_field_names_that_parsed_only_because_of_full_width_characters(mini: Path) -> None:
    replace_in(mini / "site.yaml", "{province: 示例省,", "{province：示例省,")
    replace_in(mini / "stations" / "centre.yaml", "tier: 县", "\u3000tier: 县")
    lines = messages(mini)
    assert "site.yaml:3:10: region.province：示例省: 字段名“province：示例省”用了中文冒号“：”，请改为英文冒号“:”" \
           "（冒号后加一个空格）" in lines
    assert "stations/centre.yaml:2:1: \u3000tier: 字段名“\u3000tier”有全角空格（中文输入法下的空格），请改为半角空格" in lines


def test_folders_and_files_no_record_kind_reads_are_warned_about(mini: Path) -> None:
    from PIL import Image

    write(mini / "deputy" / "zhang-san.yaml", "name: 张三\n")
    write(mini / "staions" / "west.yaml", "name: 西村\n")
    write(mini / "misc" / "notes.txt", "备忘\n")
    write(mini / "site.yml", "title: 旧设置\n")
    write(mini / "plan.docx", "x")
    write(mini / "stations" / "old" / "centre.yaml", "name: 旧\n")
    write(mini / "README.md", "# 说明\n")  # documentation beside the content
    (mini / "emblem").mkdir()  # an asset folder a record refers to
    Image.new("RGB", (100, 100), "red").save(mini / "emblem" / "national.png")
    replace_in(mini / "site.yaml", "opinion_categories:", "signage: {emblem: emblem/national.png}\nopinion_categories:")
    kinds = "stations/、deputies/、systems/、events/、opinions/、notices/、assessments/"
    assert messages(mini) == []
    assert sorted(messages(mini, "warning")) == [
        "deputy:0:0: -: 警告: 目录“deputy/”不是记录目录，内容中也没有引用其中的文件，其中的文件不会被读取："
        "是否想写“deputies/”？",
        f"misc:0:0: -: 警告: 目录“misc/”不是记录目录，内容中也没有引用其中的文件，其中的文件不会被读取：记录目录为 {kinds}",
        f"plan.docx:0:0: -: 警告: 文件“plan.docx”不会被读取：内容目录下只读取 site.yaml，记录文件应放在 {kinds} 中，"
        "图片、字体等文件须由记录引用",
        "site.yml:0:0: -: 警告: 文件“site.yml”不会被读取：站点设置文件应命名为 site.yaml",
        "staions:0:0: -: 警告: 目录“staions/”不是记录目录，内容中也没有引用其中的文件，其中的文件不会被读取："
        "是否想写“stations/”？",
        "stations/old:0:0: -: 警告: 子目录“stations/old/”中的文件不会被读取：stations/ 目录下的记录文件不能再放进子目录",
    ]


def test_a_photo_folder_nothing_refers_to_is_warned_about(mini: Path) -> None:
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png\n", "")
    assert [line for line in messages(mini, "warning") if "photos" in line] == [
        "photos:0:0: -: 警告: 目录“photos/”不是记录目录，内容中也没有引用其中的文件，其中的文件不会被读取：记录目录为 "
        "stations/、deputies/、systems/、events/、opinions/、notices/、assessments/"]


def test_a_photo_folder_is_not_warned_about_when_its_deputy_has_another_mistake(mini: Path) -> None:
    replace_in(mini / "deputies" / "wang-kun.yaml", "name: 王堃", "name: [王堃]")
    assert messages(mini, "warning") == []


