"""Photos decoded whole are remembered between checks by their bytes (content/photos.py `Decoded`): a photo whose
bytes are the same is not decoded again, and any other is checked as if nothing were remembered."""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import PIL
import pytest
from PIL import Image

from liaison.content import photos
from tests.content.test_validate import messages, replace_in

UNREADABLE = "deputies/wang-kun.yaml:2:8: photo: 照片“photos/wang-kun.jpg”无法读取：不是图片，或文件已损坏、不完整"


@pytest.fixture
def photo(mini: Path) -> Path:
    """The deputy's photo, a JPEG (a camera's; every byte of it is picture, none compresses away)."""
    path = mini / "photos" / "wang-kun.jpg"
    Image.effect_noise((300, 400), 60).convert("RGB").save(path, quality=90)
    replace_in(mini / "deputies" / "wang-kun.yaml", "photo: photos/wang-kun.png", "photo: photos/wang-kun.jpg")
    (mini / "photos" / "wang-kun.png").unlink()
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the check keeps its photos in, in a user cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "liaison" / "photos.json"


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The sizes of the images the check decodes, as it decodes them."""
    decoded: list[tuple[int, int]] = []
    real = photos.decode_at_least

    def counted(image: Image.Image, box: tuple[int, int]) -> Image.Image:
        decoded.append(image.size)
        return real(image, box)

    monkeypatch.setattr(photos, "decode_at_least", counted)
    return decoded


def test_a_photo_decoded_whole_is_not_decoded_again(mini: Path, photo: Path, cache: Path, decodes: list) -> None:
    assert messages(mini) == [] and decodes == [(300, 400)]
    assert json.loads(cache.read_text())["pillow"] == PIL.__version__
    assert messages(mini) == [] and messages(mini, "warning") == [] and decodes == [(300, 400)]


def test_a_photo_whose_bytes_change_is_checked_again(mini: Path, photo: Path, cache: Path, decodes: list) -> None:
    assert messages(mini) == []
    before = photo.stat()
    data = photo.read_bytes()
    photo.write_bytes(data[: len(data) // 2] + b"\xff" * (len(data) - len(data) // 2))  # cut off, the same size
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    assert messages(mini) == [UNREADABLE] and len(decodes) == 2
    Image.new("RGB", (120, 160), "grey").save(photo, "JPEG")  # whole again, but small
    assert messages(mini, "warning") == [
        "deputies/wang-kun.yaml:2:8: photo: 警告: 王堃的照片只有 120×160 像素，印在公示栏上不够清晰："
        "至少需要 236×315 像素（150 ppi）"]
    assert decodes[2:] == [(120, 160)]


def test_a_photo_that_does_not_decode_is_checked_every_time(mini: Path, photo: Path, cache: Path,
                                                            decodes: list) -> None:
    photo.write_bytes(photo.read_bytes()[:-2000])
    assert messages(mini) == [UNREADABLE]
    assert messages(mini) == [UNREADABLE] and len(decodes) == 2
    assert not cache.exists()  # nothing to keep


@pytest.mark.parametrize("kept", [
    "{not json", "[]", '{"pillow": "0.1", "sizes": {}}', '{"sizes": {}}', '{"pillow": "%s", "sizes": {"a": 3}}',
    '{"pillow": "%s", "sizes": []}',
])
def test_a_damaged_or_foreign_cache_is_as_if_empty(mini: Path, cache: Path, decodes: list, kept: str) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text(kept.replace("%s", PIL.__version__))
    assert messages(mini) == [] and len(decodes) == 1
    assert messages(mini) == [] and len(decodes) == 1  # written again, whole


def test_a_remembered_size_from_another_pillow_is_not_taken(mini: Path, cache: Path, decodes: list) -> None:
    assert messages(mini) == []
    kept = json.loads(cache.read_text())
    cache.write_text(json.dumps({**kept, "pillow": "0.0"}))
    assert messages(mini) == [] and len(decodes) == 2


def test_a_remembered_size_that_is_not_the_headers_is_not_taken(mini: Path, photo: Path, cache: Path,
                                                                 decodes: list) -> None:
    """The size is what the check refuses a decompression bomb by: one written into the cache by hand is not
    taken on trust, the photo is decoded again."""
    assert messages(mini) == [] and decodes == [(300, 400)]
    kept = json.loads(cache.read_text())
    cache.write_text(json.dumps({**kept, "sizes": {key: [1, 1] for key in kept["sizes"]}}))
    assert messages(mini) == [] and decodes == [(300, 400), (300, 400)]


def _image_bytes(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("L", size).save(out, "PNG")
    return out.getvalue()


def test_a_cache_that_cannot_be_written_changes_nothing(mini: Path, cache: Path, decodes: list) -> None:
    cache.parent.parent.mkdir(parents=True)
    cache.parent.write_text("a file where the folder should be")
    assert messages(mini) == [] and messages(mini) == [] and len(decodes) == 2


def test_the_cache_keeps_the_newest(tmp_path: Path) -> None:
    file = tmp_path / "photos.json"
    first = photos.Decoded(file)
    for index in range(5):
        first.add(f"{index}", (index + 1, 1))
    first.save()
    second = photos.Decoded(file)
    second.MAX_ENTRIES = 4
    assert second.size("0", _image_bytes((1, 1))) == (1, 1)  # seen again: kept before those not seen
    second.add("new", (9, 9))
    second.save()
    assert sorted(photos.Decoded(file).known.values()) == [(1, 1), (4, 1), (5, 1), (9, 9)]
