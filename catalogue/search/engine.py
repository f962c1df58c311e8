"""The search engine: Whoosh matches and scores the text; facets, ranges and sorting run
in memory, on columns and bitsets, which is where the speed is."""

from __future__ import annotations

import heapq
import math
import weakref
from collections.abc import Mapping
from functools import cached_property
from itertools import islice
from operator import neg
from pathlib import Path

from ..content.slugs import sort_key
from ..facets import FACETS, RANGES, SORT_FIELDS
from ..model import Credential
from .bitsets import bits_of, flags_of, inverse, members, ranks
from .counting import FacetColumns
from .indexfiles import build_index, index_later, stored_vocabulary
from .leases import hold, release
from .request import PAGE_SIZE, SearchRequest, SearchResults, parse_request
from .scoring import TermScores
from .spelling import Spelling


class SearchEngine:
    """Answers search requests over a fixed list of entries and their Whoosh index."""

    def __init__(
        self,
        entries: list[Credential],
        index_root: Path,
        folder: Path | None = None,
        later: bool = False,
    ):
        """Search `entries`, with the index of them under `index_root` (built if need be),
        or in `folder` when given (an index `update_index` made). With `later`, an index
        to build is built in a child process meanwhile (see `index_later`); the text
        search waits for it when first asked, the facets and sorts do not."""
        self.entries = entries
        self.size = len(entries)
        self.all = (1 << self.size) - 1
        if folder is None and later:
            self._folder = index_later(entries, index_root)  # see `folder`
        else:
            if folder is not None and not hold(folder):  # removed since it was made
                folder = None
            self.folder = folder or build_index(entries, index_root)  # held either way
            self._lease = weakref.finalize(self, release, self.folder)
            # read now: gunicorn workers forked after (--preload) share what was read
            self._read_index()
        self.columns = FacetColumns(entries)
        self.title_rank = ranks(entries, lambda e: (sort_key(e.title), e.slug))
        # Every sort but relevance is a fixed order: rank each entry once, ties by title.
        self.sort_ranks = {"title": self.title_rank}
        for key, (attr, descending) in SORT_FIELDS.items():
            self.sort_ranks[key] = ranks(range(self.size), self._sort_key(attr, descending))
        self.sort_orders = {name: inverse(order) for name, order in self.sort_ranks.items()}
        self._range_cache: dict[tuple[str, float], int] = {}

    def _sort_key(self, attr: str, descending: bool):
        """An entry's key in the order of field `attr`: entries without a value last, ties
        by title."""
        column = [getattr(e, attr) for e in self.entries]
        numbers = [
            None if v is None else (v.toordinal() if hasattr(v, "toordinal") else v) for v in column
        ]
        sign = -1 if descending else 1
        rank = self.title_rank
        return lambda i: (numbers[i] is None, sign * (numbers[i] or 0), rank[i])

    @cached_property
    def folder(self) -> Path:
        """The index's folder, once it is built: asked for only when the index is built
        later (otherwise set in __init__)."""
        folder = self._folder()  # held (see index_later)
        self._lease = weakref.finalize(self, release, folder)
        return folder

    @cached_property
    def text(self) -> TermScores:
        return TermScores(self.folder, [e.slug for e in self.entries])

    @cached_property
    def spelling(self) -> Spelling:
        return Spelling(self.entries, stored_vocabulary(self.folder))

    def _read_index(self) -> None:
        """Open the index and read the spelling words (each a cached property)."""
        for name in ("text", "spelling"):
            getattr(self, name)

    # What other layers read: the facet columns, the vocabulary, the Whoosh index.
    @property
    def bits(self) -> dict[str, dict[str, int]]:
        return self.columns.bits

    @property
    def values(self) -> dict[str, list[list[str]]]:
        return self.columns.values

    @property
    def vocabulary(self) -> dict[str, int]:
        return self.spelling.vocabulary

    def parse(self, args: Mapping) -> SearchRequest:
        """Build a clean request from URL parameters; nothing here can raise."""
        return parse_request(args, self.columns.bits)

    def answer(self, args: Mapping) -> SearchResults:
        """Parse URL parameters and search: what a view does."""
        return self.search(self.parse(args))

    def close(self) -> None:
        """Close the index and end this engine's lease on its folder (see leases.py)."""
        if "text" in self.__dict__:  # opened
            self.text.close()
        if hasattr(self, "_lease"):
            self._lease()

    def search(
        self, request: SearchRequest, page_size: int = PAGE_SIZE, facets: bool = True
    ) -> SearchResults:
        """Answer `request`; `facets=False` leaves out the facet counts (for pages that
        show only the entries)."""
        terms = request.terms
        restrict = self.text.matching(terms, self.all)
        for name, bound in request.ranges.items():
            restrict &= self._range_bits(name, bound)
        columns = self.columns
        selected = {f: columns.selected(f, v) for f, v in request.filters.items()}
        final = restrict
        for bits in selected.values():
            final &= bits
        counts = {}
        for facet in FACETS if facets else ():
            base = restrict
            for other, bits in selected.items():
                if other != facet.name:
                    base &= bits
            counts[facet.name] = columns.listing(
                facet.name, columns.counts(facet.name, base), request.filters.get(facet.name, [])
            )
        total = final.bit_count()
        pages = max(1, math.ceil(total / page_size))
        page = min(request.page, pages)
        ordered = self._order(final, request.effective_sort, terms, page * page_size)
        chosen = ordered[(page - 1) * page_size : page * page_size]
        suggestion = None
        if terms and total < 3:
            suggestion = self.spelling.suggest(
                request.q,
                total,
                lambda q: self.search(SearchRequest(q, request.filters, request.ranges), 1).total,
            )
        return SearchResults(
            request, total, page, pages, [self.entries[i] for i in chosen], counts, suggestion
        )

    def _range_bits(self, name: str, bound: float) -> int:
        key = (name, bound)
        if key not in self._range_cache:
            attr, lower = RANGES[name]
            column = [getattr(e, attr) for e in self.entries]
            ids = (
                i
                for i, v in enumerate(column)
                if v is not None and (v >= bound if lower else v <= bound)
            )
            bits = bits_of(ids, self.size)
            if len(self._range_cache) > 512:
                self._range_cache.clear()
            self._range_cache[key] = bits
            return bits
        return self._range_cache[key]

    def _order(self, final: int, sort: str, terms: list[str], needed: int) -> list[int]:
        """Return the first `needed` entries of `final` in the order of `sort`.

        Ties break by title, then slug.
        """
        if sort == "relevance":
            ids = members(final)
            keyed = list(
                zip(
                    map(neg, self.text.totals(terms, ids)),
                    map(self.title_rank.__getitem__, ids),
                    ids,
                    strict=True,
                )
            )
            top = heapq.nsmallest(needed, keyed) if needed < len(ids) // 4 else sorted(keyed)
            return [i for _, _, i in top]
        # A fixed order. Few members (a skill's browse page, say): sort them by rank.
        # Many: walk the order and keep members, stopping once enough are found (the
        # walk passes some needed * size / count entries, the sort count * log(count)).
        count = final.bit_count()
        if count * count <= needed * self.size:
            return sorted(members(final), key=self.sort_ranks[sort].__getitem__)[:needed]
        flags = flags_of(final).ljust(self.size, b"\x00")
        return list(islice(filter(flags.__getitem__, self.sort_orders[sort]), needed))

    def scores(self, terms: list[str], ids: list[int]) -> dict[int, float]:
        """Each entry's score for `terms`, by entry (what the tests compare with Whoosh)."""
        return dict(zip(ids, self.text.totals(terms, ids), strict=True))
