"""Send malformed, odd and huge URLs to the live app and time every answer.

    .venv/bin/python bench/fuzz.py                          # 20,000 URLs, demo catalogue
    .venv/bin/python bench/fuzz.py 5000 --content DIR --seed 3

`fuzz_urls(n, seed)` returns `n` URLs (path and query string): about half for /search/
and half for /api/search.json, and a share for the other pages that read input
(/browse/<facet>/<value>/, /credentials/<slug>/, /compare/?c=..., /fr/search/ and
/en/search/, which redirects). They cover random Unicode (astral planes, combining
marks, right-to-left text, NUL and control characters, lone surrogates sent as
%ED%A0%80), invalid UTF-8 (%FF%FE, overlong %C0%AF), broken percent escapes, `+` and
spaces, values up to 100 KB and 2,000 repeated parameters, unknown, repeated and empty
keys, every facet with real and bogus values, odd numbers in the ranges, sorts and pages,
query syntax Whoosh's parser would read, and mutations of bench/queries.py's URLs. The
same `n`, seed and catalogue give the same URLs.

The script sends them through Flask's test client to `create_app(content)` (index in a
temporary folder), prints the status codes, the times (p50, p99, max) and the slowest
URLs, and exits 1 if any answer is a 5xx or takes 1 s or more, naming each.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

from flask import got_request_exception
from flask.testing import FlaskClient
from werkzeug.test import TestResponse, run_wsgi_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import ODD_QUERIES, search_urls  # noqa: E402

from catalogue.content import slugify  # noqa: E402
from catalogue.facets import FACETS  # noqa: E402
from catalogue.search import RANGES, SORTS, SearchEngine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
SLOW = 1.0  # seconds: any request this slow fails the run
KB = 1024

# ---- Building blocks ----------------------------------------------------------------------

ODD_CHARS = [
    # combining marks, alone and stacked
    "\u0301",
    "\u0308",
    "\u20dd",
    "e\u0301",
    "a" + "\u0300\u0301\u0302\u0303\u0304" * 6,
    # right to left, bidi controls
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u202e",
    "\u202d",
    "\u200e",
    "\u200f",
    "\u2066",
    # invisible and odd spaces
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u2028",
    "\u2029",
    "\u180e",
    # astral planes
    "\U0001f9ba",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1e8\U0001f1e6",
    "\U0001d400\U0001d7d3",
    "\U00020000",
    "\U000f0000",
    "\U0010ffff",
    "\U000e0041",
    # NUL and control characters, C0 and C1
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",
    # lone surrogates (sent percent-encoded, as %ED%A0%80 and so on)
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    # non-characters, replacement, private use
    "\ufffe",
    "\uffff",
    "\ufffd",
    "\ue000",
    # case mapping that changes length, ligatures, lookalikes
    "\u0130",
    "\u0131",
    "\u00df",
    "\u1e9e",
    "\ufb03",
    "\u0430",
    "\u03a3",
    # digits that are not ASCII
    "\uff15",
    "\uff11",
    "\u0661\u0662",
    "\u00b2",
    "\u2075",
    "\u00bd",
    "\u216b",
    "\U0001d7d3",
    # CJK, Hangul, Devanagari, Thai
    "\u4e2d\u6587",
    "\u65e5\u672c\u8a9e",
    "\ud55c\uad6d\uc5b4",
    "\u0939\u093f\u0928\u094d\u0926\u0940",
    "\u0e44\u0e17\u0e22",
    # markup and template-looking text
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "&amp;",
    "&#0;",
    "\\",
    "'",
    '"',
    "`",
    "../../etc/passwd",
    "%s%s%n",
    "%(num)s",
]

WHOOSH_SYNTAX = [
    "AND",
    "OR",
    "NOT",
    "care AND safety",
    "care OR safety",
    "NOT care",
    "care NOT safety",
    "AND AND OR NOT",
    "*",
    "?",
    "car*",
    "c?re",
    "*:*",
    '"unclosed',
    '"care plan"',
    '"',
    '""',
    "title:x",
    "title:",
    "field:",
    "skills:care",
    ":",
    "::",
    "(((",
    ")))",
    "((care) OR (safety",
    "care~2",
    "care~",
    "~",
    "care^3",
    "^",
    "[a TO b]",
    "[a TO]",
    "{a TO b}",
    "{}",
    "[]",
    "-care",
    "+care",
    "care -safety",
    "title:(a OR b)",
    "updated:[2020 TO 2030]",
    "/regex.*/",
    "care!",
    "&&",
    "||",
    "!",
    "a\\ b",
    "care.",
    "e-mail first.aid",
    "'; DROP TABLE credentials; --",
    "null",
    "undefined",
    "None",
]

RANGE_VALUES = [
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "iNf",
    "1e309",
    "-1e309",
    "1e308",
    "1.7976931348623157e308",
    "4.9e-324",
    "1e-400",
    "-0",
    "-0.0",
    "0",
    "0x10",
    "0b11",
    "0o7",
    "1_000",
    "1__0",
    " 5 ",
    "\t5\n",
    "\u00a05",
    "5\u2009",
    "\uff15",
    "\uff11\uff10\uff10",
    "\u0661\u0662",
    "\U0001d7d3",
    "\u00b2",
    "\u00bd",
    "9" * 400,
    "1" + "0" * 30,
    "12345678901234567890123",
    "-1",
    "-99999999999",
    "",
    " ",
    "+5",
    "5.",
    ".5",
    ".",
    "1e3",
    "1e",
    "e5",
    "--5",
    "5-",
    "5\x00",
    "5abc",
    "1,000",
    "1.000,50",
    "\u20ac500",
    "500$",
    "0.1e1000",
    "nan(123)",
    "4" * 21,
    "0." + "0" * 30 + "1",
    "99999999999999999999.5",
    "1 2",
    "%",
]

PAGE_VALUES = [
    "0",
    "-1",
    "-0",
    "1",
    "2",
    "99999999999999999999",
    "9" * 5000,
    "999999999",
    "1000000000",
    "10000",
    "10001",
    "1.5",
    "\uff11",
    "\uff12",
    "\u0663",
    "\u00b2",
    "",
    "  2  ",
    "+3",
    "1e3",
    "0x2",
    "2\x00",
    "00000000000000000002",
    "1_0",
    "nan",
    "inf",
    "page",
    "%",
]

SORT_VALUES = [
    *SORTS,
    "",
    "RELEVANCE",
    "Title",
    "-title",
    "--cost",
    "+cost",
    "cost ",
    " cost",
    "cost\x00",
    "price",
    "random",
    "-",
    "0",
    "title,cost",
    "cost;hours",
    "__class__",
    "\uff43\uff4f\uff53\uff54",
    "updated" * 100,
]

PERCENT_EDGES = [
    "%",
    "%%",
    "%%%",
    "%2",
    "%zz",
    "%2g",
    "%g2",
    "%%32",
    "%252F",
    "%25",
    "%u0041",
    "%00",
    "%0a",
    "%0D%0A",
    "%20",
    "%2B",
    "%26",
    "%3D",
    "%23",
    "%3F",
    "%E2%82",  # a cut sequence
    "%80",  # a lone continuation byte
    "%FF%FE",
    "%C0%AF",  # overlong "/"
    "%C0%80",  # overlong NUL
    "%E0%80%AF",
    "%ED%A0%80",  # a lone surrogate
    "%ED%B2%80",
    "%ED%A0%BD%ED%B8%80",  # a surrogate pair, in CESU-8
    "%F4%90%80%80",  # above U+10FFFF
    "%F0%9F%A6",  # a cut four-byte sequence
    "%FE%FF",
    "+",
    "++",
    "+%2B+",
    " ",
    "a b",
    "a+b",
]

INVALID_UTF8 = [
    "%FF%FE",
    "%C0%AF",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%F4%90%80%80",
    "%80",
    "%E2%82",
    "%F0%9F%A6",
    "%C3",
    "%C3%28",
    "%F8%88%80%80%80",
]

UNKNOWN_KEYS = [
    "x",
    "Q",
    "QUERY",
    "query",
    "q[]",
    "q[0]",
    "delivery[]",
    "DELIVERY",
    "Delivery",
    "q ",
    " q",
    "q\x00",
    "%71",  # "q", encoded
    "__proto__",
    "constructor",
    "utf8",
    "callback",
    "format",
    "lang",
    "page_size",
    "per_page",
    "limit",
    "offset",
    "c",
    "cost_min",
    "hours",
    "weeks_min",
    "cost-max",
    "sort[]",
    "facet",
    "\u00e9",
    "\U0001f9ba",
]

EMPTY_PIECES = ["=x", "=", "&", "&&&", "q", "q=", "==", "=&=", "q==x", "q=x=y", ";", "?", "??q=x"]


def _encode(rng: random.Random, value: str) -> str:
    """A parameter value as some client might send it."""
    roll = rng.random()
    if roll < 0.45:
        return quote_plus(value, safe="", errors="surrogatepass")
    if roll < 0.7:
        return quote(value, safe="", errors="surrogatepass")
    if roll < 0.8:  # lower-case escapes
        escaped = quote(value, safe="", errors="surrogatepass")
        return re.sub(r"%[0-9A-F]{2}", lambda match: match.group().lower(), escaped)
    if roll < 0.85:  # every byte escaped, letters too
        data = value.encode("utf-8", "surrogatepass")
        return "".join(f"%{b:02X}" for b in data)
    # raw, as a careless client sends it: only what cannot be sent at all is escaped
    return _raw(value)


def _raw(value: str) -> str:
    out = []
    for ch in value:
        if "\ud800" <= ch <= "\udfff" or ch == "#":
            out.append(quote(ch, safe="", errors="surrogatepass"))
        else:
            out.append(ch)
    return "".join(out)


def _unicode(rng: random.Random, size: int | None = None) -> str:
    """Random text: ASCII words, odd characters and random code points."""
    size = size if size is not None else rng.choice([1, 2, 3, 5, 8, 13, 30, 80])
    parts = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(["care", "data", "safety", "plan", "é", " ", "  ", "-"]))
        elif roll < 0.75:
            parts.append(rng.choice(ODD_CHARS))
        elif roll < 0.9:
            parts.append(chr(rng.randrange(0x110000)))
        else:
            parts.append(chr(rng.randrange(0x20, 0x7F)))
    return "".join(parts)


def _pair(rng: random.Random, key: str, value: str) -> str:
    return f"{quote_plus(key, safe='', errors='surrogatepass')}={_encode(rng, value)}"


class Material:
    """What the generator draws real values from: one catalogue's engine."""

    def __init__(self, engine: SearchEngine, seed: int):
        self.values = {f.name: sorted(engine.bits[f.name]) for f in FACETS}
        self.slugs = [e.slug for e in engine.entries]
        self.browse = {
            name: sorted({slugify(v) or "value" for v in values})
            for name, values in self.values.items()
        }
        self.words = sorted(engine.vocabulary)[:2000]
        self.real = search_urls(engine, 400, seed=seed) + list(ODD_QUERIES)

    def value(self, rng: random.Random, facet: str) -> str:
        values = self.values.get(facet) or ["none"]
        return rng.choice(values)


# ---- Query strings ------------------------------------------------------------------------


def _bogus_value(rng: random.Random, m: Material, facet: str) -> str:
    real = m.value(rng, facet)
    return rng.choice(
        [
            real.upper(),
            real.lower(),
            real.title(),
            real + " ",
            " " + real,
            real + "\x00",
            real.replace("a", "\u0430"),  # a Cyrillic lookalike
            real.replace("e", "e\u0301"),  # decomposed accents
            slugify(real),
            real + "," + m.value(rng, facet),
            real + "|" + m.value(rng, facet),
            real * 50,
            real[: max(1, len(real) // 2)],
            "",
            "none",
            "null",
            _unicode(rng),
        ]
    )


def q_unicode(rng: random.Random, m: Material) -> list[str]:
    return [_pair(rng, "q", _unicode(rng))]


def q_invalid_bytes(rng: random.Random, m: Material) -> list[str]:
    parts = [rng.choice(INVALID_UTF8 + ["care", "+", "%20"]) for _ in range(rng.randint(1, 6))]
    key = rng.choice(["q", "q", "q", rng.choice([f.name for f in FACETS]), "sort", "page"])
    return [f"{key}={''.join(parts)}"]


def q_percent(rng: random.Random, m: Material) -> list[str]:
    value = "".join(rng.choice(PERCENT_EDGES + ["care", "data"]) for _ in range(rng.randint(1, 5)))
    key = rng.choice(["q", "q", "delivery", "cost_max", "sort", "page", "%", "%zz", "+", ""])
    return [f"{key}={value}"]  # sent as written: the escapes are the point


def q_syntax(rng: random.Random, m: Material) -> list[str]:
    words = [rng.choice(WHOOSH_SYNTAX) for _ in range(rng.choice([1, 1, 2, 3]))]
    if rng.random() < 0.3:
        words.append(rng.choice(m.words or ["care"]))
    return [_pair(rng, "q", " ".join(words))]


def q_facets(rng: random.Random, m: Material) -> list[str]:
    out = []
    for facet in rng.sample([f.name for f in FACETS], rng.randint(1, len(FACETS))):
        for _ in range(rng.choice([1, 1, 2, 3])):
            if rng.random() < 0.5:
                out.append(_pair(rng, facet, m.value(rng, facet)))
            else:
                out.append(_pair(rng, facet, _bogus_value(rng, m, facet)))
    return out


def q_ranges(rng: random.Random, m: Material) -> list[str]:
    out = []
    for name in rng.sample(list(RANGES), rng.randint(1, len(RANGES))):
        for _ in range(rng.choice([1, 1, 1, 2])):
            out.append(_pair(rng, name, rng.choice(RANGE_VALUES)))
    return out


def q_sort_page(rng: random.Random, m: Material) -> list[str]:
    out = []
    if rng.random() < 0.7:
        out.append(_pair(rng, "sort", rng.choice(SORT_VALUES)))
    if rng.random() < 0.7 or not out:
        out.append(_pair(rng, "page", rng.choice(PAGE_VALUES)))
    if rng.random() < 0.2:  # repeated
        out.append(_pair(rng, rng.choice(["sort", "page"]), rng.choice(SORT_VALUES + PAGE_VALUES)))
    return out


def q_unknown(rng: random.Random, m: Material) -> list[str]:
    out = []
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.4:
            out.append(_pair(rng, rng.choice(UNKNOWN_KEYS), _unicode(rng, 3)))
        elif roll < 0.6:
            out.append(_pair(rng, _unicode(rng, 2), rng.choice(["x", "", "online"])))
        elif roll < 0.8:
            out.append(rng.choice(EMPTY_PIECES))
        else:  # a known key, repeated
            key = rng.choice(["q", "sort", "page", "cost_max", "delivery"])
            out += [_pair(rng, key, rng.choice(["care", "", "1", "online"]))] * rng.randint(2, 5)
    return out


def q_long(rng: random.Random, m: Material) -> list[str]:
    """Huge values (up to 100 KB in one parameter) and thousands of parameters."""
    size = rng.choice([1, 10, 50, 100]) * KB
    kind = rng.randrange(9)
    if kind == 0:
        return ["q=" + "x" * size]
    if kind == 1:
        words = m.words or ["care"]
        text = ""
        while len(text) < size:
            text += rng.choice(words) + "+"
        return ["q=" + text[:size]]
    if kind == 2:
        return ["q=" + "%ED%A0%80%FF" * (size // 12)]
    if kind == 3:
        return ["q=" + _encode(rng, _unicode(rng, size // 16))[:size]]
    if kind == 4:
        value = rng.choice(["online", "hybrid", "", "bogus", "%FF"])
        return ["delivery=" + value] * 2000
    if kind == 5:
        return [
            f"{rng.choice([f.name for f in FACETS])}={quote_plus(m.value(rng, 'delivery'))}"
            for _ in range(2000)
        ]
    if kind == 6:
        return [f"k{i}={i}" for i in range(2000)]
    if kind == 7:
        facet = rng.choice([f.name for f in FACETS] + ["sort", "page", *RANGES])
        return [f"{facet}=" + rng.choice(["9", "x", "%C3%A9", "+"]) * (size // 3)]
    return ["q=" + "care" for _ in range(2000)]


def q_real(rng: random.Random, m: Material) -> list[str]:
    """A real demo URL, sometimes mutated."""
    url = rng.choice(m.real)
    roll = rng.random()
    if roll < 0.25:
        return [url] if url else []
    if roll < 0.35 and url:  # cut anywhere, even inside an escape
        return [url[: rng.randrange(len(url))]]
    if roll < 0.45:  # odd separators
        return [url.replace("&", rng.choice([";", "&&", "&amp;", "%26", "&\x00"]))]
    if roll < 0.55:  # escape the whole thing once more
        return ["q=" + quote(url, safe="")]
    if roll < 0.65:  # pieces swapped for odd ones
        pieces = url.split("&")
        i = rng.randrange(len(pieces))
        pieces[i] = rng.choice(PERCENT_EDGES + EMPTY_PIECES + INVALID_UTF8)
        return pieces
    if roll < 0.75:
        return [url.upper()]
    if roll < 0.85:
        return [url, url]  # every parameter twice
    extra = rng.choice([q_ranges, q_sort_page, q_unknown, q_facets, q_invalid_bytes])
    pieces = [url, *extra(rng, m)]
    rng.shuffle(pieces)
    return pieces


def q_mixed(rng: random.Random, m: Material) -> list[str]:
    out = []
    for gen in rng.sample(SMALL, rng.randint(2, 5)):
        out += gen(rng, m)
    rng.shuffle(out)
    return out


SMALL: list[Callable[[random.Random, Material], list[str]]] = [
    q_unicode,
    q_invalid_bytes,
    q_percent,
    q_syntax,
    q_facets,
    q_ranges,
    q_sort_page,
    q_unknown,
    q_real,
]
QUERIES = [(gen, 10) for gen in SMALL] + [(q_mixed, 10), (q_long, 2)]


def _query(rng: random.Random, m: Material) -> str:
    gens, weights = zip(*QUERIES, strict=True)
    gen = rng.choices(gens, weights)[0]
    sep = "&" if rng.random() < 0.95 else rng.choice([";", "&&", "&;&"])
    return sep.join(gen(rng, m))


# ---- Other pages --------------------------------------------------------------------------


def _segment(rng: random.Random, real: list[str]) -> str:
    """A path segment: real, mutated or odd, escaped as a path."""
    base = rng.choice(real) if real else "x"
    if rng.random() < 0.3:
        return quote(base, safe="")
    value = rng.choice(
        [
            base,
            base.upper(),
            base + "-",
            base + "\x00",
            base + "%",
            base * 40,
            "x" * rng.choice([300, 5000, 100 * KB]),
            "..",
            ".",
            "%2F",
            "%2e%2e",
            _unicode(rng),
            _unicode(rng),
        ]
    )
    roll = rng.random()
    if roll < 0.6:
        return quote(value, safe="", errors="surrogatepass")
    if roll < 0.8:
        return "".join(rng.choice(INVALID_UTF8 + PERCENT_EDGES[:6] + [base]) for _ in range(3))
    return "".join(
        quote(ch, safe="", errors="surrogatepass") if ch in "/?#%" or ch < " " else _raw(ch)
        for ch in value
    )


def _other(rng: random.Random, m: Material) -> str:
    roll = rng.random()
    if roll < 0.3:
        facet = rng.choice([f.name for f in FACETS] * 3 + ["bogus", "DELIVERY", _unicode(rng)])
        if facet not in m.browse:
            facet = quote(facet, safe="", errors="surrogatepass")
        slugs = m.browse.get(facet, ["online"])
        return f"/browse/{facet}/{_segment(rng, slugs)}/"
    if roll < 0.5:
        return f"/credentials/{_segment(rng, m.slugs)}/"
    if roll < 0.7:
        chosen = []
        for _ in range(rng.choice([0, 1, 2, 4, 5, 8, 60, 2000])):
            slug = rng.choice(m.slugs) if rng.random() < 0.6 else _unicode(rng, 2)
            chosen.append(_pair(rng, "c", slug))
        if rng.random() < 0.3:
            chosen += q_unknown(rng, m)
        return "/compare/?" + "&".join(chosen)
    lang = "fr" if roll < 0.82 else "en" if roll < 0.94 else rng.choice(["de", "FR", "xx"])
    return f"/{lang}/search/?{_query(rng, m)}"


# ---- The whole set ------------------------------------------------------------------------


def _fixed(m: Material) -> list[str]:
    """URLs every run sends first, whatever its size: one of each edge case."""
    rng = random.Random(0)
    queries = list(ODD_QUERIES)
    queries += [
        quote_plus(k, safe="") + "=" + quote_plus(v, safe="") for k in RANGES for v in RANGE_VALUES
    ]
    queries += ["page=" + quote_plus(v, safe="") for v in PAGE_VALUES]
    queries += ["sort=" + quote_plus(v, safe="") for v in SORT_VALUES]
    queries += ["q=" + quote_plus(s, safe="") for s in WHOOSH_SYNTAX]
    queries += ["q=" + quote(s, safe="", errors="surrogatepass") for s in ODD_CHARS]
    queries += ["q=" + p for p in PERCENT_EDGES + INVALID_UTF8]
    queries += EMPTY_PIECES
    queries += [_pair(rng, k, "x") for k in UNKNOWN_KEYS]
    for facet in FACETS:
        real = m.values[facet.name][:1] or ["x"]
        queries += [_pair(rng, facet.name, real[0]), _pair(rng, facet.name, real[0].upper())]
        queries += [_pair(rng, facet.name, "bogus"), f"{facet.name}=&{facet.name}=%FF"]
    queries += [
        "q=" + "x" * (100 * KB),
        "q=" + "%ED%A0%80" * (100 * KB // 9),
        "&".join(["delivery="] * 2000),
        "&".join(["delivery=online"] * 2000),
        "&".join(f"k{i}=" for i in range(2000)),
        "cost_max=" + "9" * (100 * KB),
        "page=" + "9" * (100 * KB),
        "sort=" + "x" * (100 * KB),
        "skills=" + "x" * (100 * KB),
    ]
    urls = []
    for i, query in enumerate(queries):
        urls.append(("/search/?" if i % 2 == 0 else "/api/search.json?") + query)
        urls.append(("/api/search.json?" if i % 2 == 0 else "/search/?") + query)
    urls += ["/fr/search/?" + queries[0], "/en/search/?" + queries[0], "/xx/search/?q=x"]
    urls += ["/compare/?" + "&".join("c=" + s for s in m.slugs[:6]), "/compare/?c=%FF&c=&c=.."]
    urls += ["/credentials/%ED%A0%80/", "/credentials/%C0%AF/", "/credentials/%00/"]
    urls += ["/browse/delivery/%FF%FE/", "/browse/%00/online/", "/browse/delivery/online/"]
    return urls


def fuzz_urls(n: int, seed: int = 1, engine: SearchEngine | None = None) -> list[str]:
    """`n` URLs to send to the app: a fixed set of edge cases, then random ones.

    Real values (facet values, slugs, words, bench/queries.py's URLs) come from `engine`:
    by default the demo catalogue's, indexed in a temporary folder.
    """
    if engine is None:
        from catalogue.content import load

        with tempfile.TemporaryDirectory() as folder:
            engine = SearchEngine(load(DEMO).published(False), Path(folder))
            try:
                return fuzz_urls(n, seed, engine)
            finally:
                engine.close()
    m = Material(engine, seed)
    urls = _fixed(m)[:n]
    rng = random.Random(seed)
    while len(urls) < n:
        roll = rng.random()
        if roll < 0.45:
            urls.append("/search/?" + _query(rng, m))
        elif roll < 0.9:
            urls.append("/api/search.json?" + _query(rng, m))
        else:
            urls.append(_other(rng, m))
    return urls


# ---- Sending them -------------------------------------------------------------------------


def route(url: str) -> str:
    """The page a URL is for, to group figures: search, api, browse, fr-search..."""
    path = url.split("?", 1)[0]
    if path == "/search/":
        return "search"
    if path == "/api/search.json":
        return "api"
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[1] == "search":
        return f"{parts[0][:2]}-search"
    return parts[0] or "home"


def show(url: str, limit: int = 200) -> str:
    """A URL for printing: whole if short, else its start, its end and its length."""
    text = repr(url)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 60]} ... {text[-40:]} ({len(url):,} chars)"


@dataclass
class Answer:
    url: str
    status: int
    seconds: float  # the app's own time, from the WSGI call to the last byte
    response: TestResponse
    error: str | None  # the traceback of an exception the app turned into a 500


class TimedClient(FlaskClient):
    """Flask's test client, timing the app alone: the client's own work around it (on a
    100 KB URL of bad escapes, Werkzeug's cookie bookkeeping rebuilds the URL twice, for
    longer than the app takes) is left out. Cookies are off; the pages set none."""

    seconds = 0.0

    def run_wsgi_app(self, environ, buffered=False):
        start = time.perf_counter()
        answer = run_wsgi_app(self.application, environ, buffered=True)
        self.seconds = time.perf_counter() - start
        return answer


class Sender:
    """Sends URLs to an app in-process, as a public server would run it (`testing` off,
    so an exception gives the app's own 500 page), keeping each exception's traceback."""

    WARM_UP = ("/search/?q=care", "/api/search.json?q=care", "/compare/", "/fr/search/?q=x")

    def __init__(self, app):
        app.testing = False
        self.app = app
        self.client = TimedClient(app, app.response_class, use_cookies=False)
        self.caught: list[str] = []
        got_request_exception.connect(self._on_exception, app)
        for url in self.WARM_UP:  # compile the templates first: that is not what is timed
            self.client.get(url)

    def _on_exception(self, sender, exception, **extra) -> None:
        self.caught.append("".join(traceback.format_exception(exception)))

    def __call__(self, url: str) -> Answer:
        self.caught.clear()
        response = self.client.get(url)
        error = self.caught[0] if self.caught else None
        return Answer(url, response.status_code, self.client.seconds, response, error)

    def close(self) -> None:
        got_request_exception.disconnect(self._on_exception, self.app)


def send_all(app, urls: list[str], progress: bool = False) -> list[Answer]:
    """Send every URL once; the answers keep no body."""
    send = Sender(app)
    out = []
    try:
        for i, url in enumerate(urls):
            answer = send(url)
            answer.response.close()
            answer.response = None  # type: ignore[assignment]
            out.append(answer)
            if progress and (i + 1) % 2000 == 0:
                print(f"  {i + 1:,} sent", file=sys.stderr, flush=True)
    finally:
        send.close()
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=20000, help="how many URLs")
    parser.add_argument("--content", type=Path, default=DEMO, help="content folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from catalogue.web import create_app

    with tempfile.TemporaryDirectory() as index_dir:
        app = create_app(args.content, index_dir=index_dir)
        app.logger.disabled = True  # 500s are listed below with their tracebacks, once each
        engine = app.extensions["catalogue"].engine
        start = time.perf_counter()
        urls = fuzz_urls(args.n, args.seed, engine)
        made = time.perf_counter() - start
        start = time.perf_counter()
        results = send_all(app, urls, progress=True)
        took = time.perf_counter() - start
        engine.close()

    times = [a.seconds * 1000 for a in results]
    print(
        f"{len(results):,} URLs (seed {args.seed}, {args.content}): generated in {made:.1f} s, "
        f"sent in {took:.1f} s"
    )
    by_route = Counter(route(a.url) for a in results)
    print("by page:", ", ".join(f"{k} {v:,}" for k, v in sorted(by_route.items())))
    statuses = Counter(a.status for a in results)
    print("status codes:", ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items())))
    per_route = Counter((route(a.url), a.status) for a in results)
    print("  by page:", ", ".join(f"{p} {s}: {v:,}" for (p, s), v in sorted(per_route.items())))
    print(
        f"time per request: p50 {percentile(times, 50):.1f} ms, "
        f"p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms"
    )
    print("slowest:")
    for a in sorted(results, key=lambda a: -a.seconds)[:5]:
        print(f"  {a.seconds * 1000:7.1f} ms  {a.status}  {show(a.url)}")

    failures = [(i, a) for i, a in enumerate(results) if a.status >= 500 or a.seconds >= SLOW]
    if not failures:
        print("no 5xx, nothing at 1 s or more")
        return 0
    print(f"{len(failures)} FAILED (fuzz_urls({args.n}, {args.seed})[i] gives each URL):")
    shown: set[str] = set()
    for i, a in failures:
        why = "server error" if a.status >= 500 else "too slow"
        print(f"  [{i}] {a.status} {a.seconds * 1000:.1f} ms ({why}): {show(a.url, 2000)}")
        if a.error and a.error.splitlines()[-1] not in shown:  # each distinct error once
            shown.add(a.error.splitlines()[-1])
            print("    " + a.error.rstrip().replace("\n", "\n    "))
    return 1


if __name__ == "__main__":
    sys.exit(main())
