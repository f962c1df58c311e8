"""What an editor reads (issue 31, "Smaller"): a price written as money and dates written on
one line are explained with the form to write; field hints in words an editor uses; the
CSV's yes/no column, assessment text and framework."""

from __future__ import annotations

import csv
import io
import re

import pytest

from catalogue import content
from catalogue.exports.tabular import credentials_csv
from catalogue.fields import FIELDS

from .conftest import DEMO


def problems(text: str, field: str) -> list[str]:
    _, found = content.parse_front_matter(text, "entry.md", 1)
    return [str(p) for p in found if p.field == field]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("$1,250.00", "without the currency sign and the comma: 1250.00, not $1,250.00"),
        ("$450", "without the currency sign: 450, not $450"),
        ("450 $", "without the currency sign: 450, not 450 $"),
    ],
)
def test_money_written_with_its_sign_says_what_to_leave_out(typed, message):
    assert problems(f"cost: {typed}\n", "cost") == [
        f"entry.md:1: cost: write the number alone, {message} "
        "(the currency is the `currency` field)"
    ]


def test_dates_on_one_line_show_the_list_form():
    assert problems("start: 2027-01-11, 2027-03-08\n", "start") == [
        "entry.md:1: start: expected a list, one item a line: write 'start:' and then "
        "'  - 2027-01-11', '  - 2027-03-08' on lines of their own; "
        "got '2027-01-11, 2027-03-08'"
    ]


# Words of the code and the build, not of an editor's day.
JARGON = re.compile(r"frozen|freez|occupation_scheme|site\.toml|ISO \d|slug|CTDL|base URL|Atom")


def test_field_hints_use_an_editors_words():
    assert [(f.name, f.help) for f in FIELDS if JARGON.search(f.help)] == []


def test_the_csv_reads_as_an_editor_would_and_has_every_text_field():
    entries = content.load(DEMO).published()
    rows = list(csv.DictReader(io.StringIO(credentials_csv(entries).lstrip("\ufeff"))))
    assert {"assessment", "framework", "assessment_only"} <= set(rows[0])
    assert {r["assessment_only"] for r in rows} == {"yes", "no"}
    by_slug = {e.slug: e for e in entries}
    for row in rows:
        entry = by_slug[row["slug"]]
        assert row["assessment"] == entry.assessment
        assert row["framework"] == (entry.framework or "")
        # what the cell says reads back as the same value in an entry's file
        value, found = content.parse_front_matter(
            f"assessment_only: {row['assessment_only']}\n", "x.md", 1
        )
        assert not [p for p in found if p.field == "assessment_only"]
        assert value["assessment_only"] is entry.assessment_only
