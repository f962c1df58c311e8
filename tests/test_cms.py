"""The editor at /admin/: its config from the field table, the local backend's protocol and
everything it refuses, and where it exists at all."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil

import pytest
import yaml

from catalogue.content import load
from catalogue.fields import Field, extra_field
from catalogue.fields.documents import json_schema
from catalogue.fields.kinds import TEXT
from catalogue.web import create_app

from .conftest import DATA

ORIGIN = "http://localhost"
ENTRY = DATA / "search" / "credentials" / "alpha-data.md"


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(DATA / "search", folder)
    return folder


@pytest.fixture()
def editor(content, tmp_path):
    app = create_app(content, index_dir=tmp_path / "index", cms_api=True)
    client = app.test_client()

    def call(action: str, origin: str = ORIGIN, **params):
        body = {"action": action, "params": {"branch": "main", **params}}
        response = client.post("/api/v1", json=body, headers={"Origin": origin})
        return response.status_code, response.get_json()

    call.client = client
    return call


def test_info_and_listing(editor, content):
    status, info = editor("info")
    assert status == 200 and info == {
        "repo": "content",
        "publish_modes": ["simple"],
        "type": "local_fs",
    }
    status, entries = editor("entriesByFolder", folder="credentials", extension="md", depth=1)
    assert status == 200
    assert [e["file"]["path"] for e in entries] == sorted(
        f"credentials/{p.name}" for p in (content / "credentials").glob("*.md")
    )
    assert entries[0]["data"] == (content / "credentials" / "alpha-data.md").read_text()
    status, files = editor("entriesByFiles", files=[{"path": "credentials/alpha-data.md"}])
    assert files[0]["data"].startswith("---\ntitle: Data Literacy")


def test_get_entry_says_when_there_is_none(editor):
    assert editor("getEntry", path="credentials/alpha-data.md")[1]["data"].startswith("---")
    status, missing = editor("getEntry", path="credentials/new-one.md")
    assert status == 200 and missing == {
        "data": None,
        "file": {"path": "credentials/new-one.md", "id": None},
    }


def persist(editor, path: str, raw: str, **extra):
    options = {"commitMessage": "Create", "useWorkflow": False, "status": "draft"}
    files = [{"path": path, "slug": path.rsplit("/", 1)[-1][:-3], "raw": raw, **extra}]
    return editor("persistEntry", dataFiles=files, assets=[], options=options)


def test_persist_writes_a_valid_entry_and_the_site_shows_it(editor, content):
    raw = ENTRY.read_text().replace("Data Literacy for Managers", "Data Literacy Refresher")
    assert persist(editor, "credentials/data-refresher.md", raw) == (
        200,
        {"message": "entry persisted"},
    )
    assert (content / "credentials" / "data-refresher.md").read_text() == raw
    assert not [p for p in (content / "credentials").iterdir() if p.name.startswith(".")]


def test_an_invalid_entry_is_refused_with_the_catalogues_message(editor, content):
    target = content / "credentials" / "alpha-data.md"
    before = target.read_bytes()
    raw = before.decode().replace("delivery: online", "delivery: remote")
    status, answer = persist(editor, "credentials/alpha-data.md", raw)
    assert status == 422
    assert answer["error"].startswith("credentials/alpha-data.md:")
    assert "delivery: expected one of online, in-person, hybrid; got 'remote'" in answer["error"]
    assert target.read_bytes() == before  # untouched
    status, answer = persist(editor, "credentials/Bad Name.md", before.decode())
    assert status == 422 and "does not make a valid slug" in answer["error"]


def test_a_save_never_replaces_another_entry(editor, content):
    beta = content / "credentials" / "beta-safety.md"
    before = beta.read_text()
    raw = ENTRY.read_text()
    # renamed onto another entry, also in another case, or created over one
    renamed = persist(
        editor, "credentials/alpha-data.md", raw, newPath="credentials/beta-safety.md"
    )
    assert (
        renamed[0] == 422
        and "credentials/beta-safety.md already has the slug" in renamed[1]["error"]
    )
    options = {"commitMessage": "Create", "useWorkflow": False, "status": "draft", "newEntry": True}
    files = [{"path": "credentials/beta-safety.md", "slug": "beta-safety", "raw": raw}]
    created = editor("persistEntry", dataFiles=files, assets=[], options=options)
    assert created[0] == 422
    assert beta.read_text() == before and (content / "credentials" / "alpha-data.md").exists()
    # a file of the same slug deeper down: the loader would call it a duplicate
    (content / "credentials" / "archive").mkdir()
    (content / "credentials" / "archive" / "gamma-new.md").write_text(raw)
    files = [{"path": "credentials/gamma-new.md", "slug": "gamma-new", "raw": raw}]
    assert editor("persistEntry", dataFiles=files, assets=[], options=options)[0] == 422
    assert not (content / "credentials" / "gamma-new.md").exists()
    # case alone does not make a new name, nor does an upper-case suffix
    assert (
        persist(editor, "credentials/alpha-data.md", raw, newPath="credentials/Alpha-Data.md")[0]
        == 422
    )
    assert persist(editor, "credentials/upper.MD", raw)[0] == 422


def test_a_save_may_not_take_another_entrys_ctid(editor, content):
    pinned = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
    beta = content / "credentials" / "beta-safety.md"
    beta.write_text(beta.read_text().replace("---\n", f"---\nctid: {pinned}\n", 1))
    raw = ENTRY.read_text().replace("---\n", f"---\nctid: {pinned}\n", 1)
    status, answer = persist(editor, "credentials/alpha-data.md", raw)
    assert status == 422
    assert answer["error"] == (
        "credentials/alpha-data.md:2: ctid: credentials/beta-safety.md has the same CTID; "
        "each entry needs its own (remove the field to have one derived)"
    )
    assert persist(editor, "credentials/beta-safety.md", beta.read_text())[0] == 200


PATHWAY = """---
title: Certificate in Applied Data Work
issuer: Alpha College
summary: Two micro-credentials add up to a certificate.
requires:
  - alpha-data
  - gamma-cloud
---
The body.
"""


def test_pathways_are_edited_and_checked_too(editor, content):
    status, answer = persist(
        editor, "pathways/data-work.md", PATHWAY.replace("gamma-cloud", "gamma")
    )
    assert status == 422
    assert (
        answer["error"]
        == "pathways/data-work.md:7: requires: 'gamma' names no entry in credentials/"
    )
    assert not (content / "pathways" / "data-work.md").exists()
    assert persist(editor, "pathways/data-work.md", PATHWAY) == (
        200,
        {"message": "entry persisted"},
    )
    status, listed = editor("entriesByFolder", folder="pathways", extension="md", depth=1)
    assert [e["file"]["path"] for e in listed] == ["pathways/data-work.md"]
    moved = persist(editor, "pathways/data-work.md", PATHWAY, newPath="credentials/data-work.md")
    assert moved[0] == 422


def test_malformed_requests_are_422_not_500(editor):
    options = {"commitMessage": "x"}
    assert editor("entriesByFiles", files=["x", 1])[0] == 422
    # a lone surrogate, which JSON can carry and UTF-8 cannot
    for params in (
        {"path": "credentials/\ud800.md"},
        {"dataFiles": [{"path": "credentials/alpha-data.md", "raw": "---\ntitle: \ud800\n"}]},
    ):
        action = "persistEntry" if "dataFiles" in params else "getEntry"
        body = json.dumps({"action": action, "params": {"branch": "main", **params}})
        response = editor.client.post(
            "/api/v1", data=body, content_type="application/json", headers={"Origin": ORIGIN}
        )
        assert response.status_code == 422 and "error" in response.get_json()
    assert editor("deleteFiles", paths=[{"a": 1}], options=options)[0] == 422
    for path in ("media/sub\\x.png", "media/.hidden.png"):
        asset = {"path": path, "content": "AAAA", "encoding": "base64"}
        assert editor("persistMedia", asset=asset, options=options)[0] == 422, path


def test_a_body_over_the_limit_is_refused_even_in_chunks(editor):
    from catalogue.web.cmsapi import MAX_BODY

    body = b'{"action": "info", "pad": "' + b"x" * (MAX_BODY + 1) + b'"}'
    response = editor.client.post(
        "/api/v1",
        input_stream=io.BytesIO(body),  # no Content-Length: sent in chunks
        environ_overrides={"wsgi.input_terminated": True},  # as the server marks chunked bodies
        headers={
            "Origin": ORIGIN,
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
    )
    assert response.status_code == 413 and "over 20 MB" in response.get_json()["error"]


def test_renaming_moves_the_file(editor, content):
    raw = ENTRY.read_text()
    status, _ = persist(
        editor, "credentials/alpha-data.md", raw, newPath="credentials/alpha-renamed.md"
    )
    assert status == 200
    assert not (content / "credentials" / "alpha-data.md").exists()
    assert (content / "credentials" / "alpha-renamed.md").read_text() == raw


def test_a_failed_write_leaves_the_old_file(editor, content, monkeypatch):
    target = content / "credentials" / "alpha-data.md"
    before = target.read_bytes()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    status, answer = persist(
        editor, "credentials/alpha-data.md", before.decode().replace("Managers", "All")
    )
    assert (status, answer) == (503, {"error": "the content folder refused: disk full"})
    assert target.read_bytes() == before
    assert [p.name for p in (content / "credentials").iterdir() if p.name.startswith(".")] == []


def test_delete(editor, content):
    options = {"commitMessage": "Delete"}
    status, _ = editor("deleteFiles", paths=["credentials/alpha-data.md"], options=options)
    assert status == 200 and not (content / "credentials" / "alpha-data.md").exists()
    status, _ = editor("deleteFile", path="credentials/beta-safety.md", options=options)
    assert status == 200 and not (content / "credentials" / "beta-safety.md").exists()
    assert editor("deleteFiles", paths=[], options=options)[0] == 422
    assert editor("deleteFiles", paths=["site.toml"], options=options)[0] == 422
    assert (content / "site.toml").exists()


def test_an_entry_a_pathway_names_is_not_deleted(editor, content, tmp_path):
    (content / "pathways").mkdir()
    (content / "pathways" / "data-work.md").write_text(PATHWAY)
    electives = PATHWAY.replace(
        "  - gamma-cloud\n", "electives:\n  choose: 1\n  from: [zeta-grid]\n"
    )
    (content / "pathways" / "grid.md").write_text(electives.replace("Applied Data", "Grid"))
    options = {"commitMessage": "Delete"}
    status, answer = editor("deleteFile", path="credentials/alpha-data.md", options=options)
    assert (status, answer) == (
        422,
        {
            "error": "credentials/alpha-data.md is not deleted: pathways/data-work.md "
            "(Certificate in Applied Data Work) and pathways/grid.md (Certificate in Grid Work) "
            "name it, and would go off the site with it; take it out of the pathway first"
        },
    )
    status, answer = editor("deleteFiles", paths=["credentials/zeta-grid.md"], options=options)
    assert (
        status == 422 and "pathways/grid.md (Certificate in Grid Work) names it" in answer["error"]
    )
    assert (content / "credentials" / "alpha-data.md").exists()
    assert (content / "credentials" / "zeta-grid.md").exists()
    assert editor("deleteFile", path="credentials/beta-safety.md", options=options)[0] == 200
    # deleted by hand all the same: `catalogue check` names the pathway and the line
    (content / "credentials" / "zeta-grid.md").unlink()
    catalogue = load(content)
    assert [str(e) for e in catalogue.errors] == [
        f"{content / 'pathways' / 'grid.md'}:9: electives: 'zeta-grid' names no entry in "
        "credentials/"
    ]
    client = create_app(content, index_dir=tmp_path / "index2", show_content_errors=True)
    banner = client.test_client().get("/").get_data(as_text=True)
    assert "1 content error</strong>: some pathways are not shown." in banner


def test_media(editor, content):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    asset = {
        "path": "media/logo.png",
        "content": base64.b64encode(png).decode(),
        "encoding": "base64",
    }
    status, stored = editor("persistMedia", asset=asset, options={"commitMessage": "Upload"})
    assert status == 200 and stored["path"] == "media/logo.png" and stored["name"] == "logo.png"
    assert (content / "media" / "logo.png").read_bytes() == png
    status, listed = editor("getMedia", mediaFolder="media")
    assert [m["path"] for m in listed] == ["media/logo.png"]
    assert base64.b64decode(listed[0]["content"]) == png
    assert editor("getMediaFile", path="media/logo.png")[1]["content"] == asset["content"]
    assert editor("getMediaFile", path="media/nope.png")[0] == 422
    script = {**asset, "path": "media/page.html"}
    assert editor("persistMedia", asset=script, options={"commitMessage": "x"})[0] == 422


@pytest.mark.parametrize(
    "path",
    [
        "../site.toml",
        "credentials/../../outside.md",
        "/etc/passwd",
        "credentials/../site.toml",
        "site.toml",
        "credentials/sub/deeper.md",
        "C:/credentials/x.md",
    ],
)
def test_paths_that_lead_out_are_refused(editor, path, tmp_path):
    status, answer = editor("getEntry", path=path)
    assert status == 422 and "error" in answer
    status, _ = persist(editor, path, ENTRY.read_text())
    assert status == 422
    assert not (tmp_path / "outside.md").exists()


def test_a_link_out_of_the_folder_is_refused(editor, content, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("secret")
    (content / "credentials" / "linked.md").symlink_to(outside)
    status, answer = editor("getEntry", path="credentials/linked.md")
    assert status == 422 and "outside the content folder" in answer["error"]
    status, _ = persist(editor, "credentials/linked.md", ENTRY.read_text())
    assert status == 422 and outside.read_text() == "secret"
    (content / "media").symlink_to(tmp_path)
    asset = {"path": "media/x.png", "content": "AAAA", "encoding": "base64"}
    assert editor("persistMedia", asset=asset, options={"commitMessage": "x"})[0] == 422
    assert not (tmp_path / "x.png").exists()


def test_bad_requests_get_422_with_a_message(editor):
    client = editor.client
    post = lambda body: client.post("/api/v1", json=body, headers={"Origin": ORIGIN})  # noqa: E731
    assert post({}).get_json() == {"error": '"action" is required'}
    assert post({"action": "nope", "params": {"branch": "m"}}).get_json() == {
        "error": "Unknown action nope"
    }
    assert post({"action": "getEntry", "params": {"path": "x"}}).get_json() == {
        "error": '"params.branch" is required'
    }
    assert post({"action": "getEntry"}).status_code == 422
    status, answer = persist(editor, "credentials/alpha-data.md", "")
    assert status == 422 and "not allowed to be empty" in answer["error"]


def test_other_origins_hosts_and_bodies_are_refused(editor, content):
    client = editor.client
    raw = ENTRY.read_text().replace("Managers", "Everyone")
    body = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": "credentials/alpha-data.md", "slug": "alpha-data", "raw": raw}],
            "assets": [],
            "options": {"commitMessage": "x", "useWorkflow": False, "status": "draft"},
        },
    }
    before = (content / "credentials" / "alpha-data.md").read_text()
    refused = [
        client.post("/api/v1", json=body, headers={"Origin": "https://evil.example"}),
        client.post("/api/v1", json=body),  # no Origin
        client.post(
            "/api/v1", data=json.dumps(body), content_type="text/plain", headers={"Origin": ORIGIN}
        ),
        # a name that resolves to this machine (DNS rebinding) is not loopback
        client.post(
            "/api/v1",
            json=body,
            base_url="http://rebound.example",
            headers={"Origin": "http://rebound.example"},
        ),
    ]
    assert [r.status_code for r in refused] == [403, 403, 415, 403]
    assert all("error" in r.get_json() for r in refused)
    assert (content / "credentials" / "alpha-data.md").read_text() == before
    ok = client.post("/api/v1", json=body, headers={"Origin": ORIGIN})
    assert ok.status_code == 200


def test_no_backend_unless_asked_and_no_editor_without_one(content, tmp_path):
    app = create_app(content, index_dir=tmp_path / "index")
    client = app.test_client()
    response = client.post("/api/v1", json={"action": "info"}, headers={"Origin": ORIGIN})
    assert response.status_code in (404, 405)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/config.yml").status_code == 404
    assert client.get("/admin/decap-cms.js").status_code == 404


def config_of(client) -> dict:
    response = client.get("/admin/config.yml")
    assert response.status_code == 200 and response.mimetype == "text/yaml"
    return yaml.safe_load(response.get_data(as_text=True))


def test_the_form_covers_every_field_of_the_schema(editor):
    config = config_of(editor.client)
    assert config["backend"] == {"name": "proxy", "proxy_url": "/api/v1", "branch": "main"}
    collection, pathways = config["collections"]
    assert collection["folder"] == "credentials" and collection["format"] == "frontmatter"
    assert pathways["folder"] == "pathways" and pathways["preview_path"] == "pathways/{{slug}}/"
    fields = {w["name"]: w for w in pathways["fields"]}
    assert fields["requires"]["widget"] == "catalogue-relation" and fields["requires"]["multiple"]
    assert [f["name"] for f in fields["electives"]["fields"]] == ["choose", "from"]
    assert collection["preview_path"] == "credentials/{{slug}}/"
    widgets = {w["name"]: w for w in collection["fields"]}
    schema = json_schema()
    assert list(widgets) == [*schema["properties"], "body"]
    for name, prop in schema["properties"].items():
        required = name in schema["required"] and widgets[name]["widget"] != "boolean"
        assert widgets[name]["required"] is required, name
        assert widgets[name]["hint"] == prop["description"], name
        choices = prop.get("enum") or prop.get("items", {}).get("enum")
        if choices:
            assert [o["value"] for o in widgets[name]["options"]] == choices, name
        if "pattern" in prop and widgets[name]["widget"] == "string":
            assert widgets[name]["pattern"][0] == prop["pattern"], name
    assert widgets["delivery"]["options"][1] == {"label": "In person", "value": "in-person"}
    assert widgets["language"]["multiple"] is True
    assert [f["name"] for f in widgets["skills"]["item_fields"]] == ["name", "uri"]
    assert [f["name"] for f in widgets["occupations"]["item_fields"]] == ["name", "code"]
    assert widgets["updated"]["date_format"] == "YYYY-MM-DD"
    assert widgets["body"]["widget"] == "markdown"


def test_a_new_field_is_in_the_form_with_no_other_edit(content, tmp_path):
    row = Field("funding", TEXT, False, "Who pays for it.", "Provincial grant")
    with extra_field(row):
        app = create_app(content, index_dir=tmp_path / "index", cms_api=True)
        widgets = config_of(app.test_client())["collections"][0]["fields"]
    assert {
        "name": "funding",
        "widget": "string",
        "required": False,
        "hint": "Who pays for it.",
    }.items() <= next(w for w in widgets if w["name"] == "funding").items()


def test_the_editor_page_has_its_own_policy_and_others_keep_theirs(editor):
    client = editor.client
    page = client.get("/admin/")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-eval'" in policy and "frame-ancestors 'none'" in policy
    assert '<script src="/admin/decap-cms.js"></script>' in page.get_data(as_text=True)
    with client.get("/admin/decap-cms.js") as script:
        assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert client.get("/admin/decap-cms.js.map").status_code == 404
    home = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-eval" not in home and "script-src 'self';" in home


HOSTED = """
[cms]
backend = "github"
repo = "college/catalogue"
branch = "live"
editorial_workflow = true
"""


def test_hosted_editing_config(content, tmp_path):
    with (content / "site.toml").open("a") as file:
        file.write(HOSTED)
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    config = config_of(client)
    assert config["backend"] == {"name": "github", "repo": "college/catalogue", "branch": "live"}
    assert config["publish_mode"] == "editorial_workflow"
    assert config["collections"][0]["folder"] == "content/credentials"
    # a git host serves files as they are: the same widgets take every form they hold
    widgets = {w["name"]: w["widget"] for w in config["collections"][0]["fields"]}
    assert (widgets["start"], widgets["skills"], widgets["language"]) == (
        "catalogue-start",
        "catalogue-items",
        "catalogue-choices",
    )
    policy = client.get("/admin/").headers["Content-Security-Policy"]
    assert "connect-src 'self' blob: https://api.github.com" in policy
    assert client.post("/api/v1", json={"action": "info"}).status_code in (404, 405)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'backend = "bitbucket"\nrepo = "a/b"',
            "cms.backend: expected one of github, gitlab, gitea",
        ),
        ('backend = "github"\nrepo = "nope"', "cms.repo: expected the repository as owner/name"),
        ('backend = "gitlab"\nrepo = "a/b"', "cms.app_id: gitlab signs editors in"),
        (
            'backend = "gitea"\nrepo = "a/b"\napp_id = "x"\neditorial_workflow = true',
            "cms.editorial_workflow: Decap CMS offers no editorial workflow on Gitea",
        ),
    ],
)
def test_bad_cms_settings_are_named(content, setting, message):
    from catalogue.content import load

    with (content / "site.toml").open("a") as file:
        file.write(f"\n[cms]\n{setting}\n")
    catalogue = load(content)
    assert any(message in str(e) for e in catalogue.errors), [str(e) for e in catalogue.errors]
    assert catalogue.site.cms.backend == ""


def test_a_static_build_has_the_editor_only_with_a_git_host(content, tmp_path):
    from catalogue.build import freeze

    from .static_site import netlify_headers

    plain = tmp_path / "plain"
    freeze(content, plain, "https://college.example/micro/")
    assert not (plain / "admin").exists()
    with (content / "site.toml").open("a") as file:
        file.write(HOSTED)
    out = tmp_path / "hosted"
    freeze(content, out, "https://college.example/micro/")
    config = yaml.safe_load((out / "admin" / "config.yml").read_text())
    assert config["backend"]["name"] == "github"
    assert config["site_url"] == "https://college.example/micro"
    page = (out / "admin" / "index.html").read_text()
    assert '<script src="/micro/admin/decap-cms.js">' in page
    # the widgets that take every form a file holds, after the bundle, shipped beside the site
    assert page.index("decap-cms.js") < page.index('src="/micro/static/js/editor.js"')
    assert "catalogue-start" in (out / "static" / "js" / "editor.js").read_text()
    assert (out / "admin" / "decap-cms.js").stat().st_size > 1_000_000
    assert not list(out.rglob("*.map")) and not (out / "api" / "v1").exists()
    headers = (out / "_headers").read_text()
    editor = "/micro/admin/*\n  Content-Security-Policy: default-src 'self'; script-src 'self' "
    assert editor + "'unsafe-eval'" in headers
    strict = [block for block in headers.split("\n/") if "'unsafe-eval'" not in block]
    assert any(
        block.startswith("micro/search/*\n  Content-Security-Policy: default-src")
        for block in strict
    )
    assert "X-Frame-Options" in netlify_headers(out)
    assert "m#^/micro/admin/#" in (out / ".htaccess").read_text()
    assert "location /micro/admin/ {" in (out / "nginx.conf.example").read_text()


def test_the_bundle_is_checked_and_a_missing_one_is_explained(content, tmp_path, monkeypatch):
    from catalogue.build import BuildError, freeze
    from catalogue.web import decap

    with pytest.raises(RuntimeError, match="does not match its pinned integrity hash"):
        decap.install(b"not the tarball")
    assert decap.wanted("decap-cms.js") and decap.wanted("1077.decap-cms.js")
    assert not decap.wanted("decap-cms.js.map") and not decap.wanted("cms.js")
    monkeypatch.setenv(decap.DIR_SETTING, str(tmp_path / "nowhere"))
    client = create_app(content, index_dir=tmp_path / "index", cms_api=True).test_client()
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "The editor is not installed" in page.get_data(as_text=True)
    assert "bash scripts/install" in page.get_data(as_text=True)
    with (content / "site.toml").open("a") as file:
        file.write(HOSTED)
    with pytest.raises(
        BuildError, match="Decap CMS 3.16.3 is not installed: run bash scripts/install"
    ):
        freeze(content, tmp_path / "out", "https://college.example/")
