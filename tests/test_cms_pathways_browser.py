"""Pathways in the editor at /admin/, in Chromium against `catalogue serve`: one without
electives is saved, an entry a pathway requires cannot be deleted from under it, and two
entries with one title are told apart in the picker by their slugs."""

from __future__ import annotations

import shutil

import pytest

from catalogue.content import load

from .conftest import DATA
from .editor import eventually, publish, signed_in
from .static_site import catalogue_serve

PATHWAY = """---
title: Certificate in Data Work
issuer: Alpha College
summary: Two micro-credentials add up to the certificate.
credential: certificate
requires:
  - alpha-data
  - gamma-cloud
---
Who it is for.
"""


@pytest.fixture()
def served(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "pathways").mkdir()
    (content / "pathways" / "data-work.md").write_text(PATHWAY, encoding="utf-8")
    with catalogue_serve(content, tmp_path / "cache") as (base, _):
        yield content, base


@pytest.fixture()
def page(served, browser):
    _, base = served
    with signed_in(browser, base) as page:
        yield page




def field(page, name: str):
    return page.locator(f'[id^="{name}-field"]').first




def test_a_pathway_without_electives_is_saved(served, page):
    content, base = served
    page.goto(base + "admin/#/collections/pathways/new")
    field(page, "title").wait_for(timeout=20_000)
    field(page, "title").fill("Certificate in Safety")
    field(page, "issuer").fill("Beta Institute")
    field(page, "summary").fill("One micro-credential on electrical safety.")
    field(page, "requires").click()
    page.keyboard.type("Sécurité")
    page.get_by_role("option", name="Sécurité électrique au travail").click()
    publish(page)
    path = content / "pathways" / "certificate-in-safety.md"
    eventually(path.exists)
    catalogue = load(content)
    assert [str(e) for e in catalogue.errors] == []
    pathway = next(p for p in catalogue.pathway_files if p.slug == "certificate-in-safety")
    assert [r.slug for r in pathway.requires] == ["beta-safety"]
    assert pathway.electives is None


def test_two_entries_with_one_title_are_told_apart(served, page):
    content, base = served
    alpha = content / "credentials" / "alpha-data.md"
    copy = content / "credentials" / "alpha-data-1.md"  # as the editor names a second one
    copy.write_text(alpha.read_text(encoding="utf-8"), encoding="utf-8")
    (warning,) = [str(w) for w in load(content).warnings if w.field == "title"]
    assert warning == (
        f"{copy}:2: warning: title: 'Data Literacy for Managers' is also the title of {alpha}; "
        "learners, and the editor's pathway picker, cannot tell the two apart: give each its "
        "own title"
    )
    page.goto(base + "admin/#/collections/pathways/entries/data-work")
    field(page, "requires").wait_for(timeout=20_000)
    # the requirement already chosen shows which of the two it is
    page.get_by_text("Data Literacy for Managers (alpha-data)").wait_for(timeout=20_000)
    field(page, "requires").click()
    page.keyboard.type("Data Literacy")
    options = page.get_by_role("option")
    options.first.wait_for(timeout=20_000)
    assert sorted(options.all_inner_texts()) == ["Data Literacy for Managers (alpha-data-1)"]


def test_an_entry_a_pathway_requires_is_not_deleted(served, page):
    content, base = served
    page.on("dialog", lambda dialog: dialog.accept())  # Decap's "are you sure?"
    page.goto(base + "admin/#/collections/credentials/entries/alpha-data")
    field(page, "title").wait_for(timeout=20_000)
    page.get_by_role("button", name="Delete entry").click()
    message = page.get_by_text("pathways/data-work.md (Certificate in Data Work) names it")
    message.wait_for(timeout=20_000)
    assert "take it out of the pathway first" in message.inner_text()
    assert (content / "credentials" / "alpha-data.md").exists()


def test_a_slug_that_names_no_entry_is_shown_and_kept(served, page):
    content, base = served
    path = content / "pathways" / "data-work.md"
    path.write_text(PATHWAY.replace("  - gamma-cloud\n", "  - gamma-cloud\n  - gone-entry\n"))
    page.goto(base + "admin/#/collections/pathways/entries/data-work")
    note = page.get_by_role("alert").filter(has_text="Names no entry")
    note.wait_for(timeout=20_000)
    assert "gone-entry" in note.inner_text()
    # a change in the picker keeps the slug it could not show: the save is refused for it
    field(page, "requires").click()
    page.keyboard.type("Bookkeeping")
    page.get_by_role("option", name="Bookkeeping Basics (epsilon-books)").click()
    publish(page)
    page.get_by_text("requires: 'gone-entry' names no entry in credentials/").wait_for()
    assert "gone-entry" in path.read_text() and "epsilon-books" not in path.read_text()
    # and it goes only when the editor takes it out
    page.get_by_role("button", name="Remove gone-entry").click()
    publish(page)
    eventually(lambda: "gone-entry" not in path.read_text())
    assert "  - epsilon-books\n" in path.read_text() and "  - alpha-data\n" in path.read_text()
    assert [str(e) for e in load(content).errors] == []
