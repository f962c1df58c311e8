"""The search layer: an index of the entries and the engine that answers requests.

analysis.py turns text into terms, indexfiles.py builds and finds the Whoosh index,
request.py parses what a learner asked for, scoring.py reads each term's BM25F scores,
counting.py holds the facet columns and counts, bitsets.py the sets they are made of,
spelling.py says "did you mean", and engine.py puts them together. Nothing here imports
Flask; the browser's engine (static/js/search-engine.js) is a port of this one.
"""

from ..content.slugs import sort_key
from ..facets import RANGES, SORT_FIELDS, SORT_LABELS, SORTS
from .analysis import (
    ANALYZER,
    MAX_QUERY_CHARS,
    TEXT_FIELDS,
    TOKENIZER,
    WORDS,
    analyse,
    fold,
    highlight_terms,
    index_text,
)
from .counting import MAX_VALUES_PER_FACET
from .engine import SearchEngine
from .indexfiles import (
    build_index,
    current_index,
    fingerprint,
    remove_leftovers,
    update_index,
    whoosh_schema,
)
from .leases import release, remove_unused
from .request import (
    MAX_PAGE,
    MAX_PARAM_VALUES,
    PAGE_SIZE,
    SearchRequest,
    SearchResults,
    number_text,
)
from .scoring import postings

__all__ = [
    "ANALYZER",
    "MAX_PAGE",
    "MAX_PARAM_VALUES",
    "MAX_QUERY_CHARS",
    "MAX_VALUES_PER_FACET",
    "PAGE_SIZE",
    "RANGES",
    "SORTS",
    "SORT_FIELDS",
    "SORT_LABELS",
    "TEXT_FIELDS",
    "TOKENIZER",
    "WORDS",
    "SearchEngine",
    "SearchRequest",
    "SearchResults",
    "analyse",
    "build_index",
    "current_index",
    "fingerprint",
    "fold",
    "highlight_terms",
    "index_text",
    "number_text",
    "postings",
    "release",
    "remove_leftovers",
    "remove_unused",
    "sort_key",
    "update_index",
    "whoosh_schema",
]
