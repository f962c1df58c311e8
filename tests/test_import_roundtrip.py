"""The catalogue's own spreadsheets import back: /credentials.csv and /credentials.xlsx
(in both languages) into an empty folder give every entry's JSON exactly; three cells
edited in the workbook and imported with --update change exactly three lines."""

from __future__ import annotations

import difflib
import io
import shutil

import openpyxl
import pytest

from catalogue import content
from catalogue.importing import run_import
from catalogue.web import create_app

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory):
    return create_app(DEMO, index_dir=tmp_path_factory.mktemp("index")).test_client()


def empty_folder(tmp_path):
    folder = tmp_path / "content"
    (folder / "credentials").mkdir(parents=True)
    shutil.copy(DEMO / "site.toml", folder)  # the same default currency and language
    return folder


@pytest.mark.parametrize("url", ["/credentials.csv", "/credentials.xlsx", "/fr/credentials.xlsx"])
def test_an_export_imports_back_into_an_empty_folder_exactly(url, tmp_path, demo_client):
    path = tmp_path / url.replace("/", "-").lstrip("-")
    path.write_bytes(demo_client.get(url).data)
    folder = empty_folder(tmp_path)
    report = run_import([path], folder)
    published = {e.slug: e.to_dict() for e in content.load(DEMO).entries if not e.draft}
    assert report.refused == report.drafts == 0 and report.created == len(published)
    imported = {e.slug: e.to_dict() for e in content.load(folder).entries}
    assert imported == published


def test_the_workbook_is_typed_and_its_headings_translated(demo_client):
    for url, title in (("/credentials.xlsx", "Title"), ("/fr/credentials.xlsx", "Titre")):
        sheet = openpyxl.load_workbook(io.BytesIO(demo_client.get(url).data)).active
        head = [c.value for c in sheet[1]]
        assert head[1] == title and head[-1] == "Description"
        row = {h: c.value for h, c in zip(head, sheet[2], strict=True)}
        hours = row["Learning hours" if title == "Title" else "Heures de formation"]
        assert isinstance(hours, int) and hours > 0
        updated = row["Updated" if title == "Title" else "Mise à jour"]
        assert updated.year >= 2025 and sheet[2][head.index(head[-1])].data_type == "s"


def test_three_cells_edited_in_the_workbook_change_three_lines(tmp_path, demo_client):
    folder = tmp_path / "content"
    shutil.copytree(DEMO, folder)
    before = {p.name: p.read_text(encoding="utf-8") for p in (folder / "credentials").glob("*.md")}
    book = openpyxl.load_workbook(io.BytesIO(demo_client.get("/credentials.xlsx").data))
    sheet = book.active
    head = [c.value for c in sheet[1]]
    sheet.cell(2, head.index("Learning hours") + 1).value = 31
    sheet.cell(3, head.index("Cost") + 1).value = 777
    sheet.cell(4, head.index("Title") + 1).value = "A Title Edited in Excel"
    edited = [sheet.cell(n, 1).value + ".md" for n in (2, 3, 4)]
    book.save(tmp_path / "edited.xlsx")
    report = run_import([tmp_path / "edited.xlsx"], folder, update=True)
    assert report.updated == 3 and report.refused == report.created == 0
    changed = []
    for path in sorted((folder / "credentials").glob("*.md")):
        after = path.read_text(encoding="utf-8")
        diff = difflib.unified_diff(before[path.name].splitlines(), after.splitlines(), n=0)
        changed += [(path.name, line) for line in diff if line[:1] in "+-"][2:]
    assert [name for name, line in changed if line.startswith("+")] == edited
    assert [line for _, line in changed if line.startswith("+")] == [
        "+hours: 31", "+cost: 777", "+title: A Title Edited in Excel"
    ]  # fmt: skip
    assert len(changed) == 6  # three lines out, three in


def test_cells_a_spreadsheet_would_run_come_back_as_written(tmp_path):
    source = tmp_path / "source"
    (source / "credentials").mkdir(parents=True)
    shutil.copy(DEMO / "site.toml", source)
    text = (DEMO / "credentials" / "agri-dairy-herd-health-records.md").read_text("utf-8")
    text = text.replace("title: Dairy Herd Health Records", 'title: "=HYPERLINK(\\"x\\")"')
    text = text.replace("  - Northshore Dairy Producers Association", '  - "+1 Partners"')
    text = text.replace("field: Agriculture", 'field: "-Agriculture"')
    (source / "credentials" / "dairy.md").write_text(text, encoding="utf-8")
    client = create_app(source, index_dir=tmp_path / "index").test_client()
    csv_text = client.get("/credentials.csv").get_data(as_text=True)
    assert (
        "'=HYPERLINK" in csv_text and "'+1 Partners;" in csv_text and ",'-Agriculture," in csv_text
    )
    expected = content.load(source).entries[0].to_dict()
    for url in ("/credentials.csv", "/credentials.xlsx"):
        path = tmp_path / url.strip("/")
        path.write_bytes(client.get(url).data)
        folder = empty_folder(tmp_path / url.strip("/").replace(".", "-"))
        assert run_import([path], folder).created == 1
        assert content.load(folder).entries[0].to_dict() == expected, url


def test_the_template_is_filled_in_and_imported(tmp_path, monkeypatch, capsys):
    from catalogue.cli import main

    folder = empty_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "--template", "programs.xlsx", "--content", str(folder)]) == 0
    assert main(["import", "--template", "programs.xlsx", "--content", str(folder)]) == 1
    assert "programs.xlsx already exists; not overwritten" in capsys.readouterr().err
    book = openpyxl.load_workbook(tmp_path / "programs.xlsx")
    sheet = book.active
    head = {c.value: c for c in sheet[1]}
    assert head["Delivery"].comment.text == "How the learning is delivered. Required.\n" \
        "Example: hybrid"  # fmt: skip
    drop_downs = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    column = head["Delivery"].column_letter
    assert drop_downs[f"{column}2:{column}5000"] == '"online,in-person,hybrid"'
    row = {"Title": "Data Literacy", "Summary": "Read data.", "Issuer": "Cedar Ridge College",
           "Delivery": "online", "Learning hours": 20, "Weeks": 4, "Cost": 0,
           "Skills": "Reading charts; Spreadsheets", "Assessment": "A project."}  # fmt: skip
    for name, value in row.items():
        sheet.cell(2, head[name].column, value)
    book.save(tmp_path / "programs.xlsx")
    assert main(["import", "programs.xlsx", "--content", str(folder)]) == 0
    assert [e.slug for e in content.load(folder).entries] == ["data-literacy"]


def test_the_workbook_is_the_same_bytes_for_the_same_catalogue(demo_client):
    import time

    first = demo_client.get("/credentials.xlsx").data
    time.sleep(2.1)  # a zip keeps times to two seconds
    assert demo_client.get("/credentials.xlsx").data == first
