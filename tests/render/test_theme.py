"""A user's theme folder laid over the default theme file by file (docs/themes.md): templates through a Jinja
ChoiceLoader with the default's under default/, static files replaced by path, named by site.yaml or --theme."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from liaison.build.pipeline import Config, build, check, environment, site_theme
from liaison.build.writer import MANIFEST
from liaison.cli import main
from liaison.content.problems import ContentError
from liaison.render.theme import DEFAULT_THEME, Theme
from liaison.render.web import assets
from liaison.render.web import pages as web
from tests.conftest import TODAY, model, snapshot, write

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
    site, env = model(mini)
    web_pages = {o.path for o in web.pages(site, env) if o.path.endswith(".html")}
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


def test_static_files_of_the_theme_replace_the_defaults_by_path_and_the_others_stay(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    write(theme / "static" / "style.css", "body { color: black; }\n")
    write(theme / "static" / "img" / "logo.svg", "<svg/>\n")
    published = {o.path: o.data for o in assets.theme_static(Theme(theme))}
    default = {o.path: o.data for o in assets.theme_static(Theme())}
    assert set(published) == set(default) | {"static/img/logo.svg"}
    assert published["static/style.css"] == b"body { color: black; }\n"
    assert published["static/img/logo.svg"] == b"<svg/>\n"
    assert all(published[path] == data for path, data in default.items() if path != "static/style.css")


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
])
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


@pytest.mark.parametrize("make", [lambda folder: None, lambda folder: folder.mkdir()])
def test_a_theme_on_the_command_line_that_cannot_be_used_is_a_usage_error(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make) -> None:
    folder = tmp_path / "theme"
    make(folder)
    assert main(["build", "--content", str(mini), "--theme", str(folder), "--site", str(tmp_path / "site"),
                 "--signage", str(tmp_path / "signage")]) == 2
    assert f"主题文件夹“{folder}”" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_no_output_folder_may_be_inside_the_theme(mini: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    theme = footer_theme(tmp_path / "theme")
    before = snapshot(theme)
    assert main(["build", "--content", str(mini), "--theme", str(theme), "--site", str(theme / "site"),
                 "--signage", str(tmp_path / "signage")]) == 5
    assert "主题目录" in capsys.readouterr().err
    assert snapshot(theme) == before
