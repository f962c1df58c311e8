"""`catalogue import` on input a reviewer chose to break it with: every file gives located
one-line messages or the right values, never a traceback, a silent loss or a wrong value."""

from __future__ import annotations

import io
import json

import pytest
import yaml

from catalogue.importing import MapError, SheetError, run_import

from .conftest import DEMO


def front(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "content" / "credentials").mkdir(parents=True)
    (tmp_path / "content" / "site.toml").write_bytes((DEMO / "site.toml").read_bytes())
    return tmp_path / "content"


HEAD = "title,summary,issuer,delivery,hours,weeks,cost,skills,assessment"
ROW = "{title},Sum.,Cedar Ridge College,online,{hours},{weeks},{cost},Skill,A test."


def sheet(tmp_path, *rows, head=HEAD, name="s.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join([head, *rows]) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    "record",
    [
        {"@type": "ceterms:Course", "ceterms:name": "A", "ceterms:estimatedCost": ["x"],
         "ceterms:estimatedDuration": "P6W", "ceterms:requires": ["x"]},
        {"type": ["Achievement"], "name": "B", "alignment": ["x"], "criteria": "x"},
        {"@type": 5, "ceterms:name": "C"},
        [[[[[[[[{"@type": "ceterms:Course", "ceterms:name": "D"}]]]]]]]],
        {"@type": "ceterms:Course", "ceterms:name": {"en": 5}, "ceterms:ownedBy": 7},
    ],
)  # fmt: skip
def test_malformed_records_give_a_report_not_a_traceback(tmp_path, folder, record):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    report = run_import([path], folder, dry_run=True)
    assert all("\n" not in line for line in report.lines)
    assert report.lines or report.created


def test_a_string_price_is_read_and_other_records_are_named(tmp_path, folder):
    graph = {"@graph": [
        {"@type": "ceterms:Course", "ceterms:name": "Costed",
         "ceterms:estimatedCost": [{"ceterms:price": "650", "ceterms:currency": "Euro"}]},
        {"@type": "ceterms:ConditionManifest", "ceterms:name": "Other"},
    ]}  # fmt: skip
    path = tmp_path / "g.json"
    path.write_text(json.dumps(graph), encoding="utf-8")
    report = run_import([path], folder)
    assert report.lines[0] == (
        "g.json: 1 of its 2 records are not a course, program or credential (no such @type) "
        "and were passed over"
    )
    entry = front(folder / "credentials/costed.md")
    assert entry["cost"] == 650 and entry["currency"] == "EUR"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('columns = "x"', 'columns: expected a [columns] table of "header" = "field"'),
        ('columns = ["a"]', 'columns: expected a [columns] table of "header" = "field"'),
        ("values = 3", "values: expected [values.<field>] tables"),
        ('[values]\ndelivery = "x"', '[values.delivery]: expected a table of "cell text"'),
    ],
)
def test_a_map_of_the_wrong_shape_is_named(tmp_path, folder, text, message):
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MapError, match=message.replace("[", r"\[").replace(".", r"\.")):
        run_import([], folder, path)


def test_a_content_folder_that_is_not_there_is_named(tmp_path):
    with pytest.raises(SheetError, match="no such content folder"):
        run_import([sheet(tmp_path, "x")], tmp_path / "nowhere")


def test_money_and_numbers_as_people_write_them(tmp_path, folder):
    path = sheet(
        tmp_path,
        ROW.format(title="Euro", hours="1.500", weeks="0.500", cost='"650 €"'),
        ROW.format(title="Dollar", hours="40", weeks="6", cost='"US$1,250.00"'),
        ROW.format(title="Comma", hours="40", weeks="6", cost='"1.250,50"'),
    )
    run_import([path], folder)
    euro = front(folder / "credentials/euro.md")
    assert (euro["hours"], euro["weeks"], euro["cost"], euro["currency"]) == (1.5, 0.5, 650, "EUR")
    dollar = front(folder / "credentials/dollar.md")
    assert (dollar["cost"], dollar["currency"]) == (1250, "USD")
    assert front(folder / "credentials/comma.md")["cost"] == 1250.5


def test_one_stray_byte_in_a_utf8_file_is_located_not_read_as_another_encoding(tmp_path, folder):
    path = tmp_path / "m.csv"
    path.write_bytes(
        (HEAD + "\n").encode() + "Sécurité,Sum.,Cedar,online,1,1,0,S,A\n".encode()
        + b"Caf\xe9,Sum.,Cedar,online,1,1,0,S,A\n"
    )  # fmt: skip
    with pytest.raises(SheetError, match=r"m.csv:3: byte \d+ is not UTF-8 though the rest"):
        run_import([path], folder)


def test_a_number_in_a_date_column_is_refused(tmp_path, folder):
    path = sheet(tmp_path, ROW.format(title="T", hours=1, weeks=1, cost=0) + ",2026",
                 head=HEAD + ",updated")  # fmt: skip
    report = run_import([path], folder)
    assert report.lines == ["s.csv:2: updated: expected a date as YYYY-MM-DD; got '2026'"]


def test_data_under_a_blank_heading_is_named(tmp_path, folder):
    path = sheet(tmp_path, "T,,Cedar,keep me", head="title,,issuer,")
    report = run_import([path], folder, dry_run=True)
    assert report.lines[0].endswith(": (no heading, column 4)")


def test_a_dry_run_refuses_what_the_run_would(tmp_path, folder):
    ctid = "ce-11111111-1111-4111-8111-111111111111"
    path = sheet(
        tmp_path,
        ROW.format(title="One", hours=1, weeks=1, cost=0) + f",{ctid},",
        ROW.format(title="Two", hours=1, weeks=1, cost=0) + f",{ctid},",
        ROW.format(title="Three", hours=1, weeks=1, cost=0) + ",,x",
        ROW.format(title="Four", hours=1, weeks=1, cost=0) + ",,x",
        head=HEAD + ",ctid,slug",
    )
    dry = run_import([path], folder, dry_run=True)
    real = run_import([path], folder)
    assert (dry.created, dry.refused) == (real.created, real.refused) == (2, 2)
    assert "s.csv:5: slug 'x' is another row's too" in real.lines


def test_update_keeps_windows_line_ends_and_refuses_a_file_that_is_not_utf8(tmp_path, folder):
    crlf = folder / "credentials/beta.md"
    crlf.write_bytes(b"---\r\ntitle: Beta\r\nhours: 4  # kept\r\n---\r\nBody\r\n")
    path = sheet(tmp_path, "Beta,5", head="title,hours")
    assert run_import([path], folder, update=True).updated == 1
    assert crlf.read_bytes() == b"---\r\ntitle: Beta\r\nhours: 5  # kept\r\n---\r\nBody\r\n"
    assert run_import([path], folder, update=True).unchanged == 1
    latin = folder / "credentials/cafe.md"
    latin.write_bytes(b"---\ntitle: Cafe\nhours: 4\n---\nCaf\xe9\n")
    report = run_import([sheet(tmp_path, "Cafe,5", head="title,hours")], folder, update=True)
    assert report.refused == 1 and "byte 33 of the file is not UTF-8" in report.lines[0]
    assert latin.read_bytes() == b"---\ntitle: Cafe\nhours: 4\n---\nCaf\xe9\n"


def test_long_cells_line_breaks_and_their_rows_place(tmp_path, folder):
    long = "x" * 200_000
    path = sheet(
        tmp_path,
        'T,"line one\r\nline two",Cedar Ridge College,online,1,1,0,S,A',
        f"Long,Sum.,Cedar Ridge College,online,1,1,bad,S,{long}",
    )
    report = run_import([path], folder)
    assert front(folder / "credentials/t.md")["summary"] == "line one\nline two"
    assert report.lines[-1] == "s.csv:4: cost: expected a number or \"free\"; got 'bad'"


def test_an_upload_named_in_other_letters_keeps_its_type(tmp_path):
    from catalogue.web import create_app

    content = tmp_path / "content"
    (content / "credentials").mkdir(parents=True)
    client = create_app(content, cms_api=True, index_dir=tmp_path / "i").test_client()
    data = {"file": (io.BytesIO(b"title,hours\nT,1\n"), "课程.csv")}
    page = client.post(
        "/admin/import/", base_url="http://localhost", data=data,
        headers={"Origin": "http://localhost"}, content_type="multipart/form-data",
    )  # fmt: skip
    assert page.status_code == 200
    assert "would be created" in page.get_data(as_text=True)
