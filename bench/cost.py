"""What a request costs, counted rather than timed, and two versions of the code compared.

    .venv/bin/python bench/cost.py                        # this checkout
    .venv/bin/python bench/cost.py --against HEAD~3       # and another commit, side by side
    .venv/bin/python bench/cost.py --against HEAD~3 --load 3   # and three rounds of wrk each

Timings on a shared 2-core machine move by a quarter within minutes, which hides the
change one commit makes. So this counts machine instructions instead: each checkout
serves the same generated search URLs in one process under valgrind's callgrind (Debian's
`valgrind` package; installed here when missing and running as root): 1,800 of them
first, uncounted, as a server that has been up a while has (its templates compiled,
cards rendered, common words read), then 200 others counted, each new to it as most
requests are; the figure is instructions per request. The same code and URLs give the
same count to within a fraction of a percent.

With `--against REV`, that commit is checked out in a temporary git worktree and counted
the same way over the same content (this checkout's demo catalogue, or `--content`).
With `--load N`, each checkout is also served by gunicorn and driven by wrk (as in
bench/load_server.py) for N rounds, alternating, so that both see the same moments of
the machine; every round's requests a second are printed, then the medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENDPOINTS = ("/search/", "/api/search.json")

# Run under valgrind by the parent: serve the URLs once untimed, then once counted.
CHILD = """
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
from werkzeug.test import EnvironBuilder
from catalogue.web import create_app
app = create_app(sys.argv[2], index_dir=sys.argv[3])
def environs(path):
    with open(path) as f:
        return [EnvironBuilder(path=sys.argv[4], query_string=q).get_environ() for q in f]
def serve(requests):
    for environ in requests:
        b"".join(app(dict(environ), lambda status, headers, exc_info=None: None))
serve(environs(sys.argv[6]))
counted = environs(sys.argv[5])
control = ["callgrind_control", "-i"]
subprocess.run(control + ["on", str(os.getpid())], check=True, capture_output=True)
serve(counted)
subprocess.run(control + ["off", str(os.getpid())], check=True, capture_output=True)
"""


def ensure_valgrind() -> None:
    if shutil.which("valgrind") and shutil.which("callgrind_control"):
        return
    if os.geteuid() != 0:
        sys.exit("valgrind is needed: sudo apt-get install valgrind")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"], check=True)


def instructions(
    checkout: Path, content: Path, endpoint: str, queries: Path, warm: Path, work: Path
) -> float:
    """Instructions per request of `endpoint` in `checkout` for `queries`, after serving
    the other URLs of `warm` first."""
    index_dir = work / f"index-{checkout.name}"
    out = work / "callgrind.out"
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-c",
            CHILD,
            str(checkout),
            str(content),
            str(index_dir),
            endpoint,
            str(queries),
            str(warm),
        ],
        capture_output=True,
        text=True,
        cwd=checkout,
    )
    out.unlink(missing_ok=True)
    collected = [line for line in run.stderr.splitlines() if "Collected :" in line]
    if run.returncode or not collected:
        sys.exit(f"counting {endpoint} in {checkout} failed:\n{run.stderr[-3000:]}")
    count = len(queries.read_text().splitlines())
    return int(collected[-1].split(":")[-1].strip()) / count


def load_rounds(checkouts: dict[str, Path], content: Path, queries: list[str], rounds: int,
                seconds: int) -> dict[str, list[float]]:  # fmt: skip
    """Requests a second at 8 connections on /search/, each checkout in turn, `rounds` times."""
    from load_server import WORKERS, ensure_wrk, run_wrk

    from tests.static_site import free_port, start_server

    wrk = ensure_wrk()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    figures: dict[str, list[float]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as work:
        paths = Path(work) / "paths.txt"
        paths.write_text("".join(f"/search/?{q}\n" for q in queries))
        for round_ in range(1, rounds + 1):
            for name, checkout in checkouts.items():
                port = free_port()
                env = {
                    **os.environ,
                    "CATALOGUE_CONTENT": str(content),
                    "CATALOGUE_INDEX_DIR": str(Path(work) / f"index-{name}"),
                }
                # Started in the checkout, which gunicorn puts first on sys.path. (Started
                # here with PYTHONPATH and --chdir naming the other checkout, it served
                # this checkout's code: --chdir is not moved ahead when already on the path.)
                command = [str(gunicorn), "--workers", str(WORKERS), "--bind",
                           f"127.0.0.1:{port}", "--log-level", "warning",
                           "catalogue.wsgi:app"]  # fmt: skip
                proc = start_server(command, f"http://127.0.0.1:{port}/", env, cwd=checkout)
                try:
                    base = f"http://127.0.0.1:{port}"
                    run_wrk(wrk, base, paths, 8, 2)  # warm-up
                    result = run_wrk(wrk, base, paths, 8, seconds)
                finally:
                    proc.terminate()
                    proc.communicate(timeout=30)
                figures[name].append(result["rps"])
                errors = f", {result['non2xx']} errors" if result["non2xx"] else ""
                print(f"  round {round_}: {name:<10} {result['rps']:6.0f} req/s, "
                      f"p99 {result['p99']:5.1f} ms{errors}", flush=True)  # fmt: skip
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", metavar="REV", help="another commit to count the same way")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--requests", type=int, default=200, help="URLs counted (default 200)")
    parser.add_argument("--load", type=int, default=0, metavar="N", help="rounds of wrk each")
    parser.add_argument("--seconds", type=int, default=5, help="length of a wrk round")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(HERE), str(ROOT)]
    from queries import search_urls

    from catalogue.web import create_app

    ensure_valgrind()
    content = args.content.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = create_app(content, index_dir=work / "index-urls")
        queries = search_urls(app.extensions["catalogue"].engine, 2000, seed=5)
        counted, warm = work / "queries.txt", work / "warm.txt"
        counted.write_text("\n".join(queries[: args.requests]) + "\n")
        warm.write_text("\n".join(queries[args.requests :]) + "\n")
        checkouts = {"this": ROOT}
        if args.against:
            other = work / "against"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(other), args.against], check=True)  # fmt: skip
            checkouts = {args.against: other, "this": ROOT}
        try:
            others = len(queries) - args.requests
            print(f"instructions per request: {args.requests} URLs, after {others} others:")
            for endpoint in ENDPOINTS:
                counts = {
                    name: instructions(checkout, content, endpoint, counted, warm, work)
                    for name, checkout in checkouts.items()
                }
                line = "  ".join(f"{name} {n / 1e6:6.2f} M" for name, n in counts.items())
                if args.against:
                    change = counts["this"] / counts[args.against] - 1
                    line += f"  ({change:+.1%})"
                print(f"  {endpoint:<17} {line}", flush=True)
            if args.load:
                print(f"/search/ at 8 connections, {args.seconds} s a round:")
                figures = load_rounds(checkouts, content, queries, args.load, args.seconds)
                medians = [
                    f"{name} {statistics.median(v):.0f} req/s" for name, v in figures.items()
                ]
                print("  median: " + "  ".join(medians))
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(work / "against")], check=False)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
