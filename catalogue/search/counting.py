"""Facet columns and counts: each entry's facet values as bitsets, counted disjunctively.

The count beside a value of facet F is what the results would be with F's selection
replaced by that value and every other selection kept; one pass over the bitsets gives
every facet's counts.
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import chain

from ..content.slugs import sort_key
from ..facets import FACETS
from ..model import Credential
from .bitsets import bits_of, members

MAX_VALUES_PER_FACET = 100  # values shown per facet list; selected values always shown


class FacetColumns:
    """Every facet's values of a list of entries, as columns and as bitsets."""

    def __init__(self, entries: list[Credential]):
        self.size = len(entries)
        self.all = (1 << self.size) - 1
        self.values = {f.name: [f.values(e) for e in entries] for f in FACETS}
        self.bits: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            index: dict[str, list[int]] = {}
            for i, values in enumerate(self.values[facet.name]):
                for v in values:
                    index.setdefault(v, []).append(i)
            self.bits[facet.name] = {v: bits_of(ids, self.size) for v, ids in index.items()}
        # Display order within a facet without a fixed order: by count, then by this key.
        self.value_keys = {
            f: {v: (sort_key(v), v) for v in table} for f, table in self.bits.items()
        }
        # Each value's place in its facet's listing order (fixed, else by name), and label.
        self.value_order: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            keys = self.value_keys[facet.name]
            rank = {v: i for i, v in enumerate(facet.order)}
            listed = sorted(keys, key=lambda v: (rank.get(v, len(rank)), keys[v]))
            self.value_order[facet.name] = {v: i for i, v in enumerate(listed)}
        self.value_labels = {f.name: {v: f.label_for(v) for v in self.bits[f.name]} for f in FACETS}
        self.fixed_order = {f.name: f.order for f in FACETS}
        self._all_counts: dict[str, dict[str, int]] = {}

    def selected(self, facet: str, values: list[str]) -> int:
        """The entries with any of `values` in `facet`."""
        bits = 0
        for v in values:
            bits |= self.bits[facet].get(v, 0)
        return bits

    def counts(self, facet: str, base: int) -> dict[str, int]:
        """How many entries of `base` have each value of `facet`."""
        table = self.bits[facet]
        if base == self.all:
            if facet not in self._all_counts:
                self._all_counts[facet] = {v: b.bit_count() for v, b in table.items()}
            return self._all_counts[facet]
        if len(table) <= 64:
            return {v: (base & b).bit_count() for v, b in table.items()}
        return Counter(chain.from_iterable(map(self.values[facet].__getitem__, members(base))))

    def listing(self, name: str, counts: dict[str, int], selected: list[str]) -> list[dict]:
        """The values of facet `name` to list, with their counts: the selected ones first
        (in the facet's order), then the others that match anything, in the facet's fixed
        order or by count, at most MAX_VALUES_PER_FACET in all."""
        order, labels = self.value_order[name], self.value_labels[name]
        limit = max(0, MAX_VALUES_PER_FACET - len(selected))
        fixed = self.fixed_order[name]
        if fixed:
            shown = sorted((v for v, n in counts.items() if n and v not in selected), key=order.get)
            if len(selected) > 1:
                selected = [v for v in fixed if v in selected] + [
                    v for v in selected if v not in fixed
                ]
        else:  # by count, then by name: (-count, place in name order, value)
            keyed = [(-n, order[v], v) for v, n in counts.items() if n and v not in selected]
            top = heapq.nsmallest(limit, keyed) if len(keyed) > limit else sorted(keyed)
            shown = [v for _, _, v in top]
        values = selected + shown[:limit]
        return [
            {
                "value": v,
                "label": labels.get(v, v),
                "count": counts.get(v, 0),
                "selected": v in selected,
            }
            for v in values
        ]
