"""Pathways as content (content/pathways/*.md) and occupations: what `catalogue check`
says of them, the pages, and ticking what a learner already holds."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from catalogue.content import load
from catalogue.web import create_app

from .conftest import DATA

PATHWAY = """---
title: Certificate in Applied Data Work
issuer: Alpha College
summary: Three micro-credentials add up to a certificate in working with data.
credential: certificate
requires:
  - alpha-data
  - gamma-cloud
electives:
  choose: 1
  from: [delta-care, epsilon-books, zeta-grid]
url: https://alpha.example/certificates/data
---
Take both required micro-credentials, then one elective.
"""


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(DATA / "search", folder)
    (folder / "pathways").mkdir()
    (folder / "pathways" / "applied-data-work.md").write_text(PATHWAY)
    return folder


def write(content, text: str, name: str = "applied-data-work.md"):
    (content / "pathways" / name).write_text(text)
    return str(content / "pathways" / name)


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "  - gamma-cloud",
            "  - gamma-clouds",
            8,
            "requires: 'gamma-clouds' names no entry in credentials/",
        ),
        (
            "  choose: 1",
            "  choose: 4",
            10,
            "electives: choose: 4 is more than the 3 electives listed in from",
        ),
        (
            "  choose: 1",
            "  choose: none",
            10,
            "electives: choose: expected a whole number of at least 1; got 'none'",
        ),
        (
            "credential: certificate",
            "credentail: certificate",
            5,
            "credentail: unknown field; did you mean 'credential'?",
        ),
        ("title: Certificate in Applied Data Work\n", "", 1, "title: required field is missing"),
        (
            "  from: [delta-care, epsilon-books, zeta-grid]",
            "  from: [delta-care, delta-care]",
            11,
            "electives: lists 'delta-care' twice; keep one",
        ),
    ],
)
def test_a_broken_pathway_is_an_error_at_its_line(content, old, new, line, message):
    path = write(content, PATHWAY.replace(old, new))
    errors = [str(e) for e in load(content).errors]
    assert f"{path}:{line}: {message}" in errors, errors


def test_a_good_pathway_loads_and_a_missing_file_name_slug_is_refused(content):
    catalogue = load(content)
    assert catalogue.errors == []
    (pathway,) = catalogue.pathway_files
    assert [r.slug for r in pathway.requires] == ["alpha-data", "gamma-cloud"]
    assert pathway.electives.choose == 1 and len(pathway.electives.options) == 3
    write(content, PATHWAY, "Bad Name.md")
    assert any("does not make a valid slug" in str(e) for e in load(content).errors)


def test_the_pathway_page_shows_requirements_totals_and_what_is_not_available(content, tmp_path):
    gamma = content / "credentials" / "gamma-cloud.md"
    gamma.write_text(gamma.read_text().replace("---\n", "---\ndraft: true\n", 1))
    catalogue = load(content)
    entries = {e.slug: e for e in catalogue.entries}
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    html = client.get("/pathways/applied-data-work/").get_data(as_text=True)
    required = html.split("<h2>Required</h2>")[1].split("</ol>")[0]
    assert re.findall(r'data-slug="([^"]+)"', required) == ["alpha-data"]
    assert "A micro-credential to come" in required and "Not yet available" in required
    assert entries["gamma-cloud"].title not in html  # a draft says nothing of itself
    electives = html.split("Electives: choose 1")[1].split("</ul>")[0]
    assert re.findall(r'data-slug="([^"]+)"', electives) == [
        "delta-care",
        "epsilon-books",
        "zeta-grid",
    ]
    hours = sorted(entries[s].hours for s in ("delta-care", "epsilon-books", "zeta-grid"))
    least, most = entries["alpha-data"].hours + hours[0], entries["alpha-data"].hours + hours[-1]
    assert f"{least:g} h to {most:g} h" in html
    assert "Totals leave out what is not yet available." in html
    assert 'src="/static/js/pathway.js"' in html
    # the draft's own pages stay unpublished
    assert client.get("/credentials/gamma-cloud/").status_code == 404


def test_stacks_into_may_name_a_pathway_by_slug(content, tmp_path):
    alpha = content / "credentials" / "alpha-data.md"
    text = alpha.read_text()
    text = re.sub(r"stacks_into:\n(  - .*\n)+", "", text)
    alpha.write_text(text.replace("---\n", "---\nstacks_into:\n  - applied-data-work\n", 1))
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    page = client.get("/credentials/alpha-data/").get_data(as_text=True)
    assert '<a href="/pathways/applied-data-work/">Certificate in Applied Data Work</a>' in page
    index = client.get("/pathways/").get_data(as_text=True)
    assert index.count('href="/pathways/applied-data-work/"') == 1
    # an entry a pathway requires counts towards it without naming it
    delta = client.get("/credentials/delta-care/").get_data(as_text=True)
    assert '<a href="/pathways/applied-data-work/">Certificate in Applied Data Work</a>' in delta


OCCUPATIONS = """occupations:
  - code: "21223"
    name: Database analysts and data administrators
  - Business analysts
"""


def test_occupations_are_checked_shown_browsed_and_exported(content, tmp_path):
    alpha = content / "credentials" / "alpha-data.md"
    alpha.write_text(alpha.read_text().replace("---\n", "---\n" + OCCUPATIONS, 1))
    assert load(content).errors == []
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    data = json.loads(client.get("/api/credentials/alpha-data.json").get_data())
    assert data["occupations"] == [
        {"name": "Database analysts and data administrators", "code": "21223"},
        "Business analysts",
    ]
    page = client.get("/credentials/alpha-data/").get_data(as_text=True)
    assert "Careers it prepares you for" in page and "(NOC 2021 21223)" in page
    browse = client.get("/browse/occupations/business-analysts/").get_data(as_text=True)
    assert 'data-slug="alpha-data"' in browse
    home = client.get("/").get_data(as_text=True)
    assert "Browse by career" in home and "/browse/occupations/business-analysts/" in home
    found = json.loads(client.get("/api/search.json?occupations=Business+analysts").get_data())
    assert [r["slug"] for r in found["results"]] == ["alpha-data"]
    # a code that is not the scheme's: an error at its line
    alpha.write_text(alpha.read_text().replace('"21223"', '"2122"'))
    (error,) = load(content).errors
    assert str(error).endswith(
        "alpha-data.md:3: occupations: code '2122' of 'Database analysts and data "
        "administrators' is not a NOC 2021 code (five digits, such as 72106)"
    )
    settings = content / "site.toml"
    settings.write_text('occupation_scheme = "ISCO-08"\n' + settings.read_text())
    alpha.write_text(alpha.read_text().replace('"2122"', '"2521"'))
    assert load(content).errors == []


def test_ticking_what_a_learner_holds_in_the_static_site(demo_site, visit):
    page, response, seen = visit(f"{demo_site}pathways/certificate-in-community-health-support/")
    assert response.status == 200 and seen["errors"] == []
    summary = page.locator("#held-summary")
    before = summary.locator('[data-left="learning"]').inner_text()
    boxes = page.locator(".held-box")
    assert boxes.count() == 4
    steps = page.locator(".step[data-slug]")
    hours = [float(x) for x in steps.evaluate_all("s => s.map(e => e.dataset.learning)")]
    boxes.nth(0).check()
    after = summary.locator('[data-left="learning"]').inner_text()
    assert before != after and after.startswith(f"{hours[1] + min(hours[2:]):g}")
    page.reload()
    assert page.locator(".held-box").nth(0).is_checked()  # kept in the browser
    for i in range(4):
        page.locator(".held-box").nth(i).check()
    assert page.locator(".held-done").is_visible()


def test_electives_left_empty_are_none_and_a_pathway_of_drafts_is_not_shown(content, tmp_path):
    write(
        content,
        PATHWAY.replace(
            "electives:\n  choose: 1\n  from: [delta-care, epsilon-books, zeta-grid]", "electives:"
        ),
    )
    catalogue = load(content)
    assert catalogue.errors == [] and catalogue.pathway_files[0].electives is None
    only_drafts = PATHWAY.replace("  - alpha-data\n  - gamma-cloud\n", "  - gamma-cloud\n")
    only_drafts = only_drafts.replace(
        "electives:\n  choose: 1\n  from: [delta-care, epsilon-books, zeta-grid]\n", ""
    )
    write(content, only_drafts)
    gamma = content / "credentials" / "gamma-cloud.md"
    gamma.write_text(gamma.read_text().replace("---\n", "---\ndraft: true\n", 1))
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    assert client.get("/pathways/applied-data-work/").status_code == 404
    assert "applied-data-work" not in client.get("/pathways/").get_data(as_text=True)


@pytest.mark.parametrize("written", ["{}", "\n  choose:\n  from: []", "\n  choose: ''\n  from:"])
def test_electives_with_every_part_empty_are_none(content, written):
    """What the editor at /admin/ may write when the electives were opened and emptied."""
    old = "electives:\n  choose: 1\n  from: [delta-care, epsilon-books, zeta-grid]"
    write(content, PATHWAY.replace(old, f"electives: {written}"))
    catalogue = load(content)
    assert catalogue.errors == [] and catalogue.pathway_files[0].electives is None
    write(content, PATHWAY.replace(old, "electives:\n  choose: 1\n  from: []"))
    errors = [str(e) for e in load(content).errors]
    assert any(
        e.endswith(":10: electives: choose: 1 is more than the 0 electives listed in from")
        for e in errors
    )


def test_a_start_date_listed_twice_is_an_error(content):
    beta = content / "credentials" / "beta-safety.md"
    text = beta.read_text()
    first = re.search(r"start:\n  - (\S+)", text).group(1)
    beta.write_text(text.replace("start:\n", f"start:\n  - {first}\n", 1))
    assert any(f"lists '{first}' twice" in str(e) for e in load(content).errors)
