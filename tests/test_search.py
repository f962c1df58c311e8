"""Search semantics, guards against Whoosh's known defects, and index handling."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from whoosh.fields import NUMERIC

from catalogue.content import load
from catalogue.search import (
    MAX_PAGE,
    MAX_QUERY_CHARS,
    SearchEngine,
    SearchRequest,
    build_index,
    current_index,
    fingerprint,
    whoosh_schema,
)
from catalogue.search.bitsets import members

from .conftest import DATA

SEARCH = DATA / "search"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return SearchEngine(load(SEARCH).published(), tmp_path_factory.mktemp("index"))


def run(engine, **args):
    return engine.search(engine.parse(args))


def slugs(results):
    return [e.slug for e in results.entries]


def test_every_word_must_match_in_any_field(engine):
    assert slugs(run(engine, q="data")) == ["alpha-data", "gamma-cloud", "zeta-grid"]
    assert slugs(run(engine, q="data grid")) == ["zeta-grid"]
    # "Pine Partners" is a partner of alpha and zeta; "data" narrows to both
    assert sorted(slugs(run(engine, q="pine data"))) == ["alpha-data", "zeta-grid"]
    assert run(engine, q="data zebra").total == 0


def test_title_outranks_body(engine):
    # "pipelines" is in gamma's title; "plan" only in bodies and summaries elsewhere
    assert slugs(run(engine, q="pipeline"))[0] == "gamma-cloud"


def test_stemming_and_accent_folding(engine):
    assert slugs(run(engine, q="securite")) == ["beta-safety"]
    assert slugs(run(engine, q="SÉCURITÉ")) == ["beta-safety"]
    assert slugs(run(engine, q="reconciling")) == ["epsilon-books"]


def test_stop_words_do_not_empty_the_results(engine):
    # A KEYWORD field would have kept "the" as a required term and found nothing.
    assert slugs(run(engine, q="the data")) == slugs(run(engine, q="data"))
    # A query of stop words only falls back to the filters alone.
    assert run(engine, q="the of and", delivery="online").total == 3


def test_facets_or_within_and_across(engine):
    assert slugs(run(engine, delivery=["online", "hybrid"], sort="title")) == [
        "epsilon-books",
        "gamma-cloud",
        "alpha-data",
        "delta-care",
        "zeta-grid",
    ]
    assert slugs(run(engine, delivery=["online", "hybrid"], level="advanced")) == [
        "gamma-cloud",
        "zeta-grid",
    ]


def test_counts_are_disjunctive_and_whole(engine):
    results = run(engine, q="data", delivery="online")
    assert results.total == 2
    assert results.facets["delivery"] == [
        {"value": "online", "label": "Online", "count": 2, "selected": True},
        {"value": "hybrid", "label": "Hybrid", "count": 1, "selected": False},
    ]
    assert results.facets["field"] == [
        {
            "value": "Information technology",
            "label": "Information technology",
            "count": 2,
            "selected": False,
        },
    ]
    assert results.facets["cost_band"] == [
        {"value": "free", "label": "Free", "count": 1, "selected": False},
        {"value": "1000-plus", "label": "$1,000 and over", "count": 1, "selected": False},
    ]
    assert results.facets["start"] == [
        {"value": "on-demand", "label": "On demand", "count": 2, "selected": False},
    ]


def test_selected_value_with_no_results_stays_listed(engine):
    results = run(engine, q="bookkeeping", delivery="in-person")
    assert results.total == 0
    assert results.facets["delivery"] == [
        {"value": "in-person", "label": "In person", "count": 0, "selected": True},
        {"value": "online", "label": "Online", "count": 1, "selected": False},
    ]


def test_ranges(engine):
    assert slugs(run(engine, cost_max="250", sort="cost")) == [
        "alpha-data",
        "delta-care",
        "epsilon-books",
    ]
    assert slugs(run(engine, hours_min="40", hours_max="60", sort="hours")) == [
        "beta-safety",
        "gamma-cloud",
    ]
    assert slugs(run(engine, weeks_max="4", sort="weeks")) == ["delta-care", "alpha-data"]


def test_sorts_and_ties(engine):
    assert slugs(run(engine, sort="cost")) == [
        "alpha-data",
        "delta-care",
        "epsilon-books",
        "beta-safety",
        "gamma-cloud",
        "zeta-grid",
    ]
    assert slugs(run(engine, sort="-cost"))[:2] == ["zeta-grid", "gamma-cloud"]
    # Title sort ignores case and accents; entries with no update date come last.
    assert slugs(run(engine)) == [
        "epsilon-books",
        "gamma-cloud",
        "alpha-data",
        "delta-care",
        "zeta-grid",
        "beta-safety",
    ]
    assert slugs(run(engine, sort="updated")) == [
        "epsilon-books",
        "zeta-grid",
        "beta-safety",
        "gamma-cloud",
        "alpha-data",
        "delta-care",
    ]
    assert run(engine, q="data").request.effective_sort == "relevance"
    assert run(engine, sort="relevance").request.effective_sort == "title"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(min_value=1, max_value=63),
    st.sampled_from(["title", "cost", "-cost", "hours", "weeks", "updated"]),
    st.integers(min_value=1, max_value=8),
)
def test_a_fixed_order_is_the_same_for_few_members_and_many(engine, final, sort, needed):
    # Few members are sorted by rank, many found by walking the order: the same first
    # `needed` either way.
    final &= engine.all
    assume(final)
    ranks = engine.sort_ranks[sort]
    everyone = sorted((i for i in range(engine.size) if final >> i & 1), key=ranks.__getitem__)
    assert engine._order(final, sort, [], needed) == everyone[:needed]


@given(st.sets(st.integers(min_value=0, max_value=3000), max_size=400))
def test_members_lists_the_set_bits_in_order_sparse_or_dense(positions):
    bits = sum(1 << p for p in positions)
    assert members(bits) == sorted(positions)


def test_fractional_cost_sorts_without_whoosh_numeric_fields(engine):
    # NUMERIC(float, sortable=True) crashes on Python 3.11; no numeric field is in Whoosh.
    assert not any(isinstance(f, NUMERIC) for _, f in whoosh_schema().items())
    assert [e.cost for e in run(engine, sort="cost").entries][:3] == [0, 249.5, 250]


def test_scores_are_whooshs_own(engine):
    searcher = engine.text.index.searcher()
    for q in ["data", "data analysis", "care communication", "sécurité", "plan"]:
        terms = engine.parse({"q": q}).terms
        hits = searcher.search(engine.text.query(terms), limit=None, optimize=False)
        theirs = {engine.text.doc_to_entry[h.docnum]: h.score for h in hits}
        ours = engine.scores(terms, list(theirs))
        assert set(ours) == set(theirs)
        for i, score in theirs.items():
            assert ours[i] == pytest.approx(score, rel=1e-12)
    searcher.close()


def test_every_single_word_query_finishes(engine):
    # A one-word query once hung Whoosh in UnionMatcher.skip_to_quality (issue 446).
    # Matching here reads postings directly and never calls that path; every word of the
    # vocabulary is searched once to show it.
    for word in sorted(engine.vocabulary):
        assert run(engine, q=word).total >= 1, word


def test_did_you_mean(engine):
    results = run(engine, q="bokkeeping")
    assert results.total == 0
    assert results.suggestion == "bookkeeping"
    assert run(engine, q="bookkeeping").suggestion is None


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"page": "99999999999"}, {"page": MAX_PAGE}),
        ({"page": "-3"}, {"page": 1}),
        ({"page": "two"}, {"page": 1}),
        ({"page": "①"}, {"page": 1}),
        ({"sort": "price; DROP"}, {"sort": ""}),
        ({"colour": "red"}, {"filters": {}}),
        ({"delivery": ["online", "teleport"]}, {"filters": {"delivery": ["online"]}}),
        ({"cost_max": "nan"}, {"ranges": {}}),
        ({"cost_max": "-5"}, {"ranges": {}}),
        ({"hours_max": "1e400"}, {"ranges": {}}),
        ({"q": "x" * 5000}, {"q": "x" * MAX_QUERY_CHARS}),
        ({"q": "a\x00b\u202ec \ud800"}, {"q": "abc ?"}),
    ],
)
def test_malformed_parameters_are_dropped_or_clamped(engine, args, expected):
    request = engine.parse(args)
    for name, value in expected.items():
        assert getattr(request, name) == value


def test_page_past_the_end_shows_the_last_page(engine):
    results = engine.search(engine.parse({"page": "40"}), page_size=4)
    assert (results.page, results.pages, len(results.entries)) == (2, 2, 2)


HOSTILE = [
    "NOT OR foobar",
    "~~ +(:+credits:",
    "title:(",
    "AND OR",
    "*",
    "?",
    '"',
    '"unclosed',
    "a" * 20000,
    "((((((((((",
    "))))",
    "[TO]",
    "{a TO b}",
    "field:",
    ":",
    "-",
    "+",
    "^2",
    "data^",
    "~",
    "data~2",
    "NOT",
    "OR",
    "AND",
    "\\",
    "%00",
    "' OR 1=1 --",
    "<script>",
    "😀" * 100,
    "\u0000",
    "\u202e",
    "ｄａｔａ",
    "İ",
    "ß",
    "ǅ",
    "\ufeff",
    "a\u0301",
    "日本語",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_a_normal_answer(engine, q):
    results = run(engine, q=q)
    assert results.total >= 0 and results.page >= 1


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "q",
                "delivery",
                "cost_band",
                "skills",
                "sort",
                "page",
                "cost_max",
                "hours_min",
                "weeks_max",
                "issuer",
                st.text(max_size=5),
            ]
        ),
        st.lists(st.text(max_size=60), max_size=4),
        max_size=6,
    )
)
def test_random_parameters_never_raise(engine, args):
    results = engine.search(engine.parse(args))
    assert 1 <= results.page <= results.pages
    assert len(results.entries) <= 20


def test_whoosh_imports_without_warnings():
    code = "import whoosh, whoosh.index, whoosh.fields, whoosh.query, whoosh.analysis"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    from importlib.metadata import distribution

    assert distribution("whoosh-reloaded").version == "2.7.5"


def test_index_is_rebuilt_only_when_content_changes(tmp_path):
    entries = load(SEARCH).published()
    root = tmp_path / "index"
    first = build_index(entries, root)
    stamp = (first / "COMPLETE").stat().st_mtime_ns
    assert build_index(entries, root) == first
    assert (first / "COMPLETE").stat().st_mtime_ns == stamp
    entries[0].title = "Changed"
    second = build_index(entries, root)
    assert second != first and current_index(root) == second


def test_failed_build_leaves_the_previous_index_serving(tmp_path, monkeypatch):
    entries = load(SEARCH).published()
    root = tmp_path / "index"
    good = build_index(entries, root)
    changed = load(SEARCH).published()
    changed[0].title = "Something else"

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("catalogue.search.indexfiles._point_at", explode)
    with pytest.raises(OSError):
        build_index(changed, root)
    assert current_index(root) == good
    assert not list(root.glob(".build-*"))
    # A killed build leaves a scratch folder at most; it is never made current.
    (root / ".build-killed").mkdir()
    monkeypatch.undo()
    engine = SearchEngine(entries, root)
    assert engine.search(SearchRequest()).total == len(entries)
    assert current_index(root) == good
    assert fingerprint(entries) == good.name


def test_engine_on_the_demo_catalogue(demo_catalogue, tmp_path):
    engine = SearchEngine(demo_catalogue.published(), tmp_path)
    everything = engine.search(SearchRequest(), page_size=1000)
    assert everything.total == len(demo_catalogue.published())
    assert {e.slug for e in everything.entries} == {e.slug for e in demo_catalogue.published()}
    assert sum(v["count"] for v in everything.facets["delivery"]) == everything.total
    assert run(engine, q="batterie").total >= 1


def test_index_folder_path_is_not_a_build_leftover(tmp_path):
    assert not Path(tmp_path / "CURRENT").exists()


def test_threads_share_an_engine_safely(demo_catalogue, tmp_path):
    engine = SearchEngine(demo_catalogue.published(), tmp_path)
    words = sorted(engine.vocabulary)[:160]
    requests = [{"q": w, "sort": s} for w in words for s in ("", "cost")]
    expected = {i: [e.slug for e in engine.answer(r).entries] for i, r in enumerate(requests)}
    fresh = SearchEngine(demo_catalogue.published(), tmp_path)  # empty term cache
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = dict(
            zip(
                range(len(requests)),
                pool.map(lambda r: [e.slug for e in fresh.answer(r).entries], requests),
                strict=True,
            )
        )
    assert got == expected
    engine.close()
    fresh.close()


def test_any_whitespace_separates_words(engine):
    for space in ("\u00a0", "\t", "\n", "\u2009", "\u3000"):
        request = engine.parse({"q": f"data{space}ethics"})
        assert request.q == "data ethics"
        assert slugs(engine.search(request)) == ["alpha-data"]


def test_every_word_counts_and_long_queries_are_cut_between_words(engine):
    words = "data literacy managers read charts question numbers before deciding"
    assert slugs(run(engine, q=words)) == ["alpha-data"]
    assert run(engine, q=words + " " + "manager " * 20 + "zzzqqq").total == 0
    request = engine.parse({"q": "word " * 60 + "x" * 40})
    assert len(request.q) <= MAX_QUERY_CHARS
    assert set(request.q.split()) == {"word"}


def test_index_name_covers_schema_and_analysis(monkeypatch):
    entries = load(SEARCH).published()
    before = fingerprint(entries)
    monkeypatch.setattr("catalogue.search.indexfiles.TEXT_FIELDS", (("title", 4.0),))
    assert fingerprint(entries) != before


def test_terms_that_match_nothing_still_count_against_the_cache(engine):
    cached = engine.text._cached_bytes
    engine.answer({"q": "zzqqxx"})
    assert engine.text._cached_bytes > cached
