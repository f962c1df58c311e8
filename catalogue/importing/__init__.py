"""`catalogue import`: spreadsheets read into entry files, every cell checked.

sheets.py reads a CSV or XLSX file into cells that know where they are; columns.py
matches each header to a field; cells.py reads each cell the way people type values;
rows.py turns rows into entries; writing.py writes a new file or changes an existing one
by line edits. Every entry is checked by the loader (`ContentStore.entry_problems`, as the
editor's saves are) before anything is written, and written in one move.
"""

from __future__ import annotations

import os
import tomllib
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..content import load_site, writelock
from ..content.store import ContentStore, FolderBusy
from ..fields import FIELDS, FIELDS_BY_NAME
from .checking import Checker
from .records import Record, read_records
from .rows import Row, assign_slugs, deduplicate, read_rows
from .sheets import SheetError, read_sheets
from .writing import changes, field_yaml, new_text, updated_text

MISSING = "required field is missing"
UNWRITTEN = "names no entry in credentials/"  # in a dry run, the parts are not written yet


class MapError(ValueError):
    """A map file that cannot be used; one line, located."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    refused: int = 0
    drafts: int = 0

    def summary(self, dry_run: bool) -> str:
        verb = "would be " if dry_run else ""
        return (
            f"{self.created} {verb}created ({self.drafts} as drafts), "
            f"{self.updated} {verb}updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped, {self.refused} refused"
        )


def read_map(path: Path | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A map file's `[columns]` (header -> field) and `[values.<field>]` (cell -> value)."""
    if path is None:
        return {}, {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MapError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise MapError(f"{path}: {exc}") from None
    unknown = set(data) - {"columns", "values"}
    if unknown:
        raise MapError(
            f"{path}: unknown table [{sorted(unknown)[0]}]; expected [columns], [values]"
        )
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise MapError(f'{path}: columns: expected a [columns] table of "header" = "field"')
    names = {f.name for f in FIELDS} | {"slug", "body"}
    for header, name in columns.items():
        if not isinstance(name, str) or name not in names:
            raise MapError(f"{path}: [columns] \"{header}\": no field {name!r}")
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise MapError(f"{path}: values: expected [values.<field>] tables")
    for name, table in values.items():
        if name not in FIELDS_BY_NAME:
            raise MapError(f"{path}: [values.{name}]: no field '{name}'")
        if not isinstance(table, dict):
            raise MapError(f'{path}: [values.{name}]: expected a table of "cell text" = "value"')
    return dict(columns), {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()}


def run_import(
    files: list[Path],
    content: Path,
    map_file: Path | None = None,
    update: bool = False,
    dry_run: bool = False,
) -> Report:
    """Import `files` into the content folder `content`; MapError or SheetError if a file
    cannot be read at all (nothing is written then), FolderBusy if another writer (the
    editor saving) keeps the folder for longer than WAIT_SECONDS.

    The files are read first; then the checks and the writes run holding the folder
    (`writelock.writing`), as the editor's saves do, so that no save comes between a row's
    checks and its file."""
    columns, values = read_map(map_file)
    if not content.is_dir():
        raise SheetError(f"{content}: no such content folder (give --content)")
    report = Report()
    rows: list[Row] = []
    records: list[Record] = []
    json_files = [p for p in files if p.suffix.lower() in (".json", ".jsonld")]
    if json_files:
        records, passed = read_records(json_files, load_site(content, []).language)
        report.lines += passed
        rows += [r.row for r in records if not r.parts]  # a whole made of parts: a pathway
    for path in files:
        if path in json_files:
            continue
        for sheet in read_sheets(path):
            result = read_rows(sheet, columns, values)
            if result.skipped:
                report.lines.append(f"{sheet.name}: passed over: {result.skipped}")
            if result.unmatched:
                report.lines.append(
                    f"{sheet.name}: columns left out (no field of that name; a --map file "
                    f"can name one): {', '.join(result.unmatched)}"
                )
            rows += result.rows
    with nullcontext() if dry_run else writelock.writing(content):
        _write_all(rows, records, Checker(ContentStore(content)), report, update, dry_run)
    return report


def _write_all(
    rows: list[Row], records: list[Record], checker: Checker, report: Report, update: bool,
    dry_run: bool,
) -> None:  # fmt: skip
    assign_slugs(rows, set())
    done = set()
    for row in rows:
        if _one(row, checker, report, update, dry_run):
            done.add(row.slug)
    wholes = [r for r in records if r.parts]
    assign_slugs([r.row for r in wholes], set())
    slugs = {r.node_id: r.row.slug for r in records if r.node_id and r.row.slug in done}
    for record in wholes:
        _pathway(record, slugs, checker, report, dry_run)
    if checker.written:
        os.sync()  # each file was replaced in one move; this makes them all durable at once


def _pathway(record: Record, slugs: dict, checker: Checker, report: Report, dry_run: bool):
    """A program or credential made of parts: a pathway requiring the parts imported."""
    row = record.row
    requires = [slugs[p] for p in record.parts if p in slugs]
    left = len(record.parts) - len(requires)
    if not requires:
        report.lines.append(
            f"{row.where}: its {left} parts are not among the files imported; no pathway written"
        )
        return
    relative = f"pathways/{row.slug}.md"
    if checker.store.read(relative) is not None:
        report.skipped += 1
        report.lines.append(f"skipped {relative}: it exists")
        return
    fields = {k: row.values[k] for k in ("title", "issuer", "summary") if k in row.values}
    text = "---\n" + "".join(field_yaml(k, v) for k, v in fields.items())
    text += field_yaml("requires", requires) + "---\n"
    if row.body:
        text += "\n" + row.body.strip("\n") + "\n"
    problems = [
        p
        for p in checker.store.pathway_problems(relative, text)
        if p.severity == "error" and not (dry_run and p.message.endswith(UNWRITTEN))
    ]
    if problems:
        report.refused += 1
        report.lines += [f"{row.where}: pathway: {p.message}" for p in problems]
        return
    missing = f" ({left} parts not among the files imported)" if left else ""
    report.lines.append(f"{'would create' if dry_run else 'created'} {relative}{missing}")
    if not dry_run:
        checker.write(relative, text)


def _one(row: Row, checker: Checker, report: Report, update: bool, dry_run: bool) -> bool:
    """Write the row's entry (or say what would be written); False if it was refused."""
    if row.problems:
        report.refused += 1
        report.lines += row.problems
        return False
    report.lines += row.notes + deduplicate(row)
    relative = f"credentials/{row.slug}.md"
    old = checker.store.read(relative)
    if old is not None:
        if not update:
            report.skipped += 1
            report.lines.append(f"skipped {relative}: it exists (--update changes it)")
            return True
        try:
            text = old.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.refused += 1
            report.lines.append(
                f"{row.where}: {relative}: not updated: byte {exc.start + 1} of the file is not "
                "UTF-8 (catalogue check names it); save the file as UTF-8 first"
            )
            return False
        crlf = "\r\n" in text  # Windows line ends: edited as \n, written back as they were
        if crlf:
            text = text.replace("\r\n", "\n")
        edits = changes(text, row.values, row.body, row.present)
        if not edits:
            report.unchanged += 1
            return True
        new = updated_text(text, row.values, row.body, edits)
        if crlf:
            new = new.replace("\n", "\r\n")
        if _refused(row, checker, relative, new, report):
            return False
        report.updated += 1
        said = ", ".join(
            c.name if c.name == "body" else f"{c.name}: {_shown(c.before)} -> {_shown(c.after)}"
            for c in edits
        )
        report.lines.append(f"{'would update' if dry_run else 'updated'} {relative}: {said}")
    else:
        missing = [f.name for f in FIELDS if f.required and f.name not in row.values]
        new = new_text(row.values, row.body, draft=bool(missing))
        if _refused(row, checker, relative, new, report):
            return False
        report.created += 1
        report.drafts += bool(missing)
        what = f" as a draft; missing: {', '.join(missing)}" if missing else ""
        report.lines.append(f"{'would create' if dry_run else 'created'} {relative}{what}")
    if dry_run:
        checker.claim(relative, row.values.get("ctid"))
    else:
        checker.write(relative, new, row.values.get("ctid"))
    return True


def _refused(row: Row, checker: Checker, relative: str, text: str, report: Report) -> bool:
    """Refuse the row if the loader finds an error in `text` other than a missing field."""
    problems = [
        p
        for p in checker.entry_problems(relative, text, row.values.get("ctid"))
        if p.severity == "error" and p.message != MISSING
    ]
    if not problems:
        return False
    report.refused += 1
    report.lines += [row.locate(p.field or "", p.message) for p in problems]
    return True


def _shown(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(v.get("name", str(v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


__all__ = ["FolderBusy", "MapError", "Report", "SheetError", "read_map", "run_import"]
