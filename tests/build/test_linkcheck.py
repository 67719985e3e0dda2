import gc
import re
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.build import executor, linkcheck
from liaison.build.linkcheck import Loaded, SiteFiles, broken_links, css_urls, links_in, stamp
from liaison.build.pipeline import Config, build
from liaison.content.loader import LoadResult, load_content
from liaison.content.problems import ContentError, Problem
from liaison.content.validate import validate
from liaison.render import Output
from liaison.render.theme import Theme
from tests.conftest import TODAY, plan_of, web_page, write

BASE = "https://rd.example.cn/lianluozhan/"
THEME = Path("themes/default")


def page(path: str, body: str) -> Output:
    return Output(path, f"<html><body>{body}</body></html>".encode())


def messages(outputs: list[Output]) -> list[str]:
    return [p.message for p in broken_links(SiteFiles.of(outputs), BASE, theme=Theme(default=THEME))]


def test_links_resolve_against_files_anchors_and_the_sites_own_base_url() -> None:
    outputs = [
        page("index.html", '<a href="stations/a/index.html#six">ok</a><a href="#top" id="top">self</a>'
                           '<a href="https://other.example/">elsewhere</a><a href="tel:123">phone</a>'),
        page("stations/a/index.html", '<h2 id="six"></h2><a href="../../">home</a><a href="../b/">missing</a>'
                                      f'<a href="{BASE}stations/a/">own absolute</a><img src="../../media/x.jpg">'),
    ]
    assert messages(outputs) == [
        "主题模板有误：网页 stations/a/index.html 中的链接“../b/”指向不存在的页面或文件（链接不在任何内容文件中，请修改主题模板）",
        "主题模板有误：网页 stations/a/index.html 中的链接“../../media/x.jpg”指向不存在的页面或文件（链接不在任何内容文件中，请修改主题模板）"]


def test_missing_anchor() -> None:
    outputs = [page("index.html", '<a href="a.html#gone">x</a>'), page("a.html", '<p id="here"></p>')]
    assert messages(outputs) == [
        "主题模板有误：网页 index.html 中的链接“a.html#gone”页面中没有锚点“#gone”（链接不在任何内容文件中，请修改主题模板）"]


@pytest.mark.parametrize("link", [
    "../../../stations/", "../../../../stations/a/index.html", "../../../index.html", "../../..",
    f"{BASE}../stations/", "/elsewhere/stations/a/index.html",
])
def test_a_link_that_leaves_the_site_root_is_broken(link: str) -> None:
    # ../../../stations/ from notices/x/ climbs above the site: a page of the host, not of this site
    outputs = [page("index.html", ""), page("stations/index.html", ""), page("stations/a/index.html", ""),
               page("notices/x/index.html", f'<a href="{link}">x</a>')]
    [message] = messages(outputs)
    assert f"网页 notices/x/index.html 中的链接“{link}”指向网站根目录之外" in message


def test_links_within_the_site_root_still_resolve() -> None:
    outputs = [page("index.html", '<a href="stations/">x</a><a href=".">self</a>'), page("stations/index.html", ""),
               page("notices/x/index.html", '<a href="../../">home</a><a href="../..">home</a>'
                                            f'<a href="/lianluozhan/stations/">root</a><a href="{BASE}">base</a>')]
    assert messages(outputs) == []


def test_srcset_candidates_and_css_urls_are_checked() -> None:
    outputs = [
        page("index.html",
             '<img src="a.jpg" srcset="a.jpg 240w, missing-480.jpg 480w,gone.jpg 2x">'
             '<picture><source srcset="b.webp"></picture>'
             '<p style="background: url(&quot;no-bg.png&quot;)">x</p>'
             '<style>/* url(commented-out.png) */ .x { background-image: url( \'no-style.png\' ) }'
             ' @import "no-import.css"; .y { background: url(data:image/png;base64,AAAA) }</style>'
             '<svg><use href="#nowhere"></use><image xlink:href="no-image.png"/></svg>'),
        Output("a.jpg", b""),
        Output("static/style.css", b'@font-face { src: url("fonts/no-font.woff2") } .z { background: url(../a.jpg) }'),
    ]
    found = messages(outputs)
    for link in ("missing-480.jpg", "gone.jpg", "b.webp", "no-bg.png", "no-style.png", "no-import.css",
                 "no-image.png"):
        assert any(f"网页 index.html 中的链接“{link}”指向不存在的页面或文件" in m for m in found), link
    assert any("网页 index.html 中的链接“#nowhere”页面中没有锚点“#nowhere”" in m for m in found)
    assert "主题样式表有误：其中的链接“fonts/no-font.woff2”指向不存在的页面或文件" in found
    assert THEME / "static" / "style.css" in {p.path for p in broken_links(SiteFiles.of(outputs), BASE, theme=Theme(default=THEME))}
    assert len(found) == 9  # a.jpg, the data: URI and the comment are fine


def test_one_extraction_for_build_and_tests() -> None:
    links = links_in('<a id="top" href="x/">x</a><img srcset="a.jpg 1x, data:image/png;base64,AA== 2x,c.jpg"><b style="background:url(c.png)">'
                     '<style>.d { background: url("d.png") }</style>')
    assert links.links == [("a", "href", "x/"), ("img", "srcset", "a.jpg"),
                           ("img", "srcset", "data:image/png;base64,AA=="), ("img", "srcset", "c.jpg"),
                           ("b", "style", "c.png"), ("style", "", "d.png")]
    assert links.ids == {"top"}
    assert css_urls("/* url(x.png) */ a { b: url( 'y.png' ) } @import 'z.css';") == ["y.png", "z.css"]


# ---- where the clerk fixes it ---------------------------------------------------------------

def test_a_broken_link_in_content_names_the_file_line_and_field_to_edit(mini: Path) -> None:
    write(mini / "systems" / "reception.md",
          "---\ntitle: 代表进站接待制度\norder: 1\n---\n## 接待时间\n\n每月第一个周二上午，"
          "详见[意见办理制度](../opinion-handling/)。\n")
    station = mini / "stations" / "centre.yaml"
    station.write_text(station.read_text(encoding="utf-8").replace(
        "url: https://rd.example.cn/find", "url: https://rd.example.cn/lianluozhan/find/"), encoding="utf-8")
    typed, _ = validate(load_content(mini), mini)
    outputs = [
        page("systems/reception/index.html", '<a href="../opinion-handling/">意见办理制度</a>'),
        page("stations/centre/index.html", f'<a href="{BASE}find/">扫码找代表</a>'),
    ]
    problems = broken_links(SiteFiles.of(outputs), BASE, records=typed.raw.values(), theme=Theme(default=THEME))
    assert [p.format(relative_to=mini) for p in problems] == [
        "stations/centre.yaml:24:10: scenarios[0].url: 链接“https://rd.example.cn/lianluozhan/find/”"
        "指向不存在的页面或文件（在网页 stations/centre/index.html 中）",
        "systems/reception.md:7:22: body: 链接“../opinion-handling/”指向不存在的页面或文件"
        "（在网页 systems/reception/index.html 中）",
    ]


def test_a_broken_link_from_a_template_is_a_theme_problem(mini: Path) -> None:
    typed, _ = validate(load_content(mini), mini)
    outputs = [page("stations/centre/index.html", '<a href="../../no-such-section/">x</a>')]
    [problem] = broken_links(SiteFiles.of(outputs), BASE, records=typed.raw.values(), theme=Theme(default=THEME))
    assert problem.path == THEME / "templates"
    assert problem.message.startswith("主题模板有误：网页 stations/centre/index.html 中的链接“../../no-such-section/”")


RECEPTION = "---\ntitle: 代表进站接待制度\norder: 1\n---\n## 接待时间\n\n每月第一个周二上午{}。\n"
LINKED = "，详见[意见办理制度](../opinion-handling/)"


def located(mini: Path, loaded: Loaded) -> Problem:
    """The problem of a page's link to a page that is not there, the records read again as they are now."""
    outputs = [page("systems/reception/index.html", '<a href="../opinion-handling/">意见办理制度</a>')]
    [problem] = broken_links(SiteFiles.of(outputs), BASE, records=load_content(mini).every(),
                             theme=Theme(default=THEME), loaded=loaded)
    return problem


@pytest.mark.parametrize(("edit", "edited"), [
    ("每月第一个周二上午。", True),  # the link taken out: the theme would have been blamed
    ("每月第一个周三上午，详见[意见办理制度](../opinion-handling/)。", True),  # the record changed, the link still in it
    ("每月第一个周二上午，详见[意见办理制度](../opinion-handling/)。\n<!-- 备注 -->", True),
    (None, False),  # as loaded: the content's file, line and field
])
def test_a_broken_link_is_located_only_in_the_content_the_build_was_made_from(
        mini: Path, edit: str | None, edited: bool) -> None:
    reception = mini / "systems" / "reception.md"
    write(reception, RECEPTION.format(LINKED))
    loaded = Loaded(mini, stamp(*load_content(mini).every()))
    if edit is not None:  # edited while the build ran
        write(reception, RECEPTION.format("").replace("每月第一个周二上午。\n", edit + "\n"))
    problem = located(mini, loaded)
    if edited:
        assert (problem.path, problem.line) == (mini, 0)
        assert problem.message == ("网页 systems/reception/index.html 中的链接“../opinion-handling/”指向不存在的页面或文件；"
                                   "内容在生成过程中有改动，无法判断这个链接出自内容文件还是主题模板，请重新生成一次")
    else:
        assert (problem.path, problem.line, problem.field) == (reception, 7, "body")


def test_a_comment_edited_in_a_yaml_record_during_the_build_is_no_change_to_its_content(mini: Path) -> None:
    write(mini / "systems" / "reception.md", RECEPTION.format(LINKED))
    loaded = Loaded(mini, stamp(*load_content(mini).every()))
    station = mini / "stations" / "centre.yaml"
    station.write_text("# 一条注释\n" + station.read_text(encoding="utf-8"), encoding="utf-8")
    assert located(mini, loaded).path == mini / "systems" / "reception.md"


@pytest.mark.slow
def test_a_build_whose_content_is_edited_before_its_link_check_says_to_build_again(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken link typed into content, taken out again while the build runs: the check, which reads the content
    again to locate it, finds it nowhere, and says the content changed instead of blaming the theme."""
    reception = mini / "systems" / "reception.md"
    write(reception, RECEPTION.format(LINKED))

    def edited_then_loaded(content: Path) -> LoadResult:
        write(reception, RECEPTION.format(""))
        return load_content(content)

    monkeypatch.setattr(linkcheck, "load_content", edited_then_loaded)
    config = Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY, jobs=2)
    with pytest.raises(ContentError) as raised:
        build(config)
    [problem] = raised.value.problems
    assert (problem.path, problem.message) == (mini, "网页 systems/reception/index.html 中的链接“../opinion-handling/”"
                                                     "指向不存在的页面或文件" + linkcheck._EDITED)
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_the_build_names_the_theme_for_a_templates_broken_link_and_writes_nothing(mini: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"  # a user's theme over the default, its base.html linking to a page there is not
    write(theme / "templates" / "base.html", '{% extends "default/base.html" %}{% block footer %}'
          '<a href="{{ href(\'about/index.html\') }}">关于</a>{{ super() }}{% endblock %}')
    config = Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY,
                    theme=theme)
    with pytest.raises(ContentError) as raised:
        build(config)
    problems = raised.value.problems
    assert {p.path for p in problems} == {theme / "templates"}
    assert "主题模板有误：网页 stations/centre/index.html 中的链接“../../about/index.html”指向不存在的页面或文件" \
           "（链接不在任何内容文件中，请修改主题模板）" in [p.message for p in problems]
    # every page built on the theme's base.html, in one run
    expected = {job.outputs[0] for job in plan_of(mini) if web_page(job) and job.outputs[0].endswith(".html")}
    assert {re.search(r"网页 (\S+) 中的链接", p.message).group(1) for p in problems} == expected
    assert len(problems) == len(expected)
    assert not (tmp_path / "site").exists() and not (tmp_path / "signage").exists()
    # The run the error stopped is over while the error is still held (here by `raised`): were it left suspended,
    # the next build of this process (serve) would run on one core, its collector frozen for good.
    assert executor._TASK is None and not gc.get_freeze_count()


@pytest.mark.parametrize(("markdown", "found"), [
    ("见[制度](gone.html)。", True), ("见[制度]( <gone.html> \"标题\")。", True), ("[制度][1]\n\n[1]: gone.html", True),
    ("文件名 gone.html 只是文字", False), ("见[制度](gone.html#part)", False),
])
def test_only_a_markdown_link_target_counts_as_the_content_holding_a_link(mini: Path, markdown: str,
                                                                           found: bool) -> None:
    write(mini / "systems" / "reception.md", f"---\ntitle: 代表进站接待制度\norder: 1\n---\n{markdown}\n")
    typed, _ = validate(load_content(mini), mini)
    outputs = [page("systems/reception/index.html", '<a href="gone.html">x</a>')]
    [problem] = broken_links(SiteFiles.of(outputs), BASE, records=typed.raw.values(), theme=Theme(default=THEME))
    assert (problem.path == mini / "systems" / "reception.md") is found


def test_the_check_reads_facts_not_pages_and_names_what_a_partial_build_left_out() -> None:
    """A partial build checks pages it kept from the last build by their recorded facts; a link to a file that it
    neither made nor kept says a full build is needed, not that the theme is wrong."""
    site = SiteFiles.of([page("index.html", '<a href="stations/a/index.html">a</a><a href="deputies/b/index.html">b</a>'),
                         page("stations/a/index.html", '<h2 id="six"></h2>')])
    site.add({"paths": ["notices/x/index.html"], "links": {"notices/x/index.html": ["../../stations/a/#gone"]},
              "ids": {"notices/x/index.html": []}}, carried=True)
    site.absent.add("deputies/b/index.html")
    found = [p.message for p in broken_links(site, BASE, theme=Theme(default=THEME))]
    assert found == [
        "网页 index.html 中的链接“deputies/b/index.html”指向的页面或文件本次没有生成（只生成了部分内容，请完整生成一次）",
        "网页 notices/x/index.html 中的链接“../../stations/a/#gone”页面中没有锚点“#gone”"
        "（网页 notices/x/index.html 是上次生成的，本次只生成了部分内容；完整生成一次即可更新它）"]


@given(st.one_of(st.from_regex(linkcheck._PLAIN_RELATIVE, fullmatch=True),
                 st.text(alphabet="ab./:%?#@[]\\\t\n \x01\x7f名", max_size=12)))
def test_a_link_taken_as_a_plain_relative_path_is_what_urlsplit_and_unquote_leave_unchanged(link: str) -> None:
    """The link check resolves most links without urlsplit: only those urlsplit and unquote would give back as
    they are."""
    if linkcheck._PLAIN_RELATIVE.match(link):
        assert urlsplit(link) == SplitResult("", "", link, "", "")
        assert unquote(link) == link


def test_plain_and_other_relative_links_resolve_alike() -> None:
    """A link with a query, an escape or a fragment leads to the same file as its plain form."""
    outputs = [page("a/b/index.html", '<a href="../c/">1</a><a href="../c/?q=1">2</a><a href="../%63/">3</a>'
                                      '<a href="../../d.css">4</a><a href="../../d.css#x">5</a><a href="..">6</a>'
                                      '<a href="../../../up">7</a><a href="e/.">8</a><a href="e/..">9</a>'),
               page("a/c/index.html", ""), page("a/index.html", "")]
    site = SiteFiles.of(outputs)
    site.files.add("d.css")
    found = [p.message for p in broken_links(site, BASE, theme=Theme(default=THEME))]
    assert len(found) == 2
    assert "网页 a/b/index.html 中的链接“../../../up”指向网站根目录之外" in found[0]
    assert "网页 a/b/index.html 中的链接“e/.”指向不存在的页面或文件" in found[1]
