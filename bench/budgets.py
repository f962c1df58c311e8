"""Print the static site's budgets: what the browser loads, how fast it searches, how long
a build takes.

    .venv/bin/python bench/budgets.py            # after bash scripts/test has installed
                                                 # Chromium, Node.js and Playwright

1. Freeze time of a generated 1,000-entry catalogue (budget: 30 s).
2. Bytes the browser loads for a first faceted view of that build, `/search/?delivery=online`
   opened in Chromium from a sub-path: every response the page asked for, each gzipped at
   level 6 as a static host would send it (budget: 60 KB).
3. Query plus facet counts under Node.js on a generated 10,000-entry catalogue: parse and
   search for 1,000 generated search URLs after 200 to warm up, p50 and p95 (budget p95:
   16 ms).

Catalogues come from bench/generate.py and are kept under bench/out/.
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]
from generate import generate  # noqa: E402
from queries import search_urls  # noqa: E402

from catalogue.build import export_search, freeze  # noqa: E402
from catalogue.web import create_app  # noqa: E402
from tests.static_site import launch_chromium, serve_folder  # noqa: E402

OUT = HERE / "out"
BUDGET_BYTES = 60_000
BUDGET_P95_MS = 16.0
BUDGET_FREEZE_S = 30.0


def catalogue(count: int) -> Path:
    folder = OUT / str(count)
    if not (folder / "credentials").is_dir() or len(list(folder.glob("credentials/*.md"))) != count:
        generate(count, folder)
    return folder


def freeze_time(content: Path, site: Path) -> float:
    start = time.perf_counter()
    freeze(content, site, "https://college.example/microcredentials/")
    return time.perf_counter() - start


def first_view_bytes(site: Path, path: str) -> tuple[int, int, list[tuple[str, int, int]]]:
    """Load `path` of the build in Chromium; return (raw, gzipped, [(url, raw, gz)...])."""
    from playwright.sync_api import sync_playwright

    loaded: list[tuple[str, int, int]] = []
    with serve_folder(site) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()

        def record(response):
            body = response.body()
            loaded.append((response.url, len(body), len(gzip.compress(body, 6))))

        page.on("response", record)
        page.goto(base + path.lstrip("/"))
        page.wait_for_selector("#search-app[data-rendered]:not([aria-busy]) .cards .card")
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(r for _, r, _ in loaded), sum(g for _, _, g in loaded), loaded


def node_timings(count: int) -> list[float]:
    app = create_app(catalogue(count), index_dir=OUT / f"index-{count}")
    engine = app.extensions["catalogue"].engine
    folder = OUT / f"export-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    files = export_search(app, None)
    for name, data in files.items():
        if not name.startswith("cards-"):
            (folder / name).write_bytes(data)
    facets = next(folder.glob("facets.*.json"))
    text = folder / json.loads(facets.read_text())["text"]
    queries = search_urls(engine, 1200, seed=11)
    proc = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "search_queries.mjs"), facets, text, "--time"],
        input="\n".join(json.dumps(q) for q in queries) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(line) for line in proc.stdout.split()][200:]


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def main() -> int:
    site = OUT / "site-1000"
    seconds = freeze_time(catalogue(1000), site)
    print(
        f"freeze, 1,000 entries: {seconds:.1f} s  (budget {BUDGET_FREEZE_S:.0f} s: "
        f"{verdict(seconds <= BUDGET_FREEZE_S)})"
    )

    raw, packed, loaded = first_view_bytes(site, "search/?delivery=online")
    print(
        f"first faceted view, 1,000 entries: {packed / 1000:.1f} KB gzipped, {raw / 1000:.1f} KB"
        f" raw, {len(loaded)} requests  (budget {BUDGET_BYTES / 1000:.0f} KB: "
        f"{verdict(packed <= BUDGET_BYTES)})"
    )
    kinds: dict[str, list[int]] = {}
    for url, _, gz in loaded:
        kind = "card fragments" if "/cards-" in url else url.rsplit("/", 1)[-1].split("?")[0]
        kinds.setdefault(kind or "index.html", []).append(gz)
    for kind, sizes in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"  {sum(sizes) / 1000:6.1f} KB  {kind}"
            + (f" ({len(sizes)})" if len(sizes) > 1 else "")
        )

    times = node_timings(10_000)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    print(
        f"query + counts under Node, 10,000 entries: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(times):.1f} ms over {len(times)} URLs  (budget p95 {BUDGET_P95_MS:.0f} ms: "
        f"{verdict(p95 <= BUDGET_P95_MS)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
