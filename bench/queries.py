"""Search URLs for comparing and timing the two search engines (server and browser).

`search_urls(engine, count, seed)` returns query strings such as a learner's browser
sends to /search/: words from the catalogue (some misspelt, accented, upper-cased or
stop words), zero to three facets with one or two values each, ranges, sorts and pages,
plus a share of malformed ones (unknown values, bad numbers, odd spaces and escapes).
The same engine, count and seed give the same URLs.
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

from catalogue.facets import FACETS
from catalogue.search import SORTS, SearchEngine

ODD_QUERIES = [
    "q=%ff%fe&delivery=online",
    "q=caf%C3%A9+%E2%82a&sort=relevance",
    "q=%zz%&page=%32",
    "q=+++&sort=title&page=2",
    "q=care&q=welding&delivery=online&delivery=online",
    "q=%E2%80%83care%C2%A0plan%09ning",
    "q=a+the+of+to",
    "q=MANAGEMENT+Safety&sort=-cost",
    "q=s%C3%A9curit%C3%A9",
    "cost_max=1_000&hours_min=%D9%A1%D9%A2",
    "cost_max=%201e3%20&weeks_max=.5e1",
    "cost_max=nan&hours_max=inf&weeks_max=-1",
    "cost_max=-0&hours_min=0",
    "cost_max=1e400&hours_max=12345678901234567890123",
    "page=999999999999&sort=bogus",
    "page=0",
    "page=-3&sort=hours",
    "page=+4",
    "delivery=&field=&=x&&&",
    "skills=no+such+skill&delivery=online",
    "q=" + "x" * 300,
    "q=" + "care+" * 70,
    "q=%F0%9F%A6%BA+safety+%E2%80%8B",
    "q=*&sort=updated",
    "q=first.aid+e-mail",
    # every ASCII space and control character, read without url-tables.js
    "q=%01%09care%0B%0C%1C%1D%1E%1F%7Fplan%0D%0A%00x&cost_max=%1F12%0B&page=%1C2%09",
    "q=%1Fcare%7F&hours_min=%0C5%0D&weeks_max=%0A4%1E",
]


def _word(rng: random.Random, words: list[str]) -> str:
    word = rng.choice(words)
    roll = rng.random()
    if roll < 0.08 and len(word) > 4:  # a typo
        i = rng.randrange(len(word))
        word = word[:i] + word[i + 1 :]
    elif roll < 0.14:
        word = word.upper()
    elif roll < 0.18:
        word = word.replace("e", "é", 1)
    elif roll < 0.22:
        word = rng.choice(["the", "and", "of", "a", "in", "to"])
    return word


def search_urls(engine: SearchEngine, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = sorted(engine.vocabulary)
    values = {f.name: sorted(engine.bits[f.name]) for f in FACETS}
    popular = {
        name: sorted(vs, key=lambda v: -engine.bits[name][v].bit_count())[:12]
        for name, vs in values.items()
    }
    out = list(ODD_QUERIES[: max(0, count // 10)])
    while len(out) < count:
        pairs: list[tuple[str, str]] = []
        # Half the time, words and values come from one entry, so that the query finds it.
        anchor = rng.randrange(engine.size) if rng.random() < 0.5 else None
        if rng.random() < 0.7:
            n = rng.choice([1, 1, 1, 2, 2, 3])
            pool = words
            if anchor is not None:
                pool = [w for w in engine.entries[anchor].title.split() if len(w) > 3] or words
            pairs.append(("q", " ".join(_word(rng, pool) for _ in range(n))))
        for facet in rng.sample([f.name for f in FACETS], rng.choice([0, 1, 1, 2, 3])):
            pool = popular[facet] if rng.random() < 0.7 else values[facet]
            if anchor is not None and engine.values[facet][anchor]:
                pool = engine.values[facet][anchor]
            for v in rng.sample(pool, min(len(pool), rng.choice([1, 1, 2]))):
                pairs.append((facet, v))
        if rng.random() < 0.2:
            pairs.append(("cost_max", str(rng.choice([0, 250, 499.99, 500, 1000, 2500]))))
        if rng.random() < 0.1:
            pairs.append(("hours_min", str(rng.choice([5, 10, 20.5]))))
        if rng.random() < 0.1:
            pairs.append(("hours_max", str(rng.choice([20, 40, 100]))))
        if rng.random() < 0.1:
            pairs.append(("weeks_max", str(rng.choice([2, 4, 8]))))
        sort = rng.choice(["", "", *SORTS])
        if sort:
            pairs.append(("sort", sort))
        page = rng.choice([1, 1, 1, 2, 3, 5])
        if page > 1:
            pairs.append(("page", str(page)))
        if rng.random() < 0.1:  # parameters in any order
            rng.shuffle(pairs)
        out.append(urlencode(pairs))
    return out
