"""What one build is asked to do: where the content, the theme and the outputs are, for which day, and which
part of the plan to run."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from liaison.model.site import Site
from liaison.render import theme


@dataclass(frozen=True)
class Config:
    content: Path
    site_dir: Path
    signage_dir: Path
    today: dt.date | None = None  # None: today in the site's time zone (or SOURCE_DATE_EPOCH's day)
    theme_dir: Path = theme.DEFAULT_THEME
    theme: Path | None = None  # --theme: a folder laid over theme_dir file by file; wins over site.yaml's `theme`
    strict: bool = False  # warnings fail the build too
    force: bool = False  # replace output folders holding files liaison did not write
    only: tuple[str, ...] = ()  # build only these targets (web, kiosk, print, data); () is every one
    stations: tuple[str, ...] = ()  # build only these stations' files; () is every file
    jobs: int | None = None  # render processes; None: every processor this process may use
    clean: bool = False  # render everything, reusing nothing of the published build
    prune: tuple[str, ...] = ()  # addresses of pages of gone records (tombstones) to remove for good
    dask: str | None = None  # --dask: render on the Dask cluster at this scheduler address, or "local"
    # serve's first pass: of the chosen jobs, only the web pages (HTML) whose files are not current are rendered;
    # everything else, the aggregates that fan in from the pages (sitemap, link check) too, is left for the next build
    pages_first: bool = False

    @property
    def partial(self) -> bool:
        """Whether the build leaves part of the published outputs as they are."""
        return bool(self.only or self.stations)


def site_theme(site: Site, config: Config) -> theme.Theme:
    """The default theme with the user's folder over it: --theme's, else the one site.yaml names."""
    custom = config.theme or (config.content / site.settings.theme if site.settings.theme else None)
    return theme.Theme(custom, config.theme_dir)


def user_cache(*parts: str) -> Path:
    """A folder of the user's cache (XDG_CACHE_HOME, else ~/.cache), where liaison keeps what it can make again:
    the preview's builds, compiled templates, the photos a check saw decode whole (photos.json)."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(cache) if os.path.isabs(cache) else Path.home() / ".cache"
    return root.joinpath("liaison", *parts)
