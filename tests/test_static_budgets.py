"""What a first visit to the static search page downloads, at 1,000 generated entries,
frozen under a sub-path and opened in Chromium with a cold cache: the byte budgets that
bench/budgets.py prints, kept here as tests so that a change cannot quietly make the
browser fetch what a request does not need. Bytes are counted as the benchmark counts
them: each response gzipped at level 6, as a static host sends it.

Sizes, not times: the same build gives the same bytes on any machine.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from catalogue.build import freeze

from .conftest import BASE, PREFIX, ROOT
from .static_site import serve_folder

sys.path.insert(0, str(ROOT / "bench"))
from budgets import ours  # noqa: E402
from generate import generate  # noqa: E402

COUNT = 1_000
FACETED_BUDGET = 60_000  # a first faceted view, every response together
# The search data a first text query fetches (facet part, text part, shards, and the
# word list when it finds little): the page and scripts aside, what the format costs.
TEXT_DATA_BUDGET = 16_000
# Python's Unicode rules, which only a URL or words beyond ASCII need
TABLES = ("/url-tables.js", "/unicode-tables.js")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = tmp_path_factory.mktemp("budgets") / "content"
    generate(COUNT, content)
    out = tmp_path_factory.mktemp("budgets-site") / "dist"
    freeze(content, out, BASE)
    with serve_folder(out, PREFIX) as url:
        yield url


def visit(browser, url: str) -> list[tuple[str, int]]:
    """Open `url` as bench/budgets.py does (a fresh context, until the results are drawn
    and the network is idle); return each response's path and bytes sent."""
    loaded, _ = ours(browser, url, "")
    return [(urlsplit(response).path, size) for response, _, size in loaded]


def names(loaded: list[tuple[str, int]]) -> list[str]:
    return [path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] for path, _ in loaded]


def data(loaded):
    return [(path, size) for path, size in loaded if "/search-data/" in path]


def test_a_first_faceted_view_stays_small_and_fetches_no_text(browser, site):
    loaded = visit(browser, f"{site}search/?delivery=online")
    total = sum(size for _, size in loaded)
    assert total <= FACETED_BUDGET, (total, names(loaded))
    fetched = names(data(loaded))
    assert any("/facets." in name for name in fetched)
    # no text part, no shard, no word list, no number column, no big facet's column
    for part in ("/text.", "terms-", "/words.", "/number-", "/facet-"):
        assert not any(part in name for name in fetched), (part, fetched)
    assert not any(path.endswith(("/analysis.js", "/spelling.js")) for path, _ in loaded)
    assert not any(path.endswith(TABLES) for path, _ in loaded)  # an ASCII URL
    cards = [name for name in fetched if name.startswith("cards-")]
    assert sum(name.endswith(".html") for name in cards) == 20
    assert sum(name.endswith("/phrases.json") for name in cards) == 1  # their phrase book


def test_a_first_text_query_fetches_one_shard_a_word(browser, site):
    loaded = visit(browser, f"{site}search/?q=welding+payroll")
    fetched = names(data(loaded))
    shards = [name for name in fetched if name.startswith("terms-")]
    assert 1 <= len(shards) <= 2, fetched  # two words: their shards, one if they share it
    assert sum("/text." in name for name in fetched) == 1
    assert not any("/facet-" in name or "/number-" in name for name in fetched), fetched
    size = sum(s for p, s in data(loaded) if "/cards-" not in p)
    assert size <= TEXT_DATA_BUDGET, (size, fetched)
    assert not any(path.endswith(TABLES) for path, _ in loaded)  # ASCII words


def test_the_unicode_tables_load_for_words_beyond_ascii(browser, site):
    loaded = visit(browser, f"{site}search/?q=s%C3%A9curit%C3%A9+welding")
    assert {path.rsplit("/", 1)[-1] for path, _ in loaded} >= {name.lstrip("/") for name in TABLES}


def test_a_query_that_finds_little_fetches_the_words_too(browser, site):
    loaded = visit(browser, f"{site}search/?q=weldnig")
    fetched = names(data(loaded))
    assert sum("/words." in name for name in fetched) == 1, fetched
    assert any(path.endswith("/spelling.js") for path, _ in loaded)
    size = sum(s for p, s in data(loaded) if "/cards-" not in p)
    assert size <= TEXT_DATA_BUDGET, (size, fetched)


def test_a_sort_by_cost_fetches_the_cost_column_alone(browser, site):
    loaded = visit(browser, f"{site}search/?sort=cost")
    fetched = names(data(loaded))
    assert [name for name in fetched if "/number-" in name] == [
        next(name for name in fetched if "/number-cost." in name)
    ]


def test_counts_are_grouped_as_browse_pages_write_them(browser, site):
    # as the server wrote the frozen page, and as the browser redraws it (before, the
    # search page said "1000" where a browse page said "1,000")
    page = browser.new_page()
    try:
        for lang, want in (
            ("", "1,000 micro-credentials"),
            ("fr/", "1\xa0000 microcertifications"),
        ):
            with urlopen(f"{site}{lang}search/") as response:
                html = response.read().decode()
            assert f'<span data-total="1000">{want.split(" ")[0]}</span>' in html, lang
            page.goto(f"{site}{lang}search/")
            page.wait_for_selector("#search-app[data-rendered]")
            assert page.inner_text("#results-h").startswith(want)
    finally:
        page.close()
