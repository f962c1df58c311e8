"""`catalogue serve` reloads by itself: an edited entry shows up in the open page (and in
search), a broken one raises the content-error banner, and fixing it clears the banner."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DEMO
from .static_site import catalogue_serve

SLUG = "agri-dairy-herd-health-records"


@pytest.fixture()
def served(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEMO, content)
    with catalogue_serve(content, tmp_path / "cache") as (base, proc):
        yield content, base, proc


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def test_edits_show_up_in_the_open_page(served, browser):
    content, base, proc = served
    page = browser.new_page()
    page.goto(f"{base}credentials/{SLUG}/")
    assert page.locator("h1").inner_text() == "Dairy Herd Health Records"
    entry = content / "credentials" / f"{SLUG}.md"

    edit(entry, r"^title: .*$", 'title: "Dairy Herd Records for Vets"')
    expect(page.locator("h1")).to_have_text("Dairy Herd Records for Vets", timeout=15_000)
    # searchable at once: the index was updated with the entry
    page.goto(f"{base}search/?q=vets+dairy")
    assert page.locator(".card").first.get_attribute("data-slug") == SLUG

    # a mistake: every page says so, the error page names file, line and field
    other = content / "credentials" / "ev-sales-customer-advice.md"
    edit(other, r"^hours: .*$", "hours: lots")
    expect(page.locator(".content-alert")).to_be_visible(timeout=15_000)
    page.click(".content-alert a")
    assert re.search(r"ev-sales-customer-advice\.md:\d+: hours: expected a number", page.content())
    # fixed: the banner goes
    page.goto(base)
    edit(other, r"^hours: lots$", "hours: 15")
    expect(page.locator(".content-alert")).to_have_count(0, timeout=15_000)
    page.close()
    proc.terminate()
    log = proc.communicate(timeout=30)[0]
    assert "Traceback" not in log, log
    # each reload read only the file that changed and updated the index in place
    reloads = re.findall(r"reloaded in [\d.]+ s \((\w+) the index\): read (\d+) file", log)
    assert reloads and all(how == "updated" and n == "1" for how, n in reloads), log
