"""Share and be found: every page's <head> gives its canonical address and the same page in
each interface language (hreflang, x-default too), all absolute, with OpenGraph and Twitter
card data; Lighthouse's SEO audit scores every kind of page 100, on a server and in the
static build.

Lighthouse is pinned and installed from the npm registry into .tools/ by scripts/test; it
runs Debian's Chromium (/usr/bin/chromium) against a server on 127.0.0.1, offline."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from .conftest import BASE, DATA, DEMO, PREFIX, ROOT
from .static_site import (
    CHROMIUM,
    free_port,
    gunicorn_serve,
    netlify_headers,
    serve_folder,
)

ENTRY = "agri-dairy-herd-health-records"
OTHER = {"en": "fr", "fr": "en"}
PREFIXES = {"en": "", "fr": "fr/"}


@dataclass
class Head:
    """What a page's <head> says about it, as an HTML parser reads it."""

    title: str
    description: list[str]
    canonical: list[str]
    hreflang: list[tuple[str, str]]
    meta: dict[str, list[str]]  # og:* by `property`, twitter:* by `name`
    switch: list[str]  # the visible language switch's links

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]


def head_of(html: str) -> Head:
    soup = BeautifulSoup(html, "html.parser")
    head = soup.head
    meta: dict[str, list[str]] = {}
    for tag in head.find_all("meta"):
        key = tag.get("property") or tag.get("name") or ""
        if key.startswith(("og:", "twitter:")):
            meta.setdefault(key, []).append(tag.get("content"))
    links = head.find_all("link")
    return Head(
        title=head.title.get_text(),
        description=[
            m.get("content") for m in head.find_all("meta", attrs={"name": "description"})
        ],
        canonical=[link.get("href") for link in links if "canonical" in link.get("rel", [])],
        hreflang=[(link["hreflang"], link.get("href")) for link in links if link.get("hreflang")],
        meta=meta,
        switch=[a["href"] for a in soup.body.select("a[hreflang][data-keep-query]")],
    )


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and url.startswith(f"{parts.scheme}://{parts.netloc}/")
    )


def check_head(html: str, url: str, lang: str, other_url: str, country: str = "CA") -> Head:
    """The page at absolute `url` in interface language `lang` (the demo's: en the
    default, fr), whose French or English twin is at `other_url`, says so in its <head>."""
    head = head_of(html)
    assert head.canonical == [url], "exactly one canonical link, the page's own address"
    assert absolute(head.canonical[0])
    langs = [code for code, _href in head.hreflang]
    assert sorted(langs) == ["en", "fr", "x-default"], "every language once, and x-default"
    alternates = dict(head.hreflang)
    assert all(absolute(href) for href in alternates.values()), alternates
    assert alternates[lang] == url and alternates[OTHER[lang]] == other_url
    assert alternates["x-default"] == alternates["en"]  # the default language's
    # OpenGraph and Twitter: the page's own title, description and address
    assert head.one("og:url") == url
    assert head.one("og:locale") == f"{lang}_{country}"
    assert head.meta["og:locale:alternate"] == [f"{OTHER[lang]}_{country}"]
    assert head.one("og:type") == "website"
    assert head.one("og:title") == head.title.strip()
    assert len(head.description) == 1 and head.description[0]
    assert head.one("og:description") == head.description[0]
    # X's card takes its title and text from og:title and og:description when the page
    # gives no twitter:title or twitter:description (developer.x.com/cards/markup), so
    # the page does not repeat them: at 10,000 entries they were 20 MB of a build
    assert head.one("twitter:card") == "summary"
    assert "twitter:title" not in head.meta and "twitter:description" not in head.meta
    assert head.title.endswith(head.one("og:site_name"))
    # the visible switch still links to the page in the other language, relatively
    assert len(head.switch) == 1 and head.switch[0].startswith("/"), head.switch
    return head


def demo_paths(demo_app) -> list[str]:
    """One page of every kind, by its path under the site's root (in the default language)."""
    site = demo_app.extensions["catalogue"]
    pathway = next(iter(site.pathways))
    return [
        "",
        "search/",
        f"credentials/{ENTRY}/",
        "browse/",
        "browse/delivery/online/",
        "pathways/",
        f"pathways/{pathway}/",
        "compare/",
    ]


# ---- On a server: the request's host and sub-path --------------------------------------------


@pytest.mark.parametrize("root", ["", "/micro"])
@pytest.mark.parametrize("host", ["http://localhost", "https://college.example"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_kind_of_page_names_its_addresses(demo_app, lang, host, root):
    client = demo_app.test_client()
    pages = [*demo_paths(demo_app), "content-errors/", f"compare/?c={ENTRY}"]
    pages += ["search/?q=care&delivery=online&sort=cost"]
    for path in pages:
        response = client.get(
            f"/{PREFIXES[lang]}{path}", base_url=host, environ_overrides={"SCRIPT_NAME": root}
        )
        assert response.status_code == 200, path
        url = f"{host}{root}/{PREFIXES[lang]}{path}"
        other = f"{host}{root}/{PREFIXES[OTHER[lang]]}{path}"
        check_head(response.get_data(as_text=True), url, lang, other)


def test_behind_a_proxy_the_addresses_are_the_public_ones(demo_app):
    """As catalogue.wsgi serves behind one proxy (CATALOGUE_PROXIES=1)."""
    from werkzeug.middleware.proxy_fix import ProxyFix
    from werkzeug.test import Client

    proxied = Client(ProxyFix(demo_app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1))
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "college.example",
        "X-Forwarded-Prefix": "/micro",
    }
    html = proxied.get("/fr/browse/", headers=headers).get_data(as_text=True)
    check_head(html, "https://college.example/micro/fr/browse/", "fr",
               "https://college.example/micro/browse/")  # fmt: skip


def test_a_query_is_part_of_the_address_only_where_it_is_the_page(demo_app):
    """Search and compare pages keep their query (they are noindex); elsewhere a query is
    not the page's, and the canonical address drops it."""
    client = demo_app.test_client()
    html = client.get(f"/fr/credentials/{ENTRY}/?utm_source=mail").get_data(as_text=True)
    head = check_head(
        html,
        f"http://localhost/fr/credentials/{ENTRY}/",
        "fr",
        f"http://localhost/credentials/{ENTRY}/",
    )
    assert head.switch == [f"/credentials/{ENTRY}/?utm_source=mail"]  # the switch keeps it
    html = client.get("/search/?q=care").get_data(as_text=True)
    check_head(html, "http://localhost/search/?q=care", "en", "http://localhost/fr/search/?q=care")
    assert 'name="robots" content="noindex' in html


def test_shared_text_is_escaped(demo_app, tmp_path):
    """Titles, descriptions and names are shared as the text they are, whatever they hold."""
    from catalogue.web import create_app

    words = "\"Care\" & 'cure' <script>alert(1)</script>"
    client = demo_app.test_client()
    html = client.get("/search/", query_string={"q": words}).get_data(as_text=True)
    assert "<script>alert" not in html
    head = head_of(html)
    assert head.title == f"{words} – Search – Micro-credential catalogue"
    assert head.one("og:title") == head.title
    assert parse_qs(urlsplit(head.canonical[0]).query) == {"q": [words]}
    assert head.one("og:url") == head.canonical[0] == dict(head.hreflang)["en"]
    # the site's own name and tagline, from site.toml
    name, tagline = 'A & B "C" <i>x</i>', "Fish & 'chips' <script>alert(1)</script>"
    content = write_site(tmp_path, f"name = {json.dumps(name)}\ntagline = {json.dumps(tagline)}\n")
    html = create_app(content, index_dir=tmp_path / "ix").test_client().get("/").text
    assert "<script>alert" not in html and "<i>x" not in html
    head = head_of(html)
    assert head.one("og:site_name") == head.one("og:title") == head.title == name
    assert head.one("og:description") == tagline


def test_a_page_not_found_names_no_address(demo_app):
    client = demo_app.test_client()
    for path in ("/nope/", "/fr/nope/", "/credentials/nope/"):
        response = client.get(path)
        assert response.status_code == 404
        head = head_of(response.get_data(as_text=True))
        assert head.canonical == [] and "og:url" not in head.meta, path
        assert head.title and head.one("og:title") == head.title


def write_site(folder: Path, settings: str) -> Path:
    import shutil

    content = folder / "content"
    shutil.copytree(DATA / "search", content)
    (content / "site.toml").write_text(settings, encoding="utf-8")
    return content


def test_the_locale_follows_the_sites_country_and_languages(tmp_path):
    from catalogue.web import create_app

    content = write_site(tmp_path / "be", 'languages = ["fr", "en"]\ncountry = "BE"\n')
    client = create_app(content, index_dir=tmp_path / "ix-be").test_client()
    html = client.get("/browse/").get_data(as_text=True)
    head = head_of(html)
    assert head.one("og:locale") == "fr_BE" and head.meta["og:locale:alternate"] == ["en_BE"]
    assert dict(head.hreflang) == {
        "fr": "http://localhost/browse/",
        "en": "http://localhost/en/browse/",
        "x-default": "http://localhost/browse/",  # the default language is French here
    }
    # one language: a canonical address, no alternates
    content = write_site(tmp_path / "one", 'name = "Only English"\n')
    client = create_app(content, index_dir=tmp_path / "ix-one").test_client()
    head = head_of(client.get("/browse/").get_data(as_text=True))
    assert head.canonical == ["http://localhost/browse/"] == head.meta["og:url"]
    assert head.hreflang == [] and "og:locale:alternate" not in head.meta
    assert head.one("og:locale") == "en_CA"


# ---- In the static build: the build's base URL -----------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_frozen_page_names_its_addresses(demo_app, frozen_demo, lang):
    """The frozen demo was built for BASE (http://127.0.0.1/microcredentials/)."""
    for path in demo_paths(demo_app):
        html = (frozen_demo / PREFIXES[lang] / path / "index.html").read_text(encoding="utf-8")
        other = f"{BASE}{PREFIXES[OTHER[lang]]}{path}"
        check_head(html, f"{BASE}{PREFIXES[lang]}{path}", lang, other)
    head = head_of((frozen_demo / "404.html").read_text(encoding="utf-8"))
    assert head.canonical == [] and head.hreflang == [] and "og:url" not in head.meta


def test_a_build_without_a_base_url_names_no_address(tmp_path):
    """Without a base URL a build cannot know its address: it names none, rather than
    http://localhost/ (what its sitemap falls back to, with a warning)."""
    from catalogue.build import freeze

    content = write_site(tmp_path, 'name = "Micro"\nlanguages = ["en", "fr"]\n')
    freeze(content, tmp_path / "dist")
    head = head_of((tmp_path / "dist" / "fr" / "browse" / "index.html").read_text())
    assert head.canonical == [] and head.hreflang == [] and "og:url" not in head.meta
    assert head.one("og:locale") == "fr_CA" and head.one("og:title") == head.title


# ---- Lighthouse -----------------------------------------------------------------------------

TOOLS = ROOT / ".tools" / "node_modules"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-proxy-server "
    "--disable-background-networking --disable-component-update --disable-sync --no-first-run"
)

# Lighthouse's CLI (lighthouse/cli/index.js URL --only-categories=seo) starts Chromium and
# Lighthouse again for each page, some 8 seconds a page on a busy machine: this runs its
# Node API over all the pages of a site in one Chromium, with the CLI's default settings
# but the full-page screenshot (nothing SEO reads). Offline: Lighthouse needs no network.
RUN_LIGHTHOUSE = """
const [tools, flags, ...urls] = process.argv.slice(1);
const {default: lighthouse} = await import(`${tools}/lighthouse/core/index.js`);
const {launch} = await import(`${tools}/chrome-launcher/dist/index.js`);
const config = {
  extends: "lighthouse:default",
  settings: {onlyCategories: ["seo"], disableFullPageScreenshot: true},
};
const chrome = await launch({chromePath: process.env.CHROME_PATH, chromeFlags: flags.split(" ")});
const reports = {};
try {
  for (const url of urls) {
    reports[url] = (await lighthouse(url, {port: chrome.port, logLevel: "error"}, config)).lhr;
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(reports));
"""


def lighthouse_seo(urls: list[str]) -> dict[str, dict]:
    """Lighthouse's SEO report (its JSON) of each of `urls`, run with Debian's Chromium."""
    for path in (TOOLS / "lighthouse" / "cli" / "index.js", CHROMIUM):
        if not path.exists():
            raise RuntimeError(f"{path} is missing: bash scripts/test installs it")
    env = {name: value for name, value in os.environ.items() if not name.lower().endswith("_proxy")}
    env["CHROME_PATH"] = str(CHROMIUM)
    result = subprocess.run(
        ["node", "--input-type=module", "-e", RUN_LIGHTHOUSE, str(TOOLS), CHROME_FLAGS, *urls],
        capture_output=True, text=True, env=env, timeout=60 + 30 * len(urls),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def audit_reports(urls: list[str]) -> dict[str, tuple[dict, list[str]]]:
    """For each URL: Lighthouse's report, and the canonical links of the page it loaded."""
    reports = lighthouse_seo(urls)
    out = {}
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            out[url] = (reports[url], head_of(response.read().decode()).canonical)
    return out


def failed_audits(report: dict) -> list[str]:
    """Each SEO audit that did not pass: its id, title, what it says and its details."""
    out = []
    for ref in report["categories"]["seo"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit["score"] is None or audit["score"] >= 1:  # not applicable, manual, passed
            continue
        said = audit.get("explanation") or audit.get("displayValue") or ""
        details = json.dumps(audit.get("details", {}).get("items", []), ensure_ascii=False)
        out.append(f"{audit['id']}: {audit['title']} {said}\n    {details[:2000]}")
    return out


def check_seo(url: str, found: tuple[dict, list[str]], allowed: frozenset = frozenset()) -> None:
    """Lighthouse scored `url` 100 for SEO (or failed only the audits `allowed`), and the
    page's canonical address is the address Lighthouse loaded."""
    report, canonical = found
    assert report.get("runtimeError") is None, report["runtimeError"]
    assert report["finalDisplayedUrl"] == url
    failed = failed_audits(report)
    if allowed:
        assert {f.split(":", 1)[0] for f in failed} == allowed, "\n".join(failed)
    else:
        score = report["categories"]["seo"]["score"]
        assert score == 1, f"SEO score {score} for {url}:\n" + "\n".join(failed)
    assert canonical == [url]


SERVER_PAGES = [
    "",
    f"credentials/{ENTRY}/",
    "browse/delivery/online/",
    "pathways/{pathway}/",
    f"fr/credentials/{ENTRY}/",
]
SEARCH_PAGE = "search/?q=care&delivery=online"
STATIC_PAGES = ["", f"credentials/{ENTRY}/", "fr/browse/delivery/online/"]


@pytest.fixture(scope="module")
def server_audits(demo_app, tmp_path_factory):
    """Lighthouse's reports of the demo's pages under gunicorn, as in production (not
    `catalogue serve`: its live reload keeps a request open, which Lighthouse waits on)."""
    settings = {
        "CATALOGUE_CONTENT": str(DEMO),
        "CATALOGUE_INDEX_DIR": str(tmp_path_factory.mktemp("seo-index")),
    }
    pathway = next(iter(demo_app.extensions["catalogue"].pathways))
    with gunicorn_serve(settings, workers=1, threads=4) as base:
        urls = {path: base + path.format(pathway=pathway) for path in [*SERVER_PAGES, SEARCH_PAGE]}
        found = audit_reports(list(urls.values()))
    return {path: (url, found[url]) for path, url in urls.items()}


@pytest.mark.parametrize("path", SERVER_PAGES)
def test_lighthouse_seo_on_the_server(server_audits, path):
    check_seo(*server_audits[path])


def test_lighthouse_finds_search_results_noindex_and_nothing_else(server_audits):
    check_seo(*server_audits[SEARCH_PAGE], allowed=frozenset({"is-crawlable"}))


@pytest.fixture(scope="module")
def static_audits(tmp_path_factory):
    """Lighthouse's reports of pages of the demo built for, and served at, an address on
    this machine (under a sub-path), so that its absolute URLs are those Lighthouse loads."""
    from catalogue.build import freeze

    port = free_port()
    out = tmp_path_factory.mktemp("seo-static") / "dist"
    freeze(DEMO, out, f"http://127.0.0.1:{port}{PREFIX}")
    with serve_folder(out, PREFIX, netlify_headers(out), port=port) as base:
        found = audit_reports([base + path for path in STATIC_PAGES])
    return {path: (base + path, found[base + path]) for path in STATIC_PAGES}


@pytest.mark.parametrize("path", STATIC_PAGES)
def test_lighthouse_seo_on_the_static_build(static_audits, path):
    check_seo(*static_audits[path])


def test_with_a_base_url_a_server_names_its_public_address(tmp_path):
    import shutil

    from catalogue.web import create_app

    from .conftest import DATA

    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    settings = content / "site.toml"
    settings.write_text('base_url = "https://college.example/"\n' + settings.read_text())
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    html = client.get("/credentials/alpha-data/", base_url="http://10.0.0.7:8000/").get_data(
        as_text=True
    )
    assert '<link rel="canonical" href="https://college.example/credentials/alpha-data/">' in html
