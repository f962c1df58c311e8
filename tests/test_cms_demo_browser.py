"""Every entry of the demo catalogue in the editor at /admin/, in Chromium against `catalogue
serve`: each opens on a fresh page load with its own values, and a one-field change saved
through the form changes that field alone in the file's data, whatever form the file holds
its fields in (`start: on-demand` or dates, skills as text or {name, uri}, `language: en`
or a list, careers coded or plain)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from .editor import eventually, publish, signed_in
from .static_site import catalogue_serve

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
CRASH = "There's been an error"  # Decap's crash screen
# A demo entry rewritten in the forms the demo does not use: a language list, plain careers,
# a skill with a name only, no partners.
VARIANT = "variant-forms"


def split(path: Path) -> tuple[dict, str]:
    """The file's front matter as data (PyYAML, as the loader reads it) and its body."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body




@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo content folder, plus the variant entry, served by `catalogue serve`."""
    tmp = tmp_path_factory.mktemp("demo")
    content = tmp / "content"
    shutil.copytree(DEMO, content)
    data, body = split(content / "credentials" / "agri-dairy-herd-health-records.md")
    data |= {
        "title": "Variant Forms of Herd Records",
        "language": ["en", "fr"],
        "occupations": ["Managers in agriculture", {"name": "Dairy herd workers"}],
        "skills": [{"name": "Recording treatments"}, "Tracking mastitis"],
        "start": [dt.date(2027, 1, 11), dt.date(2027, 3, 8)],
    }
    del data["partners"]
    text = "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body
    (content / "credentials" / f"{VARIANT}.md").write_text(text, encoding="utf-8")
    with catalogue_serve(content, tmp / "cache") as (base, _):
        yield content, base


@pytest.fixture(scope="module")
def editor(demo, browser):
    """One page of the editor, signed in to the local backend."""
    content, base = demo
    with signed_in(browser, base) as page:
        yield page


def open_fresh(page, base: str, slug: str):
    """Open the entry's form on a fresh page load (not by navigating inside the editor,
    where Decap may keep the previous entry's state); return its title field."""
    page.goto("about:blank")
    page.goto(f"{base}admin/#/collections/credentials/entries/{slug}")
    title = page.locator('[id^="title-field"]').first
    title.wait_for(timeout=20_000)
    return title


def test_every_demo_entry_opens_with_its_own_values_and_saves(demo, editor):
    """Each entry, on a fresh page load: its own title, hours and count of skills, no crash
    screen; then its hours changed and published through the form change `hours` alone in
    the file's data (and `updated`, which every save in the editor sets), body untouched."""
    content, base = demo
    files = sorted((content / "credentials").glob("*.md"))
    assert len(files) == 65  # the demo's 64 and the variant
    assert len(shapes(content)) == 9  # every form the files hold their fields in
    today = dt.date.today()
    failed = []
    for path in files:
        data, body = split(path)
        title = open_fresh(editor, base, path.stem)
        hours = editor.locator('[id^="hours-field"]').first
        skills = editor.locator('[id^="skills-field"]').first.inner_text().split("\n")[0]
        shown = (title.input_value(), float(hours.input_value()), skills)
        wanted = (data["title"], data["hours"], f"{len(data['skills'])} skills")
        if CRASH in editor.content() or shown != wanted:
            failed.append(f"{path.name}: opened as {shown}")
            continue
        hours.fill(str(data["hours"] + 1))
        publish(editor)
        eventually(lambda: split(path)[0]["hours"] != data["hours"])  # noqa: B023
        after, body_after = split(path)
        changed = {k for k in data.keys() | after.keys() if data.get(k) != after.get(k)}
        if changed - {"updated"} != {"hours"} or after.get("updated") != today:
            failed.append(f"{path.name}: the save changed {sorted(changed)}")
        elif body_after.strip() != body.strip():
            failed.append(f"{path.name}: the save changed the body")
    assert failed == []


def shapes(content: Path) -> dict[str, str]:
    """A demo entry for each form its files hold fields in: shape -> slug."""
    found = {}
    for path in sorted((content / "credentials").glob("*.md")):
        data, _ = split(path)
        skills = {type(s).__name__ for s in data["skills"]}
        occupations = {type(o).__name__ for o in data.get("occupations", [])}
        for shape, present in (
            ("on-demand start", data.get("start") == "on-demand"),
            ("dated start", isinstance(data.get("start"), list)),
            ("skills as text and {name, uri}", skills == {"str", "dict"}),
            ("skills as text only", skills == {"str"}),
            ("language as one code", isinstance(data.get("language"), str)),
            ("language as a list", isinstance(data.get("language"), list)),
            ("careers coded", occupations == {"dict"}),
            ("careers plain", "str" in occupations),
            ("a draft", data.get("draft") is True),
        ):
            if present:
                found.setdefault(shape, path.stem)
    return found




def test_an_optional_field_emptied_is_left_out(demo, editor):
    content, base = demo
    path = content / "credentials" / "agri-soil-health-testing.md"
    before, body = split(path)
    assert before["framework"] == "ESCO"
    open_fresh(editor, base, path.stem)
    editor.locator('[id^="framework-field"]').first.fill("")
    publish(editor)
    eventually(lambda: "framework" not in split(path)[0])
    after, body_after = split(path)
    assert {k: v for k, v in before.items() if k not in ("framework", "updated")} == {
        k: v for k, v in after.items() if k != "updated"
    }
    assert body_after.strip() == body.strip()


def test_an_entry_reached_inside_the_editor_shows_its_own_values(demo, editor):
    """From an on-demand entry to one with dates, by the collection's list, not a reload."""
    content, base = demo
    open_fresh(editor, base, "agri-dairy-herd-health-records")  # start: on-demand
    editor.evaluate("location.hash = '#/collections/credentials'")  # the list, same page
    editor.get_by_text("Soil Health Testing for Growers").first.click()
    title = editor.locator('[id^="title-field"]').first
    title.wait_for(timeout=20_000)
    data, _ = split(content / "credentials" / "agri-soil-health-testing.md")
    hours = editor.locator('[id^="hours-field"]').first
    skills = editor.locator('[id^="skills-field"]').first.inner_text().split("\n")[0]
    assert (title.input_value(), float(hours.input_value()), skills) == (
        data["title"],
        data["hours"],
        f"{len(data['skills'])} skills",
    )
    assert CRASH not in editor.content()


def test_start_dates_added_to_an_on_demand_entry_and_taken_away(demo, editor):
    content, base = demo
    path = content / "credentials" / "business-bookkeeping-fundamentals.md"
    assert split(path)[0]["start"] == "on-demand"
    open_fresh(editor, base, path.stem)
    editor.get_by_role("button", name="Add start").click()
    editor.locator('[id^="date-field"]').last.fill("2027-05-03")
    publish(editor)
    eventually(lambda: split(path)[0]["start"] == [dt.date(2027, 5, 3)])
    # (on a fresh load: after a save, Decap compares the form with the entry as first read)
    open_fresh(editor, base, path.stem)
    start = editor.locator('[id^="start-field"]').first
    start.locator('button[class*="TopBarButton"]').last.click()  # the date's remove button
    publish(editor)
    eventually(lambda: split(path)[0]["start"] == "on-demand")


def test_a_skill_added_by_name_is_written_as_text_beside_the_others(demo, editor):
    content, base = demo
    path = content / "credentials" / "agri-dairy-herd-health-records.md"
    before, _ = split(path)
    assert {type(s) for s in before["skills"]} == {str, dict}
    open_fresh(editor, base, path.stem)
    editor.get_by_role("button", name="Add skills").click()
    skills = editor.locator('[id^="skills-field"]').first
    skills.locator('[id^="name-field"]').last.fill("Reading milk recording reports")
    publish(editor)
    eventually(lambda: len(split(path)[0]["skills"]) == len(before["skills"]) + 1)
    assert split(path)[0]["skills"] == [*before["skills"], "Reading milk recording reports"]
