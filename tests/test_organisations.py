"""Organisations in site.toml, what `catalogue check` says when an export would fall back,
and the schema.org data search engines read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from catalogue.content import load
from catalogue.exports.readiness import registry_warnings
from catalogue.web import create_app

from .conftest import DATA, DEMO

SETTINGS = """
[organisations."Gamma School"]
url = "https://gamma.example/"
country = "fr"
email = "hello@gamma.example"
ctid = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
"""


def content_with(tmp_path, settings: str = "", old: str = "", new: str = ""):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    with (content / "site.toml").open("a", encoding="utf-8") as file:
        file.write(settings)
    if old:
        entry = content / "credentials" / "alpha-data.md"
        entry.write_text(entry.read_text().replace(old, new, 1))
    return content


def check(content) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "check", str(content)],
        capture_output=True,
        text=True,
    )
    return out.stdout.splitlines()


def test_organisations_are_read_with_their_lines(tmp_path):
    content = content_with(tmp_path, SETTINGS)
    catalogue = load(content)
    assert catalogue.errors == []
    gamma = catalogue.site.organisations["Gamma School"]
    assert (gamma.url, gamma.country, gamma.email) == (
        "https://gamma.example/",
        "FR",
        "hello@gamma.example",
    )
    assert gamma.ctid == "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"


def test_bad_organisation_settings_are_named_at_their_line(tmp_path):
    bad = (
        '\n[organisations."Gamma School"]\nurl = "gamma.example"\ncountry = "ZZ"\n'
        'emial = "x@gamma.example"\nctid = "ce-123"\n'
    )
    content = content_with(tmp_path, bad)
    lines = (content / "site.toml").read_text().splitlines()
    at = {
        key: lines.index(next(line for line in lines if line.startswith(key))) + 1
        for key in ("url", "country", "emial", "ctid")
    }
    path = str(content / "site.toml")
    assert sorted(str(e) for e in load(content).errors) == sorted(
        [
            f"{path}:{at['url']}: organisations.Gamma School.url: expected an http or https "
            "address; got 'gamma.example'",
            f"{path}:{at['country']}: organisations.Gamma School.country: expected an ISO 3166 "
            "two-letter country code such as CA; got 'ZZ'",
            f"{path}:{at['emial']}: organisations.Gamma School.emial: unknown setting; did you "
            "mean 'email'?",
            f"{path}:{at['ctid']}: organisations.Gamma School.ctid: expected ce- and a UUID in "
            "lower case; got 'ce-123'",
        ]
    )


def test_check_warns_once_per_organisation_an_export_would_fall_back_for(tmp_path):
    content = content_with(tmp_path, SETTINGS)
    warnings = [str(w) for w in registry_warnings(load(content))]
    gamma = [w for w in warnings if "'Gamma School'" in w]
    assert gamma == []  # it has a url and a country
    alpha = [w for w in warnings if "'Alpha College'" in w]
    assert len(alpha) == 1
    assert alpha[0].endswith(
        "issuer: site.toml has no url or country for 'Alpha College' in "
        '[organisations."Alpha College"]; registry exports give its page in this catalogue '
        "as its address and the site's country (CA)"
    )
    assert ": warning: issuer:" in alpha[0] and "alpha-data.md:" in alpha[0]
    output = check(content)
    assert alpha[0] in output
    assert output[-1].endswith(f"{len(load(content).warnings) + len(warnings)} warnings")


def test_a_credential_the_registries_do_not_know_is_a_warning_at_its_line(tmp_path):
    content = content_with(tmp_path, old="---\n", new="---\ncredential: attestation of skill\n")
    catalogue = load(content)
    (warning,) = [w for w in registry_warnings(catalogue) if w.field == "credential"]
    assert warning.line == 2 and warning.path.endswith("alpha-data.md")
    assert "no kind of credential called 'attestation of skill'" in warning.message
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    badge = json.loads(client.get("/api/credentials/alpha-data.ob3.json").get_data())
    assert badge["achievementType"] == "ext:AttestationOfSkill"
    graph = json.loads(client.get("/api/credentials/alpha-data.ctdl.json").get_data())
    assert graph["@graph"][0]["@type"] == "ceterms:MicroCredential"


def test_the_demo_has_nothing_to_fall_back_on(demo_catalogue):
    assert registry_warnings(demo_catalogue) == []


def test_exports_use_the_organisation_settings(tmp_path):
    content = content_with(tmp_path, SETTINGS)
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    slug = next(e.slug for e in load(content).entries if e.issuer == "Gamma School")
    badge = json.loads(client.get(f"/api/credentials/{slug}.ob3.json").get_data())
    assert badge["creator"]["url"] == "https://gamma.example/"
    assert badge["creator"]["email"] == "hello@gamma.example"
    assert badge["creator"]["address"]["addressCountryCode"] == "FR"
    graph = json.loads(client.get(f"/api/credentials/{slug}.ctdl.json").get_data())
    issuer = next(n for n in graph["@graph"] if n["@type"] == "ceterms:CredentialOrganization")
    assert issuer["ceterms:ctid"] == "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
    elm = json.loads(client.get(f"/api/credentials/{slug}.elm.jsonld").get_data())
    country = elm["providedBy"]["location"]["address"]["countryCode"]["@id"]
    assert country == "http://publications.europa.eu/resource/authority/country/FRA"
    fallback = json.loads(client.get("/api/credentials/alpha-data.ob3.json").get_data())
    assert fallback["creator"]["url"] == "http://localhost/browse/issuer/alpha-college/"


def schema_org(html: str) -> list[dict]:
    parts = html.split('<script type="application/ld+json">')[1:]
    return [json.loads(part.split("</script>", 1)[0]) for part in parts]


def test_schema_org_course_has_an_instance_per_start_and_its_partners(demo_app, demo_catalogue):
    client = demo_app.test_client()
    dated = next(
        e
        for e in demo_catalogue.entries
        if not e.draft and e.start and len(e.start) > 1 and e.partners
    )
    (course,) = schema_org(client.get(f"/credentials/{dated.slug}/").get_data(as_text=True))
    instances = course["hasCourseInstance"]
    assert [i["startDate"] for i in instances] == [d.isoformat() for d in dated.start]
    assert all(i["courseWorkload"] == f"PT{dated.hours:g}H" and "endDate" in i for i in instances)
    recognised = course["educationalCredentialAwarded"]["recognizedBy"]
    assert [o["name"] for o in recognised] == dated.partners
    assert course["provider"]["url"] == demo_catalogue.site.organisations[dated.issuer].url
    assert course["offers"]["category"] in ("Free", "Paid")
    on_demand = next(e for e in demo_catalogue.entries if not e.draft and e.on_demand)
    (course,) = schema_org(client.get(f"/credentials/{on_demand.slug}/").get_data(as_text=True))
    assert len(course["hasCourseInstance"]) == 1
    assert "startDate" not in course["hasCourseInstance"][0]


def test_search_and_browse_pages_carry_an_item_list(demo_app):
    client = demo_app.test_client()
    html = client.get("/search/?delivery=online&page=2").get_data(as_text=True)
    (items,) = schema_org(html)
    assert items["@type"] == "ItemList"
    positions = [i["position"] for i in items["itemListElement"]]
    assert positions[0] == 21 and positions == list(range(21, 21 + len(positions)))
    slugs = [
        s.split('data-slug="', 1)[1].split('"', 1)[0]
        for s in html.split("<li")[1:]
        if 'data-slug="' in s
    ]
    assert [i["url"] for i in items["itemListElement"]] == [
        f"http://localhost/credentials/{s}/" for s in slugs
    ]
    html = client.get("/fr/browse/delivery/online/").get_data(as_text=True)
    (items,) = schema_org(html)
    assert items["numberOfItems"] == len(items["itemListElement"])
    assert items["itemListElement"][0]["url"].startswith("http://localhost/fr/credentials/")


def test_csv_opens_with_a_byte_order_mark_and_follows_the_field_table(demo_app):
    from catalogue.fields import FIELDS

    body = demo_app.test_client().get("/credentials.csv").get_data()
    assert body[:3] == b"\xef\xbb\xbf"
    header = body[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(",") == ["slug", *(f.name for f in FIELDS if f.csv), "body"]
    assert "é".encode() in body  # French entries' accents, as UTF-8


def test_demo_content_is_unchanged_by_the_settings_it_names():
    assert load(DEMO).errors == []
