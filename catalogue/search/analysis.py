"""Analysis: how text becomes index terms, the same for entries and queries.

Whoosh's tokeniser, lowercase, stop words and Porter stemmer, with accent folding before
stemming so "securite" and "sécurité" agree. static/js/analysis.js is a port of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from ..fields import FIELDS, FIELDS_BY_NAME, LiveSequence
from ..model import Credential

# Analysis: accent folding comes before stemming, so "securite" and "sécurité" agree.
TOKENIZER = RegexTokenizer()
WORDS = TOKENIZER | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter()
ANALYZER = WORDS | StemFilter()
MAX_QUERY_CHARS = 256

# The same steps as WORDS and ANALYZER, as plain string operations: Whoosh's chain of
# generators cost most of an index build (and all of the spelling vocabulary) at 10,000
# entries. A test holds the two equal; should the chain ever be made of other steps, the
# chain itself is used.
_STOPS, _STEMMER = WORDS.items[-1], ANALYZER.items[-1]
_STEPS = ["RegexTokenizer", "LowercaseFilter", "CharsetFilter", "StopFilter", "StemFilter"]
_PLAIN = (
    [type(step).__name__ for step in ANALYZER.items] == _STEPS
    and ANALYZER.items[0] is TOKENIZER
    and not TOKENIZER.gaps
    and TOKENIZER.expression.pattern.count("(") == 1
    and _STEMMER.stemfn is stem
    and not _STEMMER.ignore
)
# Whoosh's expression without its capturing group, so that findall gives whole matches
_FIND = re.compile(TOKENIZER.expression.pattern.replace("(\\.?", "(?:\\.?"))
_folded: dict[str, str] = {}  # a token as the text has it -> its word, or "" for a stop word
_stems: dict[str, str] = {}


def words(text: str) -> list[str]:
    """Return the words of `text` as WORDS gives them (lowercase, folded, no stop words)."""
    if not _PLAIN:
        return [t.text for t in WORDS(text)]
    if len(_folded) > 200_000:  # every distinct word of a big catalogue fits
        _folded.clear()
    known = _folded.get
    out = []
    for token in _FIND.findall(text):
        word = known(token)
        if word is None:
            word = token.lower().translate(accent_map)
            if not _STOPS.min <= len(word) <= (_STOPS.max or len(word)) or word in _STOPS.stops:
                word = ""
            _folded[token] = word
        if word:
            out.append(word)
    return out


def index_terms(text_words: list[str]) -> list[str]:
    """Return the index terms of what `words` gave: what ANALYZER gives for the text."""
    if not _PLAIN:
        return [t.text for t in _STEMMER(Token(text=w, stopped=False) for w in text_words)]
    stems = _stems
    if len(stems) > 200_000:  # every distinct word of a big catalogue fits
        stems.clear()
    out = []
    for w in text_words:
        term = stems.get(w)
        if term is None:
            term = stems[w] = stem(w)
        out.append(term)
    return out


# Every field with a boost is searched as text, plus the body: (name, boost).
TEXT_FIELDS: LiveSequence[tuple[str, float]] = LiveSequence(
    lambda: (*((f.name, f.boost) for f in FIELDS if f.boost), ("body", 1.0))
)


def index_text(entry: Credential, name: str) -> str:
    """Return the text indexed for one text field of an entry."""
    if name == "body":
        return entry.body_text
    return FIELDS_BY_NAME[name].kind.index_text(getattr(entry, name))


def analyse(text: str) -> list[str]:
    """Return the distinct index terms of a query, in order."""
    terms = [t.text for t in ANALYZER(text[:MAX_QUERY_CHARS])]
    return list(dict.fromkeys(terms))  # every word counts; the length cap bounds them


@lru_cache(maxsize=1024)
def _analysed(q: str) -> tuple[str, ...]:
    return tuple(analyse(q))


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


@lru_cache(maxsize=50_000)
def _index_term(word: str) -> str:
    """The index term of one word of a title or summary (what highlighting compares):
    remembered, since the same words are on every page of results."""
    return stem(fold(word))


def highlight_terms(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """Split `text` into (piece, matched) pairs, marking words whose index term is in `terms`."""
    wanted = set(terms)
    if not wanted:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    last = 0
    for match in TOKENIZER.expression.finditer(text):
        word = match.group()
        if _index_term(word) in wanted:
            out.append((text[last : match.start()], False))
            out.append((word, True))
            last = match.end()
    out.append((text[last:], False))
    return [(piece, marked) for piece, marked in out if piece]
