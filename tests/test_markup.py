from liaison.markup import render_markdown


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
