"""Search on a frozen 10,000-entry catalogue, in Chromium, served under a sub-path: 300
generated search URLs (bench/queries.py) each show the same total, the same results in the
same order and the same facet counts as the live app's `/api/search.json` for that URL.

Whatever files the build writes for the browser, this reads only what the page shows:
`data-total` on the count, `data-slug` on each result, and each facet value's link.
The catalogue is generated, frozen and indexed once for the module; one Chromium page
visits every URL in turn.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import pytest

from catalogue.build import freeze
from catalogue.web import create_app

from .conftest import BASE, PREFIX, ROOT
from .static_site import netlify_headers, serve_folder
from .test_static_search import count_every_facet

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from queries import search_urls  # noqa: E402

COUNT = 10_000
URLS = 300
READY = "#search-app[data-rendered]:not([aria-busy])"

VIEW = """() => ({
  total: Number(document.querySelector("#results-h [data-total]").dataset.total),
  slugs: [...document.querySelectorAll(".results-body [data-slug]")].map((el) => el.dataset.slug),
  facets: [...document.querySelectorAll(".facets a.facet-value")].map((a) => [
    a.dataset.facet,
    a.dataset.value,
    Number(a.querySelector(".count").textContent),
    a.classList.contains("is-selected"),
  ]),
})"""


class CachedData(dict):
    """The build's own headers (from `_headers`), plus a day's caching for everything but
    pages, as a host may give content-hashed files: 300 visits then fetch the search data
    once, not 300 times. Only the pages' HTML is fetched afresh on every visit."""

    def __init__(self, site_headers):
        self.site = site_headers
        super().__init__(site_headers)

    def for_path(self, path: str) -> dict[str, str]:
        headers = dict(self.site.for_path(path))
        if not path.endswith(("/", ".html")):
            headers["Cache-Control"] = "max-age=86400"
        return headers


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """The live app and the served build of one generated 10,000-entry catalogue."""
    content = generate(COUNT, tmp_path_factory.mktemp("static-10k") / "content")
    app = create_app(content, index_dir=tmp_path_factory.mktemp("static-10k-index"))
    out = tmp_path_factory.mktemp("static-10k-site") / "dist"
    freeze(content, out, BASE)
    with serve_folder(out, PREFIX, CachedData(netlify_headers(out))) as url:
        yield app, url


def server_view(client, query: str) -> dict:
    """What the live app's /api/search.json answers for /search/?query, as the page shows it."""
    answer = client.get("/api/search.json", query_string=query).get_json()
    return {
        "total": answer["total"],
        "slugs": [entry["slug"] for entry in answer["results"]],
        "facets": [
            [name, v["value"], v["count"], v["selected"]]
            for name, values in answer["facets"].items()
            for v in values
        ],
    }


def in_page_order(facets: list, order: list[str]) -> list:
    """The server's facet values with the facets in the order the page shows them."""
    rank = {name: n for n, name in enumerate(order)}
    return sorted(facets, key=lambda row: rank.get(row[0], len(rank)))  # stable within a facet


def test_300_urls_show_what_the_server_answers(browser, large):
    app, site = large
    engine = app.extensions["catalogue"].engine
    assert engine.size == COUNT
    client = app.test_client()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    order = None
    views = []
    for query in search_urls(engine, URLS, seed=5):
        response = page.goto(f"{site}search/?{query}" if query else f"{site}search/")
        assert response.status == 200
        # the query as Chromium sent it, which is also what the page's script reads
        sent = urlsplit(response.url).query
        page.wait_for_selector(READY)
        # facets of many values (skills) are counted when asked for: ask, as a visitor would
        uncounted = count_every_facet(page)
        view = page.evaluate(VIEW)
        if order is None:
            order = page.eval_on_selector("#search-app", "el => el.dataset.facets.split(' ')")
        want = server_view(client, sent)
        want["facets"] = in_page_order(want["facets"], order)
        for key in ("total", "slugs", "facets"):
            assert view[key] == want[key], f"{key} differs for ?{sent}"
        views.append({**view, "uncounted": uncounted})
    context.close()
    assert errors == []
    # the comparison is not vacuous: most URLs find something, some pages go deep, some
    # select facet values, and facets show counts other than the total
    assert len(views) == URLS
    assert sum(v["total"] > 0 for v in views) > URLS // 2
    assert sum(len(v["slugs"]) == 20 for v in views) > URLS // 4
    assert sum(any(f[3] for f in v["facets"]) for v in views) > URLS // 4
    assert sum(0 < v["total"] < COUNT for v in views) > URLS // 4
    # and skills were left uncounted until asked for, unless the URL chose one
    assert sum(v["uncounted"] == ["Skill"] for v in views) > URLS // 2
