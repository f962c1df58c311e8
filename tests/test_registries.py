"""Open Badges 3.0, CTDL and ELM files for every entry: valid by the registries' own
schemas, the same bytes every time, never for drafts, and the same in the static build."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import uuid

import pytest

from catalogue.web import create_app

from .conftest import BASE, DATA, DEMO, ROOT
from .ctdl_check import check as ctdl_check
from .registries import SCHEMAS, elm_problems, ob3_errors

FORMS = {"ob3": "ob3.json", "ctdl": "ctdl.json", "elm": "elm.jsonld"}
CATALOGUE_FILES = ["api/ob3.json", "api/ctdl.json", "api/elm.jsonld"]
# Credential Engine's grammar: "ce-" and a version 4 UUID, lower case.
CTID_V4 = re.compile(r"ce-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def live(demo_app):
    return demo_app.test_client()


def published(demo_catalogue):
    return [e for e in demo_catalogue.entries if not e.draft]


def get_json(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.get_data())


def test_every_entry_is_an_open_badges_achievement(live, demo_catalogue):
    for entry in published(demo_catalogue):
        achievement = get_json(live, f"/api/credentials/{entry.slug}.ob3.json")
        assert ob3_errors(achievement) == [], entry.slug
        assert achievement["criteria"]["narrative"] == entry.assessment
        skills = [a for a in achievement["alignment"] if a["targetType"] == "ceasn:Competency"]
        assert [a["targetName"] for a in skills] == [s.name for s in entry.skills]
        stacks = [a for a in achievement["alignment"] if a["targetType"] == "ceterms:Credential"]
        assert [a["targetName"] for a in stacks] == entry.stacks_into
        assert achievement["creator"]["name"] == entry.issuer
        assert achievement["inLanguage"] == entry.language[0]
    bulk = get_json(live, "/api/ob3.json")
    assert [a["name"] for a in bulk["achievements"]] == [e.title for e in published(demo_catalogue)]
    assert all(ob3_errors(a) == [] for a in bulk["achievements"])


def test_the_open_badges_schema_refuses_what_it_should(live):
    good = get_json(live, "/api/credentials/agri-dairy-herd-health-records.ob3.json")
    assert good["achievementType"] == "Badge"  # "digital badge"
    for change in (
        lambda a: a.pop("criteria"),
        lambda a: a.update(achievementType="Microcredential"),
        lambda a: a.update(inLanguage="english"),
        lambda a: a["alignment"][0].pop("targetUrl"),
    ):
        bad = copy.deepcopy(good)
        change(bad)
        assert ob3_errors(bad), bad


# What Credential Engine's Registry Assistant requires of a credential.
CTDL_REQUIRED = [
    "ceterms:ctid",
    "ceterms:name",
    "ceterms:description",
    "ceterms:subjectWebpage",
    "ceterms:inLanguage",
    "ceterms:ownedBy",
    "ceterms:credentialStatusType",
]


def test_every_entry_is_a_ctdl_graph_in_ctdl_terms(live, demo_catalogue):
    for entry in published(demo_catalogue):
        document = get_json(live, f"/api/credentials/{entry.slug}.ctdl.json")
        errors, unstable = ctdl_check(document)
        assert (errors, unstable) == ([], []), entry.slug
        credential, *others = document["@graph"]
        assert credential["@type"] != "ceterms:Credential"
        assert [p for p in CTDL_REQUIRED if p not in credential] == [], entry.slug
        assert CTID_V4.fullmatch(credential["ceterms:ctid"])
        assert document["@id"].endswith("/graph/" + credential["ceterms:ctid"])
        ids = {node["@id"]: node for node in others}
        issuer = ids[credential["ceterms:ownedBy"][0]]
        assert issuer["@type"] == "ceterms:CredentialOrganization"
        assert issuer["ceterms:name"] == {entry.language[0]: entry.issuer}
        careers = credential.get("ceterms:occupationType", [])
        assert [c.get("ceterms:codedNotation") for c in careers] == [
            o.code for o in entry.occupations
        ]
        price = credential["ceterms:estimatedCost"][0]["ceterms:price"]
        assert price == entry.cost
        if entry.assessment_only:
            (target,) = credential["ceterms:requires"][0]["ceterms:targetAssessment"]
            assert ids[target]["@type"] == "ceterms:AssessmentProfile"
    bulk = get_json(live, "/api/ctdl.json")
    assert ctdl_check(bulk) == ([], [])
    kinds = [node["@type"] for node in bulk["@graph"]]
    assert len(kinds) - kinds.count("ceterms:CredentialOrganization") - kinds.count(
        "ceterms:AssessmentProfile"
    ) == len(published(demo_catalogue))
    assert len({node["@id"] for node in bulk["@graph"]}) == len(kinds)  # each node once


def test_the_ctdl_check_refuses_what_it_should(live):
    good = get_json(live, "/api/credentials/agri-dairy-herd-health-records.ctdl.json")
    for change in (
        lambda d: d["@graph"][0].update({"@type": "ceterms:MicroCredentialBadge"}),
        lambda d: d["@graph"][0]["ceterms:learningDeliveryType"][0].update(
            {"ceterms:targetNode": "deliveryType:Hybrid"}
        ),
        lambda d: d["@graph"][0].update({"ceterms:teaches": ["x"]}),
        lambda d: d["@graph"][0].update({"ceterms:ctid": "ce-NOT-A-UUID"}),
        lambda d: d["@graph"][0].update({"ceterms:name": "plain text"}),
    ):
        bad = copy.deepcopy(good)
        change(bad)
        assert ctdl_check(bad)[0], bad


def test_every_entry_is_an_elm_learning_opportunity(live, demo_catalogue):
    for entry in published(demo_catalogue):
        document = get_json(live, f"/api/credentials/{entry.slug}.elm.jsonld")
        assert elm_problems(document) == "", entry.slug
        spec = document["learningAchievementSpecification"]
        assert spec["volumeOfLearning"] == f"PT{entry.hours:g}H"
        assert [o["title"][entry.language[0]] for o in spec["learningOutcome"]] == [
            s.name for s in entry.skills
        ]
    bulk = get_json(live, "/api/elm.jsonld")
    assert len(bulk["@graph"]) == len(published(demo_catalogue))
    assert elm_problems(bulk) == ""


def test_the_elm_shapes_refuse_what_they_should(live):
    good = get_json(live, "/api/credentials/agri-dairy-herd-health-records.elm.jsonld")
    for change in (
        lambda d: d.pop("providedBy"),
        lambda d: d["providedBy"].pop("legalName"),
        lambda d: d.update(title="Dairy Herd Health Records"),  # no language
        lambda d: d["providedBy"]["location"]["address"]["countryCode"].update(
            {"@id": "http://publications.europa.eu/resource/authority/country/XYZ", "inScheme": {}}
        ),
    ):
        bad = copy.deepcopy(good)
        change(bad)
        assert elm_problems(bad), bad


def test_esco_skills_are_related_esco_skills(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    esco = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
    # two entries name the same ESCO skill in their own words
    for slug, name in [("alpha-data", "develop digital content"), ("delta-care", "Web content")]:
        entry = content / "credentials" / f"{slug}.md"
        text = entry.read_text().replace(
            "skills:\n", f"skills:\n  - name: {name}\n    uri: {esco}\n", 1
        )
        entry.write_text(text)
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    document = get_json(client, "/api/credentials/alpha-data.elm.jsonld")
    outcome = document["learningAchievementSpecification"]["learningOutcome"][0]
    assert outcome["relatedESCOSkill"]["@id"] == esco
    assert elm_problems(document) == ""
    assert elm_problems(get_json(client, "/api/elm.jsonld")) == ""
    achievement = get_json(client, "/api/credentials/alpha-data.ob3.json")
    assert achievement["alignment"][0]["targetUrl"] == esco
    assert ob3_errors(achievement) == []


def test_exports_are_the_same_bytes_in_another_process(live, demo_catalogue):
    slugs = [e.slug for e in published(demo_catalogue)][:5]
    urls = [f"/api/credentials/{s}.{ext}" for s in slugs for ext in FORMS.values()]
    urls += ["/" + name for name in CATALOGUE_FILES]
    here = {url: hashlib.sha256(live.get(url).get_data()).hexdigest() for url in urls}
    script = (
        "import hashlib, json, sys\n"
        "from catalogue.web import create_app\n"
        f"client = create_app({str(DEMO)!r}, index_dir=sys.argv[1]).test_client()\n"
        f"urls = {urls!r}\n"
        "print(json.dumps({u: hashlib.sha256(client.get(u).get_data()).hexdigest() "
        "for u in urls}))\n"
    )
    for run in range(2):  # a new process each time: another hash seed, a fresh start
        index = ROOT / ".pytest_cache" / f"registries-index-{run}"
        shutil.rmtree(index, ignore_errors=True)
        out = subprocess.run(
            [sys.executable, "-c", script, str(index)], capture_output=True, text=True, check=True
        )
        assert json.loads(out.stdout) == here


def test_drafts_are_never_exported(tmp_path, demo_catalogue):
    drafts = [e.slug for e in demo_catalogue.entries if e.draft]
    assert drafts
    client = create_app(DEMO, index_dir=tmp_path / "index", drafts=True).test_client()
    assert client.get(f"/credentials/{drafts[0]}/").status_code == 200  # served as a draft
    for slug in drafts:
        for extension in FORMS.values():
            assert client.get(f"/api/credentials/{slug}.{extension}").status_code == 404
    for name in CATALOGUE_FILES:
        text = client.get("/" + name).get_data(as_text=True)
        assert not any(f"/credentials/{slug}/" in text for slug in drafts), name


def test_static_build_holds_exactly_the_live_exports(frozen_demo, demo_catalogue):
    live = create_app(DEMO, index_dir=frozen_demo.parent / "registries-index").test_client()
    expected = {
        f"api/credentials/{e.slug}.{x}" for e in published(demo_catalogue) for x in FORMS.values()
    }
    expected |= set(CATALOGUE_FILES)
    built = {
        path.relative_to(frozen_demo).as_posix()
        for path in (frozen_demo / "api").rglob("*")
        if path.is_file() and any(path.name.endswith("." + x) for x in FORMS.values())
    } | {name for name in CATALOGUE_FILES if (frozen_demo / name).exists()}
    assert built == expected
    for name in sorted(expected):
        assert (frozen_demo / name).read_bytes() == live.get(
            "/" + name, base_url=BASE
        ).get_data(), name


def test_entry_page_links_every_format(live):
    html = live.get("/credentials/agri-dairy-herd-health-records/").get_data(as_text=True)
    for extension in ("json", *FORMS.values()):
        assert f'href="/api/credentials/agri-dairy-herd-health-records.{extension}"' in html


def test_ctids_are_pinned_or_derived_from_the_page_address(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    pinned = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
    entry = content / "credentials" / "beta-safety.md"
    entry.write_text(entry.read_text().replace("---\n", f"---\nctid: {pinned}\n", 1))
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    pinned_graph = get_json(client, "/api/credentials/beta-safety.ctdl.json")
    assert pinned_graph["@graph"][0]["ceterms:ctid"] == pinned
    derived = get_json(client, "/api/credentials/alpha-data.ctdl.json")["@graph"][0]
    page = "http://localhost/credentials/alpha-data/"
    name_based = uuid.uuid5(uuid.NAMESPACE_URL, page)
    assert derived["ceterms:ctid"] == f"ce-{uuid.UUID(bytes=name_based.bytes, version=4)}"
    assert CTID_V4.fullmatch(derived["ceterms:ctid"])
    elsewhere = get_json(client.application.test_client(), "/api/credentials/alpha-data.ctdl.json")
    assert elsewhere["@graph"][0]["ceterms:ctid"] == derived["ceterms:ctid"]
    moved = client.get("/api/credentials/alpha-data.ctdl.json", base_url="https://college.example/")
    assert json.loads(moved.get_data())["@graph"][0]["ceterms:ctid"] != derived["ceterms:ctid"]


def test_vendored_schemas_say_where_they_come_from():
    for folder in ("openbadges", "elm", "ctdl"):
        readme = (SCHEMAS / folder / "README.md").read_text(encoding="utf-8")
        assert re.search(r"\b[0-9a-f]{40}\b|https://", readme), folder


def test_two_entries_with_one_ctid_are_an_error(tmp_path):
    from catalogue.content import load

    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    pinned = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
    for slug in ("alpha-data", "beta-safety"):
        entry = content / "credentials" / f"{slug}.md"
        entry.write_text(entry.read_text().replace("---\n", f"---\nctid: {pinned}\n", 1))
    (error,) = load(content).errors
    assert str(error) == (
        f"{content}/credentials/beta-safety.md:2: ctid: {content}/credentials/alpha-data.md "
        "has the same CTID; each entry needs its own (remove the field to have one derived)"
    )


def test_with_a_base_url_identifiers_do_not_follow_the_host(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    settings = content / "site.toml"  # a key of its own goes before the [tables]
    settings.write_text('base_url = "https://college.example/micro/"\n' + settings.read_text())
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    graphs = [
        json.loads(client.get("/api/credentials/alpha-data.ctdl.json", base_url=base).get_data())
        for base in ("http://localhost/", "http://10.0.0.7:8000/", "https://www.college.example/")
    ]
    credentials = [graph["@graph"][0] for graph in graphs]
    assert len({c["ceterms:ctid"] for c in credentials}) == 1
    assert {c["ceterms:subjectWebpage"] for c in credentials} == {
        "https://college.example/micro/credentials/alpha-data/"
    }
    badge = json.loads(client.get("/api/credentials/alpha-data.ob3.json").get_data())
    assert badge["id"] == "https://college.example/micro/api/credentials/alpha-data.ob3.json"


def test_an_organisation_has_one_ctid_whether_it_issues_or_endorses(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    entry = content / "credentials" / "alpha-data.md"
    text = entry.read_text()
    issuer = next(line for line in text.splitlines() if line.startswith("issuer:"))
    name = issuer.split(":", 1)[1].strip()
    other = content / "credentials" / "delta-care.md"
    other.write_text(other.read_text().replace("partners:\n", f"partners:\n  - {name}\n", 1))
    graph = json.loads(
        create_app(content, index_dir=tmp_path / "i").test_client().get("/api/ctdl.json").get_data()
    )
    named = [n for n in graph["@graph"] if n.get("ceterms:name", {}).get("en") == name]
    assert len(named) == 1 and named[0]["@type"] == "ceterms:CredentialOrganization"
