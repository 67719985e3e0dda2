"""A user's theme folder laid over the default theme file by file (docs/themes.md): templates through a Jinja
ChoiceLoader with the default's under default/, static files replaced by path, named by site.yaml or --theme."""
from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.build.pipeline import Config, build, check, environment, site_theme
from liaison.build.writer import MANIFEST
from liaison.cli import main
from liaison.content.problems import ContentError
from liaison.render.kiosk import screen as kiosk
from liaison.render.print.notices import notice_sheet
from liaison.render.theme import DEFAULT_THEME, Theme, digest, recording
from liaison.render.theme import environment as theme_environment
from liaison.render.web import assets
from tests.conftest import ROOT, TODAY, dating, model, plan_of, snapshot, web_page, write
from tests.pdf_reading import colour_operators

FOOTER = re.compile(rb'<footer class="footer">.*?</footer>', re.S)
NEW_FOOTER = ('{% extends "default/base.html" %}\n'
              '{% block footer %}<div class="wrap"><p>{{ site.settings.publisher }} 主办 · 主题页脚</p></div>{% endblock %}\n')


def footer_theme(folder: Path, words: str = "主题页脚") -> Path:
    """A theme holding only a base.html that extends the default one and replaces its footer."""
    write(folder / "templates" / "base.html", NEW_FOOTER.replace("主题页脚", words))
    return folder


def set_theme(content: Path, folder: str) -> None:
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"theme: {folder}\n", encoding="utf-8")


@pytest.mark.slow
def test_a_base_html_extending_the_default_changes_every_web_pages_footer_and_nothing_else(
        mini_build: Path, mini: Path, tmp_path: Path) -> None:
    theme = footer_theme(tmp_path / "theme")
    build(Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY,
                 theme=theme))
    web_pages = {path for job in plan_of(mini) if web_page(job) for path in job.outputs if path.endswith(".html")}
    for part in ("site", "signage"):
        before, after = snapshot(mini_build / part), snapshot(tmp_path / part)
        assert sorted(after) == sorted(before), part
        changed = {path for path in before if before[path] != after[path] and path != MANIFEST}
        assert changed == (web_pages if part == "site" else set()), part
        for path in changed:
            [footer] = FOOTER.findall(after[path])
            assert "示例县人大常委会办公室 主办 · 主题页脚".encode() in footer, path
            assert FOOTER.sub(b"", after[path]) == FOOTER.sub(b"", before[path]), path  # the rest byte for byte


def test_a_template_of_the_theme_replaces_the_default_one_which_stays_reachable(tmp_path: Path) -> None:
    theme = footer_theme(tmp_path / "theme")
    loader = Theme(theme).loader()
    _, env = model()  # get_source needs an environment; which one is beside the point
    assert loader.get_source(env, "base.html")[0] == NEW_FOOTER
    assert loader.get_source(env, "default/base.html")[1] == str(DEFAULT_THEME / "templates" / "base.html")
    assert loader.get_source(env, "station.html")[1] == str(DEFAULT_THEME / "templates" / "station.html")
    assert Theme().loader().get_source(env, "base.html")[1] == str(DEFAULT_THEME / "templates" / "base.html")


def test_a_template_and_a_stylesheet_are_recorded_by_the_source_they_were_made_of(tmp_path: Path) -> None:
    """A process compiles a template once per build, maybe long after the build began: what a job records is the
    digest of the source it was compiled from and of the stylesheet as it was read, not the files as they are
    when the build ends, or an edit made meanwhile would be taken for what the outputs were made of."""
    theme = footer_theme(tmp_path / "theme")
    write(theme / "templates" / "print" / "poster.css", "p { margin: 0; }\r\n")
    site, _ = model()
    env = theme_environment(dating(site), Theme(theme))
    with recording() as first:
        env.get_template("base.html")
        stylesheet = env.globals["stylesheet"]("templates/print/poster.css")
    assert stylesheet == "p { margin: 0; }\n"  # as read_text() reads it
    base = (theme / "templates" / "base.html").read_bytes()
    assert first == {"base.html": digest(base), "theme:templates/print/poster.css": digest(b"p { margin: 0; }\r\n")}
    footer_theme(theme, "改过的页脚")  # edited after it was compiled: the compiled template stays this build's
    with recording() as again:
        env.get_template("base.html")
    assert again["base.html"] == digest(base) != digest((theme / "templates" / "base.html").read_bytes())


def test_static_files_of_the_theme_replace_the_defaults_by_path_and_the_others_stay(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    write(theme / "static" / "style.css", "body { color: black; }\n")
    write(theme / "static" / "img" / "logo.svg", "<svg/>\n")
    published = {relative: path.read_bytes() for relative, path in Theme(theme).static_files().items()}
    default = {relative: path.read_bytes() for relative, path in Theme().static_files().items()}
    assert set(published) == set(default) | {"img/logo.svg"}
    assert published["style.css"] == b"body { color: black; }\n"
    assert published["img/logo.svg"] == b"<svg/>\n"
    assert all(published[path] == data for path, data in default.items() if path != "style.css")
    assert assets.static_files(Theme(theme)) == sorted(published)  # what the plan publishes under static/


def test_site_yaml_names_the_theme_and_the_command_line_one_wins(mini: Path, tmp_path: Path) -> None:
    footer_theme(mini / "theme", "内容目录的主题")
    set_theme(mini, "theme")
    other = footer_theme(tmp_path / "other", "命令行的主题")
    for given, words in ((None, "内容目录的主题"), (other, "命令行的主题")):
        config = Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY,
                        theme=given)
        site, _ = check(config)
        assert site_theme(site, config).custom == (given or mini / "theme")
        home = environment(site, config).get_template("home.html").render(site=site, page_path="index.html")
        assert words in home


@pytest.mark.parametrize(("folder", "message"), [
    ("no-such-theme", "主题文件夹“no-such-theme”不存在"),
    ("../outside", "主题文件夹“../outside”不存在或超出内容目录"),
    ("photos", "主题文件夹“photos”中没有 templates/ 或 static/ 文件夹：主题的模板和静态文件放在这两个文件夹里"),
], ids=["missing", "outside", "empty"])
def test_a_theme_in_site_yaml_that_cannot_be_used_is_a_located_error(mini: Path, tmp_path: Path, folder: str,
                                                                     message: str) -> None:
    footer_theme(mini.parent / "outside")  # a usable theme, but outside the content folder
    set_theme(mini, folder)
    config = Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY)
    with pytest.raises(ContentError) as raised:
        check(config)
    [problem] = raised.value.problems
    lines = (mini / "site.yaml").read_text(encoding="utf-8").splitlines()
    assert (problem.path, problem.line, problem.column, problem.field) == (mini / "site.yaml", len(lines), 8, "theme")
    assert problem.message == message


@pytest.mark.parametrize("make", [lambda folder: None, lambda folder: folder.mkdir()], ids=["missing", "empty"])
def test_a_theme_on_the_command_line_that_cannot_be_used_is_a_usage_error(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make) -> None:
    folder = tmp_path / "theme"
    make(folder)
    assert main(["build", "--content", str(mini), "--theme", str(folder), "--site", str(tmp_path / "site"),
                 "--signage", str(tmp_path / "signage")]) == 2
    assert f"主题文件夹“{folder}”" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("template", "text", "line", "message"), [
    ("base.html", '{% extends "default/base.html" %}\n{% block footer %}{{ site.settings.publisher }\n{% endblock %}\n',
     2, "主题模板有误：unexpected '}'"),
    ("base.html", '{% extends "default/base.html" %}\n\n{% block footer %}{{ site.settings.no_such_field }}{% endblock %}\n',
     3, "主题模板有误：'liaison.content.schema.Site object' has no attribute 'no_such_field'"),
    ("station.html", '{% extends "default/station.html" %}\n{% import "no-such-macros.html" as m %}\n',
     2, "主题模板有误：找不到模板“no-such-macros.html”"),
    ("kiosk/page.html", '<p>{{ station.name }}</p>\n<p>{{ no_such_value }}</p>\n', 2,
     "主题模板有误：'no_such_value' is undefined"),  # rendered in a worker process where there are cores
], ids=["syntax", "no-such-field", "no-such-template", "kiosk-undefined"])
def test_a_mistake_in_a_themes_template_is_located_and_publishes_nothing(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, text: str, line: int,
        message: str) -> None:
    theme = tmp_path / "theme"
    write(theme / "templates" / template, text)
    assert main(["build", "--content", str(mini), "--theme", str(theme), "--site", str(tmp_path / "site"),
                 "--signage", str(tmp_path / "signage"), "--today", "2026-11-26"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert f"{theme / 'templates' / template}:{line}:0: -: {message}" in errors, errors
    assert "主题有错误，未生成任何文件，已发布的内容保持不变。" in errors
    assert not any("Traceback" in error for error in errors)
    assert not (tmp_path / "site").exists() and not (tmp_path / "signage").exists()


def test_a_themes_tokens_css_missing_a_default_token_is_named_and_publishes_nothing(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokens = write(tmp_path / "theme" / "static" / "tokens.css", ":root { --brand-red: #123456; --qr-dark: #000; }\n")
    assert main(["build", "--content", str(mini), "--theme", str(tmp_path / "theme"), "--site", str(tmp_path / "site"),
                 "--signage", str(tmp_path / "signage"), "--today", "2026-11-26"]) == 1
    [problem, summary] = capsys.readouterr().err.splitlines()
    assert problem.startswith(f"{tokens}:0:0: -: 主题有误：static/tokens.css 缺少默认主题的 --brand-red-dark、--on-red、"
                              "--qr-light、--web-ink、--web-muted 等 ")
    assert problem.endswith(" 项：它替换默认的整个文件，请复制默认主题的 static/tokens.css 再修改")
    assert summary == "主题有错误，未生成任何文件，已发布的内容保持不变。"
    assert not (tmp_path / "site").exists()


def test_no_output_folder_may_be_inside_the_theme(mini: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    theme = footer_theme(tmp_path / "theme")
    before = snapshot(theme)
    assert main(["build", "--content", str(mini), "--theme", str(theme), "--site", str(theme / "site"),
                 "--signage", str(tmp_path / "signage")]) == 5
    assert "主题目录" in capsys.readouterr().err
    assert snapshot(theme) == before


# ---- tokens: every colour and type size named once, in static/tokens.css ---------------------------------------

TEMPLATES = DEFAULT_THEME / "templates"
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?![\w-])")
LITERALS = [HEX, re.compile(r"\brgba?\("), re.compile(r"font(?:-size)?:\s*[\d.]+(?:rem|px|pt|vmin|vw|vh)\b")]


def literals(text: str) -> list[str]:
    return [found.group(0) for pattern in LITERALS for found in pattern.finditer(text)]


def test_no_colour_or_type_size_is_written_outside_the_tokens() -> None:
    """The theme's stylesheets and templates and the renderers name them; only the print spec (the plate's red,
    which the rules fix) and the favicon (an image, which reads no stylesheet) write their own."""
    theme_files = [p for p in DEFAULT_THEME.rglob("*") if p.suffix in {".css", ".html", ".svg", ".js", ".txt", ".xml"}
                   and p.name not in {"tokens.css", "favicon.svg"}]
    renderers = [p for p in (ROOT / "liaison" / "render").rglob("*.py") if p.name != "spec.py"]
    assert len(theme_files) > 20 and len(renderers) > 15
    found = {str(p.relative_to(ROOT)): literals(p.read_text(encoding="utf-8")) for p in theme_files + renderers}
    assert {path: values for path, values in found.items() if values} == {}


def test_the_guard_sees_a_literal() -> None:
    assert literals('.a { color: #b5121b; font-size: 12pt } <rect fill="#fff"/> .b { background: rgba(0, 0, 0, .1) }'
                    ' .c { font: 24pt "Noto Sans CJK SC" }') == ["#b5121b", "#fff", "rgba(", "font-size: 12pt",
                                                                 "font: 24pt"]
    assert literals('<a href="#main">x</a> .d { color: var(--web-ink); font-size: .85em }') == []


def test_one_brand_red_and_no_drifted_copy() -> None:
    tokens = Theme().tokens()
    assert tokens["brand-red"] == "#a4121c"
    assert tokens["kiosk-bar"] == tokens["print-flow-line"] == tokens["web-chart-answered"] == tokens["brand-red"]
    for path in [*DEFAULT_THEME.rglob("*.*"), *(ROOT / "liaison").rglob("*.py")]:
        if path.suffix in {".css", ".html", ".svg", ".py"}:
            text = path.read_text(encoding="utf-8").lower()
            assert "#b5121b" not in text and "#8f111a" not in text, path


def rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def pdf_colours(data: bytes) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in op.split()[1:]) for op in colour_operators(data) if op.startswith(("rg ", "RG "))]


def close(colour: tuple[float, ...], colours: list[tuple[float, ...]]) -> bool:
    return any(all(abs(a - b) < 0.5 / 255 for a, b in zip(colour, other, strict=True)) for other in colours)


def test_a_themes_tokens_css_recolours_web_kiosk_and_print(mini: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    default = (DEFAULT_THEME / "static" / "tokens.css").read_text(encoding="utf-8")
    write(theme / "static" / "tokens.css", default.replace("--brand-red: #a4121c;", "--brand-red: #123456;")
          .replace("--qr-dark: #000;", "--qr-dark: #101820;"))
    site, _ = model(mini)
    env = theme_environment(dating(site, mini), Theme(theme))
    opinions = env.get_template("opinions.html").render(site=site, page_path="opinions/index.html")
    assert 'fill="#123456"' in opinions  # the chart's answered bars: web-chart-answered is the brand red
    station = site.stations["centre"]
    page = env.get_template("station.html").render(site=site, station=station, page_path="stations/centre/index.html")
    assert '<path fill="#101820" d="M' in page and 'fill="#000"' not in page  # the QR codes
    assert "--brand-red: #123456;" in kiosk.kiosk_page(site, env, station, mini)  # inlined: the bar reads it
    assert Theme(theme).static_files()["tokens.css"].read_text(encoding="utf-8").count("#123456")
    sheet, _ = notice_sheet(site, env, next(iter(site.published_receptions())), None)
    default_sheet, _ = notice_sheet(site, model(mini)[1], next(iter(site.published_receptions())), None)
    assert close(rgb("#123456"), pdf_colours(sheet)) and not close(rgb("#a4121c"), pdf_colours(sheet))
    assert close(rgb("#a4121c"), pdf_colours(default_sheet))  # the print files' red is the brand red


def test_templates_compiled_once_per_process_follow_their_source_and_the_environment_options(tmp_path: Path) -> None:
    """Environments share the code compiled from a template (a server's builds compile each template once): a
    changed source is compiled again, and an overlay with other options (the lobby screen's finalize) gets its
    own code, never the other's."""
    site, _ = model()
    custom = write(tmp_path / "theme" / "templates" / "part.html", "{% macro shown(x) %}[{{ x }}]{% endmacro %}")
    write(tmp_path / "theme" / "templates" / "page.html", '{% import "part.html" as p %}{{ p.shown("甲") }}')

    def rendered(finalize: bool) -> str:
        env = theme_environment(dating(site), Theme(tmp_path / "theme"))
        env = env.overlay(finalize=lambda value: f"«{value}»") if finalize else env
        return env.get_template("page.html").render()

    assert rendered(False) == "[甲]"
    assert rendered(True) == "«[«甲»]»"  # compiled for the overlay, not taken from the plain environment
    assert rendered(False) == "[甲]"
    custom.write_text("{% macro shown(x) %}（{{ x }}）{% endmacro %}", encoding="utf-8")
    assert rendered(False) == "（甲）"



def test_compiled_code_that_cannot_be_kept_leaves_nothing_in_the_folder(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder of compiled templates fills up (the rename fails): the page still renders, and no half-written
    file is left there for every later process to trip over."""
    site, _ = model()
    write(tmp_path / "theme" / "templates" / "page.html", "[{{ 1 + 1 }}]")

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    env = theme_environment(dating(site), Theme(tmp_path / "theme"), compiled=tmp_path / "compiled")
    assert env.get_template("page.html").render() == "[2]"
    assert list((tmp_path / "compiled").iterdir()) == []

COMPILE_AND_RENDER = """
import sys, jinja2
from pathlib import Path
from liaison.render import theme
from tests.conftest import dating, model
compiled = []
compile = jinja2.Environment.compile
jinja2.Environment.compile = lambda env, *args, **kwargs: compiled.append(1) or compile(env, *args, **kwargs)
site, _ = model()
folder, cache = Path(sys.argv[1]), Path(sys.argv[2])
env = theme.environment(dating(site), theme.Theme(folder), compiled=cache)
print(env.get_template("page.html").render(), len(compiled))
"""


@pytest.mark.slow  # seven processes, each importing liaison
def test_templates_compiled_by_one_process_are_taken_from_the_folder_by_the_next(tmp_path: Path) -> None:
    """A build's render workers each compiled every template they use (a quarter of a second a process): the
    code is kept in a folder, and taken from there while the template's source is the same."""
    write(tmp_path / "theme" / "templates" / "part.html", "{% macro shown(x) %}[{{ x }}]{% endmacro %}")
    write(tmp_path / "theme" / "templates" / "page.html", '{% import "part.html" as p %}{{ p.shown("甲") }}')

    def process(cache: Path) -> tuple[str, int]:
        done = subprocess.run([sys.executable, "-c", COMPILE_AND_RENDER, str(tmp_path / "theme"), str(cache)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
        shown, compiled = done.stdout.split()
        return shown, int(compiled)

    assert process(tmp_path / "compiled") == ("[甲]", 2)
    assert process(tmp_path / "compiled") == ("[甲]", 0)
    write(tmp_path / "theme" / "templates" / "part.html", "{% macro shown(x) %}（{{ x }}）{% endmacro %}")
    assert process(tmp_path / "compiled") == ("（甲）", 1)  # the changed one only
    assert process(tmp_path / "compiled") == ("（甲）", 0)
    write(tmp_path / "a file", "")
    assert process(tmp_path / "a file") == ("（甲）", 2)  # a folder that cannot be made only costs the time
    for kept in (tmp_path / "compiled").iterdir():  # a file cut short (a full disk, a killed copy) or garbled
        kept.write_bytes(kept.read_bytes()[:len(kept.read_bytes()) // 2 if "page" in str(kept) else 40])
    assert process(tmp_path / "compiled") == ("（甲）", 2)  # is compiled again, not a build's failure
