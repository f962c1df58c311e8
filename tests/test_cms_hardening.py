"""What a probe of the editor's backend and the live server found (issue 30): odd bodies,
odd names and odd numbers get a 422 or a located error, never a 500 or a crash."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from catalogue.cli import main
from catalogue.content import load
from catalogue.web import create_app
from catalogue.web.live import LiveReload, enable

from . import test_cms
from .conftest import DATA

content = test_cms.content  # the fixture: a copy of tests/data/search
ORIGIN = test_cms.ORIGIN

BAD_NAME = os.fsdecode(b"caf\xe9-latin1.md")  # a Latin-1 name, as a zip made elsewhere has it


@pytest.fixture()
def app(content, tmp_path):
    app = create_app(content, index_dir=tmp_path / "index", cms_api=True)
    app.testing = False  # an exception becomes the 500 a visitor would get
    return app


def post(app, data: bytes | str) -> tuple[int, dict]:
    response = app.test_client().post(
        "/api/v1", data=data, content_type="application/json", headers={"Origin": ORIGIN}
    )
    assert response.mimetype == "application/json", response.status_code
    return response.status_code, response.get_json()


def call(app, action: str, **params) -> tuple[int, dict]:
    return post(app, json.dumps({"action": action, "params": {"branch": "main", **params}}))


# 1. A lone surrogate is refused by name, not repeated into an answer UTF-8 cannot hold.


@pytest.mark.parametrize(
    "body, where",
    [
        ('{"action": "\\udcff"}', "action"),
        ('{"action": "getEntry", "params": {"branch": "m", "path": "credentials/\\udcff.md"}}',
         "params.path"),
        ('{"action": "deleteFiles", "params": {"branch": "m", "paths": ["media/\\udcff.png"]}}',
         "params.paths[0]"),
        ('{"action": "info", "\\ud800": 1}', "\ud800"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_is_named_not_repeated(app, body, where):
    status, answer = post(app, body)
    assert status == 422
    shown = where.encode("utf-8", "backslashreplace").decode()
    assert answer == {"error": f"malformed request: {shown}: a lone surrogate is not text"}


# 3. Nesting deep enough to exhaust the stack is refused, as is what is not JSON.


@pytest.mark.parametrize("depth", [33, 5_000, 100_000])
def test_deeply_nested_json_is_refused(app, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        assert post(app, body) == (
            422,
            {"error": "malformed request: JSON nested deeper than 32 levels"},
        )


def test_what_is_not_utf8_json_is_refused_with_a_reason(app):
    status, answer = post(app, b'{"action": "info"')
    assert status == 422 and answer["error"].startswith("malformed request: not JSON (")
    status, answer = post(app, b'{"action": "\xff"}')
    assert status == 422 and answer["error"].startswith("malformed request: not JSON (")
    assert call(app, "info")[0] == 200  # and an ordinary body at 32 levels still reads
    assert post(app, json.dumps({"action": "info", "pad": [[[[[[[[1]]]]]]]]}))[0] == 200


# 2. A file whose name is not UTF-8: located, named by its bytes, and the rest load.


def test_a_name_that_is_not_utf8_is_an_error_and_the_rest_load(content, app):
    good = sorted(p.name for p in (content / "credentials").glob("*.md"))
    shutil.copy(content / "credentials" / good[0], content / "credentials" / BAD_NAME)
    (content / "pathways").mkdir(exist_ok=True)
    (content / "pathways" / BAD_NAME).write_text("---\ntitle: x\n---\n")
    catalogue = load(content)
    assert sorted(e.slug + ".md" for e in catalogue.entries) == good
    messages = sorted(str(e) for e in catalogue.errors)
    assert messages == [
        f"{content}/{folder}/caf\\xe9-latin1.md: name is not valid UTF-8 (each byte that is not "
        "is shown as \\xNN): rename it; it is left out until then"
        for folder in ("credentials", "pathways")
    ]
    # the editor lists the others, and live reload reads the folder again
    status, listed = call(app, "entriesByFolder", folder="credentials", extension="md")
    assert status == 200 and [e["file"]["path"] for e in listed] == [
        f"credentials/{name}" for name in good
    ]
    (content / "credentials" / good[0]).unlink()
    live = LiveReload(app, content, [])
    live.content = {}
    said = live.check()
    assert said and "error" in said[0], said
    assert len(app.extensions["catalogue"].entries) == len(good) - 1


def test_catalogue_check_reports_a_name_that_is_not_utf8(content, capsys):
    (content / "credentials" / BAD_NAME).write_bytes(b"---\ntitle: x\n---\n")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    out.encode("utf-8")  # printable as it is
    assert f"{content}/credentials/caf\\xe9-latin1.md: name is not valid UTF-8" in out


# 4. The live reload's version: any query string gets an answer, not a 500.


@pytest.mark.parametrize(
    "since", ["%C2%B2", "9" * 4301, "-1", "1e3", "%EF%BC%95", "", "3%0A", "%203"]
)
def test_live_reload_takes_any_version(content, tmp_path, since, monkeypatch):
    monkeypatch.setattr(LiveReload, "run", lambda self: None)  # no watcher left behind
    app = create_app(content, index_dir=tmp_path / "index")
    app.testing = False
    live = enable(app, content, [])
    live.version = 3  # so that no request waits for a change
    response = app.test_client().get(f"/__live-reload?since={since}")
    assert response.status_code == 200 and response.get_json() == {"version": 3}


# 5. A name must match its pattern whole: `$` also matches before a final newline.


def entry_text(content) -> str:
    return (content / "credentials" / "alpha-data.md").read_text()


def save(app, path: str, raw: str, new: bool = True) -> tuple[int, dict]:
    files = [{"path": path, "raw": raw}]
    options = {"commitMessage": "Save", "newEntry": new}
    return call(app, "persistEntry", dataFiles=files, assets=[], options=options)


@pytest.mark.parametrize("name", ["abc\n", "abc\r", "abc\n\n", "\nabc", "abc\u2028"])
def test_a_slug_with_a_line_break_is_refused_everywhere(app, content, name):
    # the entry's file name (SLUG_RE, through the editor and through the loader)
    status, answer = save(app, f"credentials/{name}.md", entry_text(content).replace("a", "a", 1))
    assert status == 422 and "error" in answer
    assert sorted(p.name for p in (content / "credentials").iterdir()) == sorted(
        p.name for p in (DATA / "search" / "credentials").iterdir()
    )
    (content / "credentials" / f"{name}.md").write_text(entry_text(content))
    shown = name.encode("unicode_escape").decode()  # one line, the break as its escape
    errors = [str(e) for e in load(content).errors]
    assert all("\n" not in e and "\r" not in e and "\u2028" not in e for e in errors), errors
    assert any(f"file name '{shown}.md' does not make a valid slug" in e for e in errors), errors
    # a pathway's file name (the same pattern, read by the pathway reader)
    (content / "pathways").mkdir(exist_ok=True)
    (content / "pathways" / f"{name}.md").write_text("---\ntitle: x\n---\n")
    errors = [str(e) for e in load(content).errors]
    assert any(
        "pathways" in e and f"file name '{shown}.md' does not make a valid slug" in e
        for e in errors
    ), errors
    # and a media file's name
    asset = {"path": f"media/{name}.png", "content": "AAAA", "encoding": "base64"}
    assert call(app, "persistMedia", asset=asset)[0] == 422
    assert not (content / "media").exists() or not list((content / "media").iterdir())


# Every other pattern that guards a name or a code takes the whole value: a trailing
# newline never gets through (each already used fullmatch, after the value's spaces are
# trimmed; these keep it so).

CTID = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"


@pytest.mark.parametrize(
    "line, read, clean",
    [
        (f'ctid: "{CTID}\\n"', lambda e: e.ctid, CTID),
        ('currency: "CAD\\n"', lambda e: e.currency, "CAD"),
        ('occupations: [{code: "72410\\n", name: "Tech"}]', lambda e: e.occupations[0].code,
         "72410"),
        (f'ctid: "{CTID}\\nx"', None, "ctid"),
        ('currency: "CA\\nD"', None, "currency"),
        ('start: ["2027-01-11\\nx"]', None, "start"),
        ('occupations: [{code: "72410\\n1", name: "Tech"}]', None, "occupations"),
    ],
)  # fmt: skip
def test_a_code_with_a_line_break_is_trimmed_or_refused(content, line, read, clean):
    entry = content / "credentials" / "alpha-data.md"
    entry.write_text(entry.read_text().replace("---\n", f"---\n{line}\n", 1))
    catalogue = load(content)
    errors = [e for e in catalogue.errors if e.path.endswith("alpha-data.md")]
    if read is not None:  # trimmed, as any value's surrounding spaces are
        assert not errors and read(catalogue.get("alpha-data")) == clean
    else:
        assert catalogue.get("alpha-data") is None
        assert {e.field for e in errors} == {clean}, [str(e) for e in errors]


@pytest.mark.parametrize(
    "toml, field",
    [
        ('embed_origins = ["https://college.example\\n"]\n', "embed_origins"),
        ('[colours]\nbrand = "#0f5c6e\\n"\n', "colours.brand"),
        ('[cms]\nbackend = "github"\nrepo = "college/catalogue\\n"\n', "cms.repo"),
    ],
)
def test_a_setting_with_a_trailing_newline_is_refused(content, toml, field):
    settings = content / "site.toml"
    top, _, tables = settings.read_text().partition("\n[")
    if toml.startswith("["):
        settings.write_text(f"{top}\n{toml}\n[{tables}")
    else:
        settings.write_text(f"{toml}{top}\n[{tables}")
    fields = [e.field for e in load(content).errors + load(content).warnings]
    assert field in fields, fields


def test_the_pathway_schema_anchors_the_slug():
    from catalogue.content.entry import SLUG_RE
    from catalogue.content.pathwayfiles import Slugs

    pattern = Slugs().schema(None)["items"]["pattern"]
    assert pattern == f"^{SLUG_RE.pattern}$"  # JSON Schema (ECMA-262): $ is the very end
    assert SLUG_RE.fullmatch("abc") and not SLUG_RE.fullmatch("abc\n")


# 6. One confinement check for every action: a listing follows no link a read refuses.


def test_get_media_lists_no_link_to_another_file_of_the_folder(app, content, tmp_path):
    media = content / "media"
    media.mkdir()
    (media / "logo.png").write_bytes(b"\x89PNG real")
    (media / "site.png").symlink_to("../site.toml")
    (media / "entry.png").symlink_to("../credentials/alpha-data.md")
    (tmp_path / "outside.png").write_bytes(b"secret")
    (media / "out.png").symlink_to(tmp_path / "outside.png")
    status, listed = call(app, "getMedia", mediaFolder="media")
    assert status == 200 and [m["path"] for m in listed] == ["media/logo.png"]
    for name in ("site.png", "entry.png", "out.png"):
        assert call(app, "getMediaFile", path=f"media/{name}")[0] == 422
    # and the entries' listing the same way
    (content / "credentials" / "linked.md").symlink_to("../site.toml")
    status, entries = call(app, "entriesByFolder", folder="credentials", extension="md")
    assert status == 200 and "credentials/linked.md" not in [e["file"]["path"] for e in entries]


# 9. A deletion says what it deleted and what was not there.


def test_a_deletion_says_what_was_and_was_not_deleted(app, content):
    paths = ["credentials/alpha-data.md", "credentials/nope.md", "credentials/alpha-data.md"]
    status, answer = call(app, "deleteFiles", paths=paths)
    assert status == 200 and answer == {
        "message": "deleted credentials/alpha-data.md; no such file: credentials/nope.md",
        "deleted": ["credentials/alpha-data.md"],
        "missing": ["credentials/nope.md"],
    }
    assert not (content / "credentials" / "alpha-data.md").exists()
    status, answer = call(app, "deleteFile", path="credentials/alpha-data.md")
    assert status == 200 and answer["message"] == (
        "nothing deleted; no such file: credentials/alpha-data.md"
    )


# 8. A saved file keeps its mode; a new one gets what open() gives (the umask's), not 0600.


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_save_keeps_the_files_mode_and_a_new_file_gets_the_umasks(app, content, umask):
    old = os.umask(umask)
    try:
        existing = content / "credentials" / "alpha-data.md"
        existing.chmod(0o640)
        assert save(app, "credentials/alpha-data.md", entry_text(content), new=False)[0] == 200
        assert existing.stat().st_mode & 0o7777 == 0o640
        assert save(app, "credentials/fresh-one.md", entry_text(content))[0] == 200
        expected = 0o666 & ~umask
        assert (content / "credentials" / "fresh-one.md").stat().st_mode & 0o7777 == expected
        asset = {"path": "media/logo.png", "content": "iVBORw0K", "encoding": "base64"}
        assert call(app, "persistMedia", asset=asset)[0] == 200
        assert (content / "media" / "logo.png").stat().st_mode & 0o7777 == expected
    finally:
        os.umask(old)


# Found by bench/fuzz_api.py: a name longer than the disk allows is the request's fault.


@pytest.mark.parametrize(
    "action, params",
    [
        ("deleteFile", {"path": "credentials/" + "x" * 300 + ".md"}),
        ("getEntry", {"path": "credentials/" + "x" * 300 + ".md"}),
        ("entriesByFiles", {"files": [{"path": "credentials/" + "é" * 130 + ".md"}]}),
        ("getMediaFile", {"path": "media/" + "x" * 300 + ".png"}),
    ],
)
def test_a_name_over_255_bytes_is_refused_not_a_disk_error(app, action, params):
    status, answer = call(app, action, **params)
    assert status == 422 and answer["error"].endswith("a name may be at most 255 bytes")
