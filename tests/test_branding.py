"""Branding without forking: site.toml's name, logo, colours, contact and filters, and a
theme folder whose templates and static files stand in front of the defaults."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from catalogue.build import BuildError, freeze
from catalogue.content import load
from catalogue.facets import FACETS
from catalogue.web import ThemeError, create_app

from .conftest import DATA, ROOT

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)


def fetch(client, url: str) -> tuple[int, str]:
    """Status and text of `url`, the response closed (files are streamed from disk)."""
    with client.get(url) as response:
        return response.status_code, response.get_data(as_text=True)


@pytest.fixture()
def branded(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "logo.svg").write_text(LOGO)
    theme = content / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static" / "css").mkdir(parents=True)
    (theme / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Nothing here, from the theme</h1>'
        "{% endblock %}"
    )
    (theme / "static" / "css" / "site.css").write_text("body { color: #111; }\n")
    (theme / "static" / "extra.txt").write_text("theme only\n")
    (content / "site.toml").write_text(
        'name = "Northfield Micro-credentials"\n'
        'contact = "micro@northfield.example"\n'
        'logo = "logo.svg"\n'
        'theme = "theme"\n'
        'facets = ["cost_band", "delivery"]\n'
        "\n[colours]\n"
        'brand = "#5b2a86"\n'
    )
    return content


def test_site_settings_brand_every_page(branded, tmp_path):
    app = create_app(branded, index_dir=tmp_path / "index")
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Northfield Micro-credentials" in home
    assert '<img class="logo" src="/site/logo.svg" alt="">' in home
    assert fetch(client, "/site/logo.svg") == (200, LOGO)
    assert '<a href="mailto:micro@northfield.example">micro@northfield.example</a>' in home
    assert 'href="/site/theme.css"' in home
    css = client.get("/site/theme.css")
    assert css.mimetype == "text/css"
    assert "--brand: #5b2a86;" in css.get_data(as_text=True)
    assert "--accent: #b4491b;" in css.get_data(as_text=True)  # defaults for the rest
    # the filters shown, in the order given
    search = client.get("/search/").get_data(as_text=True)
    headings = re.findall(r'<h3 id="facet-(\w+)">', search)
    assert headings == ["cost_band", "delivery"]
    # and the engine still honours any filter in a URL
    assert client.get("/search/?level=advanced").status_code == 200


def test_theme_templates_and_static_files_come_first(branded, tmp_path):
    client = create_app(branded, index_dir=tmp_path / "index").test_client()
    assert fetch(client, "/static/css/site.css") == (200, "body { color: #111; }\n")
    assert fetch(client, "/static/js/enhance.js")[0] == 200  # the defaults remain
    assert fetch(client, "/static/extra.txt") == (200, "theme only\n")
    missing = client.get("/nowhere/")
    assert missing.status_code == 404
    assert "Nothing here, from the theme" in missing.get_data(as_text=True)
    assert fetch(client, "/static/../site.toml")[0] == 404


def test_a_theme_given_on_the_command_line_wins(branded, tmp_path):
    other = tmp_path / "other"
    (other / "static" / "css").mkdir(parents=True)
    (other / "static" / "css" / "site.css").write_text("/* other */\n")
    client = create_app(branded, index_dir=tmp_path / "index", theme=other).test_client()
    assert fetch(client, "/static/css/site.css") == (200, "/* other */\n")
    with pytest.raises(ThemeError, match="does not exist"):
        create_app(branded, index_dir=tmp_path / "index", theme=tmp_path / "nope")
    with pytest.raises(BuildError, match="does not exist"):
        freeze(branded, tmp_path / "out", theme=tmp_path / "nope")
    result = subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "serve", "--content", str(branded), "--theme",
         str(tmp_path / "nope")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "theme folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_static_build_carries_the_branding(branded, tmp_path):
    out = tmp_path / "dist"
    # a theme's own script: shipped as written, never joined to the engine
    (branded / "theme" / "static" / "js").mkdir()
    themed = 'import { SearchEngine } from "./search-engine.js";\nexport const E = SearchEngine;\n'
    (branded / "theme" / "static" / "js" / "embed.js").write_text(themed)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(branded), "--out", str(out),
         "--base-url", "https://northfield.example/micro/"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (out / "site" / "logo.svg").read_text() == LOGO
    assert "--brand: #5b2a86;" in (out / "site" / "theme.css").read_text()
    # the theme's stylesheet in place of the catalogue's, compacted as the build ships it
    assert (out / "static" / "css" / "site.css").read_text() == "body{color:#111}"
    assert (out / "static" / "js" / "embed.js").read_text() == (
        'import{SearchEngine}from"./search-engine.js";export const E=SearchEngine;'
    )
    assert '"./search-engine.js"' not in (out / "static" / "js" / "search-ui.js").read_text()
    assert (out / "static" / "extra.txt").exists()
    assert "Nothing here, from the theme" in (out / "404.html").read_text()
    search = (out / "search" / "index.html").read_text()
    assert 'data-facets="cost_band delivery"' in search


def test_bad_settings_name_the_line_and_fall_back(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "site.toml").write_text(
        'name = "X"\n'
        'facets = ["delivery", "colour"]\n'
        'logo = "missing.png"\n'
        "\n[colours]\n"
        'brand = "purple"\n'
        'accent = "#ffcc00"\n'
    )
    catalogue = load(content)
    path = str(content / "site.toml")
    assert [str(e) for e in catalogue.errors] == [
        f"{path}:6: colours.brand: expected a colour such as #0f5c6e; got 'purple'",
        f"{path}:2: facets: unknown filter 'colour'; known: " + ", ".join(f.name for f in FACETS),
        f"{path}:3: logo: no file 'missing.png' in the content folder",
    ]
    assert [str(w) for w in catalogue.warnings if "site.toml" in w.path] == [
        f"{path}:7: warning: colours.accent: white text on accent has a contrast of 1.5:1; "
        "text needs 4.5:1 to be read easily (WCAG AA)"
    ]
    # the site still runs, on the defaults for what was wrong
    app = create_app(content, index_dir=tmp_path / "index")
    home = app.test_client().get("/").get_data(as_text=True)
    assert "logo" not in home and "/site/theme.css" in home
