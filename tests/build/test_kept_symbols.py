"""QR codes kept across builds (issue 14): each job's facts carry the symbols it drew, and the next build's jobs
take them instead of encoding those payloads again. The kept symbols are only a speed-up: without them, with
damaged ones or with those of another encoder version, the bytes are the same."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from liaison.build.pipeline import Config, build
from liaison.build.writer import STATE, store_of
from liaison.render import qr
from tests.build.test_incremental import DAY, _config, _trees
from tests.conftest import MINI, put_back


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The payloads zxing-cpp encodes, in this process (the builds here run in it: jobs=1), each process's own
    cache emptied before and after."""
    calls: list[str] = []
    create = qr.zxingcpp.create_barcode

    def counted(data: str, *args: object, **kwargs: object) -> object:
        calls.append(data)
        return create(data, *args, **kwargs)

    monkeypatch.setattr(qr.zxingcpp, "create_barcode", counted)
    qr._symbol.cache_clear()
    qr._drawing.cache_clear()
    yield calls
    qr._symbol.cache_clear()
    qr._drawing.cache_clear()


@pytest.fixture
def work(origin: Path, tmp_path: Path) -> Iterator[Path]:
    """`origin` for one test, put back as it was afterwards."""
    with put_back(origin, tmp_path) as folder:
        yield folder


def _web_only(work: Path) -> Config:
    return _config(work / "content", work / "out", DAY, jobs=1, only=("web",))


def _record(out: Path) -> tuple[dict[str, Any], list[list[str]], list[list[Any]]]:
    """The published build's record: the build's line, the table of symbols, the jobs' lines."""
    header, *lines = (store_of(out / "site") / "current" / STATE).read_text().splitlines()
    count = json.loads(header)["symbols"]
    return json.loads(header), [json.loads(line) for line in lines[:count]], [json.loads(line) for line in lines[count:]]


def _kept(out: Path) -> dict[str, str]:
    """Every symbol the published build's record keeps, by payload."""
    return {data: text for _, data, text in _record(out)[1]}


def _rewrite_table(out: Path, change: Callable[[list[list[str]]], list[Any]]) -> None:
    header, table, jobs = _record(out)
    table = change(table)
    lines = [{**header, "symbols": len(table)}, *table, *jobs]
    (store_of(out / "site") / "current" / STATE).write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def _rewrite_symbols(out: Path, change: Callable[[str], str]) -> None:
    _rewrite_table(out, lambda table: [[name, data, change(text)] for name, data, text in table])


def test_every_code_a_build_draws_is_kept_in_its_record(origin: Path) -> None:
    kept = _kept(origin / "out")
    station = yaml.safe_load((MINI / "stations" / "centre.yaml").read_text(encoding="utf-8"))
    assert station["scenarios"][0]["url"] in kept
    assert any(data.endswith("/deputies/wang-kun/") for data in kept)
    for data, text in kept.items():
        assert qr._unkept(data, text) == qr._encoded(data)
    _, table, jobs = _record(origin / "out")
    # the print files draw the site's codes again: the site's jobs alone keep them
    assert all(qr.FACT not in entry["facts"] for _, entry in jobs if entry["tree"] == "signage")
    # each symbol once, however many jobs draw it (a deputy's code: their page, their station's, the lobby screen)
    assert len({data for _, data, _ in table}) == len(table)
    named = [name for _, entry in jobs for name in entry["facts"].get(qr.FACT, [])]
    assert set(named) == {name for name, _, _ in table} and len(named) > len(table)


def test_a_build_over_kept_symbols_encodes_none_of_them_and_writes_the_same_bytes(work: Path,
                                                                                  encoded: list[str]) -> None:
    before = _trees(work / "out")
    report = build(_web_only(work))
    assert report.rendered > 10
    assert encoded == []
    assert _trees(work / "out") == before


@pytest.mark.parametrize("damage", [
    pytest.param(lambda text: text.replace("A", "B", 1) if "A" in text else text.replace("B", "A", 1), id="a-module"),
    pytest.param(lambda text: text[:-1], id="cut-short"),
    pytest.param(lambda text: "", id="empty"),
    pytest.param(lambda text: 7, id="not-text"),  # type: ignore[arg-type,return-value]
])
def test_damaged_symbols_are_encoded_again_and_change_no_byte(work: Path, encoded: list[str],
                                                              damage: Callable[[str], str]) -> None:
    kept = _kept(work / "out")
    before = _trees(work / "out")
    _rewrite_symbols(work / "out", damage)
    build(_web_only(work))
    assert encoded and set(encoded) <= set(kept)
    assert len(encoded) == len(set(encoded)), "each payload once"
    assert _trees(work / "out") == before


def test_symbols_the_table_lacks_or_cannot_read_are_encoded_again_and_change_no_byte(work: Path,
                                                                                   encoded: list[str]) -> None:
    """The record's table lost a symbol that jobs name, and another's entry is not of the table's shape: those two
    payloads are encoded (once each), the others taken, and the bytes are the same."""
    before = _trees(work / "out")
    _, table, _ = _record(work / "out")
    lost, garbled = table[0][1], table[1][1]
    _rewrite_table(work / "out", lambda table: [[table[1][0], table[1][1]], *table[2:]])
    build(_web_only(work))
    assert sorted(encoded) == sorted([lost, garbled])
    assert _trees(work / "out") == before
    assert {lost, garbled} <= set(_kept(work / "out"))  # recorded again


def test_symbols_of_another_encoder_version_are_encoded_again(work: Path, encoded: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = _trees(work / "out")
    monkeypatch.setattr(qr, "ENCODER", qr.ENCODER.replace("zxing-cpp ", "zxing-cpp 0.") + "-other")
    build(_web_only(work))
    assert encoded and len(encoded) == len(set(encoded))
    assert _trees(work / "out") == before


def test_symbols_kept_by_another_environment_are_not_taken(work: Path, encoded: list[str]) -> None:
    """Another version of liaison may have kept its symbols otherwise: its record gives none, though each symbol's
    own check, which covers the encoder but not how the symbol was packed, would hold."""
    path = store_of(work / "out" / "site") / "current" / STATE
    header, rest = path.read_text().split("\n", 1)
    path.write_text(json.dumps({**json.loads(header), "environment": "another liaison"}) + "\n" + rest)
    before = _trees(work / "out")
    build(_web_only(work))
    assert set(encoded) == set(_kept(work / "out")) and len(encoded) == len(set(encoded))
    assert _trees(work / "out") == before


@pytest.mark.slow  # a build and a clean build
def test_a_changed_payload_is_encoded_and_the_others_are_taken(work: Path, encoded: list[str]) -> None:
    """A scenario of the centre station gets another address: that code alone is encoded, in the jobs that draw
    it (the station's page, lobby screen and poster), and the build equals a clean one."""
    path = work / "content" / "stations" / "centre.yaml"
    station = yaml.safe_load(path.read_text(encoding="utf-8"))
    [scenario] = station["scenarios"]
    scenario["url"] += "/changed"
    path.write_text(yaml.safe_dump(station, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(_config(work / "content", work / "out", DAY, jobs=1))
    assert encoded == [scenario["url"]]
    clean = work / "clean"
    build(_config(work / "content", clean, DAY, jobs=1, clean=True))
    assert _trees(work / "out") == _trees(clean)
    assert scenario["url"] in _kept(work / "out")
