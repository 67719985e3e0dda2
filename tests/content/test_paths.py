"""One rule for "a path stays inside content/" (liaison/content/paths.py): every file a record names is refused the
same way, with the same words, however it leads outside."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from liaison.content import paths
from tests.content.test_security import edit, messages


def test_inside(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "photos").mkdir(parents=True)
    Image.new("RGB", (3, 4)).save(content / "photos" / "a.png")
    os.symlink(content / "photos" / "a.png", content / "photos" / "alias.png")
    os.symlink(tmp_path, content / "photos" / "out")
    assert paths.inside(content, "photos/a.png") == (content / "photos" / "a.png").resolve()
    assert paths.inside(content, "photos/alias.png") == (content / "photos" / "a.png").resolve()
    assert paths.inside(content, "photos/missing.png") is not None  # inside, if not there: the callers tell
    for outside in ("../x.png", "photos/../../x.png", "/etc/passwd", "photos/out/x.png"):
        assert paths.inside(content, outside) is None, outside
        with pytest.raises(ValueError, match="outside the content directory"):
            paths.named_file(content, outside)


def test_inside_resolves_as_the_system_does(tmp_path: Path) -> None:
    """The parts below the content folder are looked at one by one: a link anywhere on the way, to a file or a
    folder, inside or outside, is followed as resolving the whole path follows it."""
    root = tmp_path / "root"
    content = root / "content"
    (content / "photos" / "deep").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    (content / "photos" / "deep" / "a.png").write_bytes(b"x")
    os.symlink(content / "photos" / "deep", content / "photos" / "in-folder")  # a folder link staying inside
    os.symlink("deep/a.png", content / "photos" / "relative.png")
    os.symlink(root / "elsewhere", content / "photos" / "out-folder")
    os.symlink("../../elsewhere/b.png", content / "photos" / "out-relative.png")
    linked = tmp_path / "linked-content"
    os.symlink(content, linked)  # the content folder itself reached through a link
    inner = ("photos/deep/a.png", "photos/in-folder/a.png", "photos/relative.png", "./photos//deep/./a.png",
             "photos/deep/", "photos/missing/a.png", "photos/deep/a.png/x", "photos/in-folder/missing.png",
             Path("photos/in-folder/a.png"), "photos/deep/../deep/a.png", "../content/photos/deep/a.png")
    for folder in (content, linked):
        for relative in inner:
            assert paths.inside(folder, relative) == (content / relative).resolve(), (folder, relative)
        for relative in ("photos/out-folder/b.png", "photos/out-relative.png", "photos/out-folder",
                         "photos/in-folder/../../..", f"{root}/elsewhere/b.png"):
            assert paths.inside(folder, relative) is None, (folder, relative)


# Every field naming a file in content, with its label; (file, text to find, text with the field written).
NAMED_FILES = {
    "photo": ("deputies/li-yan.yaml", "name: 李䶮", "name: 李䶮\nphoto: {}", "照片"),
    "signage.font": ("site.yaml", "opinion_categories:", "signage: {{font: {}}}\nopinion_categories:", "字体"),
    "signage.emblem": ("site.yaml", "opinion_categories:", "signage: {{emblem: {}}}\nopinion_categories:", "国徽图片"),
}


@pytest.mark.parametrize("how", ["dots", "absolute", "link"])
@pytest.mark.parametrize("field", sorted(NAMED_FILES))
def test_every_named_file_leading_outside_is_refused_alike(mini: Path, tmp_path: Path, field: str, how: str) -> None:
    outside = tmp_path / "outside.png"
    Image.new("RGB", (300, 400), "red").save(outside)
    os.symlink(outside, mini / "photos" / "link.png")
    relative = {"dots": "../outside.png", "absolute": str(outside), "link": "photos/link.png"}[how]
    name, old, new, label = NAMED_FILES[field]
    edit(mini / name, old, new.format(relative))
    found = [line for line in messages(mini) if f"“{relative}”" in line]
    assert len(found) == 1 and found[0].startswith(name)
    assert found[0].endswith(f" {field}: {label}路径“{relative}”超出了内容目录"), found
