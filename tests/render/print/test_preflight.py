"""Print preflight: names that do not fit the plate or that no font draws, photos too small for the poster,
reported with the content's other problems before anything renders."""
from pathlib import Path

from tests.content.test_validate import messages, replace_in


def test_photo_too_small_for_print_is_a_warning_naming_the_deputy(mini: Path) -> None:
    from PIL import Image

    Image.new("RGB", (120, 160), "grey").save(mini / "photos" / "wang-kun.png")
    assert messages(mini) == []
    assert messages(mini, "warning") == [
        "deputies/wang-kun.yaml:2:8: photo: 警告: 王堃的照片只有 120×160 像素，印在公示栏上不够清晰："
        "至少需要 236×315 像素（150 ppi）"]


def test_name_that_cannot_fit_the_plate(mini: Path) -> None:
    replace_in(mini / "site.yaml", "opinion_categories:", "signage: {plate: {height_mm: 150}}\nopinion_categories:")
    replace_in(mini / "stations" / "east-village.yaml", "name: 城关镇东村人大代表联络站",
               "name: 城关镇东村第一居民小组人大代表联络站")
    assert messages(mini) == [
        "stations/east-village.yaml:4:7: name: 站名“城关镇东村第一居民小组人大代表联络站”在标识牌上排不下："
        "120pt 字号下安全区内每行最多 12 个字、最多 1 行，且只能在地名和“人大代表……”之间换行；"
        "如自动断行不对，可在站点记录中用 name_lines 逐行写出标识牌上的站名"]


def test_name_lines_are_checked_against_the_name_and_the_plate(mini: Path) -> None:
    station = mini / "stations" / "east-village.yaml"
    replace_in(station, "name: 城关镇东村人大代表联络站",
               "name: 白沙洲农副产品综合大市场社区人大代表联络站")
    assert messages(mini) == [
        "stations/east-village.yaml:4:7: name: 站名“白沙洲农副产品综合大市场社区人大代表联络站”在标识牌上排不下："
        "120pt 字号下安全区内每行最多 12 个字、最多 6 行，且只能在地名和“人大代表……”之间换行；"
        "如自动断行不对，可在站点记录中用 name_lines 逐行写出标识牌上的站名"]
    replace_in(station, "short_name:", "name_lines: [白沙洲农副产品综合, 大市场社区, 人大代表联络站]\nshort_name:")
    assert messages(mini) == []
    replace_in(station, "name_lines: [白沙洲农副产品综合, 大市场社区,", "name_lines: [白沙洲农副产品综合大市场社区,")
    assert messages(mini) == [
        "stations/east-village.yaml:5:13: name_lines: name_lines 第 1 行“白沙洲农副产品综合大市场社区”有 14 个字，"
        "标识牌上 120pt 字号下每行最多 12 个字"]


def test_character_missing_from_the_signboard_font(mini: Path) -> None:
    # U+9FF0 is a Han character (Unicode 13) that Noto Serif CJK 2.x does not draw
    replace_in(mini / "stations" / "east-village.yaml", "name: 城关镇东村人大代表联络站", "name: 城关镇东\u9ff0村人大代表联络站")
    assert messages(mini) == [
        "stations/east-village.yaml:4:7: name: 标识牌字体“Noto Serif CJK SC”缺少字符“\u9ff0”（U+9FF0），"
        "印出来会是空框：请在 signage.font 指定含此字的字体文件"]


RARE = "\U0002EBF0"  # a Han character of Extension I (Unicode 15.1) that no font installed here draws


def test_a_name_character_no_font_has_is_an_error_on_posters_and_a_warning_elsewhere(mini: Path) -> None:
    replace_in(mini / "deputies" / "li-yan.yaml", "name: 李䶮", f"name: 司马{RARE}")
    replace_in(mini / "stations" / "east-village.yaml", "short_name: 东村站", f"short_name: 东{RARE}村站")
    replace_in(mini / "stations" / "east-village.yaml", "{name: 孙三, role: 站长}", f"{{name: 欧阳{RARE}, role: 站长}}")
    reason = f"“{RARE}”（U+2EBF0）没有任何已安装的字体能显示，"
    hint = "上会是空框或缺字：请安装含此字的字体（见 README“生僻字与字体”）"
    assert messages(mini) == [
        f"stations/east-village.yaml:13:12: staff[0].name: {reason}公示栏、网站{hint}",
        f"deputies/li-yan.yaml:1:7: name: {reason}公示栏、代表码卡片、接待公告、大厅电子屏、网站{hint}"]
    assert messages(mini, "warning") == [
        f"stations/east-village.yaml:5:13: short_name: 警告: {reason}站码卡片、大厅电子屏、网站{hint}"]


def test_rare_characters_that_a_fallback_font_has_are_covered(mini: Path) -> None:
    # 𪚥 is in no Noto CJK face; fonts-babelstone-han (scripts/run.sh) draws it, 𠮷 𫖯 堃 昇 喆 are in Noto
    replace_in(mini / "deputies" / "li-yan.yaml", "name: 李䶮", "name: 司马𪚥")
    replace_in(mini / "stations" / "east-village.yaml", "{name: 孙三, role: 站长}", "{name: 欧阳𠮷𫖯堃昇喆, role: 站长}")
    assert messages(mini) == [] and messages(mini, "warning") == []


def test_photos_are_opened_once_by_the_check(mini: Path, tmp_path: Path, monkeypatch) -> None:
    """Preflight takes a photo's size from content validation, which has opened it already."""
    from liaison.content import photos

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no photo known from an earlier check

    opened: list[object] = []
    real = photos.open_photo

    def counted(path):  # type: ignore[no-untyped-def]
        opened.append(path)
        return real(path)

    monkeypatch.setattr(photos, "open_photo", counted)
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/small.png")
    from PIL import Image

    Image.new("RGB", (120, 160), "grey").save(mini / "photos" / "small.png")
    assert len(messages(mini, "warning")) == 1  # the size is still checked
    assert len(opened) == 1  # by validation, from the bytes it read


def test_a_photo_that_does_not_decode_whole_is_an_error_and_still_checked_for_print(mini: Path) -> None:
    """A cut-off JPEG has a readable header: validation refuses it, and print preflight still tells its size."""
    from PIL import Image

    jpeg = mini / "photos" / "wang-kun.jpg"
    Image.effect_noise((120, 160), 60).convert("RGB").save(jpeg, quality=95)
    jpeg.write_bytes(jpeg.read_bytes()[:-2000])
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    assert messages(mini) == [
        "deputies/wang-kun.yaml:2:8: photo: 照片“photos/wang-kun.jpg”无法读取：不是图片，或文件已损坏、不完整"]
    assert messages(mini, "warning") == [
        "deputies/wang-kun.yaml:2:8: photo: 警告: 王堃的照片只有 120×160 像素，印在公示栏上不够清晰："
        "至少需要 236×315 像素（150 ppi）"]


def test_a_refused_photo_is_not_checked_for_print(mini: Path) -> None:
    """A header declaring more pixels than the file could hold is reported once, by validation."""
    from liaison.content import photos
    from tests.content.test_security import _jpeg_declaring

    (mini / "photos" / "wang-kun.jpg").write_bytes(_jpeg_declaring(30000, 30000))
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    found = messages(mini)
    assert len(found) == 1 and "这不可能是正常的图片" in found[0] and photos.RESAVE in found[0], found
    assert messages(mini, "warning") == []
