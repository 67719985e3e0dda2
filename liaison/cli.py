"""The command line: `python build.py [build|check|plan] [options]`.

Exit codes: 0 ok, 1 content problems, 2 usage, 3 failed compliance rules (check --report --strict),
4 internal error, 5 an output folder refused or not writable, 6 another build holds the outputs,
130 Ctrl-C, 143 SIGTERM. Published output is unchanged unless the exit code is 0.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import jinja2

from liaison.build import distributed, signals
from liaison.build.config import Config
from liaison.build.packs import make_packs
from liaison.build.pipeline import (
    BuildReport,
    Notify,
    SelectionError,
    build,
    check,
    environment,
    prepare,
    published_register,
    sources,
)
from liaison.build.plan import TARGETS, Job, describe
from liaison.build.writer import EXIT_BUSY, EXIT_OUTPUT, OutputError, Publication, check_targets
from liaison.content import files, scaffold
from liaison.content.ids import RULE as ID_RULE
from liaison.content.loader import load_content
from liaison.content.problems import ContentError, Problem
from liaison.content.sheets.columns import SHEETS
from liaison.content.validate import theme_folder_problem, validate
from liaison.model import dates
from liaison.model.site import Site
from liaison.render.report.compliance import ratings_for, report_outputs, terminal_summary
from liaison.render.theme import template_problem
from liaison.rules import compliance

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_RULES, EXIT_INTERNAL = 0, 1, 2, 3, 4
EPILOG = (f"退出码：{EXIT_OK} 成功；{EXIT_CONTENT} 内容有错误（已逐条列出）；{EXIT_USAGE} 命令用法错误"
          f"（含 --dask 的集群不可用或工作进程环境与本机不同）；{EXIT_RULES} 合规检查有不符合的规则（check --report --strict）；{EXIT_INTERNAL} 程序内部错误；"
          f"{EXIT_OUTPUT} 输出目录不能使用或无法写入（已说明目录和原因）；{EXIT_BUSY} 另一次生成正在写入同一输出目录；"
          "130 被 Ctrl-C 中断；143 被 SIGTERM 终止。退出码不是 0 时，已发布的文件保持不变。")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="liaison",
        description="把 content/ 中的联络站、代表、制度、活动和意见记录生成公开网站（site/）和制作文件（signage/）。"
                    "新建一条记录：liaison new 类别 编号（见 liaison new --help）；"
                    "边编辑边在浏览器中预览：liaison serve（见 liaison serve --help）。",
        epilog=EPILOG,
    )
    p.add_argument("command", nargs="?", choices=["build", "check", "plan", "pack"], default="build",
                   help="build：校验并生成（默认）；check：只校验，不生成任何文件；"
                        "plan：列出生成计划中的每个文件和它依据的记录、模板、文件和设置，不写任何文件；"
                        "pack：把已生成的制作文件按联络站打成 zip 包交给制作单位（不重新生成）。"
                        "另有 import FILE（导入 Excel/CSV 表格）和 export FILE（导出为 Excel），见 import --help")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="内容目录（默认 content）")
    p.add_argument("--site", type=Path, default=Path("site"), metavar="DIR", help="网站输出目录（默认 site）")
    p.add_argument("--signage", type=Path, default=Path("signage"), metavar="DIR", help="制作文件输出目录（默认 signage）")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                   help="按此日期计算“近期”“有效”等内容（默认取 site.yaml 中 timezone 时区的今天，"
                        "设置了 SOURCE_DATE_EPOCH 时取它的日期）")
    p.add_argument("--theme", type=_theme_folder, metavar="DIR",
                   help="主题文件夹：其中 templates/ 和 static/ 里的文件替换默认主题的同名文件（优先于 site.yaml 的 theme；"
                        "见 docs/themes.md）")
    p.add_argument("--report", nargs="?", const=Path("report"), type=Path, metavar="DIR",
                   help="与 check 一起使用：按规则检查各站、代表和意见办理，写出 HTML 和 JSON 报告（默认 report/）")
    p.add_argument("--year", type=int, metavar="YYYY", help="合规检查的年度（默认今天所在年度）")
    p.add_argument("--strict", action="store_true", help="警告也视为错误；与 --report 一起时，有不符合的规则即以 3 退出")
    p.add_argument("--force", action="store_true",
                   help="输出目录中有不是本程序生成的文件时仍然替换它（这些文件会被删除；"
                        "内容目录、主目录、当前目录等任何时候都不会被替换）")
    p.add_argument("--only", type=_targets, metavar="PARTS",
                   help="只生成这些部分（用逗号分隔）：web 网站页面、订阅和图片，kiosk 大厅屏幕，print 制作文件，"
                        "data 开放数据；其余已发布的文件原样保留（需要先完整生成过一次）")
    p.add_argument("--station", action="append", default=[], metavar="ID",
                   help="只生成该联络站自己的文件：它的网页、日历订阅、接待公告、大厅屏幕和制作文件，"
                        "以及汇总它们的站点地图、罕见字字体和制作清单；可重复使用；其余已发布的文件原样保留。"
                        "与 pack 一起使用：只打这些联络站的制作包")
    p.add_argument("--jobs", type=_jobs, metavar="N",
                   help="同时渲染的进程数（默认：本程序可用的处理器数，含容器的 CPU 配额）")
    p.add_argument("--clean", action="store_true",
                   help="全部重新生成，不沿用上次生成的任何文件（默认只重新生成内容、模板或设置有变化的文件，结果与全部重新生成相同）")
    p.add_argument("--prune", action="append", default=[], metavar="URL",
                   help="移除一个已删除记录留下的页面（如 deputies/zhang-san/），此后该网址不再有页面；可重复使用")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="在 Dask 分布式集群上渲染：ADDRESS 为调度器地址（如 tcp://10.0.0.1:8786），写 local 则在本机启动"
                        f"与 --jobs 同样多的工作进程；需先安装：{distributed.INSTALL}；工作机的要求见 docs/distributed.md")
    p.add_argument("--json", action="store_true", help="与 plan 一起使用：以 JSON 列出")
    p.add_argument("--output", type=Path, metavar="DIR",
                   help="与 pack 一起使用：制作包写入的目录（默认 packs），每站一个 <联络站编号>.zip；"
                        "用 --station 只打这些联络站的包")
    p.add_argument("-q", "--quiet", action="store_true", help="只输出错误")
    return p


def _import(argv: list[str]) -> int:
    """`liaison import FILE.xlsx|FILE.csv`: each row of a roster creates or updates one record file."""
    p = argparse.ArgumentParser(prog="liaison import", epilog="可识别的列名及同义词见 docs/import.md。",
                                description="把 Excel 工作簿（.xlsx）或 CSV 表格中的每一行导入为一条记录：新行新建记录文件，"
                                            "已有记录只修改表格中有的字段。有任何错误时不写入任何文件。")
    p.add_argument("file", type=Path, metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
    p.add_argument("--sheet", metavar="NAME", help="只导入这个工作表（默认：能识别的每个工作表）")
    p.add_argument("--kind", choices=list(SHEETS), help="表格中是哪一类记录（默认按列名和工作表名判断）")
    p.add_argument("--dry-run", action="store_true", help="只列出将新建和修改的记录，不写入任何文件")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="内容目录（默认 content）")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="新进站和离站的日期（默认取 site.yaml 中 timezone 时区的今天）")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from liaison.content.sheets.importer import WriteError, apply, plan_import  # openpyxl: only import needs it

    if args.file.suffix.lower() not in (".xlsx", ".csv"):
        print(f"只能导入 .xlsx 或 .csv 文件：{args.file}（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）", file=sys.stderr)
        return EXIT_USAGE
    plan = plan_import(args.file, args.content, sheet=args.sheet, kind=args.kind, today=args.today)
    if plan.blocked:
        _print_problems(plan.content_problems)
        print("内容目录有错误，请先修正（python build.py check），未导入任何记录。", file=sys.stderr)
        return EXIT_CONTENT
    for note in plan.notes:
        print(note, file=sys.stderr)
    _print_problems(plan.content_problems)
    for problem in sorted(plan.problems):
        print(problem.format(), file=sys.stderr)
    if plan.failed:
        print(f"表格有 {plan.errors} 处错误，未写入任何文件。", file=sys.stderr)
        return EXIT_CONTENT
    if not args.dry_run:
        try:
            apply(plan)
        except WriteError as exc:
            done = "、".join(str(path) for path in exc.written) or "无"
            print(f"无法写入 {exc.path}：{exc.error.strerror}。此前已写入：{done}；其余记录未写入，修正后可再次导入"
                  "（已写入的记录会被认出，不会重复）。", file=sys.stderr)
            return EXIT_OUTPUT
    cwd = Path.cwd()
    for change in plan.changes:
        shown = change.path.relative_to(cwd) if change.path.is_relative_to(cwd) else change.path
        what = "新建" if change.new else f"修改（{'、'.join(change.headers)}）"
        print(f"{'将' if args.dry_run else '已'}{what} {shown} ← {change.where}")
    created = sum(1 for change in plan.changes if change.new)
    print(f"{'预览（未写入）' if args.dry_run else '导入完成'}：新建 {created} 条，修改 {len(plan.changes) - created} 条，"
          f"未变 {plan.unchanged} 条")
    return EXIT_OK


def _export(argv: list[str]) -> int:
    """`liaison export FILE.xlsx`: every station, deputy, event and opinion in one workbook."""
    p = argparse.ArgumentParser(prog="liaison export",
                                description="把联络站、代表、接待安排和意见建议写成一个 Excel 工作簿（每类一个工作表），"
                                            "可编辑后用 liaison import 导回。")
    p.add_argument("file", type=Path, metavar="FILE", help="要写出的 .xlsx 文件（已有则覆盖）")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="内容目录（默认 content）")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from liaison.render.workbook import workbook_bytes  # openpyxl: only export needs it

    if args.file.suffix.lower() != ".xlsx":
        print(f"导出文件应以 .xlsx 结尾：{args.file}", file=sys.stderr)
        return EXIT_USAGE
    typed, problems = validate(load_content(args.content), args.content)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _print_problems(errors)
        print(f"内容有 {len(errors)} 处错误，未导出。", file=sys.stderr)
        return EXIT_CONTENT
    try:
        files.replace(args.file, workbook_bytes(typed.records, dt.date.today()))  # a full disk keeps the old workbook
    except OSError as exc:
        print(f"无法写入 {args.file}：{exc.strerror}（文件是否正在 Excel 或 WPS 中打开？）", file=sys.stderr)
        return EXIT_OUTPUT
    counts = "，".join(f"{SHEETS[kind].title} {len(typed.of(kind))} 行" for kind in SHEETS)
    print(f"已导出 {args.file}：{counts}")
    return EXIT_OK


SHEET_COMMANDS = {"import": _import, "export": _export}


def main(argv: list[str] | None = None) -> int:
    with _readers_may_leave():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        return _new(argv[1:])
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    if argv and argv[0] in SHEET_COMMANDS:
        return SHEET_COMMANDS[argv[0]](argv[1:])
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, bad usage exits 2
        return int(exc.code or 0)
    if args.report is not None and args.command != "check":
        print("--report 只能与 check 一起使用：python build.py check --report", file=sys.stderr)
        return EXIT_USAGE
    if (args.only or args.station) and args.command == "check":
        print("--only 和 --station 只能与 build 或 plan 一起使用", file=sys.stderr)
        return EXIT_USAGE
    if args.json and args.command != "plan":
        print("--json 只能与 plan 一起使用：python build.py plan --json", file=sys.stderr)
        return EXIT_USAGE
    if args.dask and args.command != "build":
        print("--dask 只能与 build 一起使用", file=sys.stderr)
        return EXIT_USAGE
    if args.output is not None and args.command != "pack":
        print("--output 只能与 pack 一起使用：python build.py pack --output DIR", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "pack":
        return _pack(args)
    try:
        dates.source_date_epoch()
        if args.dask:
            distributed.require()
    except (dates.EpochError, distributed.ClusterError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    config = Config(content=args.content, site_dir=args.site, signage_dir=args.signage,
                    today=args.today, strict=args.strict and args.report is None, force=args.force,
                    only=args.only or (), stations=tuple(dict.fromkeys(args.station)), theme=args.theme,
                    jobs=args.jobs, clean=args.clean, dask=args.dask, prune=tuple(args.prune))
    with signals.handled():
        return _run(args, config)


def new_parser() -> argparse.ArgumentParser:
    kinds = "；".join(f"{kind.singular} {kind.label}" for kind in scaffold.BY_SINGULAR.values())
    p = argparse.ArgumentParser(
        prog="liaison new",
        description="新建一条记录：写出该类记录的全部字段，按记录格式（docs/schema.md）的顺序，每个字段附中文说明；"
                    "必填字段空着待填，选填字段以“# ”注释掉。填好后运行 liaison check 检查。",
    )
    p.add_argument("kind", choices=list(scaffold.BY_SINGULAR), metavar="类别", help=f"记录的类别：{kinds}")
    p.add_argument("record_id", nargs="?", metavar="编号",
                   help=f"新记录的编号，即文件名，也是公开网址的一部分：{ID_RULE}；"
                        "新建代表时可以不写，由 --name 的拼音生成")
    p.add_argument("--name", help="名称或标题：联络站、代表的 name，公告、制度的 title")
    p.add_argument("--station", metavar="ID",
                   help="联络站的编号：新联络站的上级站点，代表进驻的站点，活动、意见、公告、制度所属的站点")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="内容目录（默认 content）")
    return p


def _new(argv: list[str]) -> int:
    """`liaison new KIND [ID]`: one new record to fill in (liaison/content/scaffold.py)."""
    try:
        args = new_parser().parse_args(argv)
    except SystemExit as exc:  # --help exits 0, bad usage exits 2
        return int(exc.code or 0)
    try:
        created = scaffold.create(args.content, scaffold.BY_SINGULAR[args.kind], args.record_id, args.name,
                                  args.station)
    except scaffold.NewRecordError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if created.proposed:
        print(f"编号按姓名的拼音取为 {created.record_id}：它是文件名，也是公开网址的一部分；"
              "要用别的编号，删去这个文件，在命令中写明编号重新新建")
    print(f"已新建 {created.path}：请填写其中空着的字段，然后运行 liaison check 检查")
    return EXIT_OK


def _serve(argv: list[str]) -> int:
    """`liaison serve`: a live preview in the browser, built again on every save (liaison/build/serve.py)."""
    p = argparse.ArgumentParser(prog="liaison serve",
                                description="在浏览器中预览网站：生成到专用的预览目录（不是发布用的 site/），"
                                            "保存内容或主题文件后自动重新生成并刷新页面；内容有错误时页面上列出每一处。按 Ctrl-C 停止。")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="内容目录（默认 content）")
    p.add_argument("--port", type=_port, default=8000, help="端口（默认 8000；0 表示任取一个空闲端口）")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="监听的地址（默认 127.0.0.1，只有本机能打开；0.0.0.0 让办公室局域网内的电脑也能打开）")
    p.add_argument("--preview", type=Path, metavar="DIR",
                   help="预览目录（默认在用户缓存目录 ~/.cache/liaison/preview/ 下，每个内容目录一个，下次启动时沿用）")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="按此日期计算“近期”“有效”等内容（默认今天）")
    p.add_argument("--theme", type=_theme_folder, metavar="DIR", help="主题文件夹（见 docs/themes.md）")
    p.add_argument("--jobs", type=_jobs, metavar="N", help="同时渲染的进程数（默认：本程序可用的处理器数）")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.content.is_dir():
        print(f"内容目录不存在：{args.content}（用 --content 指定内容目录）", file=sys.stderr)
        return EXIT_USAGE
    from liaison.build import serve  # watchfiles and the server, which no other command needs

    folder = args.preview or serve.default_folder(args.content)
    config = Config(content=args.content, site_dir=folder / "site", signage_dir=folder / "signage",
                    today=args.today, theme=args.theme, jobs=args.jobs)
    try:
        serve.run(config, args.bind, args.port, _notice)
    except serve.PortError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


class _PipeSafe:
    """A standard stream that, once its reader has gone (`liaison check | head`), takes further text silently."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
                self._stream.flush()  # a closed pipe shows now, not at exit
            except BrokenPipeError:
                self._gone = True
                os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())  # nothing left to flush at exit
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            with contextlib.suppress(BrokenPipeError):
                self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _readers_may_leave() -> Iterator[None]:
    """The command ends with its own exit code and no traceback when what reads its output stops early."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PipeSafe(sys.stdout), _PipeSafe(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _run(args: argparse.Namespace, config: Config) -> int:
    started = time.monotonic()
    notify = None if args.quiet else _notice
    try:
        if args.command == "check":
            if args.report is not None:  # a refused folder is said before any work
                check_targets({"report": args.report}, _report_sources(config), config.force)
            site, warnings = check(config)
            _print_problems(warnings)
            if not args.quiet:
                print(f"校验通过：{len(site.stations)} 个联络站，{len(site.deputies)} 名代表，"
                      f"{len(site.events)} 项活动，{len(site.opinions)} 条意见；警告 {len(warnings)} 条")
            if args.report is not None:
                return _compliance(site, config, args, notify)
            return EXIT_OK
        if args.command == "plan":
            prepared = prepare(config, published_register(config))  # with the tombstones a build would keep
            _print_problems(prepared.warnings)
            _print_plan(prepared.selected(config), args.json)
            return EXIT_OK
        from liaison.progress import BuildProgress  # rich, only for a build that shows its progress

        progress = None if args.quiet else BuildProgress()
        try:
            report = build(config, progress, notify)
        finally:
            if progress:
                progress.close()
    except ContentError as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == "error" or config.strict)
        print(f"内容有 {errors} 处错误，未生成任何文件，已发布的内容保持不变。", file=sys.stderr)
        return EXIT_CONTENT
    except jinja2.TemplateError as exc:  # a theme's template (docs/themes.md)
        _print_problems([template_problem(exc)])
        print("主题有错误，未生成任何文件，已发布的内容保持不变。", file=sys.stderr)
        return EXIT_CONTENT
    except OutputError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except (SelectionError, distributed.ClusterError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        stop = exc if isinstance(exc, signals.Interrupted) else signals.Interrupted(signal.SIGINT)
        print(stop.message, file=sys.stderr)
        return stop.exit_code
    except Exception:  # noqa: BLE001 - a bug, not a content problem: say so, keep the details for the report
        traceback.print_exc()
        print("程序内部错误（见上方详情，请报告给维护人员），已发布的内容保持不变。", file=sys.stderr)
        return EXIT_INTERNAL
    _print_problems(report.warnings)
    if not args.quiet:
        print(_summary(report, time.monotonic() - started))
    return EXIT_OK


def _pack(args: argparse.Namespace) -> int:
    """Zip the published print files of the chosen stations (all by default) for the shop."""
    try:
        written = make_packs(args.signage, tuple(dict.fromkeys(args.station)), args.output or Path("packs"))
    except SelectionError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    if not args.quiet:
        print(f"已生成 {len(written)} 个制作包：{'、'.join(str(path) for path in written)}")
    return EXIT_OK


def _report_sources(config: Config) -> dict[str, Path]:
    """The report goes neither over the content and theme nor into or around the build's outputs."""
    return {**sources(config), "网站输出目录": config.site_dir, "制作文件输出目录": config.signage_dir}


def _compliance(site: Site, config: Config, args: argparse.Namespace, notify: Notify | None) -> int:
    report = compliance.check(site, args.year)
    with Publication({"report": args.report}, _report_sources(config), config.force, notify) as publication:
        publication.stage("report", report_outputs(site, report, environment(site, config)))
        publication.publish()
    if not args.quiet or report.failed:
        for line in terminal_summary(report, ratings_for(site, report.year)):
            print(line)
        print(f"报告：{args.report / 'compliance.html'}、{args.report / 'compliance.json'}")
    return EXIT_RULES if args.strict and report.failed else EXIT_OK


def _summary(report: BuildReport, seconds: float) -> str:
    site, signage = report.written["site"], report.written["signage"]
    if not report.rendered:
        return f"内容、模板和设置都没有变化，已发布的文件保持不变（网站 {site.written} 个，制作文件 {signage.written} 个），用时 {seconds:.1f} 秒"
    return (f"生成完成：重新渲染 {report.rendered} 项、沿用 {report.kept} 项；网站 {site.written} 个文件（变化 {site.changed}，删除 {site.removed}），"
            f"制作文件 {signage.written} 个（变化 {signage.changed}），警告 {len(report.warnings)} 条，"
            f"用时 {seconds:.1f} 秒")


def _print_plan(jobs: list[Job], as_json: bool) -> None:
    """Every job with its declared inputs: one block each, or one JSON document."""
    if as_json:
        print(json.dumps([describe(job) for job in jobs], ensure_ascii=False, indent=1))
        return
    for job in jobs:  # a job's block in one write (the stream flushes each: 26,166 jobs at 300 stations)
        station = f"，联络站 {job.station}" if job.station else ""
        outputs = [f"{job.tree}/{path}" for path in job.outputs] + ([f"{job.tree}/{job.more}"] if job.more else [])
        function = f"{job.render.__module__}.{job.render.__qualname__}"
        lines = [f"{'、'.join(outputs) or job.key}  [{job.target}{station}]",
                 f"    生成：{function}({', '.join(repr(arg) for arg in job.args)})"]
        for label, names in [*((f"记录 {kind}", _some(ids)) for kind, ids in job.inputs.records),
                             ("模板", job.inputs.templates), ("文件", job.inputs.files), ("设置", job.inputs.settings),
                             ("汇总", _some(job.fan_in))]:
            if names:
                lines.append(f"    {label}：{'、'.join(names)}")
        print("\n".join(lines))
    count = sum(len(job.outputs) for job in jobs)
    print(f"共 {len(jobs)} 项，{count} 个文件（另有张数或字体数由内容决定的文件）")


def _some(names: tuple[str, ...], shown: int = 8) -> tuple[str, ...]:
    """A long list of names as its first few and how many there are (plan --json lists them all)."""
    return names if len(names) <= shown else (*names[:shown], f"… 共 {len(names)} 项")


def _notice(message: str) -> None:
    print(message, file=sys.stderr)


def _print_problems(problems: list[Problem]) -> None:
    cwd = Path.cwd()
    for problem in sorted(problems):
        print(problem.format(relative_to=cwd), file=sys.stderr)


def _targets(text: str) -> tuple[str, ...]:
    parts = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [part for part in parts if part not in TARGETS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"“{text}”中有未知的部分：应为 {'、'.join(TARGETS)} 中的一项或几项，用逗号分隔")
    return parts


def _theme_folder(text: str) -> Path:
    wrong = theme_folder_problem(Path(text), text)
    if wrong:
        raise argparse.ArgumentTypeError(wrong)
    return Path(text)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数：--jobs 是同时渲染的进程数，如 --jobs 4")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"“{text}”不是端口号：应为 0 到 65535 之间的整数，如 --port 8000")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{text}") from None
