"""Search: Whoosh matches and scores the text; facets, ranges and sorting run in memory.

The Whoosh schema is derived from the field table (every field with a `boost` is a text
field, plus the body). Whoosh answers one question per request: which entries contain
every query word, in any field, and with what BM25F score. Filtering, disjunctive facet
counts, ranges and sorting run on columns and bitsets held in memory, which is where the
speed is (a Whoosh `groupedby` per request is an order of magnitude slower).

Index builds happen in a temporary folder that is renamed into place and then named in a
pointer file replaced atomically, so a failed or killed build leaves the previous index
serving.
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
import json
import math
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, islice
from operator import add, neg
from pathlib import Path

import whoosh
from whoosh import index as whoosh_index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.query import And, Or, Term
from whoosh.support.charset import accent_map

from .i18n import N_
from .model import FACETS, FACETS_BY_NAME, FIELDS, Credential

Scores = dict[int, float] | array  # a term's BM25F score per entry

# Analysis: accent folding comes before stemming, so "securite" and "sécurité" agree.
TOKENIZER = RegexTokenizer()
WORDS = TOKENIZER | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter()
ANALYZER = WORDS | StemFilter()

TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    *((f.name, f.boost) for f in FIELDS if f.boost),
    ("body", 1.0),
)
INDEX_VERSION = "1"  # bump when the schema or analysis changes

PAGE_SIZE = 20
MAX_PAGE = 10_000
MAX_QUERY_CHARS = 256
MAX_SUGGESTED_WORDS = 4
SPELLING_CUTOFF = 0.75  # difflib ratio of a "did you mean" word to the word typed
MAX_VALUES_PER_FACET = 100  # values shown per facet list; selected values always shown
MAX_PARAM_VALUES = 50
TERM_CACHE_BYTES = 256 * 2**20  # about what the cached term scores may hold
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
SORTS = ("relevance", "title", "cost", "-cost", "hours", "weeks", "updated")
SORT_LABELS = {
    "relevance": N_("Best match"),
    "title": N_("Title (A to Z)"),
    "cost": N_("Cost (lowest first)"),
    "-cost": N_("Cost (highest first)"),
    "hours": N_("Hours (fewest first)"),
    "weeks": N_("Weeks (shortest first)"),
    "updated": N_("Recently updated"),
}
# name -> (entry attribute, True for a lower bound)
RANGES = {
    "cost_max": ("cost", False),
    "hours_min": ("hours", True),
    "hours_max": ("hours", False),
    "weeks_max": ("weeks", False),
}


def index_text(entry: Credential, name: str) -> str:
    """Return the text indexed for one text field of an entry."""
    if name == "body":
        return entry.body_text
    value = getattr(entry, name)
    if name == "skills":
        return "\n".join(s.name for s in value)
    if isinstance(value, list):
        return "\n".join(value)
    return value or ""


def whoosh_schema() -> Schema:
    text = {name: TEXT(analyzer=ANALYZER, phrase=False) for name, _boost in TEXT_FIELDS}
    return Schema(slug=ID(stored=True, unique=True), **text)


def analyse(text: str) -> list[str]:
    """Return the distinct index terms of a query, in order."""
    terms = [t.text for t in ANALYZER(text[:MAX_QUERY_CHARS])]
    return list(dict.fromkeys(terms))  # every word counts; the length cap bounds them


@lru_cache(maxsize=1024)
def _analysed(q: str) -> tuple[str, ...]:
    return tuple(analyse(q))


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


def sort_key(text: str) -> str:
    """A title's sort key: case and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Index files -----------------------------------------------------------------------------


def _stable_repr(analyzer) -> str:
    """The analyzer's repr, the same in every process: Python shows a set's items in an
    order that changes with the hash seed, and functions with their memory address."""

    def sort_set(match: re.Match) -> str:
        items = re.findall(r"'[^']*'", match.group(1))
        return "frozenset({" + ", ".join(sorted(items)) + "})"

    text = re.sub(r"frozenset\(\{([^}]*)\}\)", sort_set, repr(analyzer))
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def fingerprint(entries: Iterable[Credential]) -> str:
    """Name an index by what it holds: the entries, the schema and the analysis."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    digest.update(repr((TEXT_FIELDS, _stable_repr(ANALYZER), whoosh.versionstring())).encode())
    for entry in entries:
        digest.update(json.dumps(entry.to_dict(), sort_keys=True).encode())
        digest.update(entry.body_text.encode())
    return digest.hexdigest()[:20]


def build_index(entries: list[Credential], root: Path) -> Path:
    """Make sure `root` holds an index of `entries` and return its folder.

    Rebuilt only when the entries changed. The new index is written to a temporary folder,
    renamed into place, and only then named in `root/CURRENT`, replaced atomically.
    """
    root.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root)
    name = fingerprint(entries)
    target = root / name
    if not (target / "COMPLETE").exists():
        scratch = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
        try:
            ix = whoosh_index.create_in(scratch, whoosh_schema())
            with ix.writer(procs=1, limitmb=256) as writer:
                for entry in entries:
                    writer.add_document(
                        slug=entry.slug,
                        **{name: index_text(entry, name) for name, _ in TEXT_FIELDS},
                    )
            ix.close()
            (scratch / "COMPLETE").write_text(name)
            if target.exists() and not (target / "COMPLETE").exists():
                shutil.rmtree(target)  # a leftover that never completed
            try:
                os.rename(scratch, target)
            except OSError:
                if not (target / "COMPLETE").exists():
                    raise
                # another process built the same index first; use theirs
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    _point_at(root, name)
    return target


def update_index(
    folder: Path, old: list[Credential], new: list[Credential], root: Path
) -> Path | None:
    """For live reload: a copy of the index in `folder` (of the entries `old`) with only
    what differs in `new` written again. Entries are compared by identity, as the loader's
    file cache returns the same object for a file that did not change. Returns None when
    so much changed (site.toml, say) that a fresh build is as quick and cleaner.

    Whoosh keeps a replaced document's statistics until segments merge, so scores may
    differ in the last digits from a fresh build until the next start; the live index is
    named apart ("live-...") so that a normal start never reuses it.
    """
    before = {e.slug: e for e in old}
    after = {e.slug: e for e in new}
    changed = [e for slug, e in after.items() if before.get(slug) is not e]
    removed = [slug for slug in before if slug not in after]
    if len(changed) + len(removed) > max(5, len(new) // 5):
        return None
    scratch = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
    try:
        shutil.copytree(folder, scratch, dirs_exist_ok=True)
        (scratch / "COMPLETE").unlink(missing_ok=True)
        ix = whoosh_index.open_dir(scratch)
        with ix.writer(procs=1) as writer:
            for slug in removed:
                writer.delete_by_term("slug", slug)
            for entry in changed:
                writer.update_document(
                    slug=entry.slug, **{n: index_text(entry, n) for n, _ in TEXT_FIELDS}
                )
        ix.close()
        name = f"live-{fingerprint(new)}"
        (scratch / "COMPLETE").write_text(name)
        target = root / name
        if target.exists():
            shutil.rmtree(target)
        os.rename(scratch, target)
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _point_at(root: Path, name: str) -> None:
    pointer = root / f".CURRENT-{os.getpid()}-{threading.get_ident()}"
    pointer.write_text(name)
    previous = current_index(root)
    os.replace(pointer, root / "CURRENT")
    # Keep the index just replaced (a searcher may still read it); remove older ones.
    keep = {name, previous.name if previous else None}
    for old in root.iterdir():
        if old.is_dir() and old.name not in keep and not old.name.startswith(".build-"):
            shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(root: Path) -> None:
    """Remove the scratch folders and pointer files of builds whose process is gone (a
    build killed outright leaves them; one still running on this machine is left alone)."""
    for item in root.glob(".*"):
        parts = item.name.split("-")
        if item.name.startswith((".build-", ".CURRENT-")) and parts[1].isdigit():
            try:
                os.kill(int(parts[1]), 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue  # someone else's process
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)


def current_index(root: Path) -> Path | None:
    try:
        name = (root / "CURRENT").read_text().strip()
    except OSError:
        return None
    folder = root / name
    return folder if (folder / "COMPLETE").exists() else None


# Requests and results --------------------------------------------------------------------


@dataclass
class SearchRequest:
    """What a learner asked for, cleaned: unknown or malformed parts are dropped."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, float] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    @property
    def effective_sort(self) -> str:
        if self.sort and not (self.sort == "relevance" and not self.terms):
            return self.sort
        return "relevance" if self.terms else "title"

    @property
    def terms(self) -> list[str]:
        return list(_analysed(self.q))

    def args(self, **changes) -> list[tuple[str, str]]:
        """Return the URL parameters of this request, in a canonical order."""
        state = {
            "q": self.q,
            "filters": self.filters,
            "ranges": self.ranges,
            "sort": self.sort,
            "page": self.page,
        }
        state.update(changes)
        out: list[tuple[str, str]] = []
        if state["q"]:
            out.append(("q", state["q"]))
        for facet in FACETS:
            out += [(facet.name, v) for v in state["filters"].get(facet.name, [])]
        for name in RANGES:
            if name in state["ranges"]:
                out.append((name, _number_text(state["ranges"][name])))
        if state["sort"]:
            out.append(("sort", state["sort"]))
        if state["page"] and state["page"] > 1:
            out.append(("page", str(state["page"])))
        return out

    def toggled(self, facet: str, value: str) -> list[tuple[str, str]]:
        """The parameters with `value` of `facet` switched on or off, back on page 1."""
        filters = {k: list(v) for k, v in self.filters.items()}
        values = filters.setdefault(facet, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self.args(filters=filters, page=1)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _getlist(args: Mapping, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return list(args.getlist(name))
    value = args.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _clean(text: str) -> str:
    # Every kind of space (tab, no-break space from a pasted PDF...) separates words;
    # other control characters and unpaired surrogates are dropped.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if ch.isspace() else ch for ch in text if ch.isprintable() or ch.isspace())


def _cut(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters without splitting a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut[:limit].rstrip()


@dataclass
class SearchResults:
    request: SearchRequest
    total: int
    page: int
    pages: int
    entries: list[Credential]
    facets: dict[str, list[dict]]
    suggestion: str | None = None

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "results": [e.to_dict() for e in self.entries],
            "facets": self.facets,
        }


def _ranks(items, key) -> list[int]:
    """Return each item's position in the order of `key` (items are 0..n-1 or a list)."""
    items = list(items)
    order = sorted(range(len(items)), key=lambda i: key(items[i]))
    ranks = [0] * len(items)
    for position, i in enumerate(order):
        ranks[i] = position
    return ranks


def _inverse(ranks: list[int]) -> list[int]:
    """Invert a permutation: ranks[i] = p becomes order[p] = i."""
    order = [0] * len(ranks)
    for i, position in enumerate(ranks):
        order[position] = i
    return order


def _size_of(scores: Scores, size: int) -> int:
    # a bitset of `size` bits, the scores, and the entry itself (even for no match)
    held = 8 * len(scores) if isinstance(scores, array) else 100 * len(scores)
    return 200 + size // 8 + held


def _postings(matcher) -> Iterator[tuple[int, float]]:
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


_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def flags_of(bits: int) -> bytes:
    """Return one byte per position, 1 where `bits` has the bit set (trailing 0s dropped)."""
    # bin() lists the bits, highest first; reversed and mapped to 0/1 bytes, all in C.
    return bin(bits)[:1:-1].encode("ascii").translate(_DIGITS) if bits else b""


def members(bits: int) -> list[int]:
    """Return the positions of the set bits of `bits`, in order."""
    flags = flags_of(bits)
    return list(compress(range(len(flags)), flags))


def bits_of(positions: Iterable[int], size: int) -> int:
    data = bytearray((size + 7) // 8)
    for p in positions:
        data[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(data, "little")


class SearchEngine:
    """Answers search requests over a fixed list of entries and their Whoosh index."""

    def __init__(self, entries: list[Credential], index_root: Path, folder: Path | None = None):
        """Search `entries`, with the index of them under `index_root` (built if need be),
        or in `folder` when given (an index `update_index` made)."""
        self.entries = entries
        self.size = len(entries)
        self.all = (1 << self.size) - 1
        self.folder = folder or build_index(entries, index_root)
        self.index = whoosh_index.open_dir(self.folder)
        self._lock = threading.Lock()
        self._searcher = self.index.searcher()
        self._terms: OrderedDict[str, tuple[int, Scores]] = OrderedDict()
        self._cached_bytes = 0
        position = {e.slug: i for i, e in enumerate(entries)}
        reader = self._searcher.reader()
        self.doc_to_entry = [0] * reader.doc_count_all()
        for docnum, stored in reader.iter_docs():
            self.doc_to_entry[docnum] = position[stored["slug"]]
        self.entry_to_doc = _inverse(self.doc_to_entry)
        docs = range(len(self.doc_to_entry))
        self.lengths = {
            name: [reader.doc_field_length(d, name) for d in docs] for name, _ in TEXT_FIELDS
        }
        self.values = {f.name: [f.values(e) for e in entries] for f in FACETS}
        self.bits: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            index: dict[str, list[int]] = {}
            for i, values in enumerate(self.values[facet.name]):
                for v in values:
                    index.setdefault(v, []).append(i)
            self.bits[facet.name] = {v: bits_of(ids, self.size) for v, ids in index.items()}
        self.title_rank = _ranks(entries, lambda e: (sort_key(e.title), e.slug))
        rank = self.title_rank
        # Every sort but relevance is a fixed order: rank each entry once, ties by title.
        self.sort_ranks = {
            "title": rank,
            "cost": _ranks(range(self.size), lambda i: (entries[i].cost, rank[i])),
            "-cost": _ranks(range(self.size), lambda i: (-entries[i].cost, rank[i])),
            "hours": _ranks(range(self.size), lambda i: (entries[i].hours, rank[i])),
            "weeks": _ranks(range(self.size), lambda i: (entries[i].weeks, rank[i])),
            "updated": _ranks(  # newest first; entries without a date last
                range(self.size),
                lambda i: (-(u.toordinal() if (u := entries[i].updated) else 0), rank[i]),
            ),
        }
        self.sort_orders = {name: _inverse(ranks) for name, ranks in self.sort_ranks.items()}
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
        self._range_cache: dict[tuple[str, float], int] = {}
        self._all_counts: dict[str, dict[str, int]] = {}
        words: Counter = Counter()
        for e in entries:
            words.update(t.text for t in WORDS(" ".join(index_text(e, n) for n, _ in TEXT_FIELDS)))
        self.vocabulary = {w: n for w, n in words.items() if len(w) >= 4 and not w.isdigit()}
        self.vocabulary_by_length: dict[int, list[tuple[str, int]]] = {}
        for w in self.vocabulary:
            self.vocabulary_by_length.setdefault(len(w), []).append((w, _letters(w)))
        self._spelling: dict[str, str | None] = {}

    # Parsing ---------------------------------------------------------------------------

    def parse(self, args: Mapping) -> SearchRequest:
        """Build a clean request from URL parameters; nothing here can raise."""
        q = _cut(" ".join(_clean(" ".join(_getlist(args, "q")[:1])).split()), MAX_QUERY_CHARS)
        filters: dict[str, list[str]] = {}
        for facet in FACETS:
            known = self.bits[facet.name]
            chosen = [v for v in _getlist(args, facet.name)[:MAX_PARAM_VALUES] if v in known]
            if chosen:
                filters[facet.name] = list(dict.fromkeys(chosen))
        ranges = {}
        for name in RANGES:
            raw = (_getlist(args, name) or [""])[0].strip()
            try:
                value = float(raw[:20])
            except ValueError:
                continue
            if math.isfinite(value) and value >= 0:
                ranges[name] = value
        sort = (_getlist(args, "sort") or [""])[0]
        raw_page = (_getlist(args, "page") or ["1"])[0].strip()
        page = 1
        if re.fullmatch(r"[0-9]+", raw_page):
            page = int(raw_page) if len(raw_page) <= 9 else MAX_PAGE
        return SearchRequest(
            q=q,
            filters=filters,
            ranges=ranges,
            sort=sort if sort in SORTS else "",
            page=min(max(page, 1), MAX_PAGE),
        )

    # Searching -------------------------------------------------------------------------

    def _text_query(self, terms: list[str]):
        """The Whoosh query for `terms`: every term, in any text field, boosted per field."""
        return And([Or([Term(name, t, boost=boost) for name, boost in TEXT_FIELDS]) for t in terms])

    def _term(self, term: str) -> tuple[int, Scores]:
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
            return cached if cached is not None else self._read_term(term)

    def _read_term(self, term: str) -> tuple[int, Scores]:
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
            for doc, tf in _postings(reader.postings(name, term)):
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

    def _text_bits(self, terms: list[str]) -> int:
        bits = self.all
        for term in terms:
            bits &= self._term(term)[0]
        return bits

    def _range_bits(self, name: str, bound: float) -> int:
        key = (name, bound)
        if key not in self._range_cache:
            attr, lower = RANGES[name]
            ids = (
                i
                for i, e in enumerate(self.entries)
                if (getattr(e, attr) >= bound if lower else getattr(e, attr) <= bound)
            )
            bits = bits_of(ids, self.size)
            if len(self._range_cache) > 512:
                self._range_cache.clear()
            self._range_cache[key] = bits
            return bits
        return self._range_cache[key]

    def _facet_bits(self, facet: str, values: list[str]) -> int:
        bits = 0
        for v in values:
            bits |= self.bits[facet].get(v, 0)
        return bits

    def _counts(self, facet: str, base: int) -> dict[str, int]:
        table = self.bits[facet]
        if base == self.all:
            if facet not in self._all_counts:
                self._all_counts[facet] = {v: b.bit_count() for v, b in table.items()}
            return self._all_counts[facet]
        if len(table) <= 64:
            return {v: (base & b).bit_count() for v, b in table.items()}
        return Counter(chain.from_iterable(map(self.values[facet].__getitem__, members(base))))

    def close(self) -> None:
        self._searcher.close()

    def answer(self, args: Mapping) -> SearchResults:
        """Parse URL parameters and search: what a view does."""
        return self.search(self.parse(args))

    def search(
        self, request: SearchRequest, page_size: int = PAGE_SIZE, facets: bool = True
    ) -> SearchResults:
        """Answer `request`; `facets=False` leaves out the facet counts (for pages that
        show only the entries)."""
        terms = request.terms
        text = self._text_bits(terms)
        restrict = text
        for name, bound in request.ranges.items():
            restrict &= self._range_bits(name, bound)
        selected = {f: self._facet_bits(f, v) for f, v in request.filters.items()}
        final = restrict
        for bits in selected.values():
            final &= bits
        counts = {}
        for facet in FACETS if facets else ():
            base = restrict
            for other, bits in selected.items():
                if other != facet.name:
                    base &= bits
            counts[facet.name] = self._facet_list(
                facet.name, self._counts(facet.name, base), request.filters.get(facet.name, [])
            )
        total = final.bit_count()
        pages = max(1, math.ceil(total / page_size))
        page = min(request.page, pages)
        ordered = self._order(final, request.effective_sort, terms, page * page_size)
        chosen = ordered[(page - 1) * page_size : page * page_size]
        suggestion = self._suggest(request, total) if terms and total < 3 else None
        return SearchResults(
            request, total, page, pages, [self.entries[i] for i in chosen], counts, suggestion
        )

    def _facet_list(self, name: str, counts: dict[str, int], selected: list[str]) -> list[dict]:
        """The values of facet `name` to list, with their counts: the selected ones first
        (in the facet's order), then the others that match anything, in the facet's fixed
        order or by count, at most MAX_VALUES_PER_FACET in all."""
        order, labels = self.value_order[name], self.value_labels[name]
        limit = max(0, MAX_VALUES_PER_FACET - len(selected))
        fixed = FACETS_BY_NAME[name].order
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

    def _order(self, final: int, sort: str, terms: list[str], needed: int) -> list[int]:
        """Return the first `needed` entries of `final` in the order of `sort`.

        Ties break by title, then slug.
        """
        if sort == "relevance":
            ids = members(final)
            keyed = list(
                zip(
                    map(neg, self._totals(terms, ids)),
                    map(self.title_rank.__getitem__, ids),
                    ids,
                    strict=True,
                )
            )
            top = heapq.nsmallest(needed, keyed) if needed < len(ids) // 4 else sorted(keyed)
            return [i for _, _, i in top]
        # A fixed order: walk it and keep members, stopping once enough are found.
        flags = flags_of(final).ljust(self.size, b"\x00")
        return list(islice(filter(flags.__getitem__, self.sort_orders[sort]), needed))

    def _totals(self, terms: list[str], ids: list[int]) -> list[float]:
        """Each entry's score for `terms`, summed term by term as Whoosh's And sums them."""
        per_term = [self._term(t)[1] for t in terms]
        totals = list(map(per_term[0].__getitem__, ids))
        for scores in per_term[1:]:
            totals = list(map(add, totals, map(scores.__getitem__, ids)))
        return totals

    def _scores(self, terms: list[str], ids: list[int]) -> dict[int, float]:
        """Each entry's score for `terms`, by entry (what the tests compare with Whoosh)."""
        return dict(zip(ids, self._totals(terms, ids), strict=True))

    def _suggest(self, request: SearchRequest, total: int) -> str | None:
        """A query with misspelt words replaced, if it finds more; None otherwise."""
        words = request.q.split()
        unknown = [
            w
            for w in dict.fromkeys(fold(w) for w in words)
            if len(w) >= 4 and w.isalpha() and w not in self.vocabulary
        ]
        fixes = {w: self._closest(w) for w in unknown[:MAX_SUGGESTED_WORDS]}
        fixes = {w: fix for w, fix in fixes.items() if fix}
        if not fixes:
            return None
        candidate = " ".join(fixes.get(fold(w), w) for w in words)
        better = self.search(SearchRequest(candidate, request.filters, request.ranges), 1)
        return candidate if better.total > total else None

    def _closest(self, word: str) -> str | None:
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


def _letters(word: str) -> int:
    """The set of a word's letters as bits (letters may share a bit: the set is only
    used to show that two words differ in at least so many letters)."""
    bits = 0
    for c in word:
        bits |= 1 << (ord(c) & 63)
    return bits


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
