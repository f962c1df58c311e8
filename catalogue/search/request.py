"""Requests and results: what a learner asked for, cleaned, and what the engine found.

Parsing never raises: unknown facets, values and sort keys, malformed numbers, huge page
numbers, long and odd text are dropped or cut, so a query never produces an error page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..facets import FACETS, RANGES, SORTS
from ..model import Credential
from .analysis import MAX_QUERY_CHARS, _analysed

PAGE_SIZE = 20
MAX_PAGE = 10_000
MAX_PARAM_VALUES = 50


@dataclass
class SearchRequest:
    """What a learner asked for, cleaned: unknown or malformed parts are dropped."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, float] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    @property
    def effective_sort(self) -> str:
        if self.sort and not (self.sort == "relevance" and not self.terms):
            return self.sort
        return "relevance" if self.terms else "title"

    @property
    def terms(self) -> list[str]:
        return list(_analysed(self.q))

    def args(self, **changes) -> list[tuple[str, str]]:
        """Return the URL parameters of this request, in a canonical order."""
        state = {
            "q": self.q,
            "filters": self.filters,
            "ranges": self.ranges,
            "sort": self.sort,
            "page": self.page,
        }
        state.update(changes)
        out: list[tuple[str, str]] = []
        if state["q"]:
            out.append(("q", state["q"]))
        for facet in FACETS:
            out += [(facet.name, v) for v in state["filters"].get(facet.name, [])]
        for name in RANGES:
            if name in state["ranges"]:
                out.append((name, number_text(state["ranges"][name])))
        if state["sort"]:
            out.append(("sort", state["sort"]))
        if state["page"] and state["page"] > 1:
            out.append(("page", str(state["page"])))
        return out

    def toggled(self, facet: str, value: str) -> list[tuple[str, str]]:
        """The parameters with `value` of `facet` switched on or off, back on page 1."""
        filters = {k: list(v) for k, v in self.filters.items()}
        values = filters.setdefault(facet, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self.args(filters=filters, page=1)


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _getlist(args: Mapping, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return list(args.getlist(name))
    value = args.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _clean(text: str) -> str:
    # Every kind of space (tab, no-break space from a pasted PDF...) separates words;
    # other control characters and unpaired surrogates are dropped.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if ch.isspace() else ch for ch in text if ch.isprintable() or ch.isspace())


def _cut(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters without splitting a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut[:limit].rstrip()


@dataclass
class SearchResults:
    request: SearchRequest
    total: int
    page: int
    pages: int
    entries: list[Credential]
    facets: dict[str, list[dict]]
    suggestion: str | None = None

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "results": [e.to_dict() for e in self.entries],
            "facets": self.facets,
        }


def parse_request(args: Mapping, known: Mapping[str, Mapping[str, object]]) -> SearchRequest:
    """Build a clean request from URL parameters (`known`: each facet's values)."""
    q = _cut(" ".join(_clean(" ".join(_getlist(args, "q")[:1])).split()), MAX_QUERY_CHARS)
    filters: dict[str, list[str]] = {}
    for facet in FACETS:
        known_values = known[facet.name]
        chosen = [v for v in _getlist(args, facet.name)[:MAX_PARAM_VALUES] if v in known_values]
        if chosen:
            filters[facet.name] = list(dict.fromkeys(chosen))
    ranges = {}
    for name in RANGES:
        raw = (_getlist(args, name) or [""])[0].strip()
        try:
            value = float(raw[:20])
        except ValueError:
            continue
        if math.isfinite(value) and value >= 0:
            ranges[name] = value
    sort = (_getlist(args, "sort") or [""])[0]
    raw_page = (_getlist(args, "page") or ["1"])[0].strip()
    page = 1
    if re.fullmatch(r"[0-9]+", raw_page):
        page = int(raw_page) if len(raw_page) <= 9 else MAX_PAGE
    return SearchRequest(
        q=q,
        filters=filters,
        ranges=ranges,
        sort=sort if sort in SORTS else "",
        page=min(max(page, 1), MAX_PAGE),
    )
