"""A theme set up as the README says (issue 31, item 3): `theme = "theme"` in site.toml and
content/theme/static/css/site.css work with the content folder given as a relative path,
for `catalogue serve` and `catalogue build`; and a theme named while the server runs is
taken up by live reload."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from catalogue.web import create_app, live

from .conftest import DATA, ROOT

CSS = "body { color: #123456; }\n"


def themed(tmp_path, name_it: bool = True):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "theme" / "static" / "css").mkdir(parents=True)
    (content / "theme" / "static" / "css" / "site.css").write_text(CSS)
    (content / "theme" / "templates").mkdir()
    (content / "theme" / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost, says the theme</h1>{% endblock %}'
    )
    if name_it:
        (content / "site.toml").write_text('name = "Themed"\ntheme = "theme"\n')
    return content


def fetch(client, url: str) -> tuple[int, str]:
    with client.get(url) as response:
        return response.status_code, response.get_data(as_text=True)


def test_a_relative_content_folder_finds_its_theme(tmp_path, monkeypatch):
    themed(tmp_path)
    monkeypatch.chdir(tmp_path)
    client = create_app("content", index_dir=tmp_path / "index").test_client()
    assert fetch(client, "/static/css/site.css") == (200, CSS)
    assert fetch(client, "/static/js/live-reload.js")[0] == 200  # the defaults still there
    assert "Lost, says the theme" in fetch(client, "/no-such-page/")[1]


def test_a_relative_content_folder_builds_with_its_theme(tmp_path):
    themed(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "build", "--content", "content", "--out", "dist"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist" / "static" / "css" / "site.css").read_text() == "body{color:#123456}"


def test_a_theme_named_while_serving_is_taken_up(tmp_path, monkeypatch):
    content = themed(tmp_path, name_it=False)
    monkeypatch.chdir(tmp_path)
    app = create_app("content", index_dir=tmp_path / "index", show_content_errors=True)
    watcher = live.enable(app, content.relative_to(tmp_path), [], start=False)
    client = app.test_client()
    assert fetch(client, "/static/css/site.css")[1] != CSS
    (content / "site.toml").write_text('name = "Themed"\ntheme = "theme"\n')
    said = watcher.check()
    assert any("now using the theme" in line for line in said), said
    assert fetch(client, "/static/css/site.css") == (200, CSS)
    assert "Lost, says the theme" in fetch(client, "/no-such-page/")[1]
    # the theme's own files are watched now: an edit reloads the pages
    (content / "theme" / "static" / "css" / "site.css").write_text(CSS + "p { margin: 0; }\n")
    assert "templates and static files changed" in watcher.check()
    # named before its folder is made: said on every page, then taken up when it is
    (content / "site.toml").write_text('name = "Themed"\ntheme = "mine"\n')
    assert "no theme now" in watcher.check()
    assert "no folder &#39;mine&#39; in the content folder" in fetch(client, "/content-errors/")[1]
    shutil.copytree(content / "theme", content / "mine")
    assert any("now using the theme" in line for line in watcher.check())
    assert fetch(client, "/static/css/site.css")[1].startswith(CSS)
    # and taking it out of site.toml goes back to the catalogue's own
    (content / "site.toml").write_text('name = "Themed"\n')
    assert "no theme now" in watcher.check()
    assert fetch(client, "/static/css/site.css")[1] == (ROOT / "static/css/site.css").read_text()
    assert "Lost, says the theme" not in fetch(client, "/no-such-page/")[1]
