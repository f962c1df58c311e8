"""The production entry point (catalogue.wsgi) under gunicorn, directly and behind a proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from .conftest import DEMO
from .static_site import gunicorn_serve


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = {
        "CATALOGUE_CONTENT": str(DEMO),
        "CATALOGUE_INDEX_DIR": str(tmp_path_factory.mktemp("gunicorn-index")),
        "CATALOGUE_PROXIES": "1",
    }
    with gunicorn_serve(settings, workers=2, threads=2) as base:
        yield base


def test_gunicorn_serves_the_catalogue(server):
    status, home = get(server)
    assert status == 200 and "Micro-credential catalogue" in home
    status, page = get(server + "search/?q=care&delivery=online")
    assert status == 200 and 'data-total="6"' in page
    status, api = get(server + "api/search.json?q=care")
    assert status == 200 and '"total"' in api


def test_behind_a_proxy_links_use_the_public_address(server):
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "college.example",
        "X-Forwarded-Prefix": "/micro",
    }
    _, home = get(server, headers)
    assert 'href="/micro/search/"' in home
    _, sitemap = get(server + "sitemap.xml", headers)
    assert "<loc>https://college.example/micro/</loc>" in sitemap
    _, direct = get(server)  # a request without the headers is unchanged
    assert 'href="/search/"' in direct


def test_a_bad_proxy_setting_is_a_clear_error(tmp_path):
    env = {**os.environ, "CATALOGUE_CONTENT": str(DEMO), "CATALOGUE_PROXIES": "one",
           "CATALOGUE_INDEX_DIR": str(tmp_path)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", "import catalogue.wsgi"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "CATALOGUE_PROXIES must be a whole number; got 'one'"


@pytest.mark.parametrize("web_server", ["nginx", "apache"])
def test_behind_a_web_server_as_docs_production_md_sets_it_up(server, web_server, tmp_path):
    """The reverse-proxy blocks of docs/production.md, in Debian's nginx and Apache on a
    port of their own: links, the canonical address and the sitemap name the address the
    visitor used, its port included."""
    from .web_servers import APACHE_LOAD, doc_block, run_apache, run_nginx

    if web_server == "nginx":
        block = doc_block("production.md", "location /microcredentials/ {")
        block = f"server {{\n    listen 80;\n{block}}}\n"
    else:
        block = doc_block("production.md", "<VirtualHost *:80>")
    block = block.replace("http://127.0.0.1:8000/", server)
    assert server in block
    if web_server == "nginx":
        run = run_nginx(block, tmp_path / "nginx")
    else:
        run = run_apache(block, tmp_path / "apache", (*APACHE_LOAD, "proxy", "proxy_http"))
    with run as (url, _):
        site = f"{url}/microcredentials/"
        status, page = get(site)
        assert status == 200
        assert f'<link rel="canonical" href="{site}">' in page
        assert 'href="/microcredentials/search/' in page
        status, sitemap = get(site + "sitemap.xml")
        assert f"<loc>{site}credentials/" in sitemap
