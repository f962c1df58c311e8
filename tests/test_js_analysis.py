"""The browser's port of the search analysis (static/js/analysis.js) gives Whoosh's tokens.

Each test sends a batch of texts through Node once (tests/js/analyse_words.mjs) and compares
every result with Python's.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterable

import pytest
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from catalogue.search import ANALYZER

from .conftest import ROOT

SCRIPT = ROOT / "tests" / "js" / "analyse_words.mjs"
GENERATOR = ROOT / "scripts" / "gen_unicode_tables.py"
ACCENT_MAP_JS = ROOT / "static" / "js" / "unicode-tables.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")


def run_js(function: str, texts: list[str], *flags: str) -> list:
    proc = subprocess.run(
        ["node", str(SCRIPT), function, *flags],
        input="".join(json.dumps(t) + "\n" for t in texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.split("\n") if line]


def analyse(text: str) -> list[str]:
    return [t.text for t in ANALYZER(text)]


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


def compare(function: str, python: Callable, texts: Iterable[str], *flags: str) -> int:
    texts = list(dict.fromkeys(texts))
    got = run_js(function, texts, *flags)
    assert len(got) == len(texts)
    mismatches = [
        (text, want, js)
        for text, js in zip(texts, got, strict=True)
        if (want := python(text)) != js
    ]
    assert not mismatches, f"{len(mismatches)} of {len(texts)} differ, e.g. {mismatches[:5]!r}"
    return len(texts)


TRICKY = [
    # accents and case
    "Sécurité des réseaux, élève, garçon, naïveté, cœur, Ærø, façade, déjà-vu",
    "SÉCURITÉ securite Sécurité",
    "İstanbul ISTANBUL istanbul İ",
    "ΣΟΦΟΣ σοφος ΟΔΟΣ Σ ΑΣ ΑΣΑ Σ.Α Α.Σ ΑΣ.Β ΑΣ_ Σ1 ΑΣʰ ΑʰΣ ΑΣ*",
    "straße STRASSE Straße ẞ",
    "ﬁ ﬁne ﬂow ﬀ ﬃ ﬄ œuvre Ĳssel ǅemal ǈ ǋ",
    "Ǆ ǆ ǅ Ω K Å ℌ ℍ Ⅻ ⅻ Ⓐ ⓐ",
    "e\u0301cole e\u0301 n\u0303 a\u0308b",  # decomposed accents: marks are not \w
    "ＡＢＣ ａｂｃ １２３ Ｗｉｄｅ",
    # digits, dots, hyphens, underscores, stars
    "3.14 3,14 1.2.3 1..2 .5 5. v2.0.1 www.example.com a.b.c. ...a",
    "e-mail e—mail co-operate x_y _ __ _a a_ snake_case_words",
    "*wild* w*ld ** *.* a*.b",
    "٣٤٥ ७८ ½ ² ⅓ 〇 一二三 ①②",
    # apostrophes and quotes
    "don't can't l'école O’Brien rock'n'roll 'quoted' \"double\"",
    # other scripts and symbols
    "日本語のテキスト 中文分词 한국어 텍스트 ภาษาไทย العربية עברית हिन्दी",
    "emoji 😀 🎓 👩‍💻 🇨🇦 ❤️ text",
    "𝐀𝐁𝐂 𝒶𝒷𝒸 𝔸 𐐀𐐁 𐐨",
    "tab\there\nnewline\r\nwindows\u2028sep\u00a0nbsp\u200bzwsp\ufeffbom",
    "",
    " ",
    "a I A an AN The tbd TBD us US",
    # Porter, step by step
    "caresses ponies ties caress cats sses ies ss",
    "feed agreed plastered bled motoring sing eed",
    "conflated troubled sized hopping tanned falling hissing fizzed failing filing",
    "happy sky yes y yy yyy youth yelling syzygy",
    "relational conditional rational valenci hesitanci digitizer conformabli",
    "radicalli differentli vileli analogousli vietnamization predication operator",
    "feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti",
    "triplicate formative formalize electriciti electrical hopeful goodness",
    "revival allowance inference airliner gyroscopic adjustable defensible irritant",
    "replacement adjustment dependent adoption homologou communism activate angulariti",
    "homologous effective bowdlerize probate rate cease controll roll",
    "generalizations oscillators agreement generously skies dying lying tying",
    "ational tional izer bli alli ization iveness ement ion sion tion",
    "at bl iz atted bled izing bb zz hopping fizzing",
    "Y yes Yes YES yelled",
]


def demo_texts() -> tuple[list[str], list[str]]:
    from catalogue.content import load

    catalogue = load(ROOT / "content")
    texts = []
    for entry in catalogue.entries:
        texts += [entry.title, entry.summary, entry.body_text]
        texts += [skill.name for skill in entry.skills]
    words = sorted({w for text in texts for w in text.split()})
    return texts, words


LETTERS = (
    "abcdefghijklmnopqrstuvwxyzaeiouyaeiouy"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœßðþ"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŸŒİıĳǅ"
    "αβγδεσςΣΩΆάЖжЁё"
    "0123456789_.*'-ﬁ\u0301"
)
SUFFIXES = [
    "", "", "", "s", "es", "ies", "sses", "ed", "ing", "eed", "y", "ational", "tional",
    "enci", "anci", "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation",
    "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi",
    "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er",
    "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou", "ism", "ate", "iti", "ous",
    "ive", "ize", "sion", "tion", "e", "ll", "ly", "ated", "izing",
]  # fmt: skip


def random_words(n: int, seed: int = 20240501) -> list[str]:
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < n:
        stem_ = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 8)))
        word = stem_ + rng.choice(SUFFIXES)
        if rng.random() < 0.2:
            word = word.upper()
        words[word] = None
    return list(words)


def test_demo_catalogue_words_and_texts():
    texts, words = demo_texts()
    assert len(words) > 1000
    compare("analyse", analyse, words + texts)


def test_tricky_inputs():
    texts = TRICKY + [w for t in TRICKY for w in t.split()]
    compare("analyse", analyse, texts)
    compare("fold", fold, texts)


def test_random_words():
    words = random_words(2000)
    assert len(words) == 2000
    compare("analyse", analyse, words)
    compare("analyse", analyse, [" ".join(words[i : i + 7]) for i in range(0, 2000, 7)])


def test_stem_alone():
    words = [w.lower() for w in random_words(2000, seed=7)]
    extra = ["caresses\n", "bb\n", "at\n", "hopping\n", "y", "yy", "ab", "𝐚𝐚s", "𝐚s"]
    compare("stem", stem, words + extra + [w for t in TRICKY for w in t.lower().split()])


def every_code_point(chunk: int = 512) -> list[str]:
    cps = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    return ["".join(cps[i : i + chunk]) for i in range(0, len(cps), chunk)]


def test_every_code_point():
    # Tokens, lowercasing and folding for every character, whatever Node's Unicode version.
    chunks = every_code_point()
    compare("analyse", analyse, chunks)
    compare("fold", fold, chunks)
    # Each character alone, and between letters (so also after a sigma).
    singles = [chr(c) for c in range(0x3000) if not re.fullmatch(r"\s", chr(c))]
    compare("fold", fold, [f"Σ{c}Σ a{c}Σ Σ{c}a" for c in singles])
    compare("analyse", analyse, [f"Σ{c}Σ A{c}Σ Σ{c}Aa" for c in singles])


def test_ascii_text_is_analysed_without_the_unicode_tables():
    # What lets a browser skip unicode-tables.js for an ASCII query: Python's \w, lower()
    # and Whoosh's accent map are as simple as analysis.js takes them to be in ASCII ...
    ascii = [chr(c) for c in range(128)]
    assert [c for c in ascii if re.fullmatch(r"\w", c)] == sorted(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    )
    assert all(c.lower() == (chr(ord(c) + 32) if "A" <= c <= "Z" else c) for c in ascii)
    assert all(c.lower().translate(accent_map) == c.lower() for c in ascii)
    # ... and so the tokens are Whoosh's without them
    texts = ["".join(ascii), *random_words(500, seed=3), *(t for t in TRICKY if t.isascii())]
    texts = [t for t in texts if t.isascii()]
    texts += ["".join(random.Random(n).choices(ascii, k=60)) for n in range(300)]
    compare("analyse", analyse, texts, "--no-tables")
    compare("fold", fold, texts, "--no-tables")


def test_text_beyond_ascii_without_the_tables_fails_rather_than_guessing():
    proc = subprocess.run(
        ["node", str(SCRIPT), "analyse", "--no-tables"],
        input=json.dumps("Sécurité") + "\n",
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "before ready(text) loaded the tables" in proc.stderr


def test_stop_words():
    proc = subprocess.run(
        ["node", "--input-type=module", "-e",
         f"import {{ STOP_WORDS }} from {json.dumps((ROOT / 'static/js/analysis.js').as_uri())};"
         "console.log(JSON.stringify([...STOP_WORDS]));"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert set(json.loads(proc.stdout)) == set(STOP_WORDS)


def test_accent_map_js_in_sync():
    spec = importlib.util.spec_from_file_location("gen_unicode_tables", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.generate()
    assert ACCENT_MAP_JS.read_text(encoding="utf-8") == text, (
        "static/js/unicode-tables.js is stale: run .venv/bin/python scripts/gen_unicode_tables.py"
    )
    assert unicodedata.unidata_version in text
    pairs = json.loads(re.search(r"ACCENT_PAIRS = (\".*\");", text).group(1))
    assert {ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)} == accent_map
