"""The command: exit codes, located messages, and published output left intact on failure."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.cli import main
from tests.conftest import ROOT, published_copy, snapshot, write


def run(content: Path, tmp_path: Path, *extra: str) -> int:
    return main([*extra, "--content", str(content), "--site", str(tmp_path / "site"),
                 "--signage", str(tmp_path / "signage"), "--today", "2026-11-26"])


def break_content(content: Path) -> None:
    """One of each: bad YAML, unknown key, wrong type, dangling reference."""
    write(content / "notices" / "broken.md", "---\ntitle: [未闭合\ndate: 2026-11-01\n---\n正文\n")
    station = content / "stations" / "east-village.yaml"
    station.write_text(station.read_text().replace("address:", "adress:"))
    deputy = content / "deputies" / "li-yan.yaml"
    deputy.write_text(deputy.read_text().replace("position: 教师", "position: [教师, 班主任]"))
    event = content / "events" / "2026-12-01-centre.yaml"
    event.write_text(event.read_text().replace("deputies: [wang-kun]", "deputies: [zhang-san]"))


def test_bad_content_exits_1_with_one_located_message_each_and_keeps_published_output(
        mini: Path, tmp_path: Path, mini_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published_copy(mini_build, tmp_path)
    published = {name: snapshot(tmp_path / name) for name in ("site", "signage")}
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*")}
    capsys.readouterr()

    break_content(mini)
    assert run(mini, tmp_path) == 1
    errors = capsys.readouterr().err.splitlines()
    located = [line for line in errors if line.startswith(str(mini))]
    relative = sorted(line[len(str(mini)) + 1:] for line in located)
    assert relative == [
        "deputies/li-yan.yaml:5:11: position: 应为文字（含特殊字符时请加引号）",
        "events/2026-12-01-centre.yaml:7:12: deputies[0]: 引用的代表“zhang-san”不存在：deputies/ 目录下没有 zhang-san.yaml",
        "notices/broken.md:2:8: -: YAML 语法错误：第 2 行的“[”没有配对的“]”，或其中的项之间缺少英文逗号“,”",
        "stations/east-village.yaml:1:1: address: 缺少必填字段",
        "stations/east-village.yaml:7:1: adress: 未知字段“adress”，是否想写“address”？",
    ]
    assert "内容有 5 处错误，未生成任何文件，已发布的内容保持不变。" in errors
    assert {name: snapshot(tmp_path / name) for name in ("site", "signage")} == published
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*")} == mtimes
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.liaison", "content", "signage", "site"]
    assert sorted(p.name for p in (tmp_path / ".site.liaison").iterdir()) == ["current", "gen-1", "lock"]


def test_check_writes_nothing(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(mini, tmp_path, "check") == 0
    assert "校验通过：2 个联络站，2 名代表" in capsys.readouterr().out
    assert not (tmp_path / "site").exists() and not (tmp_path / "signage").exists()


def test_strict_turns_warnings_into_failures(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = mini / "events" / "2026-12-01-centre.yaml"
    event.write_text(event.read_text().replace("deputies: [wang-kun]", "deputies: [wang-kun, li-yan]"))
    assert run(mini, tmp_path, "check") == 0
    assert "警告: 代表“li-yan”" in capsys.readouterr().err
    assert run(mini, tmp_path, "--strict") == 1
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_summary_line_counts_changes(mini: Path, tmp_path: Path, mini_build: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    published_copy(mini_build, tmp_path)
    assert run(mini, tmp_path, "--clean") == 0  # every file rendered again, to the bytes published
    [line] = capsys.readouterr().out.splitlines()
    assert re.match(r"生成完成：重新渲染 \d+ 项、沿用 \d+ 项；网站 \d+ 个文件（变化 0，删除 0）", line), line
    assert run(mini, tmp_path) == 0  # again: nothing to render
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("内容、模板和设置都没有变化，已发布的文件保持不变"), line


def test_help_documents_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    from liaison.build.writer import EXIT_BUSY, EXIT_OUTPUT
    from liaison.cli import EXIT_CONTENT, EXIT_INTERNAL, EXIT_OK, EXIT_RULES, EXIT_USAGE

    assert main(["--help"]) == 0
    text = "".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere
    codes = {EXIT_OK: "成功", EXIT_CONTENT: "内容有错误", EXIT_USAGE: "命令用法错误", EXIT_RULES: "合规检查有不符合",
             EXIT_INTERNAL: "程序内部错误", EXIT_OUTPUT: "输出目录不能使用或无法写入",
             EXIT_BUSY: "另一次生成正在写入", 130: "被Ctrl-C中断", 143: "被SIGTERM终止"}
    for code, meaning in codes.items():
        assert f"{code}{meaning}" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = readme.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    for code in codes:
        assert f"`{code}`" in documented


@pytest.fixture
def desk(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clerk's working folder: content, a document, a folder of documents."""
    write(tmp_path / "docs" / "notes.txt", "会议记录")
    write(tmp_path / "report.docx", "我的报告")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("args", "message"), [
    (["--site", "content"], "content/ 是内容目录，不能作为输出目录，为避免误删，已停止。请换一个专用的目录"),
    (["--site", "content/site"], "content/site/ 位于内容目录（content/）之中"),
    (["--site", "."], "是当前工作目录"),
    (["--site", "/"], "/ 是根目录"),
    (["--site", "report.docx"], "report.docx 是一个已有的文件，不是目录"),
    (["--site", "docs"], "docs/ 中有不是本程序生成的文件（如 notes.txt），为避免误删，已停止。请换一个空目录，或确认后加 --force"),
    (["--site", "out", "--signage", "out"], "--site 与 --signage 是同一个目录（out/）"),
    (["--site", "out", "--signage", "out/print"], "--site 的目录 out/ 包含 --signage 的目录 out/print/"),
    (["--site", "content", "--force"], "content/ 是内容目录"),
    (["check", "--report", "content"], "content/ 是内容目录"),
    (["check", "--report", "docs"], "docs/ 中有不是本程序生成的文件（如 notes.txt）"),
    (["check", "--report", "report.docx"], "report.docx 是一个已有的文件"),
    (["check", "--report", "web"], "web/ 是网站输出目录"),
    (["check", "--report", "web/compliance"], "web/compliance/ 位于网站输出目录（web/）之中"),
])
def test_folders_that_are_not_liaisons_are_refused_before_any_work(
        desk: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in sorted(desk.rglob("*")) if p.is_file()}
    code = main(["--content", "content", "--site", "web", "--signage", "print", "--today", "2026-11-26", *args])
    err = capsys.readouterr().err
    assert code == 5
    assert err.splitlines() == [next(line for line in err.splitlines() if message in line)]  # one line, no traceback
    assert {p: p.read_bytes() for p in sorted(desk.rglob("*")) if p.is_file()} == before
    assert not list(desk.glob(".*.liaison"))  # refused before anything was made


@pytest.mark.slow
def test_force_replaces_a_folder_of_other_files_but_only_after_confirmation(
        desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--content", "content", "--site", "docs", "--signage", "print", "--today", "2026-11-26", "-q"]) == 5
    assert (desk / "docs" / "notes.txt").read_text() == "会议记录"
    assert main(["--content", "content", "--site", "docs", "--signage", "print", "--today", "2026-11-26", "-q",
                 "--force"]) == 0
    assert (desk / "docs" / "index.html").is_file() and not (desk / "docs" / "notes.txt").exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish"]) == 2
    assert main(["--today", "2026-02-30"]) == 2
    assert "日期应写成 YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--help"]) == 0


@pytest.mark.slow
def test_build_py_runs_as_a_script(mini: Path, tmp_path: Path) -> None:
    shutil.rmtree(mini / "events")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(mini), "--site", str(tmp_path / "out"),
         "--signage", str(tmp_path / "sign"), "--today", "2026-11-26"],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "stations" / "centre" / "index.html").is_file()
    missing = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(tmp_path / "none")],
                             capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 1
    assert "内容目录不存在" in missing.stderr


def test_check_report_writes_html_and_json_and_strict_fails_on_a_broken_rule(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "compliance: {profiles: [衢州]}\n")
    report_dir = tmp_path / "report"
    args = ["check", "--report", str(report_dir), "--year", "2026"]
    assert run(mini, tmp_path, *args) == 0
    out = capsys.readouterr().out
    assert "合规检查：2026 年，截至 2026-11-26；适用规则：衢州" in out
    assert "✗ 不符合 · 每月至少一次代表接待 · 示例县人大代表联络中心站" in out
    data = json.loads((report_dir / "compliance.json").read_text())
    assert data["failed"] is True and data["profiles"] == ["衢州"]
    assert "合规检查报告" in (report_dir / "compliance.html").read_text()
    assert run(mini, tmp_path, *args, "--strict") == 3
    assert not (tmp_path / "site").exists()  # the report is not part of the public site


@pytest.mark.slow
def test_report_goes_on_the_site_only_when_the_publisher_opts_in(mini: Path, tmp_path: Path, mini_build: Path) -> None:
    assert not (mini_build / "site" / "compliance").exists()
    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "compliance: {publish: true}\n")
    assert run(mini, tmp_path) == 0
    assert (tmp_path / "site" / "compliance" / "index.html").is_file()


def test_report_needs_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--report"]) == 2
    assert "--report 只能与 check 一起使用" in capsys.readouterr().err


@pytest.mark.slow
def test_a_broken_internal_link_in_content_fails_the_build_naming_file_line_page_and_link(
        mini: Path, tmp_path: Path, mini_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published_copy(mini_build, tmp_path)
    before = snapshot(tmp_path / "site")
    system = mini / "systems" / "reception.md"
    system.write_text(system.read_text() + "\n详见[意见办理制度](../opinion-handling/)和[本站](../../stations/centre/#nowhere)。\n")
    capsys.readouterr()
    assert run(mini, tmp_path) == 1
    err = capsys.readouterr().err
    assert ("systems/reception.md:9:12: body: 链接“../opinion-handling/”指向不存在的页面或文件"
            "（在网页 systems/reception/index.html 中）") in err
    assert ("systems/reception.md:9:39: body: 链接“../../stations/centre/#nowhere”页面中没有锚点“#nowhere”"
            "（在网页 systems/reception/index.html 中）") in err
    assert snapshot(tmp_path / "site") == before


@pytest.mark.parametrize(("arguments", "code"), [
    (["--help"], 0),
    (["check"], 0),
    (["check", "--strict"], 1),  # a warning fails a strict check: printed, then the exit code
])
def test_a_reader_that_stops_early_leaves_the_exit_code_and_no_traceback(
        mini: Path, arguments: list[str], code: int) -> None:
    """`liaison check | head -1`: the pipe closes before everything is written."""
    station = mini / "stations" / "east-village.yaml"
    write(station, station.read_text(encoding="utf-8").replace("role: 站长", "role: 联络员"))  # a warning: 没有站长
    command = [sys.executable, "-m", "liaison", *arguments, "--content", str(mini), "--today", "2026-11-26"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=mini) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader has gone before the command writes a line
        errors = process.stderr.read().decode()
        assert process.wait(timeout=120) == code, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_new_writes_a_record_to_fill_and_refuses_a_taken_or_malformed_id(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "deputy", "--name", "赵六", "--station", "centre", "--content", str(mini)]) == 0
    out = capsys.readouterr().out
    assert "zhao-liu" in out and str(mini / "deputies" / "zhao-liu.yaml") in out
    assert run(mini, tmp_path, "check") == 1  # its placeholders, until they are filled
    assert "未填写" in capsys.readouterr().err

    assert main(["new", "station", "centre", "--content", str(mini)]) == 2
    assert "编号“centre”已有联络站使用" in capsys.readouterr().err
    assert main(["new", "station", "East_Town", "--content", str(mini)]) == 2
    err = capsys.readouterr().err
    assert "“East_Town”不能用作编号：只能用小写字母、数字和连字符" in err and "是否想写“east-town”" in err
    assert not (mini / "stations" / "East_Town.yaml").exists()
    assert main(["new", "thing", "x", "--content", str(mini)]) == 2
