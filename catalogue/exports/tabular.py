"""The catalogue as a spreadsheet: credentials.csv, a column per field."""

from __future__ import annotations

import csv
import io

from ..fields import FIELDS, FIELDS_BY_NAME, Field, LiveSequence
from ..model import Credential

# The columns: the slug, then every field of the table but those it marks csv=False.
CSV_FIELDS: LiveSequence[str] = LiveSequence(lambda: ("slug", *(f.name for f in FIELDS if f.csv)))


def _csv_cell(field: Field | None, value) -> str:
    text = field.kind.csv(value) if field else str(value)
    # A cell a spreadsheet would run as a formula is prefixed with a quote.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def credentials_csv(entries: list[Credential]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for e in entries:
        data = e.to_dict()
        writer.writerow([_csv_cell(FIELDS_BY_NAME.get(name), data[name]) for name in CSV_FIELDS])
    return out.getvalue()
