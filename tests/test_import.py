"""`catalogue import`: spreadsheets as people keep them, read cell by cell into entries."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue import content
from catalogue.cli import main
from catalogue.importing import MapError, SheetError, run_import
from catalogue.importing.sheets import MAX_BYTES

from .conftest import DATA, DEMO

HEADERS = [
    "Program Name", "Summary", "Issuer", "Delivery mode", "Fee (CAD)", "Hours", "Weeks",
    "Start", "Skills", "Assessment", "Updated", "Internal notes", "Description",
]  # fmt: skip
ROWS = [
    ["Forklift Safety", "Operate a forklift safely.", "Cedar Ridge College", "In-class",
     "$1,250.00", "40 hrs", "6 weeks", "On demand", "Load handling; Pre-use inspection",
     "A practical test.", dt.datetime(2026, 11, 2), "keep", "First paragraph.\n\nSecond."],
    ["Payroll Basics", "Run a payroll.", "Cedar Ridge College", "En ligne", "1 250 $",
     "20", "8 wks", "2027-01-11; 2027-03-08", "Payroll | Remittances", "An exam.",
     46300, "", ""],
    ["Gratuit pour tous", "Free course.", "Cedar Ridge College", "Blended", "Free", 12,
     3, "", "Teamwork", "", None, "", ""],
    [None] * 13,
    ["Broken Cost", "Costs unknown.", "Cedar Ridge College", "online", "TBD", 10, 2, "",
     "Budgeting", "A quiz.", None, "", ""],
]  # fmt: skip
MAP = """
[columns]
"Program Name" = "title"
"Fee (CAD)" = "cost"
[values.delivery]
"In-class" = "in-person"
"Blended" = "hybrid"
"""


def messy_workbook(path: Path) -> Path:
    """A marketing team's sheet: a merged title row above the headers, money and hours
    written every which way, an Excel date and a serial number, an empty row, a hidden
    column, a formula whose value Excel saved, and a second sheet of notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programs"
    sheet.append(["Micro-credentials 2026-27 (do not share)"])
    sheet.merge_cells("A1:F1")
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    sheet.column_dimensions["L"].hidden = True
    sheet["G4"] = "=2+1"  # Payroll Basics' weeks: a formula, its value saved below
    sheet["K4"].number_format = "yyyy-mm-dd"  # 46300: a date as Excel keeps one
    sheet.add_data_validation(DataValidation(type="list", formula1='"online,hybrid"'))
    notes = book.create_sheet("Notes")
    notes.append(["Nothing here is a programme"])
    book.save(path)
    return with_cached_values(path, {"G4": "3"})


def with_cached_values(path: Path, values: dict[str, str]) -> Path:
    """Write the values Excel would have saved for formula cells (openpyxl saves none)."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    xml = parts[name].decode()
    for ref, value in values.items():
        xml = re.sub(
            rf'(<c r="{ref}"[^>]*>)<f>(.*?)</f><v\s*/?>(</v>)?', rf"\1<f>\2</f><v>{value}</v>", xml
        )
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, data in parts.items():
            archive.writestr(n, data)
    return path


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "content" / "credentials").mkdir(parents=True)
    return tmp_path / "content"


def test_a_messy_workbook_imports_cell_by_cell(tmp_path, folder, capsys):
    book = messy_workbook(tmp_path / "programs.xlsx")
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    code = main(
        ["import", str(book), "--content", str(folder), "--map", str(tmp_path / "map.toml")]
    )
    out = capsys.readouterr().out
    assert code == 1  # a row was refused
    assert "programs.xlsx:Programs!E7: cost: expected a number or \"free\"; got 'TBD'" in out
    assert "columns left out (no field of that name; a --map file can name one): " \
        "Internal notes" in out  # fmt: skip
    assert "programs.xlsx:Notes: passed over" in out
    forklift = front(folder / "credentials/forklift-safety.md")
    assert forklift["cost"] == 1250 and forklift["hours"] == 40 and forklift["weeks"] == 6
    assert forklift["delivery"] == "in-person" and forklift["start"] == "on-demand"
    assert forklift["skills"] == ["Load handling", "Pre-use inspection"]
    assert forklift["updated"] == dt.date(2026, 11, 2)
    assert "draft" not in forklift
    body = (folder / "credentials/forklift-safety.md").read_text().split("---\n", 2)[2]
    assert body == "\nFirst paragraph.\n\nSecond.\n"
    payroll = front(folder / "credentials/payroll-basics.md")
    assert payroll["delivery"] == "online" and payroll["cost"] == 1250
    assert payroll["weeks"] == 3  # the formula's saved value
    assert payroll["start"] == [dt.date(2027, 1, 11), dt.date(2027, 3, 8)]
    assert payroll["updated"] == dt.date(2026, 10, 5)  # Excel's date 46300
    free = front(folder / "credentials/gratuit-pour-tous.md")
    assert free["cost"] == 0 and free["delivery"] == "hybrid" and free["draft"] is True
    assert "created credentials/gratuit-pour-tous.md as a draft; missing: assessment" in out
    assert not (folder / "credentials/broken-cost.md").exists()
    assert "3 created (1 as drafts), 0 updated, 0 unchanged, 0 skipped, 1 refused" in out
    catalogue = content.load(folder)
    assert sorted(e.slug for e in catalogue.entries) == ["forklift-safety", "payroll-basics"]
    assert [(Path(e.path).name, e.line, e.field, e.message) for e in catalogue.errors] == [
        ("gratuit-pour-tous.md", 1, "assessment", "required field is missing")
    ]
    # the site serves around the draft, and `catalogue check` names what it lacks
    from catalogue.web import create_app

    client = create_app(folder, index_dir=tmp_path / "index").test_client()
    home = client.get("/search/").get_data(as_text=True)
    assert "Forklift Safety" in home and "Gratuit pour tous" not in home
    assert main(["check", str(folder)]) == 1
    assert "gratuit-pour-tous.md:1: assessment: required field is missing" in (
        capsys.readouterr().out
    )


def test_a_formula_without_a_saved_value_is_refused_at_its_cell(tmp_path, folder):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["title", "cost", "hours"])
    sheet.append(["Data Literacy", "=100*2", 20])
    book.save(tmp_path / "calc.xlsx")
    report = run_import([tmp_path / "calc.xlsx"], folder)
    assert report.refused == 1
    assert report.lines == [
        "calc.xlsx:Sheet1!B2: cost: a formula with no saved value; open the file in Excel "
        "or LibreOffice and save it, or type the value"
    ]


def test_a_windows_csv_with_semicolons_and_french_headers(tmp_path, folder):
    text = (
        "Titre;Résumé;Établissement émetteur;Mode de formation;Coût;Heures de formation;"
        "Semaines;Compétences;Évaluation\r\n"
        "Soudage de base;Souder en sécurité.;Collège Boréal;En présentiel;1 250,50 $;40 h;"
        "6;Soudage MIG;Un essai pratique.\r\n"
        "Soudage avancé;Plus loin.;Collège Boréal;Hybride;gratuit;abc;6;Soudage TIG;Essai.\r\n"
    )
    path = tmp_path / "programmes.csv"
    path.write_bytes(text.encode("cp1252"))
    report = run_import([path], folder)
    entry = front(folder / "credentials/soudage-de-base.md")
    assert entry["title"] == "Soudage de base" and entry["issuer"] == "Collège Boréal"
    assert entry["delivery"] == "in-person" and entry["cost"] == 1250.5
    assert report.lines[-1] == (
        "programmes.csv:3: Heures de formation: hours: expected a number such as 40; got 'abc'"
    )


def test_existing_files_are_skipped_and_a_dry_run_writes_nothing(tmp_path, folder):
    path = tmp_path / "one.csv"
    path.write_text("title,hours\nData Literacy,20\n", encoding="utf-8")
    (folder / "credentials/data-literacy.md").write_text("kept\n", encoding="utf-8")
    report = run_import([path], folder)
    assert report.skipped == 1
    assert report.lines == ["skipped credentials/data-literacy.md: it exists (--update changes it)"]
    assert (folder / "credentials/data-literacy.md").read_text() == "kept\n"
    path.write_text("title,hours\nOther Course,20\n", encoding="utf-8")
    report = run_import([path], folder, dry_run=True)
    assert report.lines == [
        "would create credentials/other-course.md as a draft; missing: summary, issuer, "
        "delivery, weeks, cost, skills, assessment"
    ]
    assert not (folder / "credentials/other-course.md").exists()


def test_update_changes_only_the_cells_that_differ_byte_for_byte(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(DEMO, folder)
    entry = folder / "credentials/agri-dairy-herd-health-records.md"
    before = entry.read_text(encoding="utf-8")
    entry.write_text(before.replace("hours: 25\n", "hours: 25  # as agreed with the council\n"))
    before = entry.read_text(encoding="utf-8")
    sheet = tmp_path / "changes.csv"
    sheet.write_text(
        "slug,title,hours,cost,field,level\n"
        "agri-dairy-herd-health-records,Dairy Herd Health Records,30,0,Farming,\n",
        encoding="utf-8",
    )
    report = run_import([sheet], folder, update=True, dry_run=True)
    assert report.lines == [
        "would update credentials/agri-dairy-herd-health-records.md: hours: 25 -> 30, "
        "field: Agriculture -> Farming, level: introductory -> (none)"
    ]
    assert entry.read_text(encoding="utf-8") == before
    run_import([sheet], folder, update=True)
    after = entry.read_text(encoding="utf-8")
    expected = (
        before.replace("hours: 25  #", "hours: 30  #")
        .replace("field: Agriculture\n", "field: Farming\n")
        .replace("level: introductory\n", "")
    )
    assert after == expected
    again = run_import([sheet], folder, update=True)
    assert again.unchanged == 1 and again.updated == 0


def test_a_demo_export_imports_back_into_an_empty_folder(tmp_path, folder, demo_app):
    path = tmp_path / "credentials.csv"
    path.write_bytes(demo_app.test_client().get("/credentials.csv").data)
    report = run_import([path], folder)
    assert report.refused == 0
    demo = {e.slug: e for e in content.load(DEMO).entries if not e.draft}
    assert report.created == len(demo)
    imported = {p.stem: front(p) for p in (folder / "credentials").glob("*.md")}
    for slug, entry in demo.items():
        data = entry.to_dict()
        mine = imported[slug]
        for name in ("title", "summary", "issuer", "delivery", "hours", "weeks", "cost"):
            assert mine[name] == data[name], (slug, name)


def test_files_too_big_or_not_workbooks_are_refused_in_one_line(tmp_path, folder):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(SheetError, match=r"big.csv: 50 MB is more than the 50 MB"):
        run_import([big], folder)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (420 * 1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(SheetError, match=r"bomb.xlsx: its parts unpack to 420 MB"):
        run_import([bomb], folder)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("title,cost\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"fake.xlsx: not an Excel workbook"):
        run_import([fake], folder)


def test_a_bad_map_file_is_named(tmp_path, folder):
    bad = tmp_path / "map.toml"
    bad.write_text('[columns]\n"Fee" = "price"\n', encoding="utf-8")
    with pytest.raises(MapError, match=r"map.toml: \[columns\] \"Fee\": no field 'price'"):
        run_import([], folder, bad)


def test_credential_engine_bulk_upload_columns_need_no_map(folder):
    """Columns as Credential Engine's bulk-upload template names them (the ones its own
    course crawler writes): `|` between values, `same as owner`, key~value cells."""
    report = run_import([DATA / "import" / "credential-engine-bulk.csv"], folder)
    assert report.lines[0] == (
        "credential-engine-bulk.csv: columns left out (no field of that name; a --map file "
        "can name one): Learning Type, Life Cycle Status Type, Offered By (a second column for "
        "one field), Credit Unit Value, Alternate Name"
    )
    entry = front(folder / "credentials/cyb-101.md")
    assert entry["title"] == "Cyber Security Foundations"
    assert entry["issuer"] == "Example University" and entry["delivery"] == "online"
    assert entry["skills"] == ["Threat analysis", "Access control", "Incident response"]
    assert entry["occupations"] == ["Information Security Analysts"]
    assert entry["cost"] == 1250 and entry["language"] == "en"
    assert entry["url"] == "https://example.edu/courses/cyb-101"
    network = front(folder / "credentials/cyb-102.md")
    assert network["delivery"] == "hybrid" and network["language"] == ["en", "fr"]
    assert "credential-engine-bulk.csv:4: Estimated Cost: cost: expected a number or " \
        "\"free\"; got 'TBD'" in report.lines  # fmt: skip


def test_an_import_waits_for_the_editor_and_says_when_it_cannot(tmp_path, folder, monkeypatch):
    """The import checks and writes holding the content folder, as the editor's saves do:
    while another writer holds it, nothing is written and the import says so."""
    import threading

    from catalogue.content import writelock
    from catalogue.importing import FolderBusy

    monkeypatch.setattr(writelock, "WAIT_SECONDS", 0.3)
    path = tmp_path / "one.csv"
    path.write_text("title,hours\nData Literacy,20\n", encoding="utf-8")
    held, done = threading.Event(), threading.Event()

    def editor():
        with writelock.writing(folder):
            held.set()
            done.wait(10)

    thread = threading.Thread(target=editor)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(FolderBusy):
            run_import([path], folder)
        assert run_import([path], folder, dry_run=True).created == 1  # reading needs no hold
    finally:
        done.set()
        thread.join()
    assert not (folder / "credentials/data-literacy.md").exists()
    assert run_import([path], folder).created == 1
