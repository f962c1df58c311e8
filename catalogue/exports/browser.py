"""Export what the browser needs to answer searches on the static site.

The static site answers `/search/?...` in the browser (static/js/search-engine.js) with
the same results, order and counts as the server. Everything here is read from the
server's own `SearchEngine` and Whoosh index, so the two cannot drift apart. The files
are split so that a page fetches only what its request needs:

- the facet part (`facets.<hash>.json`, loaded with the search page): the limits, sorts
  and ranges, and for every facet of at most LAZY_VALUES values its values in display
  order with their labels and browse-page slugs and the values of every entry. Entries
  are numbered in title order, the tie-break of every sort;
- the same for each facet of more values (skills, say) in a file of its own
  (`facet-<name>.<hash>.json`), loaded when a URL names the facet or the visitor asks
  to see its values;
- a column file per number the ranges and sorts read (`number-<attr>.<hash>.json`),
  loaded when a request filters or sorts by it;
- the text part, loaded when a query first has words: a small file naming the shards and
  giving each text field's weight and average length (`text.<hash>.json`), and the
  shards (`terms-<hash>/<n>.json`), each holding a run of terms in code-point order
  with, per field, the entries (as gaps), frequencies and stored field lengths of their
  postings and the inverse document frequency. A query fetches the shards of its terms
  only. Lengths are those Whoosh stored (quantised to a byte, so not recomputed); the
  idf is computed here because the browser's `Math.log` differs from C's in the last
  bit for about 3% of the values a catalogue needs, enough to reorder ties;
- the words "did you mean" picks from (`words.<hash>.json`), loaded when a query finds
  fewer than three entries;
- one HTML fragment per entry (`cards-<hash>/<n>.html`), the card the server renders,
  fetched for the entries on the page being shown, with the phrases cards share written
  once beside them (`phrases.json`, see phrases.py).

Lists of whole numbers are written with `packed` (a character or two per number) rather
than as JSON arrays: a third smaller once gzipped. File and folder names carry a hash of
their content, so a host can cache them for ever.
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
from .packing import facet_column, front_coded, gaps, packed
from .phrases import PHRASES, book_file, encoded, phrase_book

FORMAT = 4  # bump when the layout of the exported files changes
LAZY_VALUES = 100  # a facet with more values than this is a file of its own
# The size a text shard is filled to before compression (a term with more postings is a
# shard of its own). Measured over bench/budgets.py's queries, the worst query's shards
# came to 9.4 KB gzipped at 1,000 entries with 12,000 characters and 2.9 KB with 4,000,
# and 8.1 KB and 6.1 KB at 10,000, where text.json grew from 1.0 KB to 1.4 KB.
SHARD_CHARS = 4_000


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


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


def coded_numbers(column: list[int | float | None]) -> dict:
    """A number column as its distinct values (ascending) and, packed, each entry's
    position among them plus one (0 for an entry without a value): a catalogue has few
    distinct costs, hours or dates, so this is a character or two an entry."""
    values = sorted({v for v in column if v is not None})
    code = {v: i + 1 for i, v in enumerate(values)}
    return {"values": values, "codes": packed(code[v] if v is not None else 0 for v in column)}


def number_attributes() -> list[str]:
    """The entry attributes the range filters and the sorts read, each once."""
    named = [attr for attr, _ in RANGES.values()] + [attr for attr, _ in SORT_FIELDS.values()]
    return list(dict.fromkeys(named))


def _named(kind: str, data: dict, files: dict[str, bytes]) -> str:
    body = _json(data)
    name = f"{kind}.{_hash(body)}.json"
    files[name] = body
    return name


def facet_part(
    engine: SearchEngine,
    languages: tuple[str, ...] = ("en",),
    browse_slugs: dict[str, dict[str, str]] | None = None,
) -> tuple[dict, dict[str, bytes]]:
    """The facet part and the column files it names: facet values and numbers of every
    entry, entries in title order; the facets' and values' labels in each interface
    language; each value's browse-page slug (`browse_slugs`: facet -> value -> slug)."""
    files: dict[str, bytes] = {}
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
        slugs = (browse_slugs or {}).get(facet.name, {})
        column = {
            "values": front_coded(values),
            "labels": {
                lang: {str(i): translations(lang).gettext(text) for i, text in own.items()}
                for lang in languages
            },
            **facet_column(
                [[ids[v] for v in engine.values[facet.name][i]] for i in order], len(values)
            ),
            # where a value's browse page (and its feed) is: "" for none
            "slugs": front_coded([slugs.get(v, "") for v in values]),
        }
        described = {
            "name": facet.name,
            "label": {lang: translations(lang).gettext(facet.label) for lang in languages},
            "ordered": bool(facet.order),
            "inOrder": sum(1 for v in values if v in rank),
        }
        if len(values) > LAZY_VALUES:  # its values and column in a file of their own
            described["file"] = _named(f"facet-{facet.name}", column, files)
        else:
            described["column"] = column
        facets.append(described)
    data = {
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
        # per attribute the ranges and sorts read, the file of its numbers (see
        # number_column and coded_numbers)
        "numbers": {
            attr: _named(
                f"number-{attr}",
                coded_numbers(number_column([getattr(e, attr) for e in entries])),
                files,
            )
            for attr in number_attributes()
        },
        "facets": facets,
    }
    return data, files


def text_part(engine: SearchEngine) -> tuple[dict, dict[str, bytes]]:
    """The text part and its shards and word list (see the module's docstring)."""
    searcher = engine.text._searcher
    reader = searcher.reader()
    count = searcher.doc_count_all()
    position = engine.title_rank  # entry -> its position in the export
    doc_to_entry = [position[entry] for entry in engine.text.doc_to_entry]
    fields = []
    terms: dict[str, list] = {}
    indexed = set(reader.indexed_field_names())
    for f, (name, boost) in enumerate(TEXT_FIELDS):
        lengths = engine.text.lengths[name]
        fields.append({"name": name, "boost": boost, "avg": searcher.avg_field_length(name) or 1})
        if name not in indexed:
            continue
        for term in reader.field_terms(name):
            df = reader.doc_frequency(name, term)
            found = sorted(
                (doc_to_entry[doc], _number(tf), doc)
                for doc, tf in postings(reader.postings(name, term))
            )
            tfs = [tf for _, tf, _ in found]
            if not all(isinstance(tf, int) for tf in tfs):  # weights Whoosh never writes
                raise ValueError(f"{name}:{term}: a frequency that is not a whole number")
            terms.setdefault(term, []).append(
                [
                    f,
                    math.log(count / (df + 1)) + 1,
                    packed(gaps(entry for entry, _, _ in found)),
                    # "" when every frequency is 1, the common case
                    "" if all(tf == 1 for tf in tfs) else packed(tfs),
                    packed(int(lengths[doc] or 0) for _, _, doc in found),
                ]
            )
    shards: list[dict[str, list]] = []
    filled = SHARD_CHARS
    for term in sorted(terms):  # code-point order, as the browser compares
        record = terms[term]
        size = len(term) + sum(len(r[2]) + len(r[3]) + len(r[4]) + 24 for r in record)
        if filled + size > SHARD_CHARS and (not shards or shards[-1]):
            shards.append({})
            filled = 0
        shards[-1][term] = record
        filled += size
    bodies = {
        str(n): _json({"format": FORMAT, "shard": n, "terms": shard})
        for n, shard in enumerate(shards)
    }
    folder, files = fragments("terms", bodies, ".json")
    words = list(engine.vocabulary)
    data = {
        "format": FORMAT,
        "size": engine.size,
        "fields": fields,
        # the first term of each shard; shard n holds the terms from its first to the next's
        "shards": front_coded([next(iter(shard)) for shard in shards]),
        "folder": folder + "/",
        # the words "did you mean" picks from, in the server's order, with their counts
        "words": _named(
            "words", {"words": words, "counts": packed(engine.vocabulary.values())}, files
        ),
    }
    return data, files


def export(
    engine: SearchEngine,
    render_card: Callable[[Credential, str], str],
    languages: tuple[str, ...] = ("en",),
    browse_slugs: dict[str, dict[str, str]] | None = None,
) -> dict[str, bytes]:
    """Return the browser's search files, as {path relative to the data folder: bytes}.

    `render_card(entry, lang)` gives an entry's card in an interface language. The facet
    part names every other file (the text part names its shards), so the page needs to
    know only the facet part's name (see `facet_file`).
    """
    files: dict[str, bytes] = {}
    card_dirs = {}
    ranked = [engine.entries[i] for i in title_order(engine)]
    for lang in languages:
        # line breaks and indentation between tags mean nothing in a card: leave them out
        cards = {e.slug: re.sub(r">\s*\n\s*<", "><", render_card(e, lang).strip()) for e in ranked}
        card_dir, card_files = coded_fragments(
            "cards", {str(n): piece for n, piece in enumerate(cards.items())}
        )
        files.update(card_files)
        card_dirs[lang] = card_dir + "/"
    # last, as the engine's index may still be building (see SearchEngine's `later`)
    text, text_files = text_part(engine)
    files.update(text_files)
    text_name = _named("text", text, files)
    facets, columns = facet_part(engine, languages, browse_slugs)
    files.update(columns)
    facets["languages"] = list(languages)
    facets["text"] = text_name
    facets["cards"] = card_dirs
    _named("facets", facets, files)
    return files


def fragments(
    prefix: str, pieces: dict[str, bytes], ext: str = ".html", also: dict[str, bytes] | None = None
) -> tuple[str, dict[str, bytes]]:
    """Pieces as files `<prefix>-<hash>/<name><ext>`, and the files `also` names in full
    beside them; the folder is named by a hash of them all, so a change to any one
    renames it. Returns the folder and the files."""
    named = {f"{name}{ext}": piece for name, piece in pieces.items()} | (also or {})
    digest = hashlib.sha256()
    for name, piece in named.items():
        digest.update(name.encode() + b"\0" + len(piece).to_bytes(8, "little") + piece)
    folder = f"{prefix}-{digest.hexdigest()[:12]}"
    return folder, {f"{folder}/{name}": piece for name, piece in named.items()}


def coded_fragments(
    prefix: str, pieces: dict[str, tuple[str, str]]
) -> tuple[str, dict[str, bytes]]:
    """HTML pieces ({name: (the entry's slug, its HTML)}) as `fragments`, each with the
    phrases they share coded, and the phrase book of them all beside them (phrases.py);
    no pieces, no files."""
    book = phrase_book(dict(pieces.values()))
    coded = {name: encoded(html, slug, book).encode() for name, (slug, html) in pieces.items()}
    return fragments(prefix, coded, also={PHRASES: book_file(book)} if pieces else None)


def facet_file(files: dict[str, bytes]) -> str:
    return next(name for name in files if name.startswith("facets."))
