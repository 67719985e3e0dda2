"""Located content problems: every error names file, line, column and field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based
    field: str  # dotted field path, e.g. "seats[0].level"; "" for the file itself
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            try:
                path = path.relative_to(relative_to)
            except ValueError:
                pass
        field = self.field or "-"
        prefix = "" if self.severity == "error" else "警告: "
        return f"{path}:{self.line}:{self.column}: {field}: {prefix}{self.message}"


class ContentError(Exception):
    """Raised when content has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} content problem(s)")


def field_path(loc: tuple[object, ...]) -> str:
    """('seats', 0, 'level') -> 'seats[0].level'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
