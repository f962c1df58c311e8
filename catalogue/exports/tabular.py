"""The catalogue as a spreadsheet: credentials.csv, a column per field."""

from __future__ import annotations

import csv
import io

from ..model import Credential

CSV_FIELDS = (
    "slug",
    "title",
    "summary",
    "issuer",
    "partners",
    "delivery",
    "hours",
    "weeks",
    "cost",
    "currency",
    "start",
    "language",
    "skills",
    "field",
    "level",
    "assessment_type",
    "assessment_only",
    "credential",
    "stacks_into",
    "location",
    "url",
    "updated",
)

def _csv_cell(value) -> str:
    if isinstance(value, list):
        value = "; ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    text = "" if value is None else str(value)
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
        writer.writerow([_csv_cell(data[name]) for name in CSV_FIELDS])
    return out.getvalue()
