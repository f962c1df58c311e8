"""Print the static site's budgets beside Pagefind's figures: what the browser loads, how
fast it searches, how long a build takes and how big it is.

    .venv/bin/python bench/budgets.py            # after bash scripts/test has installed
                                                 # Chromium, Node.js, Playwright, Pagefind

Catalogues of 1,000 and 10,000 entries come from bench/generate.py and are kept under
bench/out/ (content in bench/out/<count>/, builds in bench/out/site-<count>/). Each is
frozen in both languages with links under /microcredentials/, then served from that
sub-path over HTTP and opened in Chromium, each view in a new browser context (a cold
cache). Nothing here reads the search files' format: bytes are what Chromium fetched.

1. Build, at 1,000 and 10,000 entries: freeze seconds (budgets 30 s and 60 s) into an
   empty folder, first with nothing cached, then again with the entries read and the
   search index the first build cached (under bench/out/cache-<count>); what was there
   before is moved aside and only removed when the run ends (removing a large folder
   slows the file creation that follows it for minutes on this disk: see
   `file_creation_us`, whose figure is printed beside each build); the output folder's
   size (file sizes summed, 1 MB = 10^6 bytes; budget 500 MB at 10,000) and its largest
   HTML page with its path (budget: none over 200 KB).
2. First text query, `search/?q=<words>` for each of QUERIES, at both sizes. Counted on
   our side: every response the search page's load asked for (the page's HTML, the
   stylesheet, the scripts, the search data and the result cards), until the results
   are drawn and the network has been idle for 0.5 s. Budgets: 40 KB at 1,000; at 10,000,
   at most half of Pagefind's bytes for the same words.
3. Pagefind 1.5.2 (pinned, installed into .tools/ by scripts/test) indexes the 10,000
   build's English entry pages (`credentials/*/index.html`, the pages our results link
   to), timed, with its output's size. `--force-language en` keeps every entry in one
   index, as ours does (by default Pagefind splits off the entries whose pages say
   lang="fr", and an English page then searches only the rest). A harness page in its
   output folder imports `pagefind/pagefind.js`, runs `await pagefind.search(words)` and
   loads the data (`result.data()`) of the first 5 results, as Pagefind's default UI
   first shows 5. Counted on Pagefind's side: every response that asked for (pagefind.js,
   its entry file, the wasm, the meta file, the index chunks, the fragments), but not the
   harness page itself nor the default UI's own script and stylesheet, which a site
   would add.
4. First faceted view, `search/?delivery=online`, at both sizes, counted as in 2
   (budgets: under 60 KB at 1,000, at most 100 KB at 10,000). Pagefind has no facets
   configured here and is not compared.
5. Query plus facet counts under Node.js at 10,000 entries, from `export_search`'s files:
   1,000 generated search URLs after 200 to warm up, p50 and p95 (budget p95: 16 ms).
6. Server start at 10,000 entries and the memory of four gunicorn workers, from
   bench/start.py when it has `start_times(count)` and `gunicorn_memory(count)`.

Every response, on both sides, is counted as a static host would send it: gzipped at
level 6, or as it is if that is smaller (Pagefind's index files are gzipped already).
A part that fails prints one line saying so, and the others still print; the package is
imported only by the parts that need it, so a broken import fails those parts alone.
"""

from __future__ import annotations

import gzip
import importlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]
from generate import generate  # noqa: E402

from tests.static_site import launch_chromium, serve_folder  # noqa: E402

OUT = HERE / "out"
TRASH = OUT / "trash"  # what a run set aside, removed when it ends
BASE_URL = "https://college.example/microcredentials/"
SIZES = (1_000, 10_000)
LARGE = 10_000
# "counselling" is the word; the generated catalogue never uses it, so it shows
# what a query that finds nothing costs. The others are the generator's own words.
QUERIES = ("counselling", "welding", "payroll", "battery diagnostics", "flood risk")
FACETED = "search/?delivery=online"
PAGEFIND = ROOT / ".tools" / "node_modules" / ".bin" / "pagefind"
PAGEFIND_GLOB = "credentials/*/index.html"
PAGEFIND_SHOWN = 5  # results Pagefind's default UI loads at first

BUDGET_FREEZE_S = {1_000: 30.0, 10_000: 60.0}
BUDGET_OUTPUT_MB = 500.0  # at 10,000
BUDGET_PAGE_BYTES = 200_000
BUDGET_QUERY_BYTES = 40_000  # at 1,000
BUDGET_RATIO = 0.5  # of Pagefind's bytes, at 10,000
BUDGET_FACETED_BYTES = {1_000: 60_000, 10_000: 100_000}
BUDGET_P95_MS = 16.0

HARNESS = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Pagefind harness</title>
<script type="module">
const words = new URLSearchParams(location.search).get("q");
const pagefind = await import("./pagefind.js");
const search = await pagefind.search(words);
await Promise.all(search.results.slice(0, PAGEFIND_SHOWN).map((result) => result.data()));
document.body.dataset.total = String(search.results.length);
</script>
<body></body>
</html>
""".replace("PAGEFIND_SHOWN", str(PAGEFIND_SHOWN))

Loaded = list[tuple[str, int, int]]  # (url, raw bytes, bytes sent)


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def kb(n: float) -> str:
    return f"{n / 1000:.1f} KB"


@contextmanager
def part(what: str) -> Iterator[None]:
    """Run one part of the report; if it fails, say so in one line and go on."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every other figure must still print
        where = traceback.extract_tb(exc.__traceback__)[-1]
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        print(
            f"{what}: FAILED: {type(exc).__name__}: {first} "
            f"({Path(where.filename).name}:{where.lineno})",
            flush=True,
        )


def catalogue(count: int) -> Path:
    folder = OUT / str(count)
    if not (folder / "credentials").is_dir() or len(list(folder.glob("credentials/*.md"))) != count:
        generate(count, folder)
    return folder


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def largest_page(site: Path) -> tuple[int, str]:
    size, page = max((f.stat().st_size, f) for f in site.rglob("*.html"))
    return size, page.relative_to(site).as_posix()


def cpu_seconds() -> tuple[float, float]:
    """User and system CPU seconds of this process and the children it waited for (a
    build's parts are)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + children.ru_utime, own.ru_stime + children.ru_stime


def set_aside(folder: Path) -> None:
    """Move `folder` (if there) into TRASH, removed at the end of the run."""
    if folder.exists():
        TRASH.mkdir(exist_ok=True)
        folder.rename(TRASH / f"{folder.name}-{time.time_ns()}")


def file_creation_us(files: int = 2_000) -> float:
    """Microseconds of system time to create a folder with a small file in it, as a build
    does for each page: measured here and printed beside each freeze. On a disk formatted
    without a journal (this machine's is), ext4 skips the inodes freed in the last 60 to
    360 seconds when it makes a file, so after a large folder was removed the same build
    spends up to ten times the system time creating its files (31 against 300 to 500 us
    measured here); the figure says which case a build ran in. The probe is set aside, not
    removed, so it frees no inode itself."""
    probe = OUT / f"probe-{time.time_ns()}"
    probe.mkdir(parents=True)
    start = os.times().system
    for n in range(files):
        folder = probe / str(n)
        folder.mkdir()
        (folder / "index.html").write_bytes(b"<!doctype html>" * 200)
    seconds = os.times().system - start
    set_aside(probe)
    return seconds / files * 1e6


def build(count: int) -> Path:
    """Freeze `count` generated entries into bench/out/site-<count>, twice: with nothing
    cached, then again with the entries and the index cached as the first build left them
    (as a second build of the same content finds them); print the figures."""
    from catalogue.build import freeze

    site = OUT / f"site-{count}"
    content = catalogue(count)
    cache = OUT / f"cache-{count}"
    budget = BUDGET_FREEZE_S[count]
    for what in ("nothing cached", "again, entries and index cached"):
        # Into an empty folder, what was there moved aside and removed once everything is
        # measured: on this disk, creating files after removing a large folder takes up to
        # ten times the system time (see file_creation_us; a build removes the site it
        # replaces in the background, after).
        for old in [site, *OUT.glob(f".{site.name}.previous-*")]:
            set_aside(old)
        if what == "nothing cached":
            set_aside(cache)
        os.environ["XDG_CACHE_HOME"] = str(cache)  # where the build keeps them
        creation = file_creation_us()
        before = cpu_seconds()
        start = time.perf_counter()
        freeze(content, site, BASE_URL)
        seconds = time.perf_counter() - start
        user, system = (b - a for a, b in zip(before, cpu_seconds(), strict=True))
        print(
            f"freeze, {count:,} entries, {what}: {seconds:.1f} s  (budget {budget:.0f} s: "
            f"{verdict(seconds <= budget)})\n"
            f"  CPU, every process of the build: {user:.1f} s user, {system:.1f} s system; "
            f"creating a file on this disk just before: {creation:.0f} us of system time",
            flush=True,
        )
    mb = folder_bytes(site) / 1e6
    note = (
        f"  (budget {BUDGET_OUTPUT_MB:.0f} MB: {verdict(mb <= BUDGET_OUTPUT_MB)})"
        if count == LARGE
        else ""
    )
    print(f"  output folder: {mb:.0f} MB{note}")
    registries = sum(
        f.stat().st_size
        for pattern in ("api/credentials/*.*.json*", "api/ob3.json", "api/ctdl.json", "api/elm.*")
        for f in site.glob(pattern)
    )
    print(f"  of which Open Badges, CTDL and ELM files: {registries / 1e6:.0f} MB")
    size, page = largest_page(site)
    print(
        f"  largest HTML page: {kb(size)}, {page}  (budget {BUDGET_PAGE_BYTES // 1000} KB: "
        f"{verdict(size <= BUDGET_PAGE_BYTES)})",
        flush=True,
    )
    return site


def pagefind_index(site: Path) -> None:
    """Index the English entry pages of `site` with Pagefind; print its time and size."""
    if not PAGEFIND.exists():
        raise RuntimeError(f"{PAGEFIND} is missing: bash scripts/test installs it")
    start = time.perf_counter()
    proc = subprocess.run(
        [str(PAGEFIND), "--site", str(site), "--glob", PAGEFIND_GLOB, "--force-language", "en"],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"pagefind exited {proc.returncode}: {proc.stderr or proc.stdout}")
    pages = [line.strip() for line in proc.stdout.splitlines() if "Indexed" in line]
    version = subprocess.run([str(PAGEFIND), "--version"], capture_output=True, text=True)
    (site / "pagefind" / "harness.html").write_text(HARNESS, encoding="utf-8")
    print(
        f"{version.stdout.strip()}, {LARGE:,} entries ({PAGEFIND_GLOB}): indexed in "
        f"{seconds:.1f} s, {folder_bytes(site / 'pagefind') / 1e6:.0f} MB of index; "
        + "; ".join(pages[:2]),
        flush=True,
    )


def sent(body: bytes) -> int:
    return min(len(body), len(gzip.compress(body, 6)))


def load(browser, url: str, ready: str) -> tuple[Loaded, str]:
    """Open `url` in a new context (a cold cache); return what it fetched until `ready`
    matched and the network was idle, and the `data-total` shown. A page that says its
    search failed (`data-failed`) raises at once, with the first error it logged."""
    context = browser.new_context()
    page = context.new_page()
    loaded: Loaded = []
    errors: list[str] = []

    def record(response):
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect has no body
            body = b""
        loaded.append((response.url, len(body), sent(body)))

    page.on("response", record)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        page.wait_for_selector(f"{ready}, [data-failed]", state="attached", timeout=60_000)
        if page.query_selector("[data-failed]") and not page.query_selector(ready):
            raise RuntimeError(f"the page's search failed: {(errors or ['no error logged'])[0]}")
        page.wait_for_load_state("networkidle")
        total = page.eval_on_selector("[data-total]", "el => el.dataset.total", strict=False)
    finally:
        context.close()
    return loaded, total


def ours(browser, base: str, path: str) -> tuple[Loaded, str]:
    return load(browser, base + path, "#search-app[data-rendered]:not([aria-busy])")


def pagefinds(browser, base: str, words: str) -> tuple[Loaded, str]:
    loaded, total = load(
        browser, f"{base}pagefind/harness.html?q={quote(words)}", "body[data-total]"
    )
    return [r for r in loaded if not urlsplit(r[0]).path.endswith("/harness.html")], total


def total_bytes(loaded: Loaded) -> int:
    return sum(s for _, _, s in loaded)


def breakdown(loaded: Loaded) -> None:
    """Print the bytes of each file; data files of one kind from one folder (cards,
    shards, fragments) are summed as `folder/*.ext`."""
    paths = [urlsplit(url).path for url, _, _ in loaded]
    kinds = [(p.rsplit("/", 1)[0], Path(p).suffix) for p in paths]
    sizes: dict[str, list[int]] = {}
    for path, kind, (_, _, size) in zip(paths, kinds, loaded, strict=True):
        folder, ext = kind
        name = path.rsplit("/", 1)[-1] or folder.rsplit("/", 1)[-1] + "/ (the page)"
        if kinds.count(kind) > 2 and ext not in (".js", ".css", ""):
            name = f"{folder.rsplit('/', 1)[-1]}/*{ext}"
        sizes.setdefault(name, []).append(size)
    for name, each in sorted(sizes.items(), key=lambda kv: -sum(kv[1])):
        many = f" ({len(each)})" if len(each) > 1 else ""
        print(f"      {kb(sum(each)):>9}  {name}{many}")


def node_timings(count: int) -> list[float]:
    from queries import search_urls

    from catalogue.web import create_app
    from tests.static_site import write_search_files

    app = create_app(catalogue(count), index_dir=OUT / f"index-{count}")
    engine = app.extensions["catalogue"].engine
    folder = OUT / f"export-{count}"
    shutil.rmtree(folder, ignore_errors=True)
    facets = write_search_files(app, folder)
    queries = search_urls(engine, 1200, seed=11)
    proc = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "search_queries.mjs"), facets, "--time"],
        input="\n".join(json.dumps(q) for q in queries) + "\n",
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise RuntimeError(f"node exited {proc.returncode}: {proc.stderr.strip()}")
    return [float(line) for line in proc.stdout.split()][200:]


def text_queries(browser, sites: dict[int, Path], pagefind_ok: bool) -> None:
    """Part 2 and 3: our bytes at each size and Pagefind's at 10,000, query by query."""
    rows: dict[str, dict[str, tuple[Loaded, str]]] = {q: {} for q in QUERIES}
    for count, site in sites.items():
        with serve_folder(site) as base:
            for words in QUERIES:
                with part(f"first text query {words!r}, {count:,} entries"):
                    rows[words][f"{count}"] = ours(browser, base, f"search/?q={quote(words)}")
                if count == LARGE and pagefind_ok:
                    with part(f"Pagefind query {words!r}"):
                        rows[words]["pagefind"] = pagefinds(browser, base, words)
    columns = [str(c) for c in sites] + (["pagefind"] if pagefind_ok and LARGE in sites else [])
    heads = {"1000": "ours 1,000", "10000": "ours 10,000", "pagefind": "Pagefind 10,000"}
    print("first text query, cold cache, KB gzipped (results found):")
    print(f"  {'query':<22}" + "".join(f"{heads[c]:>22}" for c in columns) + "   ours/Pagefind")
    ratios, small = [], []
    for words, got in rows.items():
        cells = []
        for c in columns:
            if c in got:
                loaded, total = got[c]
                cells.append(f"{kb(total_bytes(loaded))} ({total}) in {len(loaded)}")
            else:
                cells.append("failed")
        ratio = ""
        if str(LARGE) in got and "pagefind" in got:
            r = total_bytes(got[str(LARGE)][0]) / total_bytes(got["pagefind"][0])
            ratios.append((r, words))
            ratio = f"{r:.2f}"
        if "1000" in got:
            small.append((total_bytes(got["1000"][0]), words))
        print(f"  {words!r:<22}" + "".join(f"{c:>22}" for c in cells) + f"   {ratio:>13}")
    if small:
        worst, words = max(small)
        print(
            f"first text query, 1,000 entries: at most {kb(worst)} ({words!r})  "
            f"(budget {BUDGET_QUERY_BYTES // 1000} KB: {verdict(worst <= BUDGET_QUERY_BYTES)})"
        )
    if ratios:
        worst, words = max(ratios)
        print(
            f"first text query, 10,000 entries: at most {worst:.2f} of Pagefind's bytes "
            f"({words!r})  (budget {BUDGET_RATIO}: {verdict(worst <= BUDGET_RATIO)})"
        )
    words = QUERIES[0]
    for c in columns:
        if c in rows[words]:
            print(f"  what {heads[c]} fetched for {words!r}:")
            breakdown(rows[words][c][0])
    sys.stdout.flush()


def faceted_views(browser, sites: dict[int, Path]) -> None:
    for count, site in sites.items():
        with part(f"first faceted view, {count:,} entries"), serve_folder(site) as base:
            loaded, total = ours(browser, base, FACETED)
            size, budget = total_bytes(loaded), BUDGET_FACETED_BYTES[count]
            raw = sum(r for _, r, _ in loaded)
            print(
                f"first faceted view ({FACETED}), {count:,} entries: {kb(size)} gzipped, "
                f"{kb(raw)} raw, {len(loaded)} requests, {total} results  "
                f"(budget {budget // 1000} KB: {verdict(size <= budget)})"
            )
            if count == LARGE:
                breakdown(loaded)
            sys.stdout.flush()


def node_query_times() -> None:
    times = node_timings(LARGE)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    print(
        f"query + counts under Node, {LARGE:,} entries: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(times):.1f} ms over {len(times)} URLs  (budget p95 {BUDGET_P95_MS:.0f} ms: "
        f"{verdict(p95 <= BUDGET_P95_MS)})",
        flush=True,
    )


def server_start() -> None:
    """Part 6: bench/start.py's figures, printed as it returns them."""
    try:
        start = importlib.import_module("start")
    except ModuleNotFoundError:
        print("server start: bench/start.py is not there yet; no figures")
        return
    for name in ("start_times", "gunicorn_memory"):
        with part(f"server start: {name}({LARGE})"):
            if not hasattr(start, name):
                print(f"server start: bench/start.py has no {name}(); no figures")
                continue
            figures = getattr(start, name)(LARGE)
            if isinstance(figures, dict):
                for key, value in figures.items():
                    print(f"{name}, {LARGE:,} entries: {key}: {value}")
            else:
                print(f"{name}, {LARGE:,} entries: {figures}")
            sys.stdout.flush()


def main() -> int:
    sites: dict[int, Path] = {}
    for count in SIZES:
        with part(f"freeze, {count:,} entries"):
            sites[count] = build(count)
    pagefind_ok = False
    if LARGE in sites:
        with part("Pagefind"):
            pagefind_index(sites[LARGE])
            pagefind_ok = True
    with part("Chromium"):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                text_queries(browser, sites, pagefind_ok)
                faceted_views(browser, sites)
            finally:
                browser.close()
    with part(f"query + counts under Node, {LARGE:,} entries"):
        node_query_times()
    with part("server start"):
        server_start()
    shutil.rmtree(TRASH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
