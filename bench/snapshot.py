"""Record every page and data file of a catalogue, to compare two versions of the code.

    python bench/snapshot.py OUT [--content DIR]

writes OUT/frozen/ (the site `catalogue build` makes, under a sub-path) and OUT/live/
(the server's answer to every URL of the frozen site, in both languages, plus searches,
the search API, feeds, the sitemap and the CSV, each saved under its quoted URL). Run it
on two checkouts and compare with `diff -r A B`: a reshaping of the code that keeps
behaviour gives no difference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue.web import create_app  # noqa: E402

BASE_URL = "https://college.example/micro/"
SEARCHES = [
    "",
    "q=care",
    "q=s%C3%A9curit%C3%A9&sort=cost",
    "q=data+safety&delivery=online&delivery=hybrid",
    "delivery=online&cost_max=500&sort=-cost&page=2",
    "hours_min=20&hours_max=60&weeks_max=8&sort=hours",
    "cost_band=free&level=introductory&sort=updated",
    "q=welding&field=Skilled+trades",
    "q=managment",
    "q=NOT+OR+foobar&page=999999",
    "language=fr&start=on-demand&sort=weeks",
    "skills=no+such+skill&sort=bogus",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--content", default=str(ROOT / "content"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    from catalogue.build import freeze

    urls = freeze(args.content, out / "frozen", BASE_URL)
    with tempfile.TemporaryDirectory() as index:
        app = create_app(args.content, index_dir=index)
        client = app.test_client()
        paths = sorted({u for u in urls if "search-data" not in u and u != "/404.html"})
        for lang in ("", "/fr"):
            paths += [f"{lang}/search/?{q}" for q in SEARCHES]
            paths += [f"{lang}/compare/?c=data-literacy-foundations&c=x"]
        paths += [f"/api/search.json?{q}" for q in SEARCHES]
        paths += ["/no-such-page/", "/fr/no-such-page/", "/credentials/nope/"]
        live = out / "live"
        live.mkdir(parents=True, exist_ok=True)
        for path in paths:
            response = client.get(path)
            name = quote(path, safe="") or "root"
            head = f"{response.status_code} {response.mimetype}\n".encode()
            (live / name).write_bytes(head + response.get_data())
    print(f"{len(paths)} live responses and {len(urls)} frozen files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
