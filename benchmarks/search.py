"""The search page at county size: how large its index is, and how long a query takes in Chromium.

A generated county (benchmarks/corpus.py, 300 stations and some 3,000 deputies by default) is planned as a
build plans it, and the jobs of the search page, its index and the static files it loads are run and written
into a folder; Chromium (the tests' Debian Chromium, through Playwright) opens the page from file:// and runs
each query many times. Reported: the index's bytes raw and gzipped (level 6, nginx's `gzip_comp_level` and most
hosts' choice), the page's HTML, the time from navigation to a usable box, and per query the median and worst
time of matching alone (`window.__search`) and of matching and drawing the results (an `input` event).

    .venv/bin/python benchmarks/search.py [--stations 300] [--repeat 21] [--split-above N]

With --split-above below the corpus's deputies and stations, the index is split by region (search.SPLIT_ABOVE):
every index file is reported, and the page opens with the region of the deputy the queries look for
(search/?r=<township>), timed until that region's file is loaded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import TODAY, generate  # noqa: E402
from liaison.build.config import Config  # noqa: E402
from liaison.build.pipeline import prepare  # noqa: E402
from liaison.model.site import Site  # noqa: E402
from liaison.render.web import search  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
STATIC = ("static/search.js", "static/style.css", "static/tokens.css")


def write_search(content: Path, site: Path, today: dt.date = TODAY, more: tuple[str, ...] = ()) -> Site:
    """The search page, its index (all its files) and the static files it loads (and the outputs under the
    folders `more`), rendered as a build renders them; the model they were rendered from."""
    prepared = prepare(Config(content=content, site_dir=site, signage_dir=site.parent / "signage", today=today))
    for job in prepared.jobs:
        if any(path.startswith(("search/", *more)) or path in STATIC for path in job.outputs):
            for output in job.run(prepared.context).outputs:
                (site / output.path).parent.mkdir(parents=True, exist_ok=True)
                (site / output.path).write_bytes(output.data)
    return prepared.context.site


def index_files(site: Path) -> dict[str, bytes]:
    """The index's files: search/entries.js, and a split index's region files."""
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted((site / "search").glob("*.js"))}


def queries(content: Path) -> tuple[str, dict[str, str]]:
    """The village station of the deputy looked for, and what a reader types, taken from the corpus: part of a name, initials, a village, a unit, a common
    surname (many results), and a phrase found only by its two-character runs."""
    import yaml

    stations = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((content / "stations").glob("*.yaml"))}
    vid, village = next((sid, s) for sid, s in stations.items() if s["tier"] == "村")
    deputies = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((content / "deputies").glob("*.yaml"))]
    deputy = next(d for d in deputies if any(m["station"] == vid for m in d["memberships"]))
    from liaison.content.pinyin_ids import person_syllables

    initials = "".join(s[0] for s in person_syllables(deputy["name"]))
    return vid, {"part of a name": deputy["name"][1:], "initials": initials, "village": village["locality"][-3:],
            "unit": deputy["unit"], "surname, one character": "王",
            "phrase (two-character runs)": village["locality"][-3:] + "的" + deputy["name"]}


def measure(page_url: str, typed: dict[str, str], repeat: int, region: str = "") -> tuple[float, list[tuple[str, str, float, float, float, int]]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(page_url + (f"?r={region}" if region else ""), wait_until="load")
        if region:  # the region's file is loaded after the page's
            page.wait_for_function("id => window.LIAISON_SEARCH_PARTS && window.LIAISON_SEARCH_PARTS[id]", arg=region)
        ready = page.evaluate("performance.now()" if region
                              else "performance.getEntriesByType('navigation')[0].loadEventEnd")
        rows = []
        for label, query in typed.items():
            times = page.evaluate("""([q, n]) => { const t = [];
              for (let i = 0; i < n; i++) { const s = performance.now(); window.__search(q); t.push(performance.now() - s); }
              return t; }""", [query, repeat])
            drawn = page.evaluate("""([q, n]) => { const box = document.getElementById('search-q'), t = [];
              for (let i = 0; i < n; i++) { box.value = i % 2 ? q : q + ' ';
                const s = performance.now(); box.dispatchEvent(new Event('input')); t.push(performance.now() - s); }
              return t; }""", [query, repeat])
            found = page.evaluate("q => window.__search(q).results.length", query)
            rows.append((label, query, statistics.median(times), max(times), statistics.median(drawn), found))
        browser.close()
    return ready, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--split-above", type=int, default=search.SPLIT_ABOVE)
    args = parser.parse_args(argv)
    search.SPLIT_ABOVE = args.split_above
    with tempfile.TemporaryDirectory(prefix="liaison-search-") as work:
        content, site = Path(work) / "content", Path(work) / "site"
        started = time.perf_counter()
        corpus = generate(content, args.stations)
        model = write_search(content, site)
        files = {**index_files(site), search.PAGE: (site / search.PAGE).read_bytes()}
        print(f"{corpus.stations} stations, {corpus.deputies} deputies (made and rendered in "
              f"{time.perf_counter() - started:.0f} s)\n")
        print("| file | raw | gzip -6 |\n|---|---:|---:|")
        for name, data in files.items():
            print(f"| `{name}` | {len(data) / 1024:.0f} KB | {len(gzip.compress(data, 6)) / 1024:.0f} KB |")
        village, typed = queries(content)
        region = model.township_of(model.stations[village]).id if search.split(model) else ""
        ready, rows = measure((site / search.PAGE).as_uri(), typed, args.repeat, region)
        print(f"\nNavigation to load event (index parsed, entries prepared{', region loaded' if region else ''}): "
              f"{ready:.0f} ms\n")
        print("| query | typed | results | match, median | match, worst | match and draw, median |")
        print("|---|---|---:|---:|---:|---:|")
        for label, query, median, worst, drawn, found in rows:
            print(f"| {label} | {query} | {found} | {median:.1f} ms | {worst:.1f} ms | {drawn:.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
