"""The catalogue as a spreadsheet: credentials.csv, a column per field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ..fields import FIELDS, LiveSequence
from ..model import Credential

# The columns: the slug, then every field of the table but those it marks csv=False, each
# with how its kind writes a cell, then the description (the Markdown body), so that
# `catalogue import` reads the file back whole.
CSV_COLUMNS: LiveSequence[tuple[str, Callable[[Any], str]]] = LiveSequence(
    lambda: (("slug", str), *((f.name, f.kind.csv) for f in FIELDS if f.csv), ("body", str))
)
CSV_FIELDS: LiveSequence[str] = LiveSequence(lambda: [name for name, _ in CSV_COLUMNS])


def credentials_csv(entries: list[Credential]) -> str:
    """The entries as CSV, opening with a byte-order mark: without it Excel reads the file
    in the machine's own code page and shows French accents as two odd characters."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    columns = list(CSV_COLUMNS)
    writer.writerow([name for name, _ in columns])
    for e in entries:
        data = e.to_dict() | {"body": e.body.strip("\n")}
        cells = [cell(data[name]) for name, cell in columns]
        # A cell a spreadsheet would run as a formula is prefixed with a quote.
        writer.writerow(["'" + c if c[:1] in FORMULA else c for c in cells])
    return out.getvalue()


BOM = "\ufeff"
FORMULA = frozenset(("=", "+", "-", "@", "\t", "\r"))
