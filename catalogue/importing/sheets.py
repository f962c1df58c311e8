"""Spreadsheets read into rows of cells, each cell knowing where it is.

A `.csv` file may be UTF-8 (with or without a byte-order mark) or Windows-1252, separated
by commas, semicolons or tabs: the encoding is tried in that order and the separator
sniffed. An `.xlsx` workbook is read with openpyxl: every sheet, by the values Excel last
saved (a formula is never evaluated). Files that would exhaust memory (over MAX_BYTES, or a
workbook whose parts unpack to more than MAX_UNPACKED) are refused before they are read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 400 * 1024 * 1024
# Two or more bytes that UTF-8 encodes a letter with (é is C3 A9): such a file is UTF-8.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
MAX_ROWS = 100_000
MAX_CELLS = 3_000_000  # cells holding something; past this a file is refused, not read


class SheetError(ValueError):
    """A file that cannot be read as a spreadsheet; its text says why, in one line."""


class Cell:
    """A cell's value and where it is; small, since a sheet holds millions of them."""

    __slots__ = ("column", "formula_without_value", "prefix", "row", "value")

    def __init__(self, value, prefix: str, row: int, column: int = 0, lost: bool = False):
        self.value = value  # str for CSV; str, int, float, bool, datetime or None for XLSX
        self.prefix = prefix  # `programs.csv` or `programs.xlsx:Programs`
        self.row = row
        self.column = column  # 1-based in a workbook; 0 in a CSV (located by row only)
        self.formula_without_value = lost

    @property
    def where(self) -> str:
        """`programs.csv:7` or `programs.xlsx:Programs!E7`."""
        if not self.column:
            return f"{self.prefix}:{self.row}"
        from openpyxl.utils import get_column_letter

        return f"{self.prefix}!{get_column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    """One table: its rows as lists of cells (the header row among them)."""

    name: str  # the file name, and `!Sheet` for a workbook's sheet
    rows: list[list[Cell]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # each row's number in the file
    csv: bool = False  # cells are located by row only (`file.csv:7`), not `Sheet!E7`


def read_sheets(path: Path) -> list[Sheet]:
    """Every table in the file at `path`: one for a CSV, one per worksheet for a workbook."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise SheetError(
            f"{path}: {size // (1024 * 1024)} MB is more than the {MAX_BYTES // (1024 * 1024)}"
            " MB an import reads; split the file"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".tsv" or suffix == ".txt":
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise SheetError(f"{path}: expected a .csv or .xlsx file, or a CTDL or Open Badges .json file")


def decode(data: bytes, path: Path) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark dropped), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if UTF8_SEQUENCE.search(data):  # UTF-8 elsewhere: one bad byte, not another encoding
            line = data[: exc.start].count(b"\n") + 1
            raise SheetError(
                f"{path}:{line}: byte {exc.start + 1} is not UTF-8 though the rest of the "
                "file is; correct that character, or save the file again as CSV UTF-8"
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: byte {exc.start + 1} is neither UTF-8 nor Windows-1252 text; "
            "save the file as CSV UTF-8"
        ) from None


def read_csv(path: Path) -> Sheet:
    csv.field_size_limit(MAX_BYTES)  # a long description is one cell (the default is 128 KiB)
    text = decode(path.read_bytes(), path)
    if "\0" in text:
        raise SheetError(f"{path}: holds NUL bytes; it is not a CSV file")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(",;\t", key=sample.count) if sample else ","
    sheet = Sheet(path.name, csv=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells = 0
    try:
        start = 1
        for values in reader:
            if len(sheet.rows) >= MAX_ROWS:
                raise SheetError(f"{path}: more than {MAX_ROWS} rows; split the file")
            cells += len(values)
            if cells > MAX_CELLS:
                raise SheetError(f"{path}: more than {MAX_CELLS:,} cells; split the file")
            # a row is located at its first line (a cell may hold line breaks)
            sheet.rows.append([Cell(v, path.name, start) for v in values])
            sheet.row_numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SheetError(f"{path}:{reader.line_num}: {exc}") from None
    return sheet


def _check_workbook(path: Path) -> None:
    """Refuse a file that is not a workbook, or whose parts would unpack past the limit
    (a zip bomb named .xlsx), before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise SheetError(f"{path}: not an Excel workbook (.xlsx); save it again as one") from None
    if unpacked > MAX_UNPACKED:
        raise SheetError(
            f"{path}: its parts unpack to {unpacked // (1024 * 1024)} MB, more than an "
            "import reads; this is not an ordinary workbook"
        )
    if "xl/workbook.xml" not in names:
        raise SheetError(f"{path}: not an Excel workbook (.xlsx); save it again as one")


def read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl  # imported here: only an import of a workbook needs it
    _check_workbook(path)
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SheetError(f"{path}: cannot be read as a workbook ({type(exc).__name__})") from None
    sheets = []
    held = 0
    try:
        for ws, raw in zip(values.worksheets, formulas.worksheets, strict=True):
            name = f"{path.name}:{ws.title}"
            sheet = Sheet(name)
            for number, (row, raw_row) in enumerate(
                zip(ws.iter_rows(), raw.iter_rows(), strict=False), start=1
            ):
                if number > MAX_ROWS:
                    raise SheetError(f"{path}:{ws.title}: more than {MAX_ROWS} rows")
                cells = []
                for column, (cell, raw_cell) in enumerate(zip(row, raw_row, strict=False), 1):
                    value = getattr(cell, "value", None)
                    written = getattr(raw_cell, "value", None)
                    lost = value is None and isinstance(written, str) and written[:1] == "="
                    cells.append(Cell(value, name, number, column, lost))
                while cells and cells[-1].value is None and not cells[-1].formula_without_value:
                    cells.pop()  # the empty cells at a row's end hold nothing to read
                held += len(cells)
                if held > MAX_CELLS:
                    raise SheetError(f"{path}: more than {MAX_CELLS:,} cells; split the file")
                sheet.rows.append(cells)
                sheet.row_numbers.append(number)
            sheets.append(sheet)
    finally:
        values.close()
        formulas.close()
    return sheets
