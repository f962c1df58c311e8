"""The live site through Flask's test client: pages, API, headers, bad input."""

import csv
import io
import json
import re
import shutil
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.facets import FACETS
from catalogue.fields import number_label
from catalogue.web import create_app, money

from .conftest import DATA


class Page(HTMLParser):
    """Collects what tests read from a page: links, result slugs, the total, JSON-LD."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.slugs: list[str] = []
        self.total: int | None = None
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "data-slug" in a:
            self.slugs.append(a["data-slug"])
        if "data-total" in a:
            self.total = int(a["data-total"])
        self._in_jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._in_jsonld = False


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return Page(response.get_data(as_text=True))


def test_search_page_lists_results_with_slugs_and_total(client):
    p = page(client, "/search/?q=data&delivery=online")
    assert p.total == 2
    assert p.slugs == ["alpha-data", "gamma-cloud"]


def test_search_page_matches_the_json_api(client):
    url = "?q=data&delivery=online&delivery=hybrid&sort=cost"
    p = page(client, "/search/" + url)
    data = client.get("/api/search.json" + url).get_json()
    assert list(data) == ["total", "page", "pages", "results", "facets"]
    assert list(data["facets"]) == [f.name for f in FACETS]
    assert data["total"] == p.total
    assert [r["slug"] for r in data["results"]] == p.slugs
    assert data["facets"]["delivery"][0] == {
        "value": "online",
        "label": "Online",
        "count": 2,
        "selected": True,
    }
    for values in data["facets"].values():
        for v in values:
            assert set(v) == {"value", "label", "count", "selected"}


def test_facet_links_toggle_filters(client):
    p = page(client, "/search/?q=data")
    toggles = [link for link in p.links if "delivery=online" in link]
    assert "/search/?q=data&delivery=online" in toggles
    selected = page(client, "/search/?q=data&delivery=online")
    assert "/search/?q=data" in selected.links  # the selected value's link removes it
    assert "/search/" in selected.links  # clear all


def test_highlighted_matches(client):
    html = client.get("/search/?q=pipelines").get_data(as_text=True)
    assert "<mark>Pipelines</mark>" in html


def test_did_you_mean_link(client):
    html = client.get("/search/?q=bokkeeping").get_data(as_text=True)
    assert 'Did you mean <a href="/search/?q=bookkeeping">bookkeeping</a>?' in html


def test_pagination_links(demo_app):
    client = demo_app.test_client()
    first = page(client, "/search/")
    assert first.total > 20 and len(first.slugs) == 20
    second = page(client, "/search/?page=2")
    assert not set(first.slugs) & set(second.slugs)
    assert "/search/?page=2" in first.links


def test_entry_page_shows_every_field_and_jsonld(client):
    html = client.get("/credentials/zeta-grid/").get_data(as_text=True)
    for text in [
        "Electrical Grid Data Analysis",
        "Gamma School",
        "Pine Partners",
        "Hybrid",
        "100",
        "11 weeks",
        "$2,400",
        "Load forecasting",
        "Framework checklist",
        "5 April 2027",
        "Advanced",
        "How you are assessed",
    ]:
        assert text in html, text
    data = json.loads(Page(html).jsonld[0])
    assert data["@type"] == "Course"
    assert data["hasCourseInstance"][0]["courseMode"] == "Blended"
    assert data["hasCourseInstance"][0]["courseWorkload"] == "PT100H"
    assert data["offers"]["price"] == "2400"
    assert data["educationalCredentialAwarded"]["@type"] == "EducationalOccupationalCredential"


def edited_app(tmp_path, old: str, new: str, slug: str = "alpha-data", **settings):
    """An app over a copy of the search test content with one line of one entry changed."""
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    entry = content / "credentials" / f"{slug}.md"
    entry.write_text(entry.read_text().replace(old, new))
    return create_app(content, index_dir=tmp_path / "index", **settings)


def test_jsonld_cannot_close_its_script_element(tmp_path):
    app = edited_app(
        tmp_path,
        "title: Data Literacy for Managers",
        'title: "Data </script><script>alert(1)</script>"',
    )
    html = app.test_client().get("/credentials/alpha-data/").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert json.loads(Page(html).jsonld[0])["name"] == "Data </script><script>alert(1)</script>"


def test_browse_pages(client, app):
    p = page(client, "/browse/issuer/gamma-school/")
    assert sorted(p.slugs) == ["epsilon-books", "zeta-grid"]
    assert p.total == 2
    assert "/browse/partners/pine-partners/" in p.links  # who the issuer works with
    index = page(client, "/browse/")
    assert "/browse/delivery/online/" in index.links
    page(client, "/browse/issuer/nobody/", 404)
    page(client, "/browse/colour/red/", 404)


def test_every_link_on_the_demo_site_resolves(demo_app):
    client = demo_app.test_client()
    seen, queue = set(), ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        # links from search results are combinations of filters: not followed
        if response.mimetype == "text/html" and "/search/?" not in url:
            for link in Page(response.get_data(as_text=True)).links:
                parts = urlsplit(link)
                if not parts.netloc and parts.path.startswith("/"):
                    queue.append(link)
    entries = [u for u in seen if u.startswith("/credentials/") and u.endswith("/")]
    assert len(entries) >= 60
    assert [u for u in seen if u.endswith("/dates.ics")]  # the calendars of dated entries
    french = [u for u in seen if u.startswith("/fr/credentials/")]
    assert len([u for u in french if u.endswith("/")]) == len(entries)
    assert [u for u in french if u.endswith("/dates.ics")]  # the French pages' calendars


def test_api_credentials(client):
    data = client.get("/api/credentials.json").get_json()
    assert len(data["credentials"]) == 6
    one = client.get("/api/credentials/beta-safety.json").get_json()
    assert one["start"] == ["2027-01-11", "2027-03-08"]
    assert one["language"] == ["fr"]
    assert client.get("/api/credentials/nope.json").status_code == 404


def test_csv_export_and_formula_neutralising(tmp_path):
    app = edited_app(
        tmp_path, "title: Data Literacy for Managers", "title: '=HYPERLINK(\"http://x.example\")'"
    )
    response = app.test_client().get("/credentials.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfslug,title,"), "UTF-8 byte-order mark, then the header"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 6
    titles = {r["slug"]: r["title"] for r in rows}
    assert titles["alpha-data"] == '\'=HYPERLINK("http://x.example")'
    assert {r["slug"]: r["cost"] for r in rows}["delta-care"] == "249.5"


def test_security_headers_on_every_response(client):
    for url in ["/", "/search/?q=x", "/api/search.json", "/nope", "/static/css/site.css"]:
        with client.get(url) as response:
            headers = response.headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_or_style(demo_app):
    client = demo_app.test_client()
    for url in [
        "/",
        "/search/?q=care",
        "/credentials/ev-battery-diagnostics-advanced/",
        "/browse/",
        "/content-errors/",
    ]:
        html = client.get(url).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", html):
            # scripts come from files; JSON data blocks are not run (the CSP allows them)
            data = "application/ld+json" in tag or 'type="application/json"' in tag
            assert "src=" in tag or data, (url, tag)
        assert "style=" not in html and "<style" not in html
        assert re.search(r" on[a-z]+=", html) is None


def test_custom_404_and_500(tmp_path):
    app = create_app(DATA / "search", index_dir=tmp_path)

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/credentials/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_content_errors_are_shown_and_good_entries_served(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "credentials" / "broken.md").write_text("---\ntitle: no\n---\n")
    hidden = create_app(content, index_dir=tmp_path / "index").test_client()
    assert "content error" not in hidden.get("/").get_data(as_text=True)
    assert hidden.get("/content-errors/").status_code == 404
    app = create_app(content, index_dir=tmp_path / "index", show_content_errors=True)
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"\d+ content errors?</strong>", home) and "/content-errors/" in home
    errors = client.get("/content-errors/").get_data(as_text=True)
    assert "broken.md:2: title: YAML reads no as false" in errors
    assert "Traceback" not in errors
    assert page(client, "/search/").total == 6


def test_drafts_only_with_the_setting(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    entry = content / "credentials" / "alpha-data.md"
    entry.write_text(
        entry.read_text().replace("level: introductory", "level: introductory\ndraft: true")
    )
    public = create_app(content, index_dir=tmp_path / "a").test_client()
    assert public.get("/credentials/alpha-data/").status_code == 404
    assert page(public, "/search/").total == 5
    drafts = create_app(content, index_dir=tmp_path / "b", drafts=True).test_client()
    assert "Draft: not published" in drafts.get("/credentials/alpha-data/").get_data(as_text=True)


def test_forms_work_without_javascript(client):
    html = client.get("/search/?q=data&delivery=online&cost_max=500").get_data(as_text=True)
    assert '<form id="search-form" class="search-top" action="/search/" method="get"' in html
    assert '<input type="hidden" name="delivery" value="online">' in html
    assert 'name="cost_max" type="number" min="0" step="any"' in html and 'value="500"' in html
    assert (
        '<button type="submit" form="search-form" class="secondary sort-apply">Sort</button>'
        in html
    )


HOSTILE_URLS = [
    "/search/?q=%00",
    "/search/?q=%ff%fe",
    "/search/?page=-1",
    "/search/?page=1e9",
    "/search/?page=" + "9" * 50,
    "/search/?sort=%27",
    "/search/?cost_max=inf",
    "/search/?cost_max=1e308",
    "/search/?hours_min=-0",
    "/search/?delivery=" + "x" * 10000,
    "/search/?q=" + "a%20" * 3000,
    "/search/?q=NOT%20OR%20foobar",
    "/search/?q=~~+(:+credits:",
    "/search/?q=%E2%80%AE",
    "/search/?q=%F0%9F%98%80",
    "/search/?q=%C0%AF",
    "/search/?q[]=x",
    "/search/?" + "&".join(f"delivery=online{i}" for i in range(500)),
    "/api/search.json?q=%00&page=999999",
    "/browse/%00/x/",
    "/credentials/%2e%2e/",
    "/credentials/../../etc/passwd",
    "/api/credentials/%00.json",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_urls_never_500(client, url):
    assert client.get(url).status_code in (200, 404)


def hostile_queries() -> list[str]:
    """A fixed corpus of over 300 malformed or odd queries, built from fragments the
    Whoosh query parser and naive code choke on."""
    fragments = [
        "NOT",
        "OR",
        "AND",
        "(",
        ")",
        "~~",
        "+",
        "-",
        ":",
        "title:(",
        "*",
        "?",
        '"',
        "[",
        "]",
        "{",
        "}",
        "^",
        "\\",
        "%",
        "data",
        "é",
        "\u202e",
        "😀",
        "\x00",
    ]
    queries = [
        f"{a} {b} {c}"
        for a in fragments[:9]
        for b in fragments[9:18]
        for c in ("", "foobar", fragments[-1], "data~2")
    ]
    queries += [f * n for f in fragments for n in (1, 50)]
    return queries


def test_hostile_query_corpus_never_500(client):
    queries = hostile_queries()
    assert len(queries) >= 300
    for q in queries:
        for base in ("/search/", "/api/search.json"):
            assert client.get(base, query_string={"q": q}).status_code == 200, q


QUERY_WORDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "q",
                    "delivery",
                    "cost_band",
                    "page",
                    "sort",
                    "cost_max",
                    "hours_min",
                    "hours_max",
                    "weeks_max",
                    "skills",
                    "issuer",
                    "x",
                ]
            ),
            QUERY_WORDS,
        ),
        max_size=8,
    )
)
def test_random_query_strings_never_500(client, pairs):
    for base in ("/search/", "/api/search.json"):
        response = client.get(base, query_string=pairs)
        assert response.status_code == 200


def test_numbers_and_money_keep_their_precision():
    assert number_label(10499.99) == "10499.99"
    assert number_label(12.5) == "12.5"
    assert number_label(40.0) == "40"
    assert money(10499.99) == "$10,499.99"
    assert money(1200, "EUR") == "€1,200"
    assert money(1200, "CAD", "fr") == "1\u00a0200\u00a0$"
    assert money(12.5, "CAD", "fr") == "12,50\u00a0$"
    assert money(0, "CAD", "fr") == "Gratuit"
    assert money(99, "USD", "en", "CA") == "US$99"
    assert money(0) == "Free"


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_lists_new_and_updated_entries_newest_first(demo_app, demo_catalogue):
    import xml.etree.ElementTree as ET

    response = demo_app.test_client().get("/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    dated = [e for e in demo_catalogue.entries if e.updated and not e.draft]
    assert len(entries) == min(50, len(dated)) > 10
    stamps = [e.find(f"{ATOM}updated").text for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert feed.find(f"{ATOM}updated").text == stamps[0]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    by_url = {f"http://localhost/credentials/{e.slug}/": e for e in dated}
    for entry, url in zip(entries, ids, strict=True):
        source = by_url[url]
        assert entry.find(f"{ATOM}title").text == source.title
        assert entry.find(f"{ATOM}author/{ATOM}name").text == source.issuer
        assert entry.find(f"{ATOM}updated").text == f"{source.updated.isoformat()}T00:00:00Z"
        assert entry.find(f"{ATOM}summary").text.startswith(source.summary)
    assert not any("draft" in url for url in ids)
    page = demo_app.test_client().get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and 'href="/feed.atom"' in page


def test_atom_feed_escapes_what_it_quotes(tmp_path):
    import xml.etree.ElementTree as ET

    from catalogue.web import create_app

    src = DATA / "search" / "credentials"
    (tmp_path / "credentials").mkdir()
    first = sorted(src.glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", 'title: "Q&A <b>skills</b> \\"quoted\\""', text, count=1)
    text = re.sub(r"(?m)^updated: .*\n", "", text)
    text = text.replace("---\n", "---\nupdated: 2026-01-02\n", 1)
    (tmp_path / "credentials" / first.name).write_text(text, encoding="utf-8")
    app = create_app(tmp_path, index_dir=tmp_path / "index")
    feed = ET.fromstring(app.test_client().get("/feed.atom").data)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == 'Q&A <b>skills</b> "quoted"'


def test_pathways_list_what_stacks_into_each_credential_with_totals(demo_app, demo_catalogue):
    client = demo_app.test_client()
    published = [e for e in demo_catalogue.entries if not e.draft]
    named = {name for e in published for name in e.stacks_into}
    described = {file.title for file in demo_catalogue.pathway_files}
    assert described and described <= named  # the files describe some of them
    index = client.get("/pathways/").get_data(as_text=True)
    links = re.findall(r'href="(/pathways/[^"]+/)"', index)
    assert len(links) == len(named) > 5
    for link in links:
        page = client.get(link)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        name = re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1)
        if unescape(name) in described:
            continue  # what it takes is written in its file: tests/test_pathways.py
        members = [e for e in published if unescape(name) in e.stacks_into]
        assert sorted(re.findall(r'data-slug="([^"]+)"', html)) == sorted(e.slug for e in members)
        hours = sum(e.hours for e in members)
        weeks = sum(e.weeks for e in members)
        assert f"{number_label(hours)} h <span" in html
        assert f"{number_label(weeks)} week" in html
        if all(e.currency == "CAD" for e in members):
            assert money(sum(e.cost for e in members)) in html
    # entries link to their pathways; unknown pathways are a normal 404
    entry = next(e for e in published if e.stacks_into)
    entry_page = client.get(f"/credentials/{entry.slug}/").get_data(as_text=True)
    assert re.search(
        r'<a href="/pathways/[^"]+/">' + re.escape(escape(entry.stacks_into[0])), entry_page
    )
    assert client.get("/pathways/no-such-credential/").status_code == 404
    assert "/pathways/" in client.get("/sitemap.xml").get_data(as_text=True)


def compare_table(html: str) -> list[list[str]]:
    """The comparison table's rows as lists of cell texts."""
    table = re.search(r"<table class=\"compare\">(.*?)</table>", html, re.S)
    if not table:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    cell = r"<(?:td|th)[^>]*>(.*?)</(?:td|th)>"
    text = lambda c: " ".join(unescape(re.sub(r"<[^>]+>", "", c)).split())  # noqa: E731
    return [[text(c) for c in re.findall(cell, row, re.S)] for row in rows]


def test_compare_shows_up_to_four_side_by_side(demo_app, demo_catalogue):
    from catalogue.web import COMPARE_ROWS

    client = demo_app.test_client()
    published = [e for e in demo_catalogue.entries if not e.draft]
    chosen = published[:5]
    query = "&".join(f"c={e.slug}" for e in [chosen[0], chosen[0], chosen[1]]) + "&c=nope"
    rows = compare_table(client.get(f"/compare/?{query}").get_data(as_text=True))
    assert len(rows) == 1 + len(COMPARE_ROWS)
    assert rows[0][1].startswith(chosen[0].title) and rows[0][2].startswith(chosen[1].title)
    assert len(rows[0]) == 3  # the blank corner, then one column each, the repeat dropped
    assert [r[0] for r in rows[1:]] == list(COMPARE_ROWS)
    hours = rows[1 + COMPARE_ROWS.index("Learning hours")]
    assert hours[1:] == [f"{number_label(chosen[0].hours)} h", f"{number_label(chosen[1].hours)} h"]
    html = client.get("/compare/?" + "&".join(f"c={e.slug}" for e in chosen)).get_data(as_text=True)
    assert len(compare_table(html)[0]) == 5 and "the first 4 you chose are shown" in html
    empty = client.get("/compare/").get_data(as_text=True)
    assert compare_table(empty) == [] and "Tick “Compare”" in empty
    search = client.get("/search/?delivery=online").get_data(as_text=True)
    assert '<form class="compare-form" action="/compare/" method="get">' in search
    assert len(re.findall(r'<input type="checkbox" name="c" value="[^"]+"', search)) == 20


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=data+plan&delivery=online&delivery=hybrid&cost_max=499.99&sort=-cost&page=2",
        "skills=Reading+charts&field=Health+care&hours_min=5&weeks_max=8",
        "q=climat+%26+%C3%A9&issuer=Coll%C3%A8ge+du+Mont-Clair&sort=relevance",
        "issuer=Coll%C3%A8ge+du+Mont-Clair&language=fr&sort=title",
    ],
)
def test_facet_links_are_the_toggled_search_urls(demo_app, query):
    """facet_links builds the URLs from pieces quoted once, for speed: they must be what
    search_url(req.toggled(...)) gives, value by value."""
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import MultiDict

    from catalogue.web import facet_links, search_url

    engine = demo_app.extensions["catalogue"].engine
    req = engine.parse(MultiDict(parse_qsl(query)))
    results = engine.search(req)
    with demo_app.test_request_context("/search/"):
        links = facet_links(req, results.facets)
        checked = 0
        for name, values in results.facets.items():
            for v, link in zip(values, links.get(name, []), strict=True):
                assert link == search_url(req.toggled(name, v["value"])), (name, v["value"])
                checked += 1
    assert checked > 5


def test_an_entrys_checks_give_a_detail_only_when_they_fail(client):
    """The detail of a check says what is wrong with the entry; a check that passes has
    nothing wrong to say."""
    import copy
    import dataclasses

    entries = client.get("/api/credentials.json").get_json()["credentials"]
    checks = [c for e in entries for c in e["checks"]]
    assert checks and all(c["ok"] and "detail" not in c and c["label"] for c in checks)
    entry = client.application.extensions["catalogue"].entries[0]
    failing = [dataclasses.replace(c, ok=False) for c in entry.checks]
    broken = copy.copy(entry)
    broken.checks = failing
    data = broken.to_dict()
    assert [c["detail"] for c in data["checks"]] == [c.detail for c in entry.checks]
