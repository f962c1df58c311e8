"""The embed at /embed/: a search's matches for an iframe on another site. On the server
and in the static build (drawn by static/js/embed.js): the same entries in the same order,
links that open at the top level, never a draft, and the only page other sites may frame
(its own frame-ancestors and no X-Frame-Options, on the server and in the header files of
static hosts). The search page offers the iframe to copy."""

from __future__ import annotations

import html
import re
import shutil
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import MultiDict

from catalogue.build import freeze
from catalogue.web import create_app

from .conftest import DATA, DEMO, PREFIX
from .static_site import netlify_headers, serve_folder

ALL = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
FRAMED = ALL + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors *"
READY = "#embed-app[data-rendered]"
SLUGS = """() => [...document.querySelectorAll(".embed-item")].map((li) => li.dataset.slug)"""


def embed_slugs(page_html: str) -> list[str]:
    return re.findall(r'<li class="embed-item" data-slug="([^"]+)"', page_html)


def with_origins(tmp_path, origins: str):
    """The small test catalogue, its site.toml naming the pages that may frame the embed."""
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    settings = content / "site.toml"
    settings.write_text(f"embed_origins = {origins}\n" + settings.read_text())
    return content


# ---- The server -------------------------------------------------------------------------


def test_the_embed_lists_the_search_compactly(demo_app):
    client = demo_app.test_client()
    page = client.get("/embed/?delivery=online").get_data(as_text=True)
    results = demo_app.extensions["catalogue"].engine.answer({"delivery": "online"})
    assert embed_slugs(page) == [e.slug for e in results.entries][:20]
    assert len(embed_slugs(page)) == 20 < results.total
    assert f'<h1 class="embed-total">{results.total} micro-credentials</h1>' in page
    # no site header, footer or menu: the list, a total and the way to the whole search
    assert "masthead" not in page and "site-footer" not in page and "<nav" not in page
    first = results.entries[0]
    link = f'<a href="/credentials/{first.slug}/" target="_top">{html.escape(first.title)}</a>'
    assert link in page
    assert f'<p class="issuer">{html.escape(first.issuer)}</p>' in page
    assert '<div class="fact fact-delivery"><dt>Delivery</dt>' in page  # as the search page
    assert page.count('<dl class="facts"') == 20
    more = re.search(r'<p class="embed-more"><a href="([^"]+)" target="_top">([^<]+)</a>', page)
    assert more.groups() == (
        "/search/?delivery=online",
        f"See all {results.total} on Micro-credential catalogue",
    )
    # no link anywhere opens inside the frame
    for tag in re.findall(r"<a [^>]*>", page):
        assert 'target="_top"' in tag, tag
    assert "<script" not in page  # the server's embed needs no JavaScript


def test_the_embed_shows_the_first_page_whatever_the_url_asks(demo_app):
    client = demo_app.test_client()
    first = embed_slugs(client.get("/embed/?delivery=online").get_data(as_text=True))
    later = client.get("/embed/?delivery=online&page=2").get_data(as_text=True)
    assert embed_slugs(later) == first
    assert 'href="/search/?delivery=online"' in later


def test_the_embed_in_french_and_with_nothing_found(demo_app):
    client = demo_app.test_client()
    page = client.get("/fr/embed/?q=zzzzzz").get_data(as_text=True)
    assert '<html lang="fr">' in page and embed_slugs(page) == []
    assert "Aucune microcertification ne correspond" in page
    assert '<a href="/fr/search/?q=zzzzzz" target="_top">' in page
    page = client.get("/fr/embed/?delivery=online").get_data(as_text=True)
    assert "Voir les " in page
    assert "<dt>Durée</dt>" in page and "<dt>Coût</dt>" in page  # the facts in French


def test_only_the_embed_may_be_framed(client):
    with client.get("/embed/?q=data") as response:
        headers = response.headers
    assert headers["Content-Security-Policy"] == FRAMED
    assert "X-Frame-Options" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    for url in ["/", "/search/?q=data", "/credentials/alpha-data/", "/nope", "/api/search.json"]:
        with client.get(url) as response:
            headers = response.headers
        assert headers["Content-Security-Policy"].endswith("frame-ancestors 'none'"), url
        assert headers["X-Frame-Options"] == "DENY", url


def test_embed_origins_name_the_pages_that_may_frame_it(tmp_path):
    content = with_origins(tmp_path, '["https://college.example", "http://localhost:8080"]')
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    with client.get("/embed/") as response:
        policy = response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers
    assert policy.endswith("frame-ancestors https://college.example http://localhost:8080")
    with client.get("/search/") as response:
        assert response.headers["X-Frame-Options"] == "DENY"


def test_bad_embed_origins_are_named(tmp_path):
    from catalogue.content import load

    content = with_origins(tmp_path, '["https://college.example/programs", "https://ok.example"]')
    catalogue = load(content)
    assert any("embed_origins" in str(e) for e in catalogue.errors)
    assert catalogue.site.embed_origins == ("https://ok.example",)  # the good one stays
    content = with_origins(tmp_path / "all-bad", '["college.example/"]')
    # a list with no usable origin lets no page frame the embed, rather than every page
    assert load(content).site.embed_origins == ("'none'",)
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    with client.get("/embed/") as response:
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_drafts_never_appear_in_the_embed(tmp_path, demo_catalogue):
    drafts = {e.slug for e in demo_catalogue.entries if e.draft}
    published = [e for e in demo_catalogue.entries if not e.draft]
    assert drafts
    app = create_app(DEMO, index_dir=tmp_path / "index", drafts=True)
    client = app.test_client()
    search = client.get("/search/?page=1").get_data(as_text=True)
    assert f'data-total="{len(demo_catalogue.entries)}"' in search  # the preview shows them
    for query in ["", "delivery=online", "q=charging", "sort=cost"]:
        page = client.get(f"/embed/?{query}").get_data(as_text=True)
        slugs = embed_slugs(page)
        assert not drafts & set(slugs), query
        engine = app.extensions["catalogue"].engine
        request = engine.parse(MultiDict(parse_qsl(query)))
        everything = engine.search(request, page_size=len(demo_catalogue.entries)).entries
        assert slugs == [e.slug for e in everything if not e.draft][:20], query
    page = client.get("/embed/").get_data(as_text=True)
    assert f"{len(published)} micro-credentials</h1>" in page
    assert len(embed_slugs(page)) == 20


def test_the_search_page_offers_the_iframe(demo_app):
    client = demo_app.test_client()
    page = client.get("/search/?delivery=online&q=data&page=2").get_data(as_text=True)
    code = re.search(r'<textarea id="embed-code"[^>]*>([^<]*)</textarea>', page).group(1)
    assert html.unescape(code) == (
        '<iframe src="http://localhost/embed/?q=data&amp;delivery=online" '
        'title="Micro-credentials from Micro-credential catalogue" width="100%" height="600" '
        'loading="lazy"></iframe>'
    )
    assert "<summary>Embed this list on your site</summary>" in page
    french = client.get("/fr/search/?delivery=online").get_data(as_text=True)
    assert "http://localhost/fr/embed/?delivery=online" in french
    assert "Intégrer cette liste à votre site" in french


# ---- The static build -------------------------------------------------------------------


def test_the_static_build_has_the_embed_and_its_headers(frozen_demo):
    page = (frozen_demo / "embed" / "index.html").read_text()
    assert (frozen_demo / "fr" / "embed" / "index.html").is_file()
    assert len(embed_slugs(page)) == 20  # the first page of all, without JavaScript
    assert "<noscript>" in page and "Filtering needs JavaScript" in page
    assert 'src="/microcredentials/static/js/embed.js"' in page
    netlify = (frozen_demo / "_headers").read_text()
    embed = f"{PREFIX}embed/*\n  Content-Security-Policy: {FRAMED}\n"
    assert embed in netlify
    assert embed.replace(PREFIX, f"{PREFIX}fr/") in netlify
    for path in [PREFIX, f"{PREFIX}embed/?q=x", f"{PREFIX}fr/embed/", f"{PREFIX}search/"]:
        headers = netlify_headers(frozen_demo, path)
        framed = "embed/" in path
        assert headers["Content-Security-Policy"].endswith(
            "frame-ancestors *" if framed else "frame-ancestors 'none'"
        ), path
        assert ("X-Frame-Options" in headers) is not framed, path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    assert netlify_headers(frozen_demo, f"{PREFIX}fr/search/")["X-Frame-Options"] == "DENY"
    apache = (frozen_demo / ".htaccess").read_text()
    assert (
        f'<If "%{{REQUEST_URI}} =~ m#^{PREFIX}embed/#">\n'
        '  Header always set Content-Security-Policy "' + ALL
    ) in apache
    assert "  Header always unset X-Frame-Options\n</If>\n" in apache
    nginx = (frozen_demo / "nginx.conf.example").read_text()
    inner = nginx.split(f"    location {PREFIX}embed/ {{\n", 1)[1].split("    }\n", 1)[0]
    assert "frame-ancestors *" in inner and "X-Frame-Options" not in inner
    assert "add_header Referrer-Policy" in inner  # nginx inherits none of the outer ones


def test_a_static_build_frames_only_for_embed_origins(tmp_path):
    content = with_origins(tmp_path, '["https://college.example"]')
    out = tmp_path / "dist"
    freeze(content, out, "https://catalogue.example/micro/")
    netlify = (out / "_headers").read_text()
    assert "frame-ancestors *" not in netlify
    headers = netlify_headers(out, "/micro/embed/")
    assert headers["Content-Security-Policy"].endswith("frame-ancestors https://college.example")
    assert "X-Frame-Options" not in headers
    assert netlify_headers(out, "/micro/")["X-Frame-Options"] == "DENY"
    assert 'frame-ancestors https://college.example"' in (out / ".htaccess").read_text()


# ---- In Chromium: the static embed --------------------------------------------------------

PARITY = [
    "",
    "delivery=online",
    "q=data",
    "q=care&delivery=in-person",
    "cost_band=free&sort=hours",
    "delivery=hybrid&cost_max=500&page=3",
    "q=zzzzzz",
]


@pytest.mark.parametrize("query", PARITY)
def test_the_static_embed_shows_what_the_server_shows(demo_app, demo_site, browser, query):
    server = demo_app.test_client().get(f"/embed/?{query}").get_data(as_text=True)
    page = browser.new_page()
    try:
        page.goto(f"{demo_site}embed/?{query}")
        page.wait_for_selector(READY)
        assert page.evaluate(SLUGS) == embed_slugs(server)
        total = re.search(r'<h1 class="embed-total">([^<]+)</h1>', server).group(1)
        assert page.inner_text(".embed-total").lower() == total.lower()
        more = re.search(r'<p class="embed-more"><a href="/([^"]*)"', server).group(1)
        assert page.get_attribute(".embed-more a", "href") == PREFIX + html.unescape(more)
        assert page.get_attribute(".embed-more a", "target") == "_top"
        server_text = html.unescape(re.search(r'target="_top">([^<]+)</a></p>', server).group(1))
        assert page.inner_text(".embed-more a") == server_text
    finally:
        page.close()


def test_the_static_embed_items_match_the_servers(demo_app, demo_site, browser):
    """Item for item the same markup: title, issuer and facts as the server writes them."""
    server = demo_app.test_client().get("/embed/?q=battery").get_data(as_text=True)
    page = browser.new_page()
    try:
        page.goto(f"{demo_site}embed/?q=battery")
        page.wait_for_selector(READY)
        drawn = page.evaluate(
            """() => [...document.querySelectorAll(".embed-item")].map((li) => li.outerHTML)"""
        )
        # the server's items as the browser reads them, to compare markup with markup
        items = re.search(r'<ol class="embed-list">.*?</ol>', server, re.S).group(0)
        served = page.evaluate(
            """(html) => {
              const t = document.createElement("template");
              t.innerHTML = html;
              return [...t.content.querySelectorAll(".embed-item")].map((li) => li.outerHTML);
            }""",
            items,
        )
    finally:
        page.close()
    squeeze = lambda s: re.sub(r">\s+<", "><", s).strip()  # noqa: E731
    assert len(drawn) == len(served) > 1
    for mine, theirs in zip(drawn, served, strict=True):
        assert squeeze(mine.replace(PREFIX, "/")) == squeeze(theirs)


def test_another_site_can_frame_the_embed(demo_site, browser, tmp_path):
    host = tmp_path / "college"
    host.mkdir()
    (host / "index.html").write_text(
        "<!doctype html><title>College</title><h1>Our programs</h1>"
        f'<iframe id="embed" src="{demo_site}embed/?delivery=online" title="List"></iframe>'
        f'<iframe id="search" src="{demo_site}search/" title="Search"></iframe>'
    )
    with serve_folder(host, "/") as college:
        assert college.split("/")[2] != demo_site.split("/")[2]  # another origin
        page = browser.new_page()
        try:
            page.goto(college)
            frame = page.frame_locator("#embed")
            frame.locator(READY).wait_for()
            links = frame.locator(".embed-item a, .embed-more a")
            assert links.count() == 21
            assert set(links.evaluate_all("(as) => as.map((a) => a.target)")) == {"_top"}
            # the search page refuses to be framed: the frame holds the browser's error page
            search = page.query_selector("#search").content_frame()
            assert not search.url.startswith(demo_site), search.url
            # a link opens at the top level, leaving the college's page
            first = frame.locator(".embed-item a").first
            href = first.get_attribute("href")
            with page.expect_navigation():
                first.click()
            assert page.url == demo_site.split(PREFIX)[0] + href
        finally:
            page.close()


LOADED_SCRIPTS = "() => performance.getEntriesByType('resource').map((r) => r.name)"


def test_the_static_search_page_keeps_the_iframe_in_step(demo_site, browser):
    page = browser.new_page()
    try:
        page.goto(f"{demo_site}search/?delivery=online&page=2")
        page.wait_for_selector("#search-app[data-rendered]")
        assert page.is_visible("details.embed-snippet")
        expected = (
            f'<iframe src="{demo_site}embed/?delivery=online" title="Micro-credentials from '
            'Micro-credential catalogue" width="100%" height="600" loading="lazy"></iframe>'
        )
        # its script loads when the panel is first opened, after the search was drawn
        assert not any("embed.js" in s for s in page.evaluate(LOADED_SCRIPTS))
        page.click("details.embed-snippet summary")
        page.wait_for_function(
            "(want) => document.getElementById('embed-code').value === want", arg=expected
        )
        assert any("embed.js" in s for s in page.evaluate(LOADED_SCRIPTS))
        # a filter ticked in the page (no reload): the code follows
        page.click('a.facet-value[data-facet="cost_band"][data-value="free"]')
        page.wait_for_function(
            "() => document.getElementById('embed-code').value.includes('cost_band=free')"
        )
        assert page.input_value("#embed-code") == expected.replace(
            "delivery=online", "delivery=online&amp;cost_band=free"
        )
    finally:
        page.close()
