"""Card files with the phrases every card repeats written once, in a phrase book.

A results page fetches twenty cards, each a file of its own and each compressed on its
own, so the markup, labels and names a card shares with every other card were paid for
twenty times: about half of a card's bytes. Here a language's cards are cut into runs of
markup and runs of text; the runs found in at least one card in COMMON (a tag run, a
label, an issuer's name) go into the phrase book, `phrases.json` in the cards' folder,
and a card file holds a code character in place of each. The entry's slug comes first,
and SLUG stands for it in the card and in the book. static/js/phrases.js (`expanded`)
puts everything back: the card the browser gets is, character for character, the card
the server renders.

The static compare page's columns (catalogue/build/pages.py) are written the same way,
with a phrase book of their own: the checklist, labels and markup every column repeats
were two thirds of a column's bytes, and 15 MB of a build at 10,000 entries.

A card that holds a code character of its own (or SLUG) is written as it is: it starts
with "<", which a slug never does, so the browser knows to leave it alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter

PHRASES = "phrases.json"  # the phrase book's name in the folder of cards or columns
SLUG = "\x01"
# A phrase's code: the control characters that are not line breaks or tabs first (one
# byte each), then the private use area.
_CONTROLS = [chr(c) for c in (*range(2, 9), *range(14, 32))]
CODES = _CONTROLS + [chr(c) for c in range(0xE000, 0xF900)]
COMMON = 10  # a phrase is kept when a tenth of the cards or more hold it (two at least)
_RUNS = re.compile(r"((?:<[^>]*>)+)")
_CODED = re.compile(f"[{SLUG}{re.escape(''.join(_CONTROLS))}\ue000-\uf8ff]")
_PLACE = {code: n for n, code in enumerate(CODES)}


def _runs(html: str, slug: str) -> list[str]:
    return [run for run in _RUNS.split(html.replace(slug, SLUG)) if run]


def phrase_book(cards: dict[str, str]) -> list[str]:
    """The phrases worth a code in `cards` ({slug: card}), most bytes saved first."""
    held = Counter()
    for slug, html in cards.items():
        held.update(set(_runs(html, slug)))
    least = max(2, len(cards) / COMMON)
    kept = [run for run, n in held.items() if n >= least and len(run) > 1]
    return sorted(kept, key=lambda run: (-held[run] * len(run), run))[: len(CODES)]


def encoded(html: str, slug: str, book: list[str]) -> str:
    """The card file of `html`, the card of entry `slug` (see the module's docstring)."""
    if not html.startswith("<"):
        raise ValueError(f"the card of {slug} does not start with its markup")
    if _CODED.search(html):
        return html  # it holds a code character of its own: written as it is
    code = dict(zip(book, CODES, strict=False))
    return slug + SLUG + "".join(code.get(run, run) for run in _runs(html, slug))


def expanded(text: str, book: list[str]) -> str:
    """The card a card file holds: what static/js/phrases.js `expanded` does."""
    if text.startswith("<"):
        return text
    slug, _, body = text.partition(SLUG)
    return "".join(book[_PLACE[c]] if c in _PLACE else c for c in body).replace(SLUG, slug)


def book_file(book: list[str]) -> bytes:
    return json.dumps(book, ensure_ascii=False, separators=(",", ":")).encode()
