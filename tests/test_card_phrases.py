"""Card files with their shared phrases in a phrase book (catalogue/exports/phrases.py):
the card the browser puts back, in Python and in static/js/phrases.js, is the card the
server renders, character for character; and the static compare page's columns, written
the same way."""

from __future__ import annotations

import gzip
import json
import random
import subprocess

import pytest

from catalogue.build import export_search
from catalogue.exports.phrases import CODES, PHRASES, SLUG, encoded, expanded, phrase_book
from catalogue.web import create_app

from .conftest import DEMO, ROOT

EXPAND = """
import { readFileSync } from "node:fs";
const { expanded } = await import(process.argv[1]);
const { book, files } = JSON.parse(readFileSync(0, "utf-8"));
const out = files.map((text) => {
  try { return expanded(text, book); } catch (error) { return `failed: ${error.message}`; }
});
process.stdout.write(JSON.stringify(out));
"""


def node_expanded(book: list[str], files: list[str]) -> list[str]:
    script = (ROOT / "static" / "js" / "phrases.js").as_uri()
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", EXPAND, script],
        input=json.dumps({"book": book, "files": files}),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def demo_cards(tmp_path_factory):
    """The demo's card files in each language: {lang: (book, {name: file text})}."""
    app = create_app(DEMO, index_dir=tmp_path_factory.mktemp("phrases-index"))
    files = export_search(app, "https://college.example/microcredentials/")
    out = {}
    facets = json.loads(next(v for k, v in files.items() if k.startswith("facets.")))
    for lang, folder in facets["cards"].items():
        book = json.loads(files[folder + PHRASES])
        cards = {
            name: data.decode()
            for name, data in files.items()
            if name.startswith(folder) and name.endswith(".html")
        }
        out[lang] = book, cards
    return app, out


def rendered_cards(app, lang: str) -> dict[str, str]:
    """Each entry's card as the build renders it, by slug."""
    from flask import g

    from catalogue.web.components import render_fragment

    with app.test_request_context("/", base_url="https://college.example/microcredentials/"):
        g.lang = lang
        return {
            e.slug: render_fragment("_card.html", e=e, ticks=False)
            for e in app.extensions["catalogue"].entries
            if not e.draft
        }


def test_each_card_file_gives_back_the_card_the_server_renders(demo_cards):
    app, langs = demo_cards
    assert set(langs) == {"en", "fr"}
    for lang, (book, files) in langs.items():
        assert book and len(book) <= len(CODES)
        rendered = {
            slug: " ".join(html.split()).replace("> <", "><")
            for slug, html in rendered_cards(app, lang).items()
        }
        back = [expanded(text, book) for text in files.values()]
        assert sorted(" ".join(card.split()).replace("> <", "><") for card in back) == sorted(
            rendered.values()
        )
        assert node_expanded(book, list(files.values())) == back
        # a results page of twenty cards costs half the bytes it did, book included
        raw = sum(len(gzip.compress(card.encode(), 6)) for card in back[:20])
        coded = sum(len(gzip.compress(text.encode(), 6)) for text in list(files.values())[:20])
        assert coded + len(gzip.compress(json.dumps(book).encode(), 6)) < raw * 0.7


def test_each_compare_column_file_gives_back_the_column_the_server_renders(demo_cards):
    """The static compare page's columns (catalogue/build/pages.py), coded with a phrase
    book of their own: phrases.js's `expanded`, which compare.js calls on each column it
    fetches, puts back the column the server renders."""
    from flask import g

    from catalogue.build.pages import export_compare
    from catalogue.web.components import render_fragment

    app, _ = demo_cards
    base = "https://college.example/microcredentials/"
    columns = export_compare(app, base)
    assert set(columns) == {"en", "fr"}
    for lang, (folder, files) in columns.items():
        book = json.loads(files.pop(f"{folder}/{PHRASES}"))
        assert book and len(book) <= len(CODES)
        coded = {
            name[len(folder) + 1 : -len(".html")]: data.decode() for name, data in files.items()
        }
        back = {slug: expanded(text, book) for slug, text in coded.items()}
        with app.test_request_context("/", base_url=base):
            g.lang = lang
            rendered = {
                e.slug: render_fragment("_compare_column.html", e=e).strip()
                for e in app.extensions["catalogue"].entries
            }
        assert back == rendered
        assert node_expanded(book, list(coded.values())) == list(back.values())
        # a column's file is under half the bytes of the column
        assert sum(map(len, files.values())) < 0.5 * sum(len(h.encode()) for h in back.values())


def test_any_text_comes_back_whole():
    rng = random.Random(5)
    pieces = ["<li>", "</li>", '<a href="x">', "Free", "é", "\U0001f600", SLUG, *CODES[:30]]
    cards = {}
    for n in range(300):
        slug = f"s{n}"
        body = "".join(rng.choice(pieces + [slug, " ", "text"]) for _ in range(rng.randint(0, 40)))
        cards[slug] = f'<li data-slug="{slug}">{body}</li>'
    book = phrase_book(cards)
    assert book
    files = {slug: encoded(html, slug, book) for slug, html in cards.items()}
    for slug, html in cards.items():
        assert expanded(files[slug], book) == html
        # a card holding a code character of its own is written as it is
        assert files[slug].startswith("<") == any(c in html for c in [SLUG, *CODES])
    assert node_expanded(book, list(files.values())) == list(cards.values())


def test_a_damaged_card_file_fails_rather_than_showing_something_else():
    book = ["<li>", "</li>"]
    assert node_expanded(book, ["slug-without-separator", f"x{SLUG}{CODES[5]}"]) == [
        "failed: a phrase-coded file is damaged",
        "failed: a phrase-coded file is damaged",
    ]
