import pytest

from liaison.render.markup import plain_text, render_markdown


def test_markdown_renders_basic_formatting() -> None:
    html = render_markdown("**重要**\n\n1. 一\n2. 二")
    assert "<strong>重要</strong>" in html
    assert "<ol>" in html and "<li>二</li>" in html


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_links_are_dropped() -> None:
    html = render_markdown("[点我](javascript:alert(1)) [官网](https://example.cn)")
    assert "javascript:" not in html
    assert 'href="https://example.cn"' in html


def test_headings_sit_below_the_page_headings() -> None:
    html = render_markdown("# 一级\n\n## 二级")
    assert "<h3>一级</h3>" in html and "<h4>二级</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)",
    "java&#x09;script:alert(1)", " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "<javascript:alert(1)>",
])
def test_every_spelling_of_a_script_link_loses_its_address(link: str) -> None:
    html = render_markdown(f"[点我]({link})")
    assert html == '<p><a rel="noopener">点我</a></p>'


def test_control_and_bidi_characters_never_reach_the_html() -> None:
    html = render_markdown("反\u202e向\u2066隔\u2069离\x1b[31m\x85下一行\r\n回车\r段\u2028行\x00尾")
    assert html == "<p>反向隔离[31m\n下一行\n回车\n段\n行尾</p>"


def test_plain_text_is_the_words_of_the_sanitised_html() -> None:
    # a soft line break joins Han text without a space, as browsers do; a hard break (two spaces) stays
    text = plain_text("# 简介\n\n本站**位于**[人民路](https://example.cn)，\n每周开放。\nOpen on\nweekdays.  \n"
                      "电话[联系](javascript:alert(1))\n\n- 一\n- 二\n\n<script>alert(1)</script> &amp; \u202e")
    assert text == ("简介\n\n本站位于人民路，每周开放。 Open on weekdays.\n电话联系\n\n一\n\n二\n\n"
                    "<script>alert(1)</script> &")


def test_short_lines_fill_whole_clauses() -> None:
    from liaison.render.markup import short_lines

    assert short_lines("不便到场的，可提前拨打联系电话 0579-61234567 登记，或打开下方链接联系代表。") == \
        "不便到场的，可提前拨打联系电话 0579-61234567 登记，\n或打开下方链接联系代表。"
    assert short_lines("甲，乙。丙", width=4) == "甲，乙。\n丙"
    assert short_lines("一二三四五，六", width=3) == "一二三四五，\n六"  # a long clause keeps its own line
    assert short_lines("") == ""
