"""Print faceted-search latency: this project's engine beside a naive Whoosh baseline.

    python bench/search.py                 # 10,000 entries
    python bench/search.py 1000 10000 50000

The baseline is the usual way to facet with Whoosh: facet fields in the index and one
`groupedby` search per request. Both answer the same generated requests (words, facet
filters, ranges, sorts, pages); figures are per request, after a warm-up.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh import sorting  # noqa: E402
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema  # noqa: E402
from whoosh.query import And, Every, NumericRange, Or, Term  # noqa: E402

from catalogue.content import load  # noqa: E402
from catalogue.facets import FACETS  # noqa: E402
from catalogue.search import ANALYZER, TEXT_FIELDS, SearchEngine, index_text  # noqa: E402


def requests(engine: SearchEngine, count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    words = sorted(engine.vocabulary)
    out = []
    for _ in range(count):
        args: dict = {}
        if rng.random() < 0.7:
            args["q"] = " ".join(rng.choice(words) for _ in range(rng.choice([1, 1, 2])))
        for facet in rng.sample([f.name for f in FACETS[:8]], rng.choice([0, 1, 1, 2])):
            values = list(engine.bits[facet])
            args[facet] = rng.sample(values, min(len(values), rng.choice([1, 1, 2])))
        if rng.random() < 0.2:
            args["cost_max"] = str(rng.choice([0, 250, 500, 1000]))
        if rng.random() < 0.1:
            args["hours_max"] = str(rng.choice([20, 40, 100]))
        args["sort"] = rng.choice(["", "", "cost", "title", "updated"])
        args["page"] = str(rng.choice([1, 1, 1, 2, 3]))
        out.append(args)
    return out


class NaiveWhoosh:
    """Facets as Whoosh fields, counted with `groupedby` on every request."""

    def __init__(self, entries, folder: Path):
        text = {name: TEXT(analyzer=ANALYZER, phrase=False) for name, _ in TEXT_FIELDS}
        facets = {"f_" + f.name: KEYWORD(stored=False, commas=True, sortable=True) for f in FACETS}
        schema = Schema(
            slug=ID(stored=True, unique=True),
            title_sort=ID(sortable=True),
            cost_n=NUMERIC(int, sortable=True, signed=True),
            hours_n=NUMERIC(int, sortable=True, signed=True),
            weeks_n=NUMERIC(int, sortable=True, signed=True),
            updated_n=NUMERIC(int, sortable=True, signed=True),
            **text,
            **facets,
        )
        self.ix = whoosh_index.create_in(folder, schema)
        with self.ix.writer(procs=1, limitmb=256) as writer:
            for e in entries:
                writer.add_document(
                    slug=e.slug,
                    title_sort=e.title.lower(),
                    cost_n=int(e.cost * 100),
                    hours_n=int(e.hours * 100),
                    weeks_n=int(e.weeks * 100),
                    updated_n=e.updated.toordinal() if e.updated else 0,
                    **{n: index_text(e, n) for n, _ in TEXT_FIELDS},
                    **{
                        "f_" + f.name: ",".join(v.replace(",", " ") for v in f.values(e))
                        for f in FACETS
                    },
                )
        self.searcher = self.ix.searcher()

    def search(self, args: dict) -> int:
        terms = [t.text for t in ANALYZER(args.get("q", ""))]
        parts = [Or([Term(n, t, boost=b) for n, b in TEXT_FIELDS]) for t in terms]
        for f in FACETS:
            if f.name in args:
                parts.append(Or([Term("f_" + f.name, v.replace(",", " ")) for v in args[f.name]]))
        if "cost_max" in args:
            parts.append(NumericRange("cost_n", None, int(float(args["cost_max"]) * 100)))
        if "hours_max" in args:
            parts.append(NumericRange("hours_n", None, int(float(args["hours_max"]) * 100)))
        query = And(parts) if parts else Every()
        sortedby = {"cost": "cost_n", "title": "title_sort", "updated": "updated_n"}.get(
            args.get("sort"), None if terms else "title_sort"
        )
        page = int(args.get("page", 1))
        results = self.searcher.search_page(
            query,
            page,
            pagelen=20,
            sortedby=sortedby,
            groupedby={
                f.name: sorting.FieldFacet("f_" + f.name, allow_overlap=True) for f in FACETS
            },
        )
        return len(results)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, batch: list, budget: float = 120.0) -> list[float]:
    """Time `fn` on each item, stopping early once `budget` seconds have gone."""
    times = []
    deadline = time.perf_counter() + budget
    for item in batch:
        if time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10000]
    for size in sizes:
        folder = generate(size, ROOT / "bench" / "out" / str(size))
        entries = load(folder).published()
        print(f"{size} entries loaded", flush=True)
        start = time.perf_counter()
        engine = SearchEngine(entries, ROOT / "bench" / "out" / f"index-{size}")
        build = time.perf_counter() - start
        batch = requests(engine, 600)
        answer = engine.answer
        timed(answer, batch[:100])  # warm-up
        ours = timed(answer, batch)
        start = time.perf_counter()
        naive = NaiveWhoosh(entries, Path(tempfile.mkdtemp(prefix="bench-naive-")))
        naive_build = time.perf_counter() - start
        timed(naive.search, batch[:20], budget=30)
        theirs = timed(naive.search, batch[:300], budget=90)
        print(
            f"{size} entries: start-up (index build unless reused) ours {build:.1f} s, "
            f"naive index build {naive_build:.1f} s"
        )
        for label, t in (("ours (in-memory facets)", ours), ("naive Whoosh groupedby", theirs)):
            print(
                f"  {label:<26} p50 {statistics.median(t):7.2f} ms   p95 "
                f"{percentile(t, 95):7.2f} ms   max {max(t):7.2f} ms   n={len(t)}"
            )


if __name__ == "__main__":
    main()
