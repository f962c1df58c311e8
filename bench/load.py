"""Print how long loading takes: the demo catalogue and generated ones.

python bench/load.py            # demo, 1,000 and 10,000 entries
python bench/load.py 50000
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402

from catalogue.content import load  # noqa: E402


def measure(label: str, path: Path, repeat: int = 3) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        catalogue = load(path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{label:>14}: {len(catalogue.entries):>6} entries, {len(catalogue.errors)} errors, "
        f"load best {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s, "
        f"peak traced memory {peak / 2**20:.0f} MiB"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    measure("demo", ROOT / "content")
    for size in sizes:
        out = generate(size, ROOT / "bench" / "out" / str(size))
        measure(f"generated {size}", out, repeat=1 if size > 10000 else 3)


if __name__ == "__main__":
    main()
