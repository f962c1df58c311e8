"""Export what the browser needs to answer searches on the static site.

The static site answers `/search/?...` in the browser (static/js/search-engine.js) with
the same results, order and counts as the server. Everything here is read from the
server's own `SearchEngine` and Whoosh index, so the two cannot drift apart:

- the facet part (`facets.<hash>.json`, loaded with the search page): each entry's facet
  values, cost, hours, weeks and update date, and each facet's values in display order
  with their labels. Entries are numbered in title order, the tie-break of every sort;
- the text part (`text.<hash>.json`, loaded when a query first has words): per text field,
  the postings (entry, frequency) of every term, the field length of every entry as
  Whoosh stored it (quantised to a byte, so not recomputed), the average field length,
  and the inverse document frequency of every document frequency that occurs (computed
  here because the browser's `Math.log` differs from C's in the last bit for about 3%
  of the values a catalogue needs, enough to reorder ties);
- one HTML fragment per entry (`cards-<hash>/<n>.html`), the card the server renders,
  fetched for the entries on the page being shown.

File names carry a hash of their content, so a host can cache them for ever.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable

from ..facets import FACETS
from ..i18n import translations
from ..model import Credential
from ..search import (
    MAX_PAGE,
    MAX_PARAM_VALUES,
    MAX_QUERY_CHARS,
    MAX_VALUES_PER_FACET,
    PAGE_SIZE,
    RANGES,
    SORT_FIELDS,
    SORTS,
    TEXT_FIELDS,
    SearchEngine,
    postings,
)

FORMAT = 1  # bump when the layout of the exported files changes


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def front_coded(values: list[str]) -> list[int | str]:
    """[n0, rest0, n1, rest1, ...]: each value as the length of the prefix it shares with
    the value before it and the rest, lengths in UTF-16 code units as JavaScript counts.
    Sorted lists of skills share long prefixes, so this is a third smaller once gzipped."""
    out: list[int | str] = []
    previous: list[int] = []
    for value in values:
        units = utf16(value)
        n = 0
        while n < min(len(units), len(previous)) and units[n] == previous[n]:
            n += 1
        if n and 0xD800 <= units[n - 1] < 0xDC00:  # never split a surrogate pair
            n -= 1
        out += [n, value[len(utf16_decode(units[:n])) :]]
        previous = units
    return out


def utf16(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def utf16_decode(units: list[int]) -> str:
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le", "surrogatepass")


def title_order(engine: SearchEngine) -> list[int]:
    """The engine's entry positions in title order: the browser's entry n is the server's
    entry title_order(engine)[n], so the position of an entry is its rank by title."""
    return engine.sort_orders["title"]


def number_column(values: list) -> list[int | float | None]:
    """One number per entry for the browser to filter and sort by, chosen by the values'
    type: numbers as they are, dates as days since the earliest date plus one, and null
    for an entry without a value (never in a range, last in a sort)."""
    if all(isinstance(v, int | float) or v is None for v in values):
        return [None if v is None else _number(v) for v in values]
    first = min((v.toordinal() for v in values if v is not None), default=0)
    return [v.toordinal() - first + 1 if v is not None else None for v in values]


def number_attributes() -> list[str]:
    """The entry attributes the range filters and the sorts read, each once."""
    named = [attr for attr, _ in RANGES.values()] + [attr for attr, _ in SORT_FIELDS.values()]
    return list(dict.fromkeys(named))


def facet_part(engine: SearchEngine, languages: tuple[str, ...] = ("en",)) -> dict:
    """Facet values and numbers of every entry, entries in title order; the facets' and
    values' labels in each interface language."""
    order = title_order(engine)
    entries = [engine.entries[i] for i in order]
    facets = []
    for facet in FACETS:
        keys = engine.columns.value_keys[facet.name]
        rank = {v: i for i, v in enumerate(facet.order)}
        # Display order: a fixed order first where the facet has one, then by sort key.
        values = sorted(keys, key=lambda v: (rank.get(v, len(rank)), keys[v]))
        ids = {v: i for i, v in enumerate(values)}
        own = {i: facet.label_for(v) for i, v in enumerate(values) if facet.label_for(v) != v}
        per_entry = [[ids[v] for v in engine.values[facet.name][i]] for i in order]
        facets.append(
            {
                "name": facet.name,
                "label": {lang: translations(lang).gettext(facet.label) for lang in languages},
                "ordered": bool(facet.order),
                "inOrder": sum(1 for v in values if v in rank),
                "values": front_coded(values),
                "labels": {
                    lang: {str(i): translations(lang).gettext(text) for i, text in own.items()}
                    for lang in languages
                },
                # one value per entry is the common case: then a flat list
                "entries": per_entry
                if any(len(vs) != 1 for vs in per_entry)
                else [vs[0] for vs in per_entry],
            }
        )
    return {
        "format": FORMAT,
        "size": len(entries),
        "pageSize": PAGE_SIZE,
        "maxPage": MAX_PAGE,
        "maxQueryChars": MAX_QUERY_CHARS,
        "maxParamValues": MAX_PARAM_VALUES,
        "maxValuesPerFacet": MAX_VALUES_PER_FACET,
        "sorts": list(SORTS),
        # sort key -> [entry attribute, true for descending] ("relevance", "title" aside)
        "sortFields": {key: [attr, descending] for key, (attr, descending) in SORT_FIELDS.items()},
        # [URL parameter, entry attribute, true for a lower bound], in the server's order
        "ranges": [[name, attr, lower] for name, (attr, lower) in RANGES.items()],
        # per attribute the ranges and sorts read, one number per entry (see number_column)
        "numbers": {
            attr: number_column([getattr(e, attr) for e in entries]) for attr in number_attributes()
        },
        "facets": facets,
    }


def text_part(engine: SearchEngine) -> dict:
    """Per text field: postings, stored field lengths and average length; idf by df."""
    searcher = engine.text._searcher
    reader = searcher.reader()
    count = searcher.doc_count_all()
    position = engine.title_rank  # entry -> its position in the export
    doc_to_entry = [position[entry] for entry in engine.text.doc_to_entry]
    entry_to_doc = [engine.text.entry_to_doc[i] for i in title_order(engine)]
    fields = []
    frequencies: set[int] = set()
    for name, boost in TEXT_FIELDS:
        terms = {}
        if name in reader.indexed_field_names():
            for term in reader.field_terms(name):
                df = reader.doc_frequency(name, term)
                frequencies.add(df)
                found = sorted(
                    (doc_to_entry[doc], _number(tf))
                    for doc, tf in postings(reader.postings(name, term))
                )
                deltas, last = [], 0
                for entry, _ in found:
                    deltas.append(entry - last)
                    last = entry
                tfs = [tf for _, tf in found]
                # [df, deltas...] when every frequency is 1, else [df, [deltas], [tfs]]
                terms[term] = [df, *deltas] if all(tf == 1 for tf in tfs) else [df, deltas, tfs]
        lengths = engine.text.lengths[name]
        fields.append(
            {
                "name": name,
                "boost": boost,
                "avg": searcher.avg_field_length(name) or 1,
                # None where an entry has nothing in the field (it then has no postings)
                "lengths": [_number(lengths[d] or 0) for d in entry_to_doc],
                "terms": terms,
            }
        )
    return {
        "format": FORMAT,
        "size": engine.size,
        # the words "did you mean" picks from, in the server's order, with their counts
        "words": list(engine.vocabulary),
        "wordCounts": list(engine.vocabulary.values()),
        "idf": {str(df): math.log(count / (df + 1)) + 1 for df in sorted(frequencies)},
        "fields": fields,
    }


def export(
    engine: SearchEngine,
    render_card: Callable[[Credential, str], str],
    languages: tuple[str, ...] = ("en",),
) -> dict[str, bytes]:
    """Return the browser's search files, as {path relative to the data folder: bytes}.

    `render_card(entry, lang)` gives an entry's card in an interface language. The facet
    part names the text part and each language's card folder, so the page needs to know
    only the facet part's name (see `facet_file`).
    """
    files: dict[str, bytes] = {}
    text = _json(text_part(engine))
    text_name = f"text.{_hash(text)}.json"
    files[text_name] = text
    card_dirs = {}
    for lang in languages:
        cards = {
            # line breaks and indentation between tags mean nothing in a card: leave them out
            str(n): re.sub(
                r">\s*\n\s*<", "><", render_card(engine.entries[i], lang).strip()
            ).encode()
            for n, i in enumerate(title_order(engine))
        }
        card_dir, card_files = fragments("cards", cards)
        files.update(card_files)
        card_dirs[lang] = card_dir + "/"
    facets = facet_part(engine, languages)
    facets["languages"] = list(languages)
    facets["text"] = text_name
    facets["cards"] = card_dirs
    data = _json(facets)
    files[f"facets.{_hash(data)}.json"] = data
    return files


def fragments(prefix: str, pieces: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
    """HTML fragments as files `<prefix>-<hash>/<name>.html`; the folder is named by a hash
    of them all, so a change to any one renames it. Returns the folder and the files."""
    digest = hashlib.sha256()
    for name, piece in pieces.items():
        digest.update(name.encode() + b"\0" + len(piece).to_bytes(8, "little") + piece)
    folder = f"{prefix}-{digest.hexdigest()[:12]}"
    return folder, {f"{folder}/{name}.html": piece for name, piece in pieces.items()}


def facet_file(files: dict[str, bytes]) -> str:
    return next(name for name in files if name.startswith("facets."))
