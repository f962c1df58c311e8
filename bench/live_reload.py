"""Print how soon an edit shows up under `catalogue serve` (target: under a second).

    .venv/bin/python bench/live_reload.py [N]     # the demo catalogue, or N generated entries

Starts the dev server on a copy of the catalogue, then edits one entry's title ten times
and times each from the file write to the first page served with the new title, polling
every 10 ms (a browser waiting on /__live-reload reloads as soon as the version changes).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def main(argv: list[str]) -> int:
    work = Path(tempfile.mkdtemp(prefix="live-reload-"))
    content = work / "content"
    if argv:
        generate(int(argv[0]), content)
    else:
        shutil.copytree(ROOT / "content", content)
    entry = sorted((content / "credentials").glob("*.md"))[0]
    slug = entry.stem
    port = 5400 + os.getpid() % 500
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "serve", "--content", str(content),
         "--port", str(port)],
        env={**os.environ, "XDG_CACHE_HOME": str(work / "cache")},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/credentials/{slug}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        times = []
        for n in range(10):
            title = f"Edited title number {n}"
            text = re.sub(r"(?m)^title: .*$", f'title: "{title}"', entry.read_text())
            started = time.perf_counter()
            entry.write_text(text)
            while True:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if title in response.read().decode():
                        break
                time.sleep(0.01)
            times.append(time.perf_counter() - started)
            time.sleep(0.5)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1]
        shutil.rmtree(work, ignore_errors=True)
    reloads = re.findall(r"reloaded in ([\d.]+) s", log)
    size = f"{argv[0]} generated entries" if argv else "the demo catalogue"
    print(
        f"edit to page, {size}: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {len(times)} edits "
        f"(reload itself: median {statistics.median(map(float, reloads)) * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
