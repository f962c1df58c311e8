"""`catalogue import` of registry records: Credential Engine's own CTDL examples, and the
CTDL and Open Badges files this catalogue exports."""

from __future__ import annotations

import json

import pytest
import yaml

from catalogue import content
from catalogue.importing import SheetError, run_import
from catalogue.importing.records import duration

from .conftest import DATA, DEMO

CTDL = DATA / "import" / "ctdl"


def front(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "content" / "credentials").mkdir(parents=True)
    return tmp_path / "content"


def test_a_program_graph_and_its_organisation_file(folder):
    report = run_import(
        [CTDL / "LearningProgram-1-graph.json", CTDL / "Organization-1.json"], folder
    )
    assert report.refused == 0
    course = front(folder / "credentials/personal-growth-mastery.md")
    assert course["issuer"] == "Example University"  # from the organisation file, by @id
    assert course["delivery"] == "online" and course["cost"] == 995
    assert course["currency"] == "USD"  # written "US Dollar" in the record
    assert course["language"] == "en" and course["ctid"].startswith("ce-7160aae4")
    assert course["occupations"][0] == {"code": "15-1131.00", "name": "Computer Programmers"}
    assert course["draft"] is True  # no hours, skills or assessment in the record
    assert (
        "LearningProgram-1-graph.json: record 2 (Personal Growth Mastery): occupations: "
        "'Computer Programmers' is listed twice; kept once"
    ) in report.lines
    assert "created credentials/personal-growth-mastery.md as a draft; missing: hours, weeks, " \
        "skills, assessment" in report.lines  # fmt: skip
    pathway = front(folder / "pathways/lifelong-learning-accelerator.md")
    assert pathway["requires"] == [
        "personal-growth-mastery", "digital-skills-revolution",
        "leadership-and-innovation-excellence",
    ]  # fmt: skip
    assert pathway["issuer"] == "Example University"
    assert not (folder / "credentials/lifelong-learning-accelerator.md").exists()
    catalogue = content.load(folder)
    missing = sorted((e.path.rsplit("/", 1)[-1], e.field) for e in catalogue.errors)
    assert ("personal-growth-mastery.md", "hours") in missing
    assert all(message == "required field is missing" for message in
               {e.message for e in catalogue.errors})  # fmt: skip


def test_without_the_organisation_file_the_issuer_is_left_to_fill_in(folder):
    report = run_import([CTDL / "Course-1b.json"], folder)
    assert report.lines == [
        "created credentials/digital-skills-revolution.md as a draft; missing: issuer, "
        "delivery, hours, weeks, skills, assessment"
    ]


def test_a_degree_without_cost_or_duration_becomes_a_draft(folder):
    report = run_import([CTDL / "Credential-1.json", CTDL / "Organization-1.json"], folder)
    assert report.created == report.drafts == 1
    degree = front(folder / "credentials/bachelor-of-science-in-cybersecurity.md")
    assert degree["credential"] == "bachelor degree"
    assert degree["url"] == "http://example.com/#bachelordegree"
    assert "cost" not in degree and "hours" not in degree


def test_our_own_ctdl_and_open_badges_exports_import_back(tmp_path, demo_app):
    client = demo_app.test_client()
    demo = {e.slug: e for e in content.load(DEMO).entries if not e.draft}
    for name in ("ctdl.json", "ob3.json"):
        path = tmp_path / name
        path.write_bytes(client.get(f"/api/{name}").data)
        folder = tmp_path / name.split(".")[0]
        (folder / "credentials").mkdir(parents=True)
        report = run_import([path], folder)
        assert report.refused == 0 and report.created == len(demo), name
        for slug, entry in demo.items():
            mine = front(folder / f"credentials/{slug}.md")
            assert mine["title"] == entry.title and mine["issuer"] == entry.issuer, slug
            assert mine["assessment"] == " ".join(entry.assessment.split()), slug
            skills = [s if isinstance(s, str) else s["name"] for s in mine["skills"]]
            assert skills == [s.name for s in entry.skills], slug
            uris = [s.get("uri") for s in mine["skills"] if isinstance(s, dict)]
            assert uris == [s.uri for s in entry.skills if s.uri], slug
            if name == "ctdl.json":
                assert mine["delivery"] == entry.delivery and mine["cost"] == entry.cost
                assert mine["weeks"] == entry.weeks and mine.get("url") == entry.url


@pytest.mark.parametrize(
    ("text", "expected"),
    [("PT40H", (40, None)), ("P6W", (None, 6)), ("P9M", (None, 39)), ("P1Y", (None, 52)),
     ("P2WT10H", (10, 2)), ("P14D", (None, 2)), ("P", (None, None)), ("six weeks", (None, None))],
)  # fmt: skip
def test_iso_8601_durations(text, expected):
    assert duration(text) == expected


def test_a_file_that_is_not_json_is_named(tmp_path, folder):
    bad = tmp_path / "records.json"
    bad.write_text("[" * 100000, encoding="utf-8")
    with pytest.raises(SheetError, match=r"records.json: not a JSON file"):
        run_import([bad], folder)


def test_text_in_another_language_is_named_not_dropped_silently(tmp_path, folder):
    record = {
        "@id": "https://college.example/1", "@type": "ceterms:Course",
        "ceterms:name": {"en": "Welding Basics", "fr": "Soudage de base"},
        "ceterms:description": {"en-CA": "Weld safely.", "fr-CA": "Souder en sécurité."},
    }  # fmt: skip
    path = tmp_path / "bilingual.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    report = run_import([path], folder)
    assert report.lines[0] == (
        "bilingual.json: record 1 (Welding Basics): the record's text in fr is not imported: "
        "the entry is written in en, the site's language"
    )
    assert front(folder / "credentials/welding-basics.md")["summary"] == "Weld safely."
