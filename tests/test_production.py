"""The production entry point (catalogue.wsgi) under gunicorn, directly and behind a proxy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
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
        "CATALOGUE_TRUSTED_HOSTS": "127.0.0.1, college.example",
    }
    with gunicorn_serve(settings, workers=2, threads=2) as base:
        yield base


def status_of(url: str, headers: dict) -> int:
    try:
        return get(url, headers)[0]
    except urllib.error.HTTPError as error:
        return error.code


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


@pytest.mark.parametrize("setting", ["one", "\u00b2"])  # "²" passes str.isdigit
def test_a_bad_proxy_setting_is_a_clear_error(tmp_path, setting):
    env = {**os.environ, "CATALOGUE_CONTENT": str(DEMO), "CATALOGUE_PROXIES": setting,
           "CATALOGUE_INDEX_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", "import catalogue.wsgi"], env=env, capture_output=True, text=True,
        encoding="utf-8",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == f"CATALOGUE_PROXIES must be a whole number; got {setting!r}"


# A forged Host must not reach a page's addresses: a caching proxy would hand them on.

EVIL = "evil.example"


def test_without_base_url_only_trusted_hosts_are_answered(server):
    port = server.split(":")[2].strip("/")
    assert status_of(server, {"Host": f"127.0.0.1:{port}"}) == 200
    assert status_of(server, {"X-Forwarded-Host": "college.example"}) == 200
    for headers in ({"Host": EVIL}, {"X-Forwarded-Host": EVIL}, {"Host": f"{EVIL}:{port}"}):
        assert status_of(server + "sitemap.xml", headers) == 400, headers
        assert status_of(server + "search/?q=care", headers) == 400, headers


@pytest.fixture(scope="module")
def based(tmp_path_factory):
    content = tmp_path_factory.mktemp("based") / "content"
    shutil.copytree(DEMO, content)
    toml = content / "site.toml"
    toml.write_text('base_url = "https://college.example/micro/"\n' + toml.read_text())
    settings = {
        "CATALOGUE_CONTENT": str(content),
        "CATALOGUE_INDEX_DIR": str(tmp_path_factory.mktemp("based-index")),
        "CATALOGUE_PROXIES": "1",
    }
    with gunicorn_serve(settings, workers=1, threads=2) as base:
        yield base


def test_with_base_url_every_address_is_built_on_it_whatever_the_host(based):
    slug = sorted(p.stem for p in (DEMO / "credentials").glob("*.md"))[0]
    prefix = {"X-Forwarded-Prefix": "/micro", "X-Forwarded-Proto": "https"}
    for forged in ({"Host": EVIL}, {"X-Forwarded-Host": EVIL}, {}):
        headers = {**prefix, **forged}
        _, page = get(f"{based}credentials/{slug}/", headers)
        canonical = f"https://college.example/micro/credentials/{slug}/"
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert f'<meta property="og:url" content="{canonical}">' in page
        for path in ("sitemap.xml", "feed.atom", "", "search/?q=care"):
            _, text = get(based + path, headers)
            assert EVIL not in text, (path, forged)
        _, feed = get(based + "feed.atom", headers)
        assert "https://college.example/micro/" in feed


def test_a_bad_base_url_is_a_clear_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEMO, content)
    toml = content / "site.toml"
    toml.write_text('base_url = "college.example"\n' + toml.read_text())
    env = {**os.environ, "CATALOGUE_CONTENT": str(content), "CATALOGUE_INDEX_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import catalogue.wsgi"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "site.toml: base_url must be an address such as "
        "https://college.example/microcredentials/; got 'college.example'"
    )


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
