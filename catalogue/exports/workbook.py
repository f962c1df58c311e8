"""The catalogue as an Excel workbook (credentials.xlsx), and the empty sheet marketing
staff start an import from (`catalogue import --template`).

One sheet, the columns of credentials.csv, each headed by its label in the interface
language; cells typed as Excel keeps them (numbers as numbers, dates as dates). Text that
a spreadsheet would run as a formula is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable

from ..fields import FIELDS_BY_NAME
from ..fields.kinds import Date
from ..i18n import N_
from ..model import Credential
from .tabular import CSV_COLUMNS, FORMULA

# Headings of the columns whose field has no label of its own (the site shows them
# without one: the title is the page's heading).
HEADINGS = {
    "slug": N_("File name (slug)"),
    "title": N_("Title"),
    "summary": N_("Summary"),
    "hours": N_("Learning hours"),
    "currency": N_("Currency"),
    "assessment": N_("Assessment"),
    "assessment_type": N_("Type of assessment"),
    "framework": N_("Competency framework"),
    "location": N_("Campus or city"),
    "url": N_("Where to enrol"),
    "ctid": "CTID",
    "body": N_("Description"),
}
SHEET = N_("Micro-credentials")
MAX_WIDTH = 60


def heading(name: str) -> str:
    """A column's heading, not yet translated (N_-marked)."""
    if name in HEADINGS:
        return HEADINGS[name]
    f = FIELDS_BY_NAME[name]
    if f.label:
        return f.label
    if f.facet is not None:
        return f.facet.label
    return name.replace("_", " ").capitalize()


def columns() -> list[tuple[str, Callable]]:
    """(field, how its kind writes a text cell) for each column, the body last."""
    return list(CSV_COLUMNS)


def typed(name: str, value, as_text: Callable):
    """A JSON value as the cell Excel would keep: numbers and dates typed, the rest text."""
    if value is None or value == []:
        return None
    if isinstance(value, int | float):  # bool is an int
        return value
    f = FIELDS_BY_NAME.get(name)
    if f is not None and isinstance(f.kind, Date):  # by the field, not by how text looks
        return dt.date.fromisoformat(value)
    return as_text(value)


def credentials_xlsx(entries: Iterable[Credential], gettext: Callable[[str], str]) -> bytes:
    """The entries as a workbook, headings translated by `gettext`."""
    from openpyxl import Workbook  # imported here: only this download needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext(SHEET)[:31])
    cols = columns()
    widths = [len(gettext(heading(name))) for name, _ in cols]
    sheet.freeze_panes = "C2"
    rows = []
    for e in entries:
        data = e.to_dict()
        data["body"] = e.body.strip("\n")
        row = [typed(name, data.get(name), as_text) for name, as_text in cols]
        for i, value in enumerate(row):
            if isinstance(value, str):
                widths[i] = max(widths[i], min(len(value), MAX_WIDTH))
        rows.append(row)
    for i, width in enumerate(widths):
        sheet.column_dimensions[_letter(i)].width = max(width, 8) + 2
    bold = Font(bold=True)
    head = []
    for name, _ in cols:
        cell = WriteOnlyCell(sheet, value=gettext(heading(name)))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    dates = "yyyy-mm-dd"
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value[:1] in FORMULA:
                cell.data_type = "s"  # text, shown as written; never run as a formula
            elif isinstance(value, dt.date):
                cell.number_format = dates
            cells.append(cell)
        sheet.append(cells)
    return stable(book)


def stable(book) -> bytes:
    """The workbook's bytes, the same for the same content: openpyxl stamps the time of
    saving in the document's properties and on each part of the zip, which would make
    every build's file differ."""
    import zipfile

    book.properties.created = book.properties.modified = FIXED_TIME
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` as it saves
                data = MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6]), data,
                         zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


FIXED_TIME = dt.datetime(2000, 1, 1)
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*")


def template_xlsx(gettext: Callable[[str], str]) -> bytes:
    """An empty workbook to fill in and import: every column with its heading, the field's
    help (and whether it is required) as the heading's comment, and a drop-down list of
    the choices where a field has them."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = gettext(SHEET)[:31]
    sheet.freeze_panes = "C2"
    help_of = {"slug": SLUG_HELP, "body": BODY_HELP}
    for i, (name, _) in enumerate(columns(), start=1):
        cell = sheet.cell(1, i, gettext(heading(name)))
        cell.font = Font(bold=True)
        f = FIELDS_BY_NAME.get(name)
        text = help_of.get(name) or (f.help + (" Required." if f.required else ""))
        if f is not None and f.example not in (None, [], ""):
            example = f.example
            if isinstance(example, list):
                example = "; ".join(map(str, example))
            text += f"\nExample: {example}"
        cell.comment = Comment(text, "catalogue", width=320, height=140)
        letter = _letter(i - 1)
        sheet.column_dimensions[letter].width = max(len(cell.value) + 4, 14)
        options = choices(name)
        if options:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            rule.showErrorMessage = name != "language"  # "en; fr" is a language cell too
            rule.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(rule)
    return stable(book)


SLUG_HELP = (
    "The entry's file name and address: lowercase letters, digits and hyphens "
    "(data-literacy is /credentials/data-literacy/). Leave it empty to name the file "
    "after the title."
)
BODY_HELP = "The description learners read on the entry's page, in Markdown."


def choices(name: str) -> list[str]:
    """The values a drop-down offers for a column: a field's choices, yes and no."""
    f = FIELDS_BY_NAME.get(name)
    if f is None:
        return []
    if f.kind.words == "true or false":
        return ["yes", "no"]
    if name == "start":
        return []  # on-demand or dates: a list would refuse the dates
    return list(f.choices)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
