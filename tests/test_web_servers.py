"""The demo built under /microcredentials/ and served by Debian's nginx and Apache as
docs/hosting.md sets them up (the server blocks are taken from the docs): types,
compression, caching, both 404 pages, the build's own files hidden, the security headers,
and search in Chromium, also for a visitor coming back after a rebuild."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from catalogue.build import freeze
from catalogue.build.hosts import BUILD_FILES, IMMUTABLE

from .conftest import BASE, DEMO, PREFIX
from .static_site import CHROMIUM, CHROMIUM_ARGS, netlify_headers
from .web_servers import APACHE_LOAD, doc_block, get, run_apache, run_nginx

DOCS_ROOT = "/var/www/catalogue"  # where docs/hosting.md puts the folder holding the site
CMS = '\n[cms]\nbackend = "github"\nrepo = "college/catalogue"\nbranch = "live"\n'
DAY = 24 * 3600
READY = "#search-app[data-rendered]:not([aria-busy]) .results-body > *"  # as test_static_search


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """The demo, with the editor (so that admin/config.yml is served too)."""
    folder = tmp_path_factory.mktemp("web-servers") / "content"
    shutil.copytree(DEMO, folder)
    with (folder / "site.toml").open("a", encoding="utf-8") as file:
        file.write(CMS)
    return folder


@pytest.fixture(scope="module")
def web_root(content) -> Path:
    """A folder anyone may read (as root, the servers read it as www-data) holding the
    demo's build as microcredentials/, its files dated a day back: a site published
    yesterday, which a browser would otherwise keep without asking (a tenth of its age)."""
    root = Path(tempfile.mkdtemp(prefix="catalogue-web-"))
    root.chmod(0o755)
    freeze(content, root / "microcredentials", BASE)
    past = time.time() - DAY
    for file in (root / "microcredentials").rglob("*"):
        os.utime(file, (past, past), follow_symlinks=False)
    yield root
    deadline = time.monotonic() + 30  # a rebuild removes the last site in the background
    while list(root.glob(".microcredentials.previous-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    shutil.rmtree(root, ignore_errors=True)


def nginx_block(root: Path) -> str:
    return doc_block("hosting.md", "server {").replace(DOCS_ROOT, str(root))


def apache_block(root: Path) -> str:
    return doc_block("hosting.md", "<VirtualHost *:80>").replace(DOCS_ROOT, str(root))


@pytest.fixture(scope="module")
def servers(web_root, tmp_path_factory) -> dict[str, str]:
    """Both servers on the one build: the site's address on each."""
    folder = tmp_path_factory.mktemp("servers")
    with ExitStack() as stack:
        nginx, _ = stack.enter_context(run_nginx(nginx_block(web_root), folder / "nginx"))
        apache, _ = stack.enter_context(run_apache(apache_block(web_root), folder / "apache"))
        yield {"nginx": nginx + PREFIX, "apache": apache + PREFIX}


@pytest.fixture(params=["nginx", "apache"])
def site(request, servers) -> str:
    return servers[request.param]


def built(web_root: Path, pattern: str) -> str:
    """The path, under the site, of the first file of the build matching `pattern`."""
    folder = web_root / "microcredentials"
    return next(folder.glob(pattern)).relative_to(folder).as_posix()


def test_the_docs_blocks_are_what_the_tests_run(web_root):
    nginx = nginx_block(web_root)
    assert f"include {web_root}/microcredentials/nginx.conf.example;" in nginx
    assert f"root {web_root};" in nginx
    assert "AllowOverride All" in apache_block(web_root)


def test_every_type_is_sent_as_itself(site, web_root):
    charset = "; charset=utf-8"
    types = {  # the type each server sends, as a regular expression
        "": "text/html" + charset,
        "static/css/site.css": "text/css" + charset,
        "static/js/enhance.js": "(text|application)/javascript" + charset,
        "api/credentials.json": "application/json",
        built(web_root, "search-data/facets.*.json"): "application/json",
        built(web_root, "credentials/*/dates.ics"): "text/calendar" + charset,
        "credentials.csv": "text/csv" + charset,
        "api/elm.jsonld": "application/ld\\+json",
        "feed.atom": "application/atom\\+xml",
        "admin/config.yml": "text/yaml" + charset,
        "sitemap.xml": f"(text|application)/xml({charset})?",
    }
    for path, kind in types.items():
        status, headers, _ = get(site + path)
        assert status == 200, path
        assert re.fullmatch(kind, headers["content-type"]), (path, headers["content-type"])
        assert headers["x-content-type-options"] == "nosniff", path


def test_pages_are_revalidated_and_hashed_files_kept_a_year(site, web_root):
    for path in ["", "fr/search/", "static/js/search-ui.js", "api/credentials.json", "embed/"]:
        assert get(site + path)[1]["cache-control"] == "no-cache", path
    hashed = [
        built(web_root, "search-data/facets.*.json"),
        built(web_root, "search-data/terms-*/0.json"),
        built(web_root, "search-data/cards-*/phrases.json"),
    ]
    for path in hashed:
        status, headers, _ = get(site + path)
        assert status == 200 and headers["cache-control"] == IMMUTABLE, path
    # a file the build did not write is not kept: a later build might write it
    status, headers, _ = get(site + "search-data/facets.000000000000.json")
    assert status == 404 and headers["cache-control"] == "no-cache"
    # a page asked again comes back as "not modified", without its body, compressed or not
    for encoding in ["gzip", "identity"]:
        _, headers, _ = get(site, **{"Accept-Encoding": encoding})
        for check in [
            {"If-Modified-Since": headers["last-modified"]},
            {"If-None-Match": headers["etag"]},  # what Chromium sends
        ]:
            status, _, body = get(site, **{"Accept-Encoding": encoding, **check})
            assert status == 304 and body == b"", (encoding, check)


def test_text_is_compressed(site, web_root):
    for path in [
        "",
        "search/",
        "static/css/site.css",
        "static/js/search-ui.js",
        built(web_root, "search-data/facets.*.json"),
        "api/credentials.json",
        "api/elm.jsonld",
        "credentials.csv",
        built(web_root, "credentials/*/dates.ics"),
        "feed.atom",
        "admin/config.yml",
    ]:
        status, headers, body = get(site + path, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("content-encoding") == "gzip", path
        assert "Accept-Encoding" in headers.get("vary", ""), path
        file = web_root / "microcredentials" / (path or "index.html")
        if file.is_dir():
            file = file / "index.html"
        assert gzip.decompress(body) == file.read_bytes(), path


def test_each_language_has_its_404_page(site):
    for path, lang, heading in [
        ("nope/", "en", "Page not found"),
        ("credentials/no-such-offering/", "en", "Page not found"),
        ("fr/nope/", "fr", "Page introuvable"),
        ("fr/credentials/no-such-offering/", "fr", "Page introuvable"),
        ("fr/embed/nope", "fr", "Page introuvable"),
        ("credentials/", "en", "Page not found"),  # a folder with no page of its own
        ("api/", "en", "Page not found"),
        ("fr/credentials/", "fr", "Page introuvable"),
    ]:
        status, headers, body = get(site + path)
        page = body.decode()
        assert status == 404, path
        assert f'<html lang="{lang}"' in page and f"<h1>{heading}</h1>" in page, path
        assert f'href="{PREFIX}static/css/site.css"' in page, path
        assert not re.search(r'<link rel="canonical"|<link[^>]* hreflang=', page), path
        assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-cache"


def test_the_builds_own_files_are_not_served(site, web_root):
    assert set(BUILD_FILES) <= {p.name for p in (web_root / "microcredentials").iterdir()}
    for name in BUILD_FILES:
        status, _, body = get(site + name)
        assert status == 404, name
        assert b"Page not found" in body and b"nginx" not in body, name


def test_the_security_headers_are_sent(site):
    policy = "content-security-policy"
    for path in ["", "search/", "fr/credentials/", "static/css/site.css", "nope/"]:
        headers = get(site + path)[1]
        assert headers[policy].endswith("frame-ancestors 'none'"), path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert headers["permissions-policy"].startswith("camera=()"), path
    for path in ["embed/", "fr/embed/"]:
        headers = get(site + path)[1]
        assert headers[policy].endswith("frame-ancestors *") and "x-frame-options" not in headers
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
    status, headers, body = get(site + "admin/")
    assert status == 200 and "'unsafe-eval'" in headers[policy]
    # the editor's icon is the site's, not /favicon.ico at the host's root
    assert f'<link rel="icon" href="{PREFIX}static/favicon.svg"' in body.decode()


def test_a_folder_without_its_slash_is_redirected_on_the_same_address(site):
    status, headers, _ = get(site + "browse")
    assert status == 301
    assert headers["location"] in (f"{PREFIX}browse/", f"{site}browse/")


def test_netlify_style_hosts_get_the_same_caching_404_pages_and_hidden_files(web_root):
    folder = web_root / "microcredentials"
    rules = netlify_headers(folder).rules
    for path, cache in [
        (PREFIX, "no-cache"),
        (f"{PREFIX}search/", "no-cache"),
        (f"{PREFIX}fr/embed/", "no-cache"),
        (f"{PREFIX}admin/config.yml", "no-cache"),
        (f"{PREFIX}static/js/search-ui.js", "no-cache"),
        (f"{PREFIX}{built(web_root, 'search-data/facets.*.json')}", IMMUTABLE),
        (f"{PREFIX}{built(web_root, 'search-data/terms-*/0.json')}", IMMUTABLE),
    ]:
        # such a host joins the values of every rule that matches: one rule may give it
        given = [
            values["Cache-Control"]
            for pattern, values in rules
            if "Cache-Control" in values
            and (path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1])))
        ]
        assert given == [cache], path
    redirects = (folder / "_redirects").read_text().splitlines()
    assert [line.split() for line in redirects] == [
        *([f"{PREFIX}{name}", f"{PREFIX}404.html", "404!"] for name in BUILD_FILES),
        [f"{PREFIX}fr/*", f"{PREFIX}fr/404.html", "404"],
        [f"{PREFIX}*", f"{PREFIX}404.html", "404"],
    ]


def test_apache_without_mod_headers_refuses_to_serve(web_root, tmp_path):
    modules = tuple(name for name in APACHE_LOAD if name != "headers")
    with run_apache(apache_block(web_root), tmp_path / "apache", modules) as (url, log):
        status, headers, _ = get(url + PREFIX)
        assert status == 500
        assert get(url + PREFIX + "search/")[0] == 500
    assert "needs mod_headers" in log.read_text() and "a2enmod headers" in log.read_text()


def test_search_works_in_chromium(site, browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(site + "search/?q=data")
    page.wait_for_selector(READY)
    assert page.locator(".results-body .card").count() > 0
    page.fill("#q", "welding")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/?q=welding*")
    page.wait_for_selector(READY)
    assert page.locator(".results-body .card").count() > 0
    assert errors == [] and failed == []
    context.close()


def test_both_servers_run_without_root_too(web_root):
    """Run as root (as in CI), the tests above start the servers as Debian does, handing
    requests to www-data; here, as a web person without root starts them: as themselves."""
    folder = Path(tempfile.mkdtemp(prefix="catalogue-user-"))
    folder.chmod(0o755)  # the user's own folders are inside
    try:
        with ExitStack() as stack:
            for run, block in [(run_nginx, nginx_block), (run_apache, apache_block)]:
                name = run.__name__
                url, _ = stack.enter_context(
                    run(block(web_root), folder / name, as_user="www-data")
                )
                status, headers, _ = get(url + PREFIX + "search/")
                assert status == 200 and headers["cache-control"] == "no-cache", name
                assert get(url + PREFIX + "fr/nope/")[0] == 404, name
    finally:
        shutil.rmtree(folder)


# Last, since it rebuilds the site both servers serve --------------------------------------


def test_a_returning_visitor_searches_after_a_rebuild(servers, content, web_root, browser):
    """A visitor searches; the site is rebuilt with one title changed; they come back
    with the same browser (its HTTP cache on) and search for a word whose part of the
    index they never fetched: the page they come back to names the new search files."""
    profiles = {name: Path(tempfile.mkdtemp(prefix=f"catalogue-{name}-")) for name in servers}

    def search(name: str, words: list[str]) -> set[str]:
        """Search for each of `words` in turn; return the terms files fetched."""
        context = browser.browser_type.launch_persistent_context(
            profiles[name], executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = context.pages[0] if context.pages else context.new_page()
        fetched: set[str] = set()
        failed: list[str] = []

        def seen(response):
            if "/terms-" in response.url:
                fetched.add(response.url.rsplit("/", 1)[1])
            if response.status >= 400:
                failed.append(f"{response.status} {response.url}")

        page.on("response", seen)
        page.goto(f"{servers[name]}search/?q={words[0]}")
        page.wait_for_selector(READY)
        for word in words[1:]:
            page.fill("#q", word)
            page.press("#q", "Enter")
            page.wait_for_url(f"**/search/?q={word}*")
            page.wait_for_selector(READY)
        alerts = page.locator(".results-body [role=alert]")
        problem = alerts.inner_text() if alerts.count() else ""
        cards = page.locator(".results-body .card").count()
        context.close()
        assert problem == "" and failed == [], (name, problem, failed)
        assert cards > 0, (name, words)
        return fetched

    try:
        first = {name: search(name, ["data"]) for name in servers}
        entry = sorted((content / "credentials").glob("*.md"))[0]
        text = entry.read_text(encoding="utf-8")
        entry.write_text(re.sub(r"(?m)^title: .*$", "title: A title changed", text, count=1))
        freeze(content, web_root / "microcredentials", BASE)
        for name in servers:
            later = search(name, ["data", "welding"])
            assert later - first[name], "welding should need a terms file data did not"
    finally:
        for profile in profiles.values():
            shutil.rmtree(profile, ignore_errors=True)
