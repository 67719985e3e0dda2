"""Render targets. Each produces Outputs: a relative path and its bytes, a pure
function of the site graph, the templates and the assets."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    path: str  # relative to the target's root, '/'-separated
    data: bytes
