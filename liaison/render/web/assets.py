"""Static files of the theme and images from content, prepared for the web."""
from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from liaison.content import paths
from liaison.model import urls
from liaison.render import SOURCE, Context, Output, Rendered, fonts, portraits
from liaison.render.theme import Theme

FONT_STYLESHEET = "static/fonts/rare-glyphs.css"
FONT_FILES = "static/fonts/rare-glyphs*.woff2"  # as many as the faces that draw the pages' rare characters


def static_files(theme: Theme) -> list[str]:
    """The theme's static files, relative to its static/ folder (published under static/): a custom theme's
    files replacing the default's of the same path."""
    return list(theme.static_files())


def static_file(ctx: Context, relative: str) -> Rendered:
    return Rendered((Output("static/" + relative, ctx.theme.path("static/" + relative).read_bytes()),))


def rare_glyph_fonts(ctx: Context, pages: Sequence[Rendered]) -> Rendered:
    """Glyphs of the rare characters the pages use (a deputy named 李䶮), as the font stack's last fallback:
    from Noto Sans CJK SC, and for those it lacks (司马𪚥) from the face fontconfig falls back to, each face
    limited by unicode-range to its characters. base.html links the stylesheet.

    A browser fetches a font only when a character is missing from the reader's own fonts.
    """
    text = "".join(sorted({char for page in pages for char in page.facts["characters"]}))
    faces, _ = fonts.faces_for(text, fonts.WEB_FALLBACK)  # `check` names what none has
    outputs, rules = [], []
    for number, (face, chars) in enumerate(faces.items(), 1):
        name = "rare-glyphs.woff2" if number == 1 else f"rare-glyphs-{number}.woff2"
        outputs.append(Output(f"static/fonts/{name}", fonts.subset_woff2(face, chars)))
        scope = f" unicode-range: {fonts.unicode_range(chars)};" if number > 1 else ""
        rules.append(f'@font-face {{ font-family: "Liaison Rare Glyphs"; src: url("{name}") format("woff2");'
                     f"{scope} font-display: swap; }}\n")
    outputs.append(Output(FONT_STYLESHEET, "".join(rules).encode("utf-8")))
    return Rendered(tuple(outputs))


def portrait(ctx: Context, deputy_id: str, width: int) -> Rendered:
    """A deputy's portrait `width` pixels wide: the published one where the last build made it from a photo of
    the same bytes (resampling and encoding are half the web's work, and give the same bytes again)."""
    photo = ctx.site.deputies[deputy_id].photo
    assert photo, "planned for deputies with a photo only"
    path, source = urls.portrait_path(deputy_id, width), paths.named_file(ctx.content, photo).read_bytes()
    digest = hashlib.sha256(source).hexdigest()  # of the bytes it is made from, read once
    made = ctx.made.get(path)
    data = made.again(digest) if made else None
    if data is None:
        data = portraits.screen_jpeg(portraits.portrait(io.BytesIO(source), width))
    return Rendered((Output(path, data),), {SOURCE: digest})


def badge(ctx: Context) -> Rendered:
    """The 党政机关网站标识 image the office supplies (footer.badge), as it is: every page's footer shows it."""
    relative = ctx.site.settings.footer.badge
    assert relative, "planned only when the footer names a badge"
    return Rendered((Output(urls.badge_path(relative), paths.named_file(ctx.content, relative).read_bytes()),))
