"""The browser's search engine (static/js/search-engine.js, under Node.js) against the
server's, on the same exported index: same totals, same order on every page, same facet
counts, same canonical URL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import MultiDict

from catalogue.build import compact_script
from catalogue.exports.packing import ALPHABET, facet_column, ids_per_character, packed, unpacked
from catalogue.web import create_app

from .conftest import DEMO, ROOT
from .static_site import write_search_files

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from queries import ODD_QUERIES, search_urls  # noqa: E402

RUNNER = Path(__file__).parent / "js" / "search_queries.mjs"


def export_to(app, folder: Path) -> tuple[Path, Path]:
    """Write the search files but the cards into `folder`; return the facet part and the
    text part."""
    facets = write_search_files(app, folder)
    return facets, folder / json.loads(facets.read_text())["text"]


def run_node(facets: Path, text: Path, queries: list[str], scripts: Path | None = None):
    """The browser engine's answers, reading the files beside `facets` (`text` among
    them) as the browser does."""
    assert text.parent == facets.parent
    proc = subprocess.run(
        ["node", str(RUNNER), str(facets)],
        input="\n".join(json.dumps(q) for q in queries) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **({"SEARCH_JS": str(scripts)} if scripts else {})},
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def server_answer(engine, query: str) -> dict:
    # What Flask's request.args holds for this query string.
    args = MultiDict(parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"))
    request = engine.parse(args)
    results = engine.search(request)
    # the browser numbers entries in title order
    position = {engine.entries[i].slug: n for n, i in enumerate(engine.sort_orders["title"])}
    from urllib.parse import urlencode

    return {
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "results": [position[e.slug] for e in results.entries],
        "facets": results.facets,
        "suggestion": results.suggestion,
        "args": urlencode(request.args()),
    }


def compare(engine, facets: Path, text: Path, queries: list[str], scripts=None) -> int:
    browser = run_node(facets, text, queries, scripts)
    assert len(browser) == len(queries)
    checked = 0
    for query, got in zip(queries, browser, strict=True):
        want = server_answer(engine, query)
        assert got == want, f"engines differ on ?{query}"
        checked += 1
    return checked


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory):
    app = create_app(DEMO, index_dir=tmp_path_factory.mktemp("parity-demo-index"))
    facets, text = export_to(app, tmp_path_factory.mktemp("parity-demo"))
    return app.extensions["catalogue"].engine, facets, text


@pytest.fixture(scope="module")
def large_export(tmp_path_factory):
    content = tmp_path_factory.mktemp("parity-10k") / "content"
    generate(10_000, content)
    app = create_app(content, index_dir=tmp_path_factory.mktemp("parity-10k-index"))
    facets, text = export_to(app, tmp_path_factory.mktemp("parity-10k-export"))
    return app.extensions["catalogue"].engine, facets, text


def test_demo_catalogue_parity(demo_export):
    engine, facets, text = demo_export
    queries = search_urls(engine, 400, seed=1)
    assert compare(engine, facets, text, queries) == 400
    # the comparison is not vacuous: most queries find something, some pages go deep
    answers = [server_answer(engine, q) for q in queries]
    assert sum(a["total"] > 0 for a in answers) > 200
    assert sum(a["page"] > 1 for a in answers) > 20
    assert sum(a["suggestion"] is not None for a in answers) > 5


def test_large_catalogue_parity(large_export):
    # 300 URLs in CI; PARITY_QUERIES=3000 for the full run (see README, "Tests")
    count = int(os.environ.get("PARITY_QUERIES", "300"))
    engine, facets, text = large_export
    assert engine.size == 10_000
    assert compare(engine, facets, text, search_urls(engine, count, seed=2)) == count


def test_odd_urls_parity(demo_export):
    engine, facets, text = demo_export
    assert compare(engine, facets, text, ODD_QUERIES) == len(ODD_QUERIES)


def test_every_word_scores_alike(demo_export):
    """Every word of the demo vocabulary alone, relevance order over every result."""
    engine, facets, text = demo_export
    queries = [f"q={w}&sort=relevance" for w in sorted(engine.vocabulary)]
    assert len(queries) > 500
    browser = run_node(facets, text, queries)
    for query, got in zip(queries, browser, strict=True):
        want = server_answer(engine, query)
        assert (got["total"], got["results"]) == (want["total"], want["results"]), query


def test_a_difference_is_caught(demo_export, tmp_path):
    """A changed export (the stored title lengths tripled in every shard) changes an
    answer: the test can fail."""
    engine, facets, text = demo_export
    copy = tmp_path / "export"
    shutil.copytree(facets.parent, copy)
    title = [f["name"] for f in json.loads(text.read_text())["fields"]].index("title")
    shards = list(copy.glob("terms-*/*.json"))
    assert len(shards) > 1
    for shard in shards:
        data = json.loads(shard.read_text())
        for records in data["terms"].values():
            for record in records:
                if record[0] == title:
                    record[4] = packed(n * 3 for n in unpacked(record[4]))
        shard.write_text(json.dumps(data))
    queries = [f"q={w}" for w in ("care", "safety", "data", "plan", "health", "install")]
    browser = run_node(copy / facets.name, copy / text.name, queries)
    assert any(
        got["results"] != server_answer(engine, q)["results"]
        for q, got in zip(queries, browser, strict=True)
    )


def test_compacted_scripts_answer_alike(demo_export, tmp_path):
    """The build ships its scripts without comments: they must still answer the same."""
    engine, facets, text = demo_export
    for script in (ROOT / "static" / "js").glob("*.js"):
        compacted = compact_script(script.read_text(encoding="utf-8"))
        assert len(compacted) < script.stat().st_size
        (tmp_path / script.name).write_text(compacted, encoding="utf-8")
    queries = search_urls(engine, 100, seed=3)
    assert compare(engine, facets, text, queries, scripts=tmp_path) == 100


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 8])
def test_a_column_of_few_values_holds_several_ids_a_character(count):
    per = ids_per_character(count)
    assert per == {1: 6, 2: 6, 3: 3, 4: 3, 5: 2, 8: 2}[count]
    assert ids_per_character(9) == ids_per_character(64) == 1
    for size in (1, per, per + 1, 101):
        ids = [(7 * i + i // 3) % count for i in range(size)]
        column = facet_column([[i] for i in ids], count)
        assert column["per"] == per and len(column["ids"]) == -(-size // per)
        # read back as useColumn does: the lowest digit first
        base, read = max(count, 2), []
        for char in column["ids"]:
            n = ALPHABET.index(char)
            for _ in range(per):
                read.append(n % base)
                n //= base
        assert read[:size] == ids and not any(read[size:])
