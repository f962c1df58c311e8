"""The spreadsheet import at /admin/import/ under `catalogue serve`: upload, read the dry
run, confirm; refused from another site's page, absent from a public server."""

from __future__ import annotations

import io
import re
import shutil
import urllib.error

import pytest

from catalogue.web import create_app

from .conftest import DATA
from .editor import eventually, signed_in
from .static_site import catalogue_serve
from .test_cms_browser import page_text

ROWS = (
    "title,summary,issuer,delivery,hours,weeks,cost,skills,assessment\n"
    "Forklift Safety,Operate a forklift safely.,Cedar Ridge College,In person,40 hrs,6,"
    '"$1,250.00",Load handling,A practical test.\n'
    "Broken,Costs unknown.,Cedar Ridge College,online,10,2,TBD,Budgeting,A quiz.\n"
)
LOCAL = "http://localhost"


@pytest.fixture()
def editor(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    app = create_app(content, cms_api=True, index_dir=tmp_path / "index")
    return content, app.test_client()


def post(client, data, origin=LOCAL):
    return client.post(
        "/admin/import/", base_url=LOCAL, headers={"Origin": origin}, data=data,
        content_type="multipart/form-data",
    )  # fmt: skip


def test_upload_read_the_dry_run_then_import(editor):
    content, client = editor
    upload = {"file": (io.BytesIO(ROWS.encode()), "programs.csv")}
    page = post(client, upload).get_data(as_text=True)
    assert "1 would be created (0 as drafts), 0 would be updated, 0 unchanged, 0 skipped, " \
        "1 refused" in page  # fmt: skip
    assert "programs.csv:3: cost: expected a number or &#34;free&#34;; got &#39;TBD&#39;" \
        in page  # fmt: skip
    assert not (content / "credentials/forklift-safety.md").exists()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert (
        post(client, {"token": token, "confirm": "yes"}, "http://evil.example").status_code == 403
    )
    assert not (content / "credentials/forklift-safety.md").exists()
    done = post(client, {"token": token, "confirm": "yes"}).get_data(as_text=True)
    assert "1 created (0 as drafts)" in done
    assert "cost: 1250\n" in (content / "credentials/forklift-safety.md").read_text()
    again = post(client, {"token": token, "confirm": "yes"})
    assert again.status_code == 410  # one confirmation an upload


def test_refused_uploads_say_why(editor):
    _, client = editor
    wrong = post(client, {"file": (io.BytesIO(b"x"), "notes.docx")})
    assert wrong.status_code == 422 and "Expected a .csv or .xlsx" in wrong.get_data(as_text=True)
    broken = post(client, {"file": (io.BytesIO(b"not a zip"), "programs.xlsx")})
    assert broken.status_code == 422
    assert "programs.xlsx: not an Excel workbook (.xlsx); save it again as one" in \
        broken.get_data(as_text=True)  # fmt: skip
    remote = client.post("/admin/import/", base_url="http://192.0.2.1", data={})
    assert remote.status_code == 403


def test_no_import_page_without_the_editor_backend(tmp_path):
    app = create_app(DATA / "search", index_dir=tmp_path / "index")
    assert app.test_client().get("/admin/import/").status_code == 404


def test_the_editor_links_the_import_only_where_it_saves_locally(editor):
    _, client = editor
    assert 'class="import-link" href="/admin/import/"' in client.get("/admin/").get_data(
        as_text=True
    )


def shown(url: str) -> str:
    """The page at `url`, or "" while the server has not taken the new entry in yet."""
    try:
        return page_text(url)
    except urllib.error.HTTPError:
        return ""


def test_an_editor_imports_a_spreadsheet_in_chromium(tmp_path, browser):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    sheet = tmp_path / "programs.csv"
    sheet.write_text(ROWS, encoding="utf-8")
    with catalogue_serve(content, tmp_path / "cache") as (base, _):
        with signed_in(browser, base) as editor:  # the editor's lists link the import
            link = editor.get_by_role("link", name="Import a spreadsheet")
            assert link.is_visible()
            editor.goto(base + "admin/#/collections/credentials/new")
            editor.locator('[id^="title-field"]').first.wait_for(timeout=20_000)
            assert not link.is_visible()  # never over a form being filled in
        page = browser.new_page()
        page.goto(base + "admin/import/")
        page.get_by_label("File to import").set_input_files(str(sheet))
        page.get_by_role("button", name="Check the file").click()
        page.get_by_text("What the import would do").wait_for()
        assert "1 refused" in page.inner_text("main")
        page.get_by_role("button", name="Import").click()
        page.get_by_role("heading", name="Done").wait_for()
        assert (content / "credentials/forklift-safety.md").exists()
        eventually(lambda: "Forklift Safety" in shown(base + "credentials/forklift-safety/"))
        page.close()
