from liaison.linkcheck import broken_links
from liaison.render import Output

BASE = "https://rd.example.cn/lianluozhan/"


def page(path: str, body: str) -> Output:
    return Output(path, f"<html><body>{body}</body></html>".encode())


def test_links_resolve_against_files_anchors_and_the_sites_own_base_url() -> None:
    outputs = [
        page("index.html", '<a href="stations/a/index.html#six">ok</a><a href="#top" id="top">self</a>'
                           '<a href="https://other.example/">elsewhere</a><a href="tel:123">phone</a>'),
        page("stations/a/index.html", '<h2 id="six"></h2><a href="../../">home</a><a href="../b/">missing</a>'
                                      f'<a href="{BASE}stations/a/">own absolute</a><img src="../../media/x.jpg">'),
    ]
    problems = [p.message for p in broken_links(outputs, BASE)]
    assert problems == ["网页 stations/a/index.html 中的链接“../b/”指向不存在的页面或文件",
                        "网页 stations/a/index.html 中的链接“../../media/x.jpg”指向不存在的页面或文件"]


def test_missing_anchor() -> None:
    outputs = [page("index.html", '<a href="a.html#gone">x</a>'), page("a.html", '<p id="here"></p>')]
    assert [p.message for p in broken_links(outputs, BASE)] == ["网页 index.html 中的链接“a.html#gone”页面中没有锚点“#gone”"]
