"""Print preflight: what the print files need of the content, checked before anything is rendered.

Every station name must break onto the plate and be drawable in the plate's font, every shown name must
be drawable somewhere it is shown, and portraits must be sharp enough for the poster. The problems are
reported with the content's own (build.pipeline.content_problems), located in the record and field.
"""
from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from liaison.content import paths, photos, schema
from liaison.content.loader import Loc
from liaison.content.problems import Problem
from liaison.content.validate import Typed
from liaison.render import fonts, portraits
from liaison.render.print import lettering, spec

# Where each kind of name is shown. Print sets names in the serif, screens in the sans; either falls back
# to any installed font (fonts.face_for). Posters come first: a name they cannot print is an error.
POSTER = ("公示栏",)
NAME_MEDIA = {
    "station": (*POSTER, "站码卡片", "接待公告", "大厅电子屏", "网站"),
    "short_name": ("站码卡片", "大厅电子屏", "网站"),
    "staff": (*POSTER, "网站"),
    "deputy": (*POSTER, "代表码卡片", "接待公告", "大厅电子屏", "网站"),
}
MEDIUM_FACE = {"公示栏": spec.SIGNBOARD_FONT, "站码卡片": spec.SIGNBOARD_FONT,
               "代表码卡片": spec.SIGNBOARD_FONT, "接待公告": spec.SIGNBOARD_FONT,
               "大厅电子屏": fonts.WEB_FALLBACK, "网站": fonts.WEB_FALLBACK}


def preflight(typed: Typed, content_dir: Path) -> list[Problem]:
    """Every print problem of the content, in one list."""
    return _Preflight(typed, content_dir.resolve()).run()


class _Preflight:
    def __init__(self, typed: Typed, content_dir: Path):
        self.t = typed
        self.content_dir = content_dir
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        site, raw = self.t.site, self.t.site_raw
        if site is None or raw is None:
            return self.problems
        font_name, covered = self._signboard_font(site)
        for sid, station in self.t.of("stations").items():
            try:
                lettering.break_lines(station.name, site.signage.plate, station.name_lines)
            except lettering.DoesNotFit as exc:
                self._add("stations", sid, ("name_lines",) if station.name_lines else ("name",), str(exc))
            if covered is not None:
                for char in dict.fromkeys(ch for ch in station.name if ord(ch) not in covered):
                    self._add("stations", sid, ("name",),
                              f"标识牌字体“{font_name}”缺少字符“{char}”（U+{ord(char):04X}），"
                              "印出来会是空框：请在 signage.font 指定含此字的字体文件")
        self._name_glyphs()
        self._photo_resolution()
        return self.problems

    def _add(self, kind: str, record_id: str, loc: Loc, message: str, severity: str = "error") -> None:
        self.problems.append(self.t.raw[(kind, record_id)].problem(loc, message, severity=severity))

    def _photo_resolution(self) -> None:
        need = tuple(spec.min_pixels(mm) for mm in spec.POSTER_PHOTO_MM)
        for did, deputy in self.t.of("deputies").items():
            size = self._readable_size(deputy.photo)
            if size is None:
                continue
            width, height = size
            crop = portraits.largest_frame(size)  # what the poster prints of it
            if crop[0] < need[0] or crop[1] < need[1]:
                self._add("deputies", did, ("photo",),
                          f"{deputy.name}的照片只有 {width}×{height} 像素，印在公示栏上不够清晰："
                          f"至少需要 {need[0]}×{need[1]} 像素（{spec.MIN_IMAGE_PPI} ppi）", "warning")

    def _readable_size(self, relative: str | None) -> tuple[int, int] | None:
        """The pixel size of a photo content validation accepted; None for one it reported or none at all."""
        if relative is None:
            return None
        if relative in self.t.photo_sizes:
            return self.t.photo_sizes[relative]  # validation read its header
        path = paths.inside(self.content_dir, relative)
        if path is None or not path.is_file():
            return None  # reported by content validation
        try:
            with photos.open_photo(path) as image:
                size: tuple[int, int] = image.size
        except (OSError, ValueError, SyntaxError):
            return None  # reported by content validation
        return None if photos.refusal(size, path.stat().st_size) else size

    def _name_glyphs(self) -> None:
        """Every character of every shown name must be drawable where it is shown, fallback fonts included."""
        for sid, station in self.t.of("stations").items():
            self._glyphs("stations", sid, ("name",), station.name, NAME_MEDIA["station"])
            self._glyphs("stations", sid, ("short_name",), station.short_name, NAME_MEDIA["short_name"])
            for index, person in enumerate(station.staff):
                self._glyphs("stations", sid, ("staff", index, "name"), person.name, NAME_MEDIA["staff"])
        for did, deputy in self.t.of("deputies").items():
            media = NAME_MEDIA["deputy"] if deputy.memberships else NAME_MEDIA["deputy"][len(POSTER):]
            self._glyphs("deputies", did, ("name",), deputy.name, media)

    def _glyphs(self, kind: str, record_id: str, loc: Loc, text: str, media: tuple[str, ...]) -> None:
        for char in dict.fromkeys(text):
            try:
                lacking = [m for m in media if fonts.face_for(char, MEDIUM_FACE[m]) is None]
            except fonts.FontMissing:
                return  # the missing font itself is reported with the signboard font
            if lacking:
                severity = "error" if set(lacking) & set(POSTER) else "warning"
                self._add(kind, record_id, loc,
                          f"“{char}”（U+{ord(char):04X}）没有任何已安装的字体能显示，{'、'.join(lacking)}上会是空框或缺字："
                          "请安装含此字的字体（见 README“生僻字与字体”）", severity)

    def _signboard_font(self, site: schema.Site) -> tuple[str, Container[int] | None]:
        assert self.t.site_raw is not None  # run() returns early without site settings
        if site.signage.font:
            path = paths.inside(self.content_dir, site.signage.font)
            if path is None or not path.is_file():
                return site.signage.font, None  # reported by content validation
            font = fonts.FontFile(path)
            try:
                return path.name, fonts.coverage(font)
            except Exception:  # noqa: BLE001 - any unreadable font file is a content problem
                self.problems.append(self.t.site_raw.problem(("signage", "font"),
                                                             f"无法读取字体文件“{site.signage.font}”"))
                return path.name, None
        try:
            return spec.SIGNBOARD_FONT.split(":")[0], fonts.coverage(fonts.find(spec.SIGNBOARD_FONT))
        except fonts.FontMissing as exc:
            self.problems.append(self.t.site_raw.problem(("signage",), str(exc)))
            return "", None
