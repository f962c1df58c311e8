"""Rows of a sheet read as entries: each cell by its field, each problem at its cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from ..content import slugify
from ..fields import FIELDS_BY_NAME
from .cells import CellError, cell_text, currency_mark, is_empty, read_cell
from .columns import BODY, SLUG, folded, header_row, match_headers
from .sheets import Sheet

# Cells that say "look elsewhere" rather than give a value (Credential Engine's bulk
# upload writes `same as owner` for an organisation that also offers what it owns).
NOT_A_VALUE = {"same as owner", "n a", "na", "tbc later"}


def not_a_value(value: Any) -> bool:
    return isinstance(value, str) and len(value) < 20 and folded(value) in NOT_A_VALUE


@dataclass
class Row:
    """One row's values by field, and where each came from."""

    where: str  # the row: `programs.csv:7` or `programs.xlsx:Programs!7`
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # field -> `file:row: header` etc.
    present: set[str] = field(default_factory=set)  # fields whose column the sheet has
    problems: list[str] = field(default_factory=list)  # located, one line each
    notes: list[str] = field(default_factory=list)  # what the report says, refusing nothing
    slug: str = ""
    slug_given: bool = False  # from a slug column, not made from the title
    body: str | None = None

    def locate(self, name: str, message: str) -> str:
        """A problem with field `name` at its cell, in the loader's words."""
        where = self.cells.get(name, self.where)
        if name in ("", SLUG, BODY):
            return f"{where}: {message}"
        return f"{where}: {name}: {message}"


@dataclass
class SheetResult:
    name: str
    rows: list[Row]
    unmatched: list[str]
    skipped: str = ""  # why the sheet was passed over, if it was


def read_rows(
    sheet: Sheet, columns: Mapping[str, str], values: Mapping[str, Mapping[str, str]]
) -> SheetResult:
    """The entries of `sheet`; `columns` and `values` are a map file's tables."""
    top = header_row(sheet.rows, columns)
    if top is None:
        return SheetResult(sheet.name, [], [], "no header row naming two fields or more")
    headers = [cell_text(c.value) if not is_empty(c.value) else "" for c in sheet.rows[top]]
    taken, unmatched = match_headers(headers, columns)
    rows = []
    csv = sheet.csv
    for cells, number in zip(sheet.rows[top + 1 :], sheet.row_numbers[top + 1 :], strict=True):
        if all(is_empty(c.value) for c in cells):
            continue
        row = Row(f"{sheet.name}:{number}" if csv else f"{sheet.name}!{number}")
        for index, name in taken.items():
            row.present.add(name)
            if index >= len(cells):
                continue
            cell = cells[index]
            named = csv and folded(headers[index]) != folded(name)  # else said twice
            where = f"{cell.where}: {headers[index]}" if named else cell.where
            row.cells[name] = where
            if cell.formula_without_value:
                row.problems.append(
                    row.locate(
                        name,
                        "a formula with no saved value; open the file in Excel or "
                        "LibreOffice and save it, or type the value",
                    )  # fmt: skip
                )
                continue
            if is_empty(cell.value) or not_a_value(cell.value):
                continue
            if name == SLUG:
                row.slug = slugify(cell_text(cell.value))
                row.slug_given = True
                continue
            if name == BODY:
                row.body = cell_text(cell.value).replace("\r\n", "\n").replace("\r", "\n")
                continue
            try:
                row.values[name] = read_cell(FIELDS_BY_NAME[name], cell.value, values.get(name))
            except CellError as exc:
                row.problems.append(row.locate(name, str(exc)))
            if name == "cost" and "cost" in row.values and "currency" not in taken.values():
                mark = currency_mark(cell.value)  # `650 €`: the row is priced in euros
                if mark:
                    row.values["currency"] = mark
        rows.append(row)
    blank = [i for i, h in enumerate(headers) if not h]
    unmatched += [
        f"(no heading, column {i + 1 if csv else get_column_letter(i + 1)})"
        for i in blank
        if any(i < len(cells) and not is_empty(cells[i].value) for cells in sheet.rows[top + 1 :])
    ]
    return SheetResult(sheet.name, rows, unmatched)


def deduplicate(row: Row) -> list[str]:
    """Keep the first of list items given twice (registry records often repeat a career);
    one note a repeat, located at the row."""
    notes = []
    for name, value in row.values.items():
        if not isinstance(value, list):
            continue
        seen, kept = set(), []
        for item in value:
            key_text = str(item.get("name") if isinstance(item, dict) else item)
            key = key_text.casefold()
            if key in seen:
                notes.append(f"{row.where}: {name}: '{key_text}' is listed twice; kept once")
                continue
            seen.add(key)
            kept.append(item)
        row.values[name] = kept
    return notes


def assign_slugs(rows: list[Row], taken: set[str]) -> None:
    """Give each row a slug from its slug column or its title, unique in the import (the
    same file gives the same slugs on every run); `taken` collects them."""
    for row in rows:
        base = row.slug or slugify(str(row.values.get("title", "")))
        if not base:
            row.problems.append(row.locate("title", "no title to name the entry's file by"))
            continue
        if row.slug_given and base in taken:
            row.problems.append(row.locate(SLUG, f"slug '{base}' is another row's too"))
            continue
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        row.slug = slug
