"""An editor at /admin/ in Chromium, against `catalogue serve`: the real Decap CMS creates,
edits and deletes an entry, the Markdown file follows, the site shows it, and an invalid
value is refused with the catalogue's own message."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from catalogue.content import load

from .conftest import DATA
from .editor import eventually, publish, signed_in
from .static_site import catalogue_serve

SLUG = "forklift-safety-refresher"


@pytest.fixture()
def served(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    with catalogue_serve(content, tmp_path / "cache") as (base, _):
        yield content, base


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def page_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()






def test_an_editor_creates_edits_and_deletes_an_entry(served, browser):
    content, base = served
    path = content / "credentials" / f"{SLUG}.md"
    with signed_in(browser, base) as page:
        create_edit_and_delete(page, content, base, path)


def create_edit_and_delete(page, content, base: str, path) -> None:
    """Make an entry in the form, change it, delete it; the file and the site follow."""
    page.get_by_text("Data Literacy for Managers").first.wait_for(timeout=20_000)

    # create
    page.goto(base + "admin/#/collections/credentials/new")
    field = lambda name: page.locator(f'[id^="{name}-field"]').first  # noqa: E731
    field("title").wait_for(timeout=20_000)
    field("title").fill("Forklift Safety Refresher")
    field("summary").fill("Operate a counterbalance forklift safely: checks, loads and people.")
    field("issuer").fill("Gamma School")
    field("delivery").focus()
    page.keyboard.type("In person")
    page.keyboard.press("Enter")
    field("hours").fill("12")
    field("weeks").fill("2")
    field("cost").fill("180")
    page.get_by_role("button", name="Add skills").click()
    page.locator('[id^="name-field"]').last.fill("Pre-use forklift inspection")
    field("assessment").fill("A supervised practical on the training floor, checklist signed.")
    # the description opens in Markdown mode: what is typed is saved as written
    page.locator('[contenteditable="true"]').last.click()
    page.keyboard.type("Bring **steel-toe boots**.")
    publish(page)
    page.wait_for_url(f"**/entries/{SLUG}", timeout=20_000)
    eventually(path.exists)
    catalogue = load(content)
    assert catalogue.errors == []
    entry = catalogue.get(SLUG)
    assert (entry.delivery, entry.hours, entry.cost) == ("in-person", 12, 180)
    assert [s.name for s in entry.skills] == ["Pre-use forklift inspection"]
    assert entry.updated == dt.date.today()  # as `catalogue new` dates a new entry
    assert "Bring **steel-toe boots**." in path.read_text()
    check = subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "check", str(content)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and ", 0 errors," in check.stdout
    eventually(lambda: status_of(f"{base}credentials/{SLUG}/") == 200)

    # edit
    field("hours").fill("14")
    publish(page)
    eventually(lambda: "hours: 14" in path.read_text())
    eventually(lambda: ">14</dd>" in page_text(f"{base}credentials/{SLUG}/"))

    # an invalid value: the catalogue's message, and the file as it was
    before = path.read_text()
    field("hours").fill("0")
    publish(page)
    message = page.get_by_text("hours: must be more than 0; got 0")
    message.wait_for(timeout=20_000)
    assert f"credentials/{SLUG}.md:" in message.inner_text()
    assert path.read_text() == before

    # delete
    page.get_by_role("button", name="Delete entry").click()
    eventually(lambda: not path.exists())
    eventually(lambda: status_of(f"{base}credentials/{SLUG}/") == 404)
    page.close()
