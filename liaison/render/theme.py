"""The theme (the default one, or a user's folder laid over it) and the one Jinja environment shared by web,
kiosk and print templates."""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import pickle
import re
import traceback
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import tinycss2
from markupsafe import Markup

from liaison.content import files
from liaison.content.problems import Problem
from liaison.content.schema import OpinionStatus
from liaison.model import urls
from liaison.model.dates import Dating
from liaison.model.schedule import WEEKDAY_NAMES, describe
from liaison.model.site import LEVEL_ORDER, by_level, month_of, top_level
from liaison.render import qr
from liaison.render.markup import render_markdown, short_lines
from liaison.rules import six_items

if TYPE_CHECKING:
    from liaison.model.site import Site


def _default_theme() -> Path:
    """The default theme: inside the package when installed from a wheel, at the repository's top in a checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "themes" / "default"
    return installed if installed.is_dir() else package.parent / "themes" / "default"


DEFAULT_THEME = _default_theme()
DEFAULT_PREFIX = "default"  # {% extends "default/base.html" %}: the default template that a theme's one replaces
TOKENS = "static/tokens.css"  # the colours and type sizes web, kiosk and print share
THEME_FILE = "theme:"  # a file of the theme read as it is (a stylesheet inlined), among the templates a job loaded
# The templates and theme files loaded while a job renders, each with the digest of the source it was made of.
_LOADED: contextvars.ContextVar[dict[str, str | None] | None] = contextvars.ContextVar("loaded", default=None)


def digest(data: bytes) -> str:
    """The digest a template or theme file is recorded by, of its bytes: the build state compares the one a job
    was made of with the file's as it is at the next build."""
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def recording() -> Iterator[dict[str, str | None]]:
    """The templates (by name) and the theme files (as `theme:<path>`) loaded while the block runs, each with the
    digest of the source it was made of (None where Jinja did not load it from the theme): what an output was
    made of, for the build state. The source as it was read, not the file as it is when the build ends: a
    template edited meanwhile is made again by the next build."""
    loaded: dict[str, str | None] = {}
    token = _LOADED.set(loaded)
    try:
        yield loaded
    finally:
        _LOADED.reset(token)


def _note(name: str, made_of: str | None) -> None:
    loaded = _LOADED.get()
    if loaded is not None:
        loaded[name] = made_of


class _Environment(jinja2.Environment):
    """Notes every template it loads, by name (extends, include, import and get_template all come here), also
    when the compiled template is already in its cache, with the digest of the source it was compiled from."""

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> jinja2.Template:
        template = super()._load_template(name, globals)
        # The loader's uptodate check rides on the compiled template (Jinja keeps it there): see _Sources.
        version = getattr(template, "_uptodate", None)
        _note(name, version.digest if isinstance(version, _Version) else None)
        return template


class _Version:
    """A template's uptodate check, which Jinja keeps with the template it compiles, carrying the digest of the
    source it was compiled from: a process compiles a template once per build (auto_reload is off), maybe long
    after the build began, and the file may have changed since."""

    __slots__ = ("check", "digest")

    def __init__(self, check: Callable[[], bool] | None, made_of: str) -> None:
        self.check = check
        self.digest = made_of

    def __call__(self) -> bool:
        return True if self.check is None else self.check()


class _Sources(jinja2.BaseLoader):
    """A loader's templates, each with a _Version of its source (BaseLoader.load compiles what get_source gives)."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        return source, filename, _Version(uptodate, digest(source.encode("utf-8")))

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


@dataclass(frozen=True)
class Theme:
    """A user's theme folder laid over the default theme file by file, like MkDocs' `custom_dir`: a template or
    static file of the same path in `custom` replaces the default's, every other file stays the default's."""

    custom: Path | None = None
    default: Path = DEFAULT_THEME

    @property
    def folders(self) -> tuple[Path, ...]:
        """Where a file is looked for, the one that wins first."""
        return (self.default,) if self.custom is None else (self.custom, self.default)

    def path(self, relative: str) -> Path:
        """The file of the theme at `relative` (such as static/tokens.css): the custom folder's if it has one."""
        found = [folder / relative for folder in self.folders if (folder / relative).is_file()]
        return found[0] if found else self.folders[0] / relative

    def static_files(self) -> dict[str, Path]:
        """static/'s files by their path inside it, the custom folder's replacing the default's."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            files.update((p.relative_to(static).as_posix(), p) for p in static.rglob("*") if p.is_file())
        return dict(sorted(files.items()))

    def loader(self) -> jinja2.BaseLoader:
        """Templates by name from the custom folder, else the default; `default/<name>` always the default's."""
        return _Sources(jinja2.ChoiceLoader([
            jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(self.default / "templates")}),
            *(jinja2.FileSystemLoader(folder / "templates") for folder in self.folders),
        ]))

    def tokens(self) -> dict[str, str]:
        """The custom properties of tokens.css's :root, by name without the dashes, each var() resolved. A
        custom tokens.css replaces the default's whole, so it must name every token the default names."""
        declared = _declared(self.path(TOKENS))
        missing = [name for name in _declared(self.default / TOKENS) if name not in declared]
        if missing:
            raise TokensMissing(self.path(TOKENS), missing)
        return {name: _resolved(declared, name) for name in declared}


class TokensMissing(jinja2.TemplateError):
    """A theme's tokens.css without some of the default's tokens: the stylesheets would lack those values."""

    def __init__(self, path: Path, missing: list[str]):
        names = "、".join(f"--{name}" for name in missing[:5]) + (f" 等 {len(missing)} 项" if len(missing) > 5 else "")
        super().__init__(f"{TOKENS} 缺少默认主题的 {names}：它替换默认的整个文件，请复制默认主题的 {TOKENS} 再修改")
        self.name = str(path)


def _declared(path: Path) -> dict[str, str]:
    declared: dict[str, str] = {}
    sheet = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    for rule in sheet:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if item.type == "declaration" and item.name.startswith("--"):
                    declared[item.name[2:]] = tinycss2.serialize(item.value).strip()
    return declared


def _resolved(declared: dict[str, str], name: str, seen: tuple[str, ...] = ()) -> str:
    """A token's value with a `var(--other)` it consists of replaced by that token's value."""
    value = declared[name]
    alias = re.fullmatch(r"var\(--([\w-]+)\)", value)
    if alias and alias.group(1) in declared and alias.group(1) not in seen:
        return _resolved(declared, alias.group(1), (*seen, name))
    return value


class _Compiled(jinja2.BytecodeCache):
    """The templates compiled by any environment of this process, by name, file and the options the code depends
    on (an overlay's finalize, as the lobby screen's, compiles other code): a build after the first (the preview's
    after each save) compiles only the templates whose source has changed, which Jinja tells by its checksum.

    With a folder, also kept there between processes, a file a template (written whole, then renamed): each
    render worker of a build would otherwise compile every template it uses again, a quarter of a second. The key
    holds Jinja's version (`_options`); Jinja's bucket tells code of another Python or of a changed source, and it
    is compiled again, as is a file cut short or garbled."""

    def __init__(self, code: dict[str, bytes] | None = None, folder: Path | None = None) -> None:
        self.code: dict[str, bytes] = {} if code is None else code
        self.folder = folder

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(f"{name}|{_options(environment, name)}", filename),
                                       self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key not in self.code and self.folder is not None:
            with contextlib.suppress(OSError):
                self.code[bucket.key] = (self.folder / bucket.key).read_bytes()
        if bucket.key in self.code:
            try:
                bucket.bytecode_from_string(self.code[bucket.key])  # resets itself when the checksum differs
            except (EOFError, ValueError, TypeError, LookupError, AttributeError, ImportError,
                    pickle.UnpicklingError):  # a file cut short or garbled: compiled again
                bucket.reset()
                del self.code[bucket.key]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code[bucket.key] = bucket.bytecode_to_string()
        if self.folder is not None:
            with contextlib.suppress(OSError):  # a cache: a folder that cannot be written only costs time
                self.folder.mkdir(parents=True, exist_ok=True)
                files.replace(self.folder / bucket.key, code)


def _options(env: jinja2.Environment, name: str) -> str:
    """What of an environment the code compiled from a template depends on (and Jinja's version: the code of one
    release may not run on another, which Jinja's bytecode format does not always tell)."""
    def named(value: Any) -> str | None:
        return None if value is None else f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
    escaped = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return repr((jinja2.__version__, named(env.finalize), escaped, env.trim_blocks, env.lstrip_blocks,
                 env.keep_trailing_newline, env.newline_sequence, env.block_start_string, env.variable_start_string, env.comment_start_string,
                 env.line_statement_prefix, env.line_comment_prefix, env.optimized, env.is_async,
                 sorted(env.extensions), sorted(env.filters), sorted(env.tests)))


_COMPILED = _Compiled()


def environment(dating: Dating, theme: Theme | None = None, compiled: Path | None = None) -> jinja2.Environment:
    """The environment of one build; `content_date(records…)` dates what a template makes of records. `compiled`:
    a folder where compiled templates are kept for other processes."""
    theme = theme or Theme()
    env = _Environment(
        loader=theme.loader(),
        bytecode_cache=_COMPILED if compiled is None else _Compiled(_COMPILED.code, compiled),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One build's environment (each build makes its own): a template's file is not looked at again each time a
        # page extends, imports or includes it (some 5 % of a page's rendering at 300 stations).
        auto_reload=False,
    )
    tokens = theme.tokens()
    env.filters.update(
        markdown=render_markdown,
        cn_date=cn_date,
        weekday=weekday,
        clock=clock,
        percent=percent,
        tel=tel,
        rule_text=describe,
        zoned=zoned,
        short_lines=short_lines,
        top_level=top_level,
        month=month_of,
    )
    env.globals.update(href=href, page_url=page_url, content_date=dating.of,
                       reception_title=reception_title, six_items=six_items.BY_KEY,
                       notice_path=urls.reception_notice_path, wechat_path=urls.wechat_text_path,
                       calendar_path=urls.calendar_path, notices_feed=urls.NOTICES_FEED, badge_path=urls.badge_path,
                       deputies_part_path=urls.deputies_part_path, schedule_month_path=urls.schedule_month_path,
                       schedule_part_path=urls.schedule_part_path, opinions_year_path=urls.opinions_year_path,
                       opinions_part_path=urls.opinions_part_path, levels=LEVEL_ORDER, by_level=by_level,
                       statuses=list(OpinionStatus),
                       qr_svg=functools.partial(qr.svg, dark=tokens["qr-dark"], light=tokens["qr-light"]),
                       tokens=tokens, palette=functools.partial(palette, tokens),
                       stylesheet=functools.partial(stylesheet, theme))
    return env


def stylesheet(theme: Theme, relative: str) -> Markup:
    """A stylesheet of the theme (static/tokens.css, templates/print/poster.css) as it is, to inline it: CSS,
    not a template."""
    data = theme.path(relative).read_bytes()
    _note(THEME_FILE + relative, digest(data))
    return Markup(data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))  # as read_text() reads it


def palette(tokens: dict[str, str], prefix: str) -> dict[str, str]:
    """The tokens named `<prefix>-…`, by the rest of their name: palette('web-chart') gives text, axis, received …"""
    start = prefix + "-"
    return {name[len(start):]: value for name, value in tokens.items() if name.startswith(start)}


def template_problem(error: jinja2.TemplateError) -> Problem:
    """A theme template's mistake for the user, at the template's file and line where Jinja knows them: its own
    frames in the traceback, here or (a worker's) in the remote traceback it carries as its cause."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where = [(error.filename, error.lineno)]
    else:
        frames = [(frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(error.__traceback__)]
        remote = error.__cause__.args[0] if error.__cause__ is not None and error.__cause__.args else ""
        frames += [(name, int(line)) for name, line in _FRAME.findall(str(remote))]
        where = [(name, line) for name, line in frames if not name.endswith(".py") and "<" not in name]
    detail = f"找不到模板“{error.name}”" if isinstance(error, jinja2.TemplateNotFound) else str(error.message)
    path, line = where[-1] if where else (str(getattr(error, "name", None) or "templates"), 0)
    return Problem(Path(path), line, 0, "", f"主题{'' if isinstance(error, TokensMissing) else '模板'}有误：{detail}")


_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


@jinja2.pass_context
def href(context: jinja2.runtime.Context, target: Any, anchor: str = "") -> str:
    """Relative link from the page being rendered to an output path or an entity's page."""
    path = target if isinstance(target, str) else urls.page_path(target.section, target.id)
    if context.get("absolute_links"):  # pages served at any depth, such as 404.html
        link = urls.canonical(context["site"].settings.base_url, path)
    else:
        link = urls.relative(context["page_path"], path)
    return f"{link}#{anchor}" if anchor else link


@jinja2.pass_context
def page_url(context: jinja2.runtime.Context, target: Any = None) -> str:
    """Absolute public URL of an entity's page, an output path, or the page being rendered."""
    site: Site = context["site"]
    if target is None or isinstance(target, str):
        return urls.canonical(site.settings.base_url, target or context["page_path"])
    return site.public_url(target)


@jinja2.pass_context
def reception_title(context: jinja2.runtime.Context, event: Any) -> str:
    """The title of a reception's notice as plain text, so that each template escapes it as its format needs."""
    station = context["site"].stations[event.station]
    wording: Any = context.environment.get_template("notice-reception-wording.html").module  # its macros
    return Markup(wording.title(event, station)).unescape().strip()


def cn_date(value: dt.date, with_weekday: bool = False) -> str:
    text = f"{value.year}年{value.month}月{value.day}日"
    return f"{text}（{weekday(value)}）" if with_weekday else text


@jinja2.pass_context
def zoned(context: jinja2.runtime.Context, day: dt.date, time: dt.time = dt.time(), timespec: str = "seconds") -> str:
    """A day and a wall time in the site's time zone, in ISO 8601 with its offset (2026-12-01T09:00+08:00)."""
    moment = dt.datetime.combine(day, time, tzinfo=context["site"].settings.zone)
    return moment.isoformat(timespec=timespec)


def weekday(value: dt.date) -> str:
    return "星期" + WEEKDAY_NAMES[value.weekday()]


def clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@functools.lru_cache(maxsize=4096)  # a station's number is on each of its pages and notices
def tel(phone: str) -> Markup:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return Markup('<a href="tel:{0}">{1}</a>').format(digits, phone)
