"""Builds on a Dask cluster: the same bytes as a local build, the render context made once per worker, and a
worker whose fonts or libraries differ from the client's refused by name."""
from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from liaison.build import distributed, fingerprint
from liaison.build.pipeline import Config, build
from liaison.cli import main
from tests.conftest import MINI, TODAY, snapshot


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Two worker processes of one thread each on this machine, as `--dask local` starts them."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


def command(out: Path, *extra: str) -> list[str]:
    return ["build", "--content", str(MINI), "--site", str(out / "site"), "--signage", str(out / "signage"),
            "--today", TODAY.isoformat(), "--quiet", *extra]


@pytest.mark.slow  # a cluster of two processes
def test_a_build_on_two_workers_is_byte_identical_to_a_local_build(cluster: str, tmp_path: Path,
                                                                   mini_build: Path) -> None:
    config = Config(content=MINI, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY,
                    dask=cluster)
    build(config)
    for folder in ("site", "signage"):
        assert snapshot(tmp_path / folder) == snapshot(mini_build / folder)
    with Client(cluster) as client:  # each worker made the build's context once and kept it for every job
        held = client.run(lambda: [(build, type(made).__name__) for build, made in distributed._BUILDS.items()])
    assert len(held) == 2 and len({tuple(builds) for builds in held.values()}) == 1
    [[(_, made)]] = {tuple(builds) for builds in held.values()}
    assert made == "Context"


@pytest.mark.slow  # a cluster of two processes
def test_a_worker_with_other_libraries_or_fonts_takes_no_job_and_says_what_differs(
        cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real_libraries, real_fonts = fingerprint.libraries, fingerprint.installed_fonts
    # The client's side only: the workers compute their own fingerprints, as a machine with other versions would.
    monkeypatch.setattr(fingerprint, "libraries", lambda: {**real_libraries(), "库 weasyprint": "61.0"})
    monkeypatch.setattr(fingerprint, "installed_fonts",
                        lambda: {**real_fonts(), "字体文件 /usr/share/fonts/extra/FZXiaoBiaoSong.ttf": "1 字节"})
    assert main(command(tmp_path, "--dask", cluster)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Dask 工作进程 tcp://") and "的环境与本机不同" in err and "docs/distributed.md" in err
    assert f"库 weasyprint：本机 61.0，工作进程 {real_libraries()['库 weasyprint']}" in err
    assert "字体文件 /usr/share/fonts/extra/FZXiaoBiaoSong.ttf：本机 1 字节，工作进程 没有" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists() and not (tmp_path / "signage").exists()


@pytest.mark.slow  # a cluster of two processes
def test_a_worker_with_other_content_is_refused(cluster: str, tmp_path: Path, mini: Path) -> None:
    """The content reaches workers by its path: a folder that is not the client's is named, file by file."""
    spec = _spec(mini)
    spec = dataclasses.replace(spec, fingerprint={
        **spec.fingerprint, "内容 deputies/li-yan.yaml": "1 字节，修改于 2026-01-01 00:00:00+00:00"})
    with Client(cluster) as client, pytest.raises(distributed.WorkerDiffers, match=r"内容 deputies/li-yan\.yaml：本机 1 字节"):
        client.submit(distributed._context, spec, pure=False).result()


def _spec(content: Path) -> distributed.Spec:
    from liaison.build.pipeline import prepare, worker_context

    config = Config(content=content, site_dir=Path("unused"), signage_dir=Path("unused"), today=TODAY)
    return distributed._spec(prepare(config).context, config, worker_context)


def test_without_dask_the_option_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    assert main(command(tmp_path, "--dask", "local")) == 2
    assert capsys.readouterr().err == ("--dask 需要 Dask 分布式调度器，但本机没有安装。"
                                       "请运行：pip install 'liaison[dask]'\n")
    assert main(["check", "--content", str(MINI), "--dask", "local"]) == 2
    assert "--dask 只能与 build 一起使用" in capsys.readouterr().err


def test_differences_name_each_item_and_count_the_rest() -> None:
    ours = {f"字体文件 /f/{n}.ttf": "1 字节" for n in range(20)}
    theirs = {**ours, "字体文件 /f/3.ttf": "2 字节", "库 pillow": "12.0"}
    assert fingerprint.differences(ours, theirs) == ["字体文件 /f/3.ttf：本机 1 字节，工作进程 2 字节",
                                                      "库 pillow：本机 没有，工作进程 12.0"]
    assert fingerprint.differences(ours, {})[-1] == "…… 共 20 处不同"
    assert len(fingerprint.differences(ours, {})) == fingerprint.SHOWN + 1
    assert fingerprint.differences(ours, dict(ours)) == []
