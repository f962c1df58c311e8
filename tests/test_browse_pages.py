"""Browse pages in pages (issue 14): /browse/<facet>/<value>/ is page 1 and links
page/2/, ... with rel="prev"/"next", a count, lean rows in search's order (title, then
slug), the same pages on the server and in the frozen site, in both languages."""

import json
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalogue.build import freeze
from catalogue.facets import FACETS_BY_NAME
from catalogue.search import sort_key
from catalogue.web import create_app
from catalogue.web.views.browse import BROWSE_PAGE_SIZE

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

COUNT = 250  # enough for "Online" and "English" to take two or three pages
BASE = "https://college.example/microcredentials/"
PREFIX = urlsplit(BASE).path


class BrowsePage(HTMLParser):
    """What a browse page shows: its rows, count, page links and head."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.slugs: list[str] = []
        self.total: int | None = None
        self.head_links: dict[str, str] = {}  # rel -> href, of <link> in the head
        self.nav_links: dict[str, str] = {}  # rel -> href, of the visible links
        self.page_links: list[str] = []  # every link of the page-number nav
        self.title = ""
        self.count_line = ""
        self.row_texts: list[str] = []
        self._where: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "data-slug" in a:
            self.slugs.append(a["data-slug"])
            self.row_texts.append("")
        if "data-total" in a:
            self.total = int(a["data-total"])
        if tag == "link" and a.get("rel") in ("prev", "next"):
            self.head_links[a["rel"]] = a["href"]
        if tag == "a" and a.get("rel") in ("prev", "next"):
            self.nav_links[a["rel"]] = a["href"]
        if tag == "nav" and "pagination" in classes:
            self._where.append("nav")
        if tag == "a" and "nav" in self._where:
            self.page_links.append(a["href"])
        if tag == "title":
            self._where.append("title")
        if tag == "h2" and "browse-count" in classes:
            self._where.append("count")

    def handle_endtag(self, tag):
        if self._where and tag == {"nav": "nav", "title": "title", "count": "h2"}[self._where[-1]]:
            self._where.pop()
        if tag == "li" and self.row_texts and not self.row_texts[-1].endswith("|"):
            self.row_texts[-1] += "|"  # a row is over

    def handle_data(self, data):
        if "title" in self._where:
            self.title += data
        if "count" in self._where:
            self.count_line += data
        if self.row_texts and not self.row_texts[-1].endswith("|"):
            self.row_texts[-1] += data

    @property
    def count_text(self) -> str:
        return " ".join(self.count_line.split())


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = generate(COUNT, tmp_path_factory.mktemp("browse-pages") / "content")
    # two entries of one title: search's order puts them by slug
    twin = (folder / "credentials" / "gen-000001.md").read_text()
    for slug in ("aaa-twin", "zzz-twin"):
        (folder / "credentials" / f"{slug}.md").write_text(twin)
    return folder


@pytest.fixture(scope="module")
def app(content, tmp_path_factory):
    return create_app(content, index_dir=tmp_path_factory.mktemp("browse-index"))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def site(app):
    return app.extensions["catalogue"]


@pytest.fixture(scope="module")
def frozen(content, tmp_path_factory):
    out = tmp_path_factory.mktemp("browse-site") / "dist"
    freeze(content, out, BASE)
    return out


def get(client, url: str, status: int = 200) -> BrowsePage:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BrowsePage(response.get_data(as_text=True))


def expected(site, facet: str, slug: str) -> list[str]:
    """The slugs of every entry with that facet value, in search's order with no words."""
    value = site.browse[facet][slug]
    found = [e for e in site.entries if value in FACETS_BY_NAME[facet].values(e)]
    return [e.slug for e in sorted(found, key=lambda e: (sort_key(e.title), e.slug))]


def walk(fetch, first: str) -> list[BrowsePage]:
    """Every page of a browse page, following rel="next" from the first."""
    pages, url = [], first
    while url:
        pages.append(fetch(url))
        url = pages[-1].head_links.get("next")
        assert url == pages[-1].nav_links.get("next")  # the head and the visible link agree
        assert len(pages) < 100
    return pages


def test_the_first_page_links_the_next_and_the_last_links_back(client, site):
    total = len(expected(site, "delivery", "online"))
    pages = -(-total // BROWSE_PAGE_SIZE)
    assert pages >= 2
    first = get(client, "/browse/delivery/online/")
    assert "prev" not in first.head_links and "prev" not in first.nav_links
    assert first.head_links["next"] == "/browse/delivery/online/page/2/"
    assert first.total == total
    assert first.count_text == f"{total} micro-credentials · page 1 of {pages}"
    assert f"/browse/delivery/online/page/{pages}/" in first.page_links  # the last page
    assert "/browse/delivery/online/page/1/" not in first.page_links
    assert first.title.startswith("Delivery mode: Online –")  # page 1 says no page number

    second = get(client, "/browse/delivery/online/page/2/")
    assert second.head_links["prev"] == second.nav_links["prev"] == "/browse/delivery/online/"
    assert "/browse/delivery/online/" in second.page_links
    assert second.total == total
    assert second.count_text == f"{total} micro-credentials · page 2 of {pages}"
    assert second.title.startswith(f"Delivery mode: Online · page 2 of {pages} –")

    last = get(client, f"/browse/delivery/online/page/{pages}/")
    assert "next" not in last.head_links and "next" not in last.nav_links
    assert 0 < len(last.slugs) <= BROWSE_PAGE_SIZE


def test_a_value_that_fits_on_one_page_has_no_page_links(client, site):
    slug = next(s for s in site.browse["issuer"] if len(expected(site, "issuer", s)) > 1)
    page = get(client, f"/browse/issuer/{slug}/")
    assert page.slugs == expected(site, "issuer", slug)
    assert not page.head_links and not page.page_links
    assert page.count_text == f"{len(page.slugs)} micro-credentials"
    assert 'class="related"' in page.html  # who the issuer works with, as before


@pytest.mark.parametrize("facet", ["delivery", "language", "field", "issuer", "partners"])
def test_the_pages_together_list_every_entry_once_in_title_order(client, site, facet):
    for slug in site.browse[facet]:
        pages = walk(lambda url: get(client, url), f"/browse/{facet}/{slug}/")
        for page in pages[:-1]:
            assert len(page.slugs) == BROWSE_PAGE_SIZE
        shown = [s for page in pages for s in page.slugs]
        assert shown == expected(site, facet, slug), (facet, slug)


def test_ties_of_title_go_by_slug(client, site):
    title = site.by_slug["aaa-twin"].title
    slug = next(s for s, v in site.browse["field"].items() if v == site.by_slug["aaa-twin"].field)
    shown = [s for p in walk(lambda u: get(client, u), f"/browse/field/{slug}/") for s in p.slugs]
    twins = [s for s in shown if site.by_slug[s].title == title]
    assert twins == ["aaa-twin", "gen-000001", "zzz-twin"]


def test_a_row_shows_title_issuer_delivery_time_and_cost(client, site):
    page = get(client, "/browse/delivery/online/page/2/")
    entry = site.by_slug[page.slugs[0]]
    row = " ".join(page.row_texts[0].rstrip("|").split())
    assert row.startswith(f"{entry.title} {entry.issuer} Online ")
    assert f"{entry.hours:g} h in {entry.weeks:g} week" in row
    assert row.endswith("Free" if entry.cost == 0 else f"${entry.cost:,.0f}")
    assert f'href="/credentials/{entry.slug}/"' in page.html
    assert entry.summary not in page.html  # rows, not cards
    assert 'id="ui-text"' not in page.html  # no script of the page reads it


def test_the_item_list_holds_the_page_and_its_places(client):
    page = get(client, "/browse/delivery/online/page/2/")
    (script,) = [
        s.split(">", 1)[1].split("</script>", 1)[0]
        for s in page.html.split("<script")[1:]
        if 'type="application/ld+json"' in s.split(">", 1)[0]
    ]
    items = json.loads(script)
    assert items["numberOfItems"] == page.total
    assert [i["position"] for i in items["itemListElement"]] == list(
        range(BROWSE_PAGE_SIZE + 1, BROWSE_PAGE_SIZE + 1 + len(page.slugs))
    )
    assert [i["url"] for i in items["itemListElement"]] == [
        f"http://localhost/credentials/{s}/" for s in page.slugs
    ]


def test_no_second_address_and_no_page_past_the_end(client, site):
    pages = -(-len(expected(site, "delivery", "online")) // BROWSE_PAGE_SIZE)
    response = client.get("/browse/delivery/online/page/1/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/browse/delivery/online/"
    response = client.get("/fr/browse/delivery/online/page/1/")
    assert response.headers["Location"] == "/fr/browse/delivery/online/"
    for written in ("02", "002"):  # one address a page
        response = client.get(f"/browse/delivery/online/page/{written}/")
        assert response.status_code == 301
        assert response.headers["Location"] == "/browse/delivery/online/page/2/"
    assert client.get("/browse/delivery/online/page/01/").headers["Location"] == (
        "/browse/delivery/online/"
    )
    for url in [
        f"/browse/delivery/online/page/{pages + 1}/",
        f"/browse/delivery/online/page/0{pages + 1}/",  # past the end, however written
        "/browse/delivery/online/page/0/",
        "/browse/delivery/online/page/99999999999999999999999999/",
        "/browse/delivery/online/page/-2/",
        "/browse/delivery/online/page/two/",
        "/browse/delivery/nobody/page/2/",
        "/browse/delivery/nobody/page/1/",
        "/browse/colour/red/page/2/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<h1" in response.get_data(as_text=True)  # the site's own 404 page


def test_french_pages(client, site):
    total = len(expected(site, "language", "en"))
    pages = -(-total // BROWSE_PAGE_SIZE)
    page = get(client, "/fr/browse/language/en/page/2/")
    assert page.count_text == f"{total} microcertifications · page 2 de {pages}"
    assert page.head_links["prev"] == page.nav_links["prev"] == "/fr/browse/language/en/"
    if pages > 2:
        assert page.head_links["next"] == "/fr/browse/language/en/page/3/"
    assert 'lang="fr"' in page.html and "Précédent" in page.html
    entry = site.by_slug[page.slugs[0]]
    assert f'href="/fr/credentials/{entry.slug}/"' in page.html
    shown = [s for p in walk(lambda u: get(client, u), "/fr/browse/language/en/") for s in p.slugs]
    assert shown == expected(site, "language", "en")


def test_the_sitemap_lists_first_pages_only(client, site):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/page/" not in sitemap  # the entries are in it themselves
    assert "<loc>http://localhost/browse/delivery/online/</loc>" in sitemap
    assert "<loc>http://localhost/fr/browse/language/en/</loc>" in sitemap


def frozen_page(out: Path, url: str) -> BrowsePage:
    assert url.startswith(PREFIX), url
    file = out / url[len(PREFIX) :] / "index.html"
    assert file.exists(), url
    return BrowsePage(file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["", "fr/"])
def test_the_frozen_site_has_the_servers_pages(client, site, frozen, lang):
    for facet in ("delivery", "language", "field", "issuer"):
        for slug in site.browse[facet]:
            path = f"{lang}browse/{facet}/{slug}/"
            served = walk(lambda u: get(client, u), f"/{path}")
            built = walk(lambda u: frozen_page(frozen, u), f"{PREFIX}{path}")
            assert [p.slugs for p in built] == [p.slugs for p in served], path
            assert [p.count_text for p in built] == [p.count_text for p in served]
            assert [p.page_links for p in built] == [
                [PREFIX + link[1:] for link in p.page_links] for p in served
            ]
            folder = frozen / path / "page"
            written = sorted(int(p.name) for p in folder.iterdir()) if folder.exists() else []
            assert written == list(range(2, len(served) + 1)), path  # no page/1/, none past


def test_the_frozen_site_has_every_page_of_every_value(site, frozen):
    pages = sorted(p.relative_to(frozen).as_posix() for p in frozen.glob("**/page/*/index.html"))
    wanted = sorted(
        f"{lang}browse/{facet}/{slug}/page/{n}/index.html"
        for lang in ("", "fr/")
        for facet, values in site.browse.items()
        for slug in values
        for n in range(2, -(-len(expected(site, facet, slug)) // BROWSE_PAGE_SIZE) + 1)
    )
    assert pages == wanted and len(wanted) >= 4


def test_without_pages_to_split_the_build_still_passes(tmp_path):
    """A catalogue with no value over one page has no page 2 anywhere: not a page missing."""
    content = generate(5, tmp_path / "content")
    out = tmp_path / "dist"
    freeze(content, out, BASE)
    assert (out / "browse" / "delivery").is_dir()
    assert not list(out.glob("**/page/*"))
    shutil.rmtree(out)
