"""The browser's scripts hold no copy of the server's constants: the range filters, the
sorts and what they sort by, the entries' numbers and the compare limit all come from what
the Python side exports (the facet part of the search files, and the page's #ui-text)."""

from __future__ import annotations

import json
import re

import pytest

from catalogue.build import export_search
from catalogue.exports.browser import _number, facet_file
from catalogue.exports.packing import unpacked
from catalogue.facets import RANGE_FILTERS
from catalogue.search import RANGES, SORT_FIELDS
from catalogue.web import MAX_COMPARE

from .conftest import ROOT

SCRIPTS = ROOT / "static" / "js"
COMPARE_SCRIPTS = ("enhance.js", "compare.js")


def scripts() -> dict[str, str]:
    found = {path.name: path.read_text(encoding="utf-8") for path in SCRIPTS.glob("*.js")}
    assert {"search-engine.js", "search-ui.js", *COMPARE_SCRIPTS} <= set(found)
    return found


def attributes() -> list[str]:
    named = [attr for attr, _ in RANGES.values()] + [attr for attr, _ in SORT_FIELDS.values()]
    return list(dict.fromkeys(named))


# What the scripts hold ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RANGES))
def test_no_script_names_a_range_filter(name):
    for script, text in scripts().items():
        assert not re.search(rf"\b{re.escape(name)}\b", text), f"{script} names {name}"


@pytest.mark.parametrize("key", sorted(SORT_FIELDS))
def test_no_script_has_a_table_of_sorts(key):
    """No sort key quoted or used as an object key: what each sort sorts by is exported."""
    for script, text in scripts().items():
        assert not re.search(rf"[\"'`]{re.escape(key)}[\"'`]", text), f"{script}: {key!r}"
        if key.isidentifier():
            assert not re.search(rf"(?<![\w$.]){key}\s*:", text), f"{script}: {key}:"


@pytest.mark.parametrize("attr", attributes())
def test_no_script_reads_a_number_column_by_name(attr):
    for script, text in scripts().items():
        assert not re.search(rf"\.{attr}\b", text), f"{script} reads .{attr}"
        assert not re.search(rf"(?<![\w$.]){attr}\s*:", text), f"{script}: {attr}:"


def test_no_script_holds_the_compare_limit():
    texts = scripts()
    for script in COMPARE_SCRIPTS:
        text = texts[script]
        assert not re.search(rf"(?<![\w.]){MAX_COMPARE}(?![\w.])", text), script
        assert not re.search(r"\bMAX_COMPARE\s*=", text), script
        assert not re.search(r"\bfour\b", text, re.IGNORECASE), script
    assert "T.maxCompare" in texts["enhance.js"]
    assert "dataset.max" in texts["compare.js"]


def test_the_scripts_read_the_exported_tables():
    texts = scripts()
    engine = texts["search-engine.js"]
    for key in ("data.ranges", "data.sortFields", "data.numbers"):
        assert key in engine
    assert "T.ranges[" in texts["search-ui.js"]
    assert "engine.data.ranges" in texts["search-ui.js"]


# What the Python side exports ---------------------------------------------------------


@pytest.fixture(scope="module")
def exported(demo_app):
    """The facet part, with each number column read from the file it names."""
    files = export_search(demo_app, None)
    data = json.loads(files[facet_file(files)])
    data["numbers"] = {
        attr: [
            None if code == 0 else coded["values"][code - 1]
            for code in unpacked(coded["codes"])
        ]
        for attr, name in data["numbers"].items()
        for coded in [json.loads(files[name])]
    }
    return data


@pytest.fixture(scope="module")
def engine(demo_app):
    return demo_app.extensions["catalogue"].engine


def test_the_facet_part_exports_the_ranges_and_sorts(exported):
    assert exported["ranges"] == [[name, attr, lower] for name, (attr, lower) in RANGES.items()]
    assert exported["sortFields"] == {
        key: [attr, descending] for key, (attr, descending) in SORT_FIELDS.items()
    }
    assert set(exported["sortFields"]) < set(exported["sorts"])
    assert set(exported["sorts"]) - set(exported["sortFields"]) == {"relevance", "title"}


def test_the_facet_part_exports_every_number_column(exported, engine):
    numbers = exported["numbers"]
    assert list(numbers) == attributes()
    entries = [engine.entries[i] for i in engine.sort_orders["title"]]  # title order
    assert exported["size"] == len(entries) > 0
    for attr, column in numbers.items():
        values = [getattr(e, attr) for e in entries]
        assert len(column) == len(entries), attr
        if all(isinstance(v, (int, float)) for v in values):
            assert column == [_number(v) for v in values], attr
        else:  # dates: days since the earliest, plus one; null for none
            first = min(v.toordinal() for v in values if v is not None)
            assert column == [v.toordinal() - first + 1 if v else None for v in values], attr
    # the columns are read through `numbers` only: no copy of them by name
    for attr in ("cost", "hours", "weeks", "updated"):
        assert attr not in exported, attr


def test_the_exported_sorts_give_the_servers_orders(exported, engine):
    """The browser's rule: a sort is its column ascending, negated when descending, ties
    by title position; that is the server's order for every sort but relevance."""
    size = exported["size"]
    position = {entry: n for n, entry in enumerate(engine.sort_orders["title"])}
    for key, (attr, descending) in exported["sortFields"].items():
        column = exported["numbers"][attr]
        browser = sorted(range(size), key=lambda i: (-column[i] if descending else column[i], i))
        server = [position[entry] for entry in engine.sort_orders[key]]
        assert browser == server, key


# What the pages' #ui-text carries -----------------------------------------------------


def ui_text(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="ui-text">(.*?)</script>', html)
    assert found, url
    return json.loads(found.group(1))


def test_the_ui_text_carries_the_range_chips_and_compare_limit(demo_app):
    client = demo_app.test_client()
    english = ui_text(client, "/compare/")
    assert list(RANGE_FILTERS) == list(RANGES)
    assert english["maxCompare"] == MAX_COMPARE
    assert english["ranges"] == {
        name: {"text": r.spec.chip, "value": r.spec.value, "money": r.spec.money}
        for name, r in RANGE_FILTERS.items()
    }
    for chip in english["ranges"].values():
        assert f"%({chip['value']})s" in chip["text"]
    french = ui_text(client, "/fr/compare/")
    assert french["maxCompare"] == MAX_COMPARE
    assert set(french["ranges"]) == set(RANGES)  # (tojson sorts the keys)
    for name, chip in french["ranges"].items():
        assert chip["text"] != english["ranges"][name]["text"], name  # translated
        assert f"%({chip['value']})s" in chip["text"], name
    for key in ("costUpTo", "hoursMin", "hoursMax", "weeksMax"):
        assert key not in english


def test_the_servers_range_chips(demo_app):
    html = (
        demo_app.test_client()
        .get("/search/?cost_max=500&hours_min=10&hours_max=60.5&weeks_max=8")
        .get_data(as_text=True)
    )
    chips = re.findall(r'<span class="chip-kind">Range</span> (.*?) <span', html)
    assert chips == ["up to $500", "10+ hours", "up to 60.5 hours", "up to 8 weeks"]
