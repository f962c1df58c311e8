"""Adding a field is one row: a choice facet and a numeric range field, added through the
supported extension point (`extra_field`, as a plugin's `add_field`), show up everywhere a
field belongs with no other edit: checking with file and line, the JSON Schema, the field
reference, `catalogue new`, the JSON API, the CSV, the entry page, the compare table, and
facets, ranges and sorts on the server and, with the same results, in the browser."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from catalogue.content import load
from catalogue.exports.packing import unpacked
from catalogue.fields import FacetSpec, Field, Range, Sort, documents, extra_field
from catalogue.fields.kinds import CHOICE, NUMBER
from catalogue.web import create_app

from .conftest import DEMO
from .test_search_parity import compare, export_to

FORMAT = Field(
    "format",
    CHOICE,
    False,
    "How the learning is paced.",
    "cohort",
    label="Format",
    choices=("cohort", "self-paced"),
    labels={"cohort": "Cohort", "self-paced": "Self-paced"},
    facet=FacetSpec("Format", place=12),
)
CREDITS = Field(
    "credits",
    NUMBER,
    False,
    "Academic credits it carries.",
    3,
    label="Credits",
    minimum=0,
    ranges=(
        Range("credits_min", True, "At least (credits)", "%(credits)s+ credits", "credits", 5),
    ),
    sorts=(Sort("credits", "Credits (fewest first)", 6),),
)
FORMATS = ["cohort", "self-paced", None]
CREDIT_VALUES = [3, 1.5, None, 6, 3]


@pytest.fixture(scope="module")
def extended():
    with extra_field(FORMAT, CREDITS):
        yield


@pytest.fixture(scope="module")
def content(extended, tmp_path_factory):
    """The demo catalogue with the two fields written into most entries."""
    root = tmp_path_factory.mktemp("extended") / "content"
    shutil.copytree(DEMO, root)
    for n, path in enumerate(sorted((root / "credentials").glob("*.md"))):
        extra = ""
        if FORMATS[n % 3]:
            extra += f"format: {FORMATS[n % 3]}\n"
        if CREDIT_VALUES[n % 5] is not None:
            extra += f"credits: {CREDIT_VALUES[n % 5]}\n"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("---\n", "---\n" + extra, 1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def app(content, tmp_path_factory):
    return create_app(content, index_dir=tmp_path_factory.mktemp("extended-index"))


@pytest.fixture(scope="module")
def entries(app):
    return app.extensions["catalogue"].entries


def test_values_are_read_and_checked_with_their_line(content, tmp_path):
    catalogue = load(content)
    assert catalogue.errors == []
    assert {e.format for e in catalogue.entries} == {"cohort", "self-paced", None}
    assert {e.credits for e in catalogue.entries} == {3.0, 1.5, None, 6.0}
    bad = tmp_path / "bad"
    shutil.copytree(content, bad)
    entry = sorted((bad / "credentials").glob("*.md"))[2]  # has neither field
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("---\n", "---\nformat: weekly\ncredits: -1\n", 1), "utf-8")
    assert [str(e) for e in load(bad).errors] == [
        f"{entry}:2: format: expected one of cohort, self-paced; got 'weekly'",
        f"{entry}:3: credits: must be at least 0; got -1",
    ]


def test_schema_reference_and_new_entry(extended):
    schema = documents.json_schema()["properties"]
    assert schema["format"]["enum"] == ["cohort", "self-paced"]
    assert schema["credits"]["type"] == "number" and schema["credits"]["minimum"] == 0
    reference = documents.fields_markdown()
    assert "| `format` | no | one of `cohort`, `self-paced` | How the learning is paced. |" in (
        reference
    )
    assert "## `credits`" in reference
    new = documents.new_entry_text("Data Literacy")
    assert "# How the learning is paced.\n# format: cohort\n" in new
    assert "# credits: 3\n" in new


def test_json_api_and_csv(app, entries):
    client = app.test_client()
    first = entries[0]
    data = client.get(f"/api/credentials/{first.slug}.json").get_json()
    assert (data["format"], data["credits"]) == (first.format, first.credits)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/credentials.csv").get_data().decode("utf-8-sig")))
    )
    assert list(rows[0])[-3:] == ["format", "credits", "body"]  # the description last
    by_slug = {r["slug"]: r for r in rows}
    for e in entries:
        assert by_slug[e.slug]["format"] == (e.format or "")
        assert by_slug[e.slug]["credits"] == ("" if e.credits is None else f"{e.credits:g}")


def test_entry_page_and_compare_table(app, entries):
    client = app.test_client()
    with_both = next(e for e in entries if e.format == "cohort" and e.credits == 3)
    page = client.get(f"/credentials/{with_both.slug}/").get_data(as_text=True)
    assert '<dt>Format</dt><dd><a href="/browse/format/cohort/">Cohort</a></dd>' in page
    assert "<dt>Credits</dt><dd>3</dd>" in page
    without = next(e for e in entries if e.format is None and e.credits is None)
    page = client.get(f"/credentials/{without.slug}/").get_data(as_text=True)
    assert "<dt>Format</dt>" not in page and "<dt>Credits</dt>" not in page
    page = client.get(f"/compare/?c={with_both.slug}&c={without.slug}").get_data(as_text=True)
    assert '<th scope="row">Format</th>' in page and '<th scope="row">Credits</th>' in page
    assert '<td><a href="/browse/format/cohort/">Cohort</a></td>' in page
    assert "<td>3</td>" in page
    browse = client.get("/browse/format/self-paced/")
    assert browse.status_code == 200
    expected = sum(e.format == "self-paced" for e in entries)
    assert f'data-total="{expected}"' in browse.get_data(as_text=True)


def test_disjunctive_counts_on_the_server(app, entries):
    client = app.test_client()
    answer = client.get("/api/search.json?format=cohort&delivery=online").get_json()
    online = [e for e in entries if e.delivery == "online"]
    assert answer["total"] == sum(e.format == "cohort" for e in online)
    # the count beside each format is what selecting it instead would give
    assert answer["facets"]["format"] == [
        {"value": "cohort", "label": "Cohort", "count": answer["total"], "selected": True},
        {
            "value": "self-paced",
            "label": "Self-paced",
            "count": sum(e.format == "self-paced" for e in online),
            "selected": False,
        },
    ]
    cohort = [e for e in entries if e.format == "cohort"]
    delivery = {v["value"]: v["count"] for v in answer["facets"]["delivery"]}
    assert delivery == {
        mode: sum(e.delivery == mode for e in cohort) for mode in {e.delivery for e in cohort}
    }


def test_range_and_sort_on_the_server(app, entries):
    client = app.test_client()
    answer = client.get("/api/search.json?credits_min=3&sort=credits&page=1").get_json()
    matching = [e for e in entries if e.credits is not None and e.credits >= 3]
    assert answer["total"] == len(matching)
    credits = [r["credits"] for r in answer["results"]]
    assert credits == sorted(credits) and min(credits) == 3
    everything = client.get("/api/search.json?sort=credits&page=4").get_json()
    assert everything["results"][-1]["credits"] is None  # no value: last
    page = client.get("/search/?credits_min=1.5&sort=credits").get_data(as_text=True)
    assert '<label>At least (credits)<input name="credits_min"' in page
    assert '<option value="credits" selected>Credits (fewest first)</option>' in page
    assert '<span class="chip-kind">Range</span> 1.5+ credits' in page
    assert '<h3 id="facet-format">Format</h3>' in page


def test_the_browser_engine_gives_the_same_answers(app, tmp_path):
    engine = app.extensions["catalogue"].engine
    facets, text = export_to(app, tmp_path)
    data = json.loads(facets.read_text())
    assert ["credits_min", "credits", True] in data["ranges"]
    assert data["sortFields"]["credits"] == ["credits", False]
    credits = json.loads((facets.parent / data["numbers"]["credits"]).read_text())
    assert 0 in unpacked(credits["codes"])  # an entry without credits: no number
    queries = [
        "format=cohort",
        "format=cohort&format=self-paced&delivery=online",
        "format=self-paced&q=safety",
        "credits_min=3",
        "credits_min=1.5&format=cohort&sort=credits",
        "sort=credits",
        "sort=credits&page=3",
        "q=care&sort=credits&credits_min=0",
        "credits_min=100",
        "credits_min=abc&format=nope",
    ]
    assert compare(engine, facets, text, queries) == len(queries)
