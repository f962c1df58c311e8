"""Spelling: "did you mean", from the catalogue's own words.

static/js/spelling.js is a port of this, so both engines suggest the same words.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable

from ..model import Credential
from .analysis import TEXT_FIELDS, fold, index_text, words

MAX_SUGGESTED_WORDS = 4
SPELLING_CUTOFF = 0.75  # difflib ratio of a "did you mean" word to the word typed


class Spelling:
    """The words of a list of entries, and the nearest of them to a word typed."""

    def __init__(self, entries: list[Credential], vocabulary: dict[str, int] | None = None):
        """The words of `entries`; or `vocabulary`, when given, as `spelling_words` made
        it of them (an index build keeps it beside the index)."""
        if vocabulary is None:
            counts: Counter = Counter()
            for e in entries:
                for name, _ in TEXT_FIELDS:
                    counts.update(words(index_text(e, name)))
            vocabulary = spelling_words(counts)
        self.vocabulary = vocabulary
        self.vocabulary_by_length: dict[int, list[tuple[str, int]]] = {}
        for w in self.vocabulary:
            self.vocabulary_by_length.setdefault(len(w), []).append((w, _letters(w)))
        self._spelling: dict[str, str | None] = {}

    def suggest(self, q: str, total: int, count: Callable[[str], int]) -> str | None:
        """A query with misspelt words replaced, if it finds more than `total` (`count`
        gives what a query finds); None otherwise."""
        words = q.split()
        unknown = [
            w
            for w in dict.fromkeys(fold(w) for w in words)
            if len(w) >= 4 and w.isalpha() and w not in self.vocabulary
        ]
        fixes = {w: self.closest(w) for w in unknown[:MAX_SUGGESTED_WORDS]}
        fixes = {w: fix for w, fix in fixes.items() if fix}
        if not fixes:
            return None
        candidate = " ".join(fixes.get(fold(w), w) for w in words)
        return candidate if count(candidate) > total else None

    def closest(self, word: str) -> str | None:
        """The catalogue's word nearest to `word` (difflib's ratio of at least 0.75), the
        more frequent of equals; None if there is none."""
        if word not in self._spelling:
            # difflib.get_close_matches over the words of about the same length, less those
            # it would turn down anyway: a word whose letters cannot match enough of
            # `word`'s. Its quick_ratio is 2 * shared letters / total length; each letter
            # one word has and the other lacks leaves at least one letter unshared. Without
            # this, a new misspelling cost some 20 ms.
            size, mine = len(word), _letters(word)
            near = []
            for n in range(size - 2, size + 3):
                shared = 0  # the fewest shared letters that can reach the cutoff
                while 2.0 * shared / (size + n) < SPELLING_CUTOFF:
                    shared += 1
                mine_only, theirs_only = size - shared, n - shared  # at most this many unshared
                near += [
                    w
                    for w, theirs in self.vocabulary_by_length.get(n, ())
                    if (mine & ~theirs).bit_count() <= mine_only
                    and (theirs & ~mine).bit_count() <= theirs_only
                ]
            close = difflib.get_close_matches(word, near, n=3, cutoff=SPELLING_CUTOFF)
            best = max(
                close,
                key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), self.vocabulary[w]),
                default=None,
            )
            if len(self._spelling) > 10_000:
                self._spelling.clear()
            self._spelling[word] = best
        return self._spelling[word]


def spelling_words(counts: Counter) -> dict[str, int]:
    """The words worth suggesting, with how often the catalogue uses each, from every
    word's count (in the order the entries first use them)."""
    return {w: n for w, n in counts.items() if len(w) >= 4 and not w.isdigit()}


def _letters(word: str) -> int:
    """The set of a word's letters as bits (letters may share a bit: the set is only
    used to show that two words differ in at least so many letters)."""
    bits = 0
    for c in word:
        bits |= 1 << (ord(c) & 63)
    return bits
