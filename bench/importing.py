"""Print how long `catalogue import` takes on large spreadsheets (target: 10,000 rows in
under 30 s).

    .venv/bin/python bench/importing.py [N]      # default 10,000 rows

Three sheets of N rows each: the catalogue's own CSV export of N generated entries, the
same rows as a marketing team would type them (money as "$1,250.00", hours as "40 hrs",
French headers, semicolons, Windows-1252), and the catalogue's own workbook export. Each
is imported into an empty folder, then again with --update (every row unchanged), and the
seconds and peak memory are printed.
"""

from __future__ import annotations

import csv
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

from catalogue import content  # noqa: E402
from catalogue.exports.tabular import credentials_csv  # noqa: E402
from catalogue.exports.workbook import credentials_xlsx  # noqa: E402
from catalogue.importing import run_import  # noqa: E402

FRENCH = {"title": "Titre", "summary": "Résumé", "issuer": "Établissement émetteur",
          "delivery": "Mode de formation", "hours": "Heures de formation",
          "weeks": "Semaines", "cost": "Coût"}  # fmt: skip


def messy(export: str) -> bytes:
    """The export as typed by hand: French headers, formatted money and hours, semicolons."""
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    head = rows[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([FRENCH.get(h, h) for h in head])
    for row in rows[1:]:
        cells = dict(zip(head, row, strict=True))
        cost = float(cells["cost"])
        cells["cost"] = "Gratuit" if cost == 0 else f"${cost:,.2f}"
        cells["hours"] = f"{cells['hours']} hrs"
        cells["weeks"] = f"{cells['weeks']} wks"
        writer.writerow([cells[h] for h in head])
    return out.getvalue().encode("cp1252", errors="replace")


def timed(label: str, files: list[Path], folder: Path, update: bool = False) -> None:
    start = time.perf_counter()
    report = run_import(files, folder, update=update)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.1f} s   {report.summary(False)}")


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        source = generate(count, work / "generated")
        entries = content.load(source).entries
        export = credentials_csv(entries)
        (work / "export.csv").write_text(export, encoding="utf-8")
        (work / "typed.csv").write_bytes(messy(export))
        (work / "export.xlsx").write_bytes(credentials_xlsx(entries, str))
        for name in ("export.csv", "typed.csv", "export.xlsx"):
            folder = work / name.replace(".", "-")
            (folder / "credentials").mkdir(parents=True)
            size = (work / name).stat().st_size / 1e6
            timed(f"{count} rows, {name} ({size:.1f} MB), new", [work / name], folder)
            timed(f"{count} rows, {name}, --update, unchanged", [work / name], folder, True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
