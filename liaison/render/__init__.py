"""Render targets. A render function makes the outputs of one job of the build's plan: a relative path and its
bytes each, a pure function of the site graph, the templates, the assets and the job's plain arguments."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from liaison.content.problems import Problem
from liaison.model.dates import Dating
from liaison.model.site import Site

if TYPE_CHECKING:  # the theme module imports this package's modules
    from liaison.render.theme import Theme


@dataclass(frozen=True)
class Output:
    path: str  # relative to the target's root, '/'-separated
    data: bytes


@dataclass(frozen=True)
class Context:
    """What every render function reads besides its arguments: made once per build, before any job runs (render
    workers inherit it), and never changed."""

    site: Site
    env: jinja2.Environment
    dating: Dating
    content: Path  # the content folder: photos, fonts, the emblem
    theme: Theme  # the default theme with the user's folder over it: static files
    # Files the published build made from a source (the web's portraits), by output path: a job making one again
    # from the same source bytes takes it as it is (`Made`) instead of encoding it again. Empty in a clean build.
    made: Mapping[str, Made] = field(default_factory=dict)
    # The QR symbols the published build's jobs drew, by payload (`qr.recording`): not encoded again. Empty in a
    # clean build, and on a Dask worker.
    symbols: Mapping[str, str] = field(default_factory=dict)
    # The content's records as the model was made from them, in one digest (`build.linkcheck.stamp`): the link
    # check reads them again to locate a broken link, and they may have been edited since. None where not known.
    loaded: str | None = None


SOURCE = "source"  # the fact naming the digest of the source bytes a job made its file from (Made)


@dataclass(frozen=True)
class Made:
    """A published file made from a source by the same code and libraries (the build state of another version
    is not read): making it again from the same source bytes gives the same bytes."""

    source: str  # SHA-256 of the source's bytes, as the job that made it told (facts' SOURCE)
    file: Path  # the published file
    digest: str  # SHA-256 of its bytes, as the published tree's manifest lists them

    def again(self, source: str) -> bytes | None:
        """The file's bytes, if it was made from a source of these bytes and is as it was published."""
        if source != self.source:
            return None
        try:
            data = self.file.read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == self.digest else None


@dataclass(frozen=True)
class Rendered:
    """What a job made: its outputs, and the facts about them that other jobs declare they read (rows of a
    manifest, the characters a page uses, its links and anchors) instead of reading the outputs' bytes."""

    outputs: tuple[Output, ...]
    # JSON values only (a build keeps them for the next one); the build adds "paths", every output's path.
    facts: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # what a check found (the link check): the build stops with them
    # The templates and theme files rendering loaded, each with the digest of the source it was made of (None: not
    # known, the file's as it is now stands for it; theme.recording), by name: the build state records them.
    loaded: tuple[tuple[str, str | None], ...] = ()
