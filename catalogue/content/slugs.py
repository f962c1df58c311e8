"""Slugs: the names in URLs that titles and facet values are given."""

from __future__ import annotations

import re
import unicodedata


def slugify(title: str) -> str:
    """Turn a title into a file-name slug: 'Sécurité des données' -> 'securite-des-donnees'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-")


def sort_key(text: str) -> str:
    """A title's sort key: case and accents ignored."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose: the same key, some ten times sooner
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unique_slugs(names, fallback: str) -> dict[str, str]:
    """A stable slug for each of `names` (in the order given), numbered where two meet:
    {slug: name}."""
    slugs: dict[str, str] = {}
    for name in names:
        base = slugify(name) or fallback
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs[slug] = name
    return slugs
