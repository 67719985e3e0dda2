"""Zip packs for the print shop, made on demand from the published print files (`liaison pack`), not by every
build: a pack repeats every file of its station, and the shop needs the packs of the stations it prints now.

A pack is made of the published tree alone, nothing rendered again: the files the manifest lists for the station,
byte for byte, and those rows as the pack's manifest.csv; reproducible, each entry dated by its content.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from liaison.build.pipeline import SelectionError
from liaison.build.writer import OutputError, canonical, read_manifest, shown
from liaison.content import files
from liaison.render.print import signage


def make_packs(signage_dir: Path, stations: Sequence[str], output: Path) -> list[Path]:
    """Write `<station>.zip` into `output` for each of `stations` (every station when empty); return the paths.
    SelectionError for a station without print files or an output inside the published trees, OutputError for a
    folder that is not a build of this program or cannot be written."""
    tree = signage_dir.resolve()  # one published generation, even if a build publishes another meanwhile
    rows = _rows(signage_dir, tree)
    by_station: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_station.setdefault(row["station"], []).append(row)
    for station in stations:
        if station not in by_station:
            close = difflib.get_close_matches(station, by_station, n=1)
            hint = f"，是否想写“{close[0]}”？" if close else f"。有制作文件的联络站有：{'、'.join(by_station)}"
            raise SelectionError(f"--station：{shown(signage_dir)} 中没有编号为“{station}”的联络站的制作文件{hint}")
    _refuse_inside(output, signage_dir, tree)
    written = []
    try:
        output.mkdir(parents=True, exist_ok=True)
        for station in dict.fromkeys(stations or by_station):
            data = signage.pack(by_station[station], lambda path: (tree / path).read_bytes())
            target = output / signage.pack_name(station)
            files.replace(target, data)  # a reader sees the old pack or the new one, never half of one
            written.append(target)
    except OSError as exc:
        raise OutputError(f"无法写入制作包目录 {shown(output)}：{exc.strerror or exc}") from exc
    return written


def _rows(signage_dir: Path, tree: Path) -> list[dict[str, Any]]:
    """The published print files' manifest rows; OutputError unless the folder is a build of this program."""
    missing = f"{shown(signage_dir)} 不是本程序生成的制作文件目录，请先运行 python build.py 生成制作文件"
    if read_manifest(tree) is None:
        raise OutputError(missing)
    try:
        rows = json.loads((tree / signage.MANIFESTS[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(missing) from exc
    return rows if isinstance(rows, list) else []


def _refuse_inside(output: Path, signage_dir: Path, tree: Path) -> None:
    """Packs go beside the published trees, never into them or their store (a build would remove them)."""
    target = canonical(output)
    for place in (canonical(signage_dir), tree.parent.parent if tree.parent.parent.name.endswith(".liaison") else tree):
        if target == place or place in target.parents:
            raise SelectionError(f"--output：制作包不能写在 {shown(place)} 中（生成时它会被整体替换），请指定另一个目录")
