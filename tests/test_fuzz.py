"""Fuzzed URLs against the live app (bench/fuzz.py's generator, bounded for CI): no answer
is a 5xx, none takes 1 s, and each is the site's own page or JSON.

FUZZ_QUERIES sets how many URLs are sent (default 2,000); `python bench/fuzz.py` sends
20,000 and prints the figures.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from urllib.parse import quote_plus, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.facets import FACETS
from catalogue.search import RANGES, SORTS
from catalogue.web import create_app

from .conftest import DEMO, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from fuzz import SLOW, Answer, Sender, fuzz_urls, route, show  # noqa: E402

COUNT = int(os.environ.get("FUZZ_QUERIES", "2000"))
SEED = 1
API_KEYS = ["total", "page", "pages", "results", "facets"]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    return create_app(DEMO, index_dir=tmp_path_factory.mktemp("fuzz-index"))


@pytest.fixture(scope="module")
def send(fuzz_app):
    sender = Sender(fuzz_app)
    yield sender
    sender.close()


def problem(answer: Answer) -> str | None:
    """What is wrong with an answer, or None: a 5xx, 1 s or more, or not what the page
    gives for bad input (search pages: 200 with a result count; the API: 200 with JSON;
    an unknown slug or value: the site's own 404 page)."""
    a, r = answer, answer.response
    if a.status >= 500:
        return f"status {a.status}" + (f"\n{a.error}" if a.error else "")
    if a.seconds >= SLOW:
        return f"took {a.seconds:.2f} s"
    body = r.get_data(as_text=True)
    page = route(a.url)
    html = r.mimetype == "text/html"
    not_found = a.status == 404 and html and 'id="nf-q"' in body  # the site's 404 page
    if page in ("search", "fr-search"):
        if a.status != 200 or not html or 'data-total="' not in body:
            return f"status {a.status} {r.mimetype}, expected a results page"
    elif page == "api":
        if a.status != 200 or r.mimetype != "application/json":
            return f"status {a.status} {r.mimetype}, expected JSON"
        data = json.loads(body)
        if list(data) != API_KEYS or not isinstance(data["total"], int):
            return f"JSON keys {list(data)}"
        if len(data["results"]) > 20 or data["total"] < len(data["results"]):
            return f"{len(data['results'])} results of {data['total']}"
    elif page == "en-search":  # the default language lives at the root
        if a.status != 308 or urlsplit(r.headers.get("Location", "")).path != "/search/":
            return f"status {a.status} to {r.headers.get('Location')!r}, expected 308 /search/"
    elif page == "browse":
        if not (not_found or (a.status == 200 and html and 'data-total="' in body)):
            return f"status {a.status} {r.mimetype}, expected a browse page or the 404 page"
    elif page == "credentials":
        if not (not_found or (a.status == 200 and html and "application/ld+json" in body)):
            return f"status {a.status} {r.mimetype}, expected an entry or the 404 page"
    elif page == "compare":
        if a.status != 200 or not html:
            return f"status {a.status} {r.mimetype}, expected the compare page"
    elif page.endswith("-search"):  # a language the site does not offer
        if not not_found:
            return f"status {a.status} {r.mimetype}, expected the 404 page"
    else:
        return f"no check for {page} pages"
    return None


def report(problems: list[tuple[Answer, str]]) -> str:
    lines = [f"{len(problems)} bad answers:"]
    for a, why in problems[:20]:
        lines.append(f"{show(a.url, 500)}: {a.status} in {a.seconds * 1000:.0f} ms: {why}")
    return "\n".join(lines)


def test_fuzzed_urls_get_a_normal_answer(fuzz_app, send):
    urls = fuzz_urls(COUNT, SEED, fuzz_app.extensions["catalogue"].engine)
    problems = []
    for url in urls:
        answer = send(url)
        why = problem(answer)
        answer.response.close()
        if why:
            problems.append((answer, why))
    assert not problems, report(problems)


def test_the_generator_is_repeatable_and_covers_every_page(fuzz_app):
    engine = fuzz_app.extensions["catalogue"].engine
    urls = fuzz_urls(3000, 5, engine)
    assert len(urls) == 3000
    assert urls == fuzz_urls(3000, 5, engine)
    assert urls[-500:] != fuzz_urls(3000, 6, engine)[-500:]
    pages = Counter(route(u) for u in urls)
    assert {"search", "api", "browse", "credentials", "compare", "fr-search", "en-search"} <= set(
        pages
    )
    assert abs(pages["search"] - pages["api"]) < 0.05 * len(urls)
    assert pages["search"] + pages["api"] > 0.8 * len(urls)
    joined = "\n".join(urls)
    for needle in ("%ED%A0%80", "%FF%FE", "%C0%AF", "%zz", "1e309", "%EF%BC%95", "nan"):
        assert needle in joined, needle
    assert max(len(u) for u in urls) > 100_000
    assert any(u.count("delivery=") >= 2000 for u in urls)
    for facet in FACETS:
        assert f"{facet.name}=" in joined, facet.name


# Hypothesis: any text as the query, with any facet, range, sort and page values.
PARAM_NAMES = [f.name for f in FACETS] + list(RANGES) + ["sort", "page", "unknown", ""]
KNOWN_VALUES = sorted({v for f in FACETS for v in f.order} | set(SORTS) | {"1", "2", "500"})
PARAMS = st.dictionaries(
    st.sampled_from(PARAM_NAMES),
    st.lists(st.one_of(st.text(max_size=30), st.sampled_from(KNOWN_VALUES)), max_size=3),
    max_size=6,
)


def encoded(pairs: list[tuple[str, str]]) -> str:
    """A query string, lone surrogates and all (as %ED%A0%80...)."""
    return "&".join(
        quote_plus(k, safe="", errors="surrogatepass")
        + "="
        + quote_plus(v, safe="", errors="surrogatepass")
        for k, v in pairs
    )


@settings(max_examples=200, deadline=None)
@given(q=st.text(), params=PARAMS)
def test_any_query_and_facet_values_give_a_page(send, q, params):
    pairs = [("q", q)] + [(name, v) for name, values in params.items() for v in values]
    query = encoded(pairs)
    for base in ("/search/", "/api/search.json"):
        answer = send(f"{base}?{query}")
        why = problem(answer)
        answer.response.close()
        assert why is None, report([(answer, why)])
