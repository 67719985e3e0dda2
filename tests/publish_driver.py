"""Publish a small synthetic build with the real writer, in a process of its own.

`python -m tests.publish_driver SITE SIGNAGE DAY [--after-a-line]`: the tests kill this process before each of its
file system changes in turn (strace), which a full render would make too slow to do for every step. With
--after-a-line it says `ready` once its modules are loaded and publishes when it reads a line: a tracer attached
in between sees the writer's system calls without the thousands of the interpreter's start.
"""
from __future__ import annotations

import sys
from pathlib import Path

from liaison.build.writer import Publication
from liaison.render import Output


def outputs(day: str) -> dict[str, list[Output]]:
    """Two trees whose every file depends on the day, a few folders deep, like a real build."""
    return {
        "site": [Output("index.html", f"<h1>{day}</h1>".encode()),
                 Output("stations/centre/index.html", f"centre {day}".encode()),
                 Output("static/style.css", f"/* {day} */".encode())],
        "signage": [Output("centre/poster-1.pdf", f"%PDF {day}".encode()),
                    Output("manifest.json", f'{{"day": "{day}"}}'.encode())],
    }


def main(site: str, signage: str, day: str) -> None:
    with Publication({"site": Path(site), "signage": Path(signage)}) as publication:
        for name, files in outputs(day).items():
            publication.stage(name, files)
        publication.publish()


if __name__ == "__main__":
    if sys.argv[4:] == ["--after-a-line"]:
        print("ready", flush=True)
        sys.stdin.readline()
    main(*sys.argv[1:4])
