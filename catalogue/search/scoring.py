"""Scoring: each query term's entries and BM25F scores, read from the Whoosh index once.

Whoosh's BM25F (B 0.75, K1 1.2) is the reference; scores are computed here from the
postings, the field lengths Whoosh stored and its idf, exactly as Whoosh computes them,
and kept per term in a bounded cache, which is what keeps text search fast.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from operator import add
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import And, Or, Term

from .analysis import TEXT_FIELDS
from .bitsets import bits_of, inverse

Scores = dict[int, float] | array  # a term's BM25F score per entry
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
TERM_CACHE_BYTES = 256 * 2**20  # about what the cached term scores may hold


def _size_of(scores: Scores, size: int) -> int:
    # a bitset of `size` bits, the scores, and the entry itself (even for no match)
    held = 8 * len(scores) if isinstance(scores, array) else 100 * len(scores)
    return 200 + size // 8 + held


def postings(matcher) -> Iterator[tuple[int, float]]:
    """Yield (docnum, weight) for every posting of a Whoosh leaf matcher.

    Reads whole blocks where the matcher is whoosh-reloaded 2.7.5's W3LeafMatcher (whose
    block arrays are private), and posting by posting otherwise.
    """
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_read_weights"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield from zip(matcher._ids, matcher._weights, strict=True)
            matcher._i = matcher._blocklength - 1
            matcher.next()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


class TermScores:
    """The text side of an index: which entries hold a term, and with what score."""

    def __init__(self, folder: Path, slugs: list[str]):
        """Open the index in `folder`, of the entries whose slugs are `slugs` (in order)."""
        self.size = len(slugs)
        self.index = whoosh_index.open_dir(folder)
        self._lock = threading.Lock()
        self._searcher = self.index.searcher()
        self._terms: OrderedDict[str, tuple[int, Scores]] = OrderedDict()
        self._cached_bytes = 0
        position = {slug: i for i, slug in enumerate(slugs)}
        reader = self._searcher.reader()
        self.doc_to_entry = [0] * reader.doc_count_all()
        for docnum, stored in reader.iter_docs():
            self.doc_to_entry[docnum] = position[stored["slug"]]
        self.entry_to_doc = inverse(self.doc_to_entry)
        docs = range(len(self.doc_to_entry))
        # A field no entry has text in has no lengths stored, and Whoosh would look for
        # them on disk for every entry: all its lengths are 0.
        self.lengths = {
            name: [reader.doc_field_length(d, name) for d in docs]
            if reader.field_length(name)
            else [0] * len(docs)
            for name, _ in TEXT_FIELDS
        }

    def query(self, terms: list[str]):
        """The Whoosh query for `terms`: every term, in any text field, boosted per field."""
        return And([Or([Term(name, t, boost=boost) for name, boost in TEXT_FIELDS]) for t in terms])

    def term(self, term: str) -> tuple[int, Scores]:
        """Return the entries holding `term` (as bits) and each one's BM25F score for it.

        The score is Whoosh's own: for each text field holding the term, the field's boost
        times bm25(idf, tf, field length as Whoosh stored it, average field length), summed
        over fields, as Whoosh's Or and And matchers sum them. Reading the postings once
        per term and caching the result is what keeps text search fast.
        """
        cached = self._terms.get(term)
        if cached is not None:
            if self._lock.acquire(blocking=False):  # recency need not be exact: never wait
                if term in self._terms:
                    self._terms.move_to_end(term)
                self._lock.release()
            return cached
        # Whoosh is read here only, on a cache miss, under a lock: a searcher shared by
        # threads at once gave wrong results, and one per thread leaks open files when a
        # server starts a thread per request.
        with self._lock:
            cached = self._terms.get(term)
            return cached if cached is not None else self._read(term)

    def _read(self, term: str) -> tuple[int, Scores]:
        searcher = self._searcher
        reader = searcher.reader()
        count = searcher.doc_count_all()
        scores: dict[int, float] = {}
        for name, boost in TEXT_FIELDS:
            if (name, term) not in reader:
                continue
            idf = math.log(count / (reader.doc_frequency(name, term) + 1)) + 1
            avg = searcher.avg_field_length(name) or 1
            lengths = self.lengths[name]
            for doc, tf in postings(reader.postings(name, term)):
                norm = K1 * ((1 - B) + B * lengths[doc] / avg)
                entry = self.doc_to_entry[doc]
                scores[entry] = scores.get(entry, 0.0) + boost * idf * (tf * (K1 + 1)) / (tf + norm)
        bits = bits_of(scores, self.size)
        stored: Scores = scores
        if len(scores) * 12 > self.size:  # common terms: a flat array is smaller and faster
            stored = array("d", bytes(8 * self.size))
            for entry, score in scores.items():
                stored[entry] = score
        cost = _size_of(stored, self.size)
        while self._terms and self._cached_bytes + cost > TERM_CACHE_BYTES:
            _, (_, old) = self._terms.popitem(last=False)  # least recently used
            self._cached_bytes -= _size_of(old, self.size)
        self._terms[term] = (bits, stored)
        self._cached_bytes += cost
        return bits, stored

    def matching(self, terms: list[str], every: int) -> int:
        """The entries of `every` (a bitset) that hold every one of `terms`."""
        bits = every
        for term in terms:
            bits &= self.term(term)[0]
        return bits

    def totals(self, terms: list[str], ids: list[int]) -> list[float]:
        """Each entry's score for `terms`, summed term by term as Whoosh's And sums them."""
        per_term = [self.term(t)[1] for t in terms]
        totals = list(map(per_term[0].__getitem__, ids))
        for scores in per_term[1:]:
            totals = list(map(add, totals, map(scores.__getitem__, ids)))
        return totals

    def close(self) -> None:
        self._searcher.close()
