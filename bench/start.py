"""How long the server takes to start, and what four gunicorn workers hold.

    .venv/bin/python bench/start.py              # 1,000 and 10,000 entries
    .venv/bin/python bench/start.py 10000        # one size

1. Cold start: `create_app(content, index_dir=<an empty folder>)` in a new process: no
   index and no cache of parsed entries. Budget 20 s at 10,000 entries.
2. Warm start: the same again, with what the cold start left (nothing changed since).
   Budget 5 s at 10,000 entries.
   Both are timed inside the process, around create_app alone; the interpreter's start
   and the imports, shown beside them, come on top. The machine's load average when each
   started is shown too: on a shared machine other processes take their share of the
   two cores, and the wall-clock figures with it.
3. Memory: gunicorn with `--preload` and 4 sync workers (the production set-up in
   docs/production.md) serving the catalogue, after 200 requests (searches, entry pages)
   spread over the workers. Pss (each shared page divided among the processes sharing
   it) of the master and workers summed, from /proc/<pid>/smaps_rollup, and each
   process's Rss. `--no-preload` gives the figures without it, for comparison.

Catalogues come from bench/generate.py and are kept under bench/out/<count>/.
`start_times(count)` and `gunicorn_memory(count)` return the figures as text by name,
for bench/budgets.py to print.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]
from generate import generate  # noqa: E402

OUT = HERE / "out"
BUDGET_COLD_S = 20.0  # at 10,000 entries
BUDGET_WARM_S = 5.0
LARGE = 10_000
WORKERS = 4
REQUESTS = 200

# Run in a new interpreter: create_app timed alone, the imports before it timed apart.
TIMED = """
import json, os, resource, sys, time
started = time.perf_counter()
from catalogue.web import create_app
imported = time.perf_counter()
cpu = time.process_time()
create_app(sys.argv[1], index_dir=sys.argv[2])
done = time.perf_counter()
print(json.dumps({
    "imports": imported - started,
    "create_app": done - imported,
    "cpu": time.process_time() - cpu,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def catalogue(count: int) -> Path:
    """bench/out/<count>, generated if it is not there whole."""
    folder = OUT / str(count)
    if not (folder / "credentials").is_dir() or len(list(folder.glob("credentials/*.md"))) != count:
        generate(count, folder)
    return folder


def timed_start(content: Path, index_dir: Path) -> dict:
    """create_app over `content` with `index_dir`, in a new process: its figures."""
    load = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-c", TIMED, str(content), str(index_dir)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"create_app failed: {last}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load"] = load
    return figures


def start_times(count: int) -> dict[str, str]:
    """Cold and warm start of create_app at `count` entries, each with its budget (at
    10,000 entries) and verdict."""
    content = catalogue(count)
    index_dir = Path(tempfile.mkdtemp(prefix="catalogue-start-"))
    try:
        cold = timed_start(content, index_dir)
        warm = timed_start(content, index_dir)
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)
    out = {}
    for name, figures, budget in (("cold", cold, BUDGET_COLD_S), ("warm", warm, BUDGET_WARM_S)):
        seconds = figures["create_app"]
        judged = f"budget {budget:.0f} s: {verdict(seconds <= budget)}" if count == LARGE else ""
        out[f"{name} start"] = (
            f"{seconds:.1f} s ({figures['cpu']:.1f} s of CPU; imports {figures['imports']:.1f} s "
            f"more; peak {figures['max_rss_mb']:.0f} MB; load average {figures['load']:.1f})"
            + (f"  ({judged})" if judged else "")
        )
    return out


def memory_of(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of a process in kB, from /proc/<pid>/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Pss:", "Rss:"):
            values[parts[0]] = int(parts[1])
    return values["Pss:"], values["Rss:"]


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return sorted(found)


def requests(base: str, count: int) -> None:
    """Searches and entry pages, as learners would ask for them."""
    words = ["care", "safety", "data", "welding", "records", "payroll", "flood risk"]
    with urllib.request.urlopen(base + "api/search.json", timeout=60) as response:
        slugs = [e["slug"] for e in json.load(response)["results"]]
    for n in range(count):
        if n % 4 == 3 and slugs:
            url = f"{base}credentials/{slugs[n % len(slugs)]}/"
        else:
            url = f"{base}search/?q={words[n % len(words)].replace(' ', '+')}&page={1 + n % 3}"
        urllib.request.urlopen(url, timeout=60).close()


def gunicorn_memory(count: int, preload: bool = True) -> dict[str, str]:
    """Memory of gunicorn's master and `WORKERS` workers serving `count` entries, after
    `REQUESTS` requests: Pss summed, and each process's Rss."""
    from tests.static_site import gunicorn_serve

    content = catalogue(count)
    scratch = Path(tempfile.mkdtemp(prefix="catalogue-gunicorn-"))
    try:
        index_dir, pidfile = scratch / "index", scratch / "gunicorn.pid"
        catalogue_cli = Path(sys.executable).with_name("catalogue")
        subprocess.run(
            [str(catalogue_cli), "index", "--content", str(content), "--index-dir", str(index_dir)],
            check=True, capture_output=True,
        )  # fmt: skip
        settings = {
            "CATALOGUE_CONTENT": str(content),
            "CATALOGUE_INDEX_DIR": str(index_dir),
            "GUNICORN_CMD_ARGS": ("--preload " if preload else "") + f"--pid {pidfile}",
        }
        started = time.perf_counter()
        with gunicorn_serve(settings, workers=WORKERS, threads=1) as base:
            ready = time.perf_counter() - started
            requests(base, REQUESTS)
            master = int(pidfile.read_text())
            workers = children_of(master)
            pss, rss = zip(*(memory_of(pid) for pid in [master, *workers]), strict=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    how = "with --preload" if preload else "without --preload"
    return {
        "gunicorn": f"{len(workers)} workers {how}, answering {ready:.1f} s after the start",
        "Pss, master and workers together": f"{sum(pss) / 1024:.0f} MB",
        "Rss, each": f"master {rss[0] / 1024:.0f} MB, workers "
        + ", ".join(f"{r / 1024:.0f}" for r in rss[1:])
        + " MB",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1_000, LARGE])
    parser.add_argument("--no-preload", action="store_true", help="gunicorn without --preload")
    parser.add_argument("--no-memory", action="store_true", help="start times only")
    args = parser.parse_args()
    for count in args.counts:
        for name, value in start_times(count).items():
            print(f"{count:,} entries, {name}: {value}", flush=True)
    if not args.no_memory:
        count = max(args.counts)
        for name, value in gunicorn_memory(count, preload=not args.no_preload).items():
            print(f"{count:,} entries, {name}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
