"""Static files of the theme and images from content, prepared for the web."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from liaison.content import paths
from liaison.model import urls
from liaison.model.site import Site
from liaison.render import Output, fonts
from liaison.render.portraits import PORTRAIT_WIDTHS, portrait_jpeg


def theme_static(theme_dir: Path) -> Iterator[Output]:
    static = theme_dir / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            yield Output("static/" + path.relative_to(static).as_posix(), path.read_bytes())


def rare_glyph_fonts(pages: list[Output]) -> Iterator[Output]:
    """Glyphs of the rare characters the pages use (a deputy named 李䶮), as the font stack's last fallback:
    from Noto Sans CJK SC, and for those it lacks (司马𪚥) from the face fontconfig falls back to, each face
    limited by unicode-range to its characters. style.css imports the stylesheet.

    A browser fetches a font only when a character is missing from the reader's own fonts.
    """
    text = "".join(page.data.decode("utf-8") for page in pages if page.path.endswith(".html"))
    faces, _ = fonts.faces_for(fonts.rare_characters(text), fonts.WEB_FALLBACK)  # `check` names what none has
    rules = []
    for number, (face, chars) in enumerate(faces.items(), 1):
        name = "rare-glyphs.woff2" if number == 1 else f"rare-glyphs-{number}.woff2"
        yield Output(f"static/fonts/{name}", fonts.subset_woff2(face, chars))
        scope = f" unicode-range: {fonts.unicode_range(chars)};" if number > 1 else ""
        rules.append(f'@font-face {{ font-family: "Liaison Rare Glyphs"; src: url("{name}") format("woff2");'
                     f"{scope} font-display: swap; }}\n")
    yield Output("static/fonts/rare-glyphs.css", "".join(rules).encode("utf-8"))


def portraits(site: Site, content_dir: Path) -> Iterator[Output]:
    for deputy in site.deputies.values():
        if deputy.photo:
            for width in PORTRAIT_WIDTHS:
                yield Output(urls.portrait_path(deputy.id, width), portrait_jpeg(paths.named_file(content_dir, deputy.photo), width))
