"""Following the catalogue (issue "Follow"): the Atom feed of a search and of each browse
page, each dated entry's start dates as an iCalendar file, and the links to them, on the
server and in the frozen site. Every feed is read by feedparser and every calendar by
icalendar, as feed readers and calendars would read them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import feedparser
import icalendar
import pytest

from catalogue.facets import FACETS
from catalogue.search import SearchRequest, sort_key
from catalogue.web import create_app
from catalogue.web.views import follow
from catalogue.web.views import site as site_views

from .conftest import BASE, DATA, DEMO, PREFIX

HOST = "http://localhost/"


# ---- Helpers ------------------------------------------------------------------------------


def read_feed(body: bytes):
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def slugs(feed, base: str = HOST) -> list[str]:
    links = [e.link for e in feed.entries]
    assert all(link.startswith(f"{base}credentials/") for link in links)
    return [link[len(base) :].split("/")[1] for link in links]


def self_link(feed) -> str:
    return next(link.href for link in feed.feed.links if link.rel == "self")


def newest(entries) -> list[str]:
    """What a feed of `entries` lists: those with an `updated` date, newest first."""
    dated = [e for e in entries if e.updated and not e.draft]
    dated.sort(key=lambda e: (-e.updated.toordinal(), sort_key(e.title), e.slug))
    return [e.slug for e in dated[: site_views.FEED_SIZE]]


def read_calendar(body: bytes) -> icalendar.Calendar:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line  # RFC 5545 3.1: folded at 75 octets
        line.decode()  # a character is never split between two lines
    return icalendar.Calendar.from_ical(body)


class _Links(HTMLParser):
    """Each element's attributes and text by id."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.by_id[attrs["id"]] = {**attrs, "text": ""}
            self.open = attrs["id"] if tag == "a" else None

    def handle_data(self, data):
        if self.open:
            self.by_id[self.open]["text"] += data

    def handle_endtag(self, tag):
        self.open = None


def ids(html: str) -> dict[str, dict]:
    parser = _Links()
    parser.feed(html)
    return parser.by_id


def calendar_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*/dates\.ics)"', html)


@pytest.fixture(scope="module")
def client(demo_app):
    return demo_app.test_client()


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app.extensions["catalogue"]


# ---- The search feed ----------------------------------------------------------------------


def api_entries(client, query: str) -> list[dict]:
    """Every result of /api/search.json?query, page by page, sorted by update."""
    query = "&".join(p for p in query.split("&") if not p.startswith(("page=", "sort=")))
    out, page = [], 1
    while True:
        args = f"{query}&sort=updated&page={page}".lstrip("&")
        answer = client.get(f"/api/search.json?{args}").get_json()
        out += answer["results"]
        if page >= answer["pages"]:
            return out
        page += 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=safety",
        "delivery=online",
        "delivery=online&delivery=hybrid&cost_max=500",
        "q=data&level=introductory&sort=cost&page=2",
        "q=zzzzqqq",
    ],
)
def test_the_search_feed_is_the_newest_matches_of_the_search(client, query):
    response = client.get(f"/search/feed.atom?{query}")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = read_feed(response.data)
    expected = [e["slug"] for e in api_entries(client, query) if e["updated"]]
    assert slugs(feed) == expected[: site_views.FEED_SIZE]
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    # the feed's own address and page keep the search, but never its page or sort
    wanted = "&".join(p for p in query.split("&") if p and not p.startswith(("page=", "sort=")))
    suffix = f"?{wanted}" if wanted else ""
    assert self_link(feed) == f"{HOST}search/feed.atom{suffix}"
    assert feed.feed.link == f"{HOST}search/{suffix}"


def test_the_search_feed_stops_at_the_feed_size(client, monkeypatch):
    monkeypatch.setattr(site_views, "FEED_SIZE", 3)
    monkeypatch.setattr(follow, "FEED_SIZE", 3)
    feed = read_feed(client.get("/search/feed.atom?delivery=online").data)
    expected = [e["slug"] for e in api_entries(client, "delivery=online") if e["updated"]]
    assert len(expected) > 3 and slugs(feed) == expected[:3]


@pytest.mark.parametrize(
    "query",
    [
        "q=%00%ff%fe",
        "page=abc&sort=%27;drop",
        "cost_max=-1&hours_min=nan&hours_max=inf&weeks_max=1e999",
        "delivery=nonsense&delivery=&field=%ZZ",
        "q=" + "x" * 5000,
        "page=999999999999999999&q=a&q=b",
        "q=the+of+and",
    ],
)
def test_a_bad_query_gives_a_normal_feed(client, query):
    response = client.get(f"/search/feed.atom?{query}")
    assert response.status_code == 200
    read_feed(response.data)


def test_the_site_feed_is_unchanged_by_the_shared_helper(client, demo):
    feed = read_feed(client.get("/feed.atom").data)
    assert slugs(feed) == newest(demo.entries)
    assert self_link(feed) == f"{HOST}feed.atom" and feed.feed.id == HOST


# ---- The browse feeds ---------------------------------------------------------------------


def browse_expected(demo, facet: str, slug: str) -> list[str]:
    value = demo.browse[facet][slug]
    found = demo.engine.search(
        SearchRequest(filters={facet: [value]}), page_size=len(demo.entries), facets=False
    )
    return newest(found.entries)


def test_every_browse_page_has_its_feed_on_the_server(client, demo):
    checked = 0
    for facet in FACETS:
        for slug in demo.browse[facet.name]:
            response = client.get(f"/browse/{facet.name}/{slug}/feed.atom")
            assert response.status_code == 200
            feed = read_feed(response.data)
            assert slugs(feed) == browse_expected(demo, facet.name, slug)
            assert self_link(feed) == f"{HOST}browse/{facet.name}/{slug}/feed.atom"
            assert feed.feed.link == f"{HOST}browse/{facet.name}/{slug}/"
            checked += 1
    assert checked > 50
    assert client.get("/browse/delivery/no-such-value/feed.atom").status_code == 404
    assert client.get("/browse/no-such-facet/online/feed.atom").status_code == 404


def test_every_browse_page_has_its_feed_in_the_static_site(frozen_demo, demo):
    for facet in FACETS:
        for slug in demo.browse[facet.name]:
            file = frozen_demo / "browse" / facet.name / slug / "feed.atom"
            feed = read_feed(file.read_bytes())
            assert slugs(feed, BASE) == browse_expected(demo, facet.name, slug)
            assert self_link(feed) == f"{BASE}browse/{facet.name}/{slug}/feed.atom"
    assert not (frozen_demo / "search" / "feed.atom").exists()  # it needs a server


# ---- The search page's link ---------------------------------------------------------------


def test_the_search_page_offers_the_feed_of_its_search(client):
    html = client.get("/search/?q=safety&delivery=online&sort=cost&page=1").get_data(as_text=True)
    found = ids(html)
    link, head = found["search-feed"], found["search-feed-head"]
    assert link["href"] == head["href"] == "/search/feed.atom?q=safety&delivery=online"
    assert link["type"] == head["type"] == "application/atom+xml"
    assert head["rel"] == "alternate"
    assert link["text"] == head["title"] == "Follow this search (Atom feed)"
    feed = read_feed(client.get(link["href"]).data)
    assert self_link(feed) == HOST + link["href"].lstrip("/")
    # in French, the feed of the French page
    french = ids(client.get("/fr/search/?q=safety").get_data(as_text=True))["search-feed"]
    assert french["href"] == "/fr/search/feed.atom?q=safety"
    assert french["text"] == "Suivre cette recherche (flux Atom)"
    feed = read_feed(client.get(french["href"]).data)
    assert feed.feed.link == f"{HOST}fr/search/?q=safety"
    english = read_feed(client.get("/search/feed.atom?q=safety").data)
    assert slugs(feed, f"{HOST}fr/") == slugs(english) and slugs(english)


def test_the_static_search_page_without_script_offers_the_site_feed(frozen_demo):
    link = ids((frozen_demo / "search" / "index.html").read_text())["search-feed"]
    assert link["href"] == f"{PREFIX}feed.atom"
    assert link["text"] == "Follow new entries (Atom feed)"
    assert link["data-pattern"] == f"{PREFIX}browse/__facet__/__value__/feed.atom"
    french = ids((frozen_demo / "fr" / "search" / "index.html").read_text())["search-feed"]
    assert french["text"] == "Suivre les nouveautés (flux Atom)"
    assert french["data-search-text"] == "Suivre cette recherche (flux Atom)"


def test_the_feeds_file_names_every_browse_slug(frozen_demo, demo):
    import json

    data = json.loads((frozen_demo / "browse" / "feeds.json").read_bytes())
    assert data == {
        f.name: {value: slug for slug, value in demo.browse[f.name].items()} for f in FACETS
    }


FEED_LINK = """() => {
  const a = document.getElementById("search-feed");
  const head = document.getElementById("search-feed-head");
  return {href: a.getAttribute("href"), text: a.textContent,
          head: head.getAttribute("href"), title: head.title,
          rendered: document.getElementById("search-app").dataset.rendered};
}"""

READY = "#search-app[data-rendered]:not([aria-busy])"


def rendered(page, before: str | None) -> dict:
    page.wait_for_function(
        f"""() => {{ const app = document.getElementById("search-app");
            return app.dataset.rendered && app.dataset.rendered !== {before!r}
                   && !app.hasAttribute("aria-busy"); }}"""
        if before
        else f"() => !!document.querySelector('{READY}')"
    )
    link = page.evaluate(FEED_LINK)
    assert link["href"] == link["head"] and link["text"] == link["title"]
    return link


def test_the_static_search_page_link_follows_the_search(visit, demo_site, demo):
    page, _, seen = visit(f"{demo_site}search/")
    link = rendered(page, None)
    assert link["href"] == f"{PREFIX}feed.atom"
    assert link["text"] == "Follow new entries (Atom feed)"

    # one facet value: its browse feed
    page.locator('.facets a.facet-value[data-facet="delivery"][data-value="online"]').click()
    link = rendered(page, link["rendered"])
    assert link["href"] == f"{PREFIX}browse/delivery/online/feed.atom"
    assert link["text"] == "Follow this search (Atom feed)"
    feed = page.request.get(f"{demo_site}browse/delivery/online/feed.atom")
    assert feed.ok and slugs(read_feed(feed.body()), BASE) == browse_expected(
        demo, "delivery", "online"
    )

    # words as well: the site's feed again
    page.fill("#q", "safety")
    page.press("#q", "Enter")
    link = rendered(page, link["rendered"])
    assert link["href"] == f"{PREFIX}feed.atom"
    assert link["text"] == "Follow new entries (Atom feed)"

    # a value whose slug is not the value itself, from a shared link
    slug, issuer = next((s, v) for s, v in demo.browse["issuer"].items() if s != v)
    page.goto(f"{demo_site}search/?{urlencode({'issuer': issuer})}")
    link = rendered(page, None)
    assert link["href"] == f"{PREFIX}browse/issuer/{slug}/feed.atom"
    assert page.request.get(demo_site + link["href"][len(PREFIX) :]).ok

    # two values, or a range: the site's feed
    page.goto(f"{demo_site}search/?delivery=online&delivery=hybrid")
    assert rendered(page, None)["href"] == f"{PREFIX}feed.atom"
    page.goto(f"{demo_site}search/?delivery=online&cost_max=500")
    assert rendered(page, None)["href"] == f"{PREFIX}feed.atom"
    assert seen["errors"] == []


# ---- Calendars ----------------------------------------------------------------------------


def test_each_dated_entry_has_its_start_dates_as_a_calendar(client, demo):
    dated = [e for e in demo.entries if e.start]
    assert dated and len(dated) < len(demo.entries)
    for entry in dated:
        response = client.get(f"/credentials/{entry.slug}/dates.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        cal = read_calendar(response.data)
        assert cal["VERSION"] == "2.0" and cal["PRODID"] == follow.PRODID
        events = cal.walk("VEVENT")
        assert [e.decoded("DTSTART") for e in events] == entry.start
        uids = [str(e["UID"]) for e in events]
        assert uids == [f"{entry.slug}-{d.isoformat()}@localhost" for d in entry.start]
        for event, day in zip(events, entry.start, strict=True):
            assert event.decoded("DTEND") == day + dt.timedelta(days=1)
            assert event["DTSTART"].params["VALUE"] == "DATE"
            assert str(event["SUMMARY"]) == entry.title
            assert str(event["DESCRIPTION"]).startswith(entry.summary + "\n\nDelivery: ")
            assert str(event["URL"]) == f"{HOST}credentials/{entry.slug}/"
            assert str(event.get("LOCATION", "")) == (entry.location or "")
            stamp = event.decoded("DTSTAMP")
            assert stamp.tzinfo is not None and stamp.date() == (
                entry.updated or follow.NO_STAMP.date()
            )
    page = client.get(f"/credentials/{dated[0].slug}/").get_data(as_text=True)
    assert calendar_links(page) == [f"/credentials/{dated[0].slug}/dates.ics"]
    assert "Add to calendar" in page
    french = client.get(f"/fr/credentials/{dated[0].slug}/").get_data(as_text=True)
    assert "Ajouter à l’agenda" in french


def test_on_demand_entries_have_no_calendar(client, demo):
    entry = next(e for e in demo.entries if not e.start)
    assert client.get(f"/credentials/{entry.slug}/dates.ics").status_code == 404
    assert calendar_links(client.get(f"/credentials/{entry.slug}/").get_data(as_text=True)) == []
    assert client.get("/credentials/no-such-entry/dates.ics").status_code == 404


def test_the_same_content_gives_the_same_calendar_bytes(tmp_path, client, demo):
    other = create_app(DEMO, index_dir=tmp_path / "index").test_client()
    for entry in (e for e in demo.entries if e.start):
        url = f"/credentials/{entry.slug}/dates.ics"
        assert other.get(url).data == client.get(url).data
    # the port is not part of the UIDs
    entry = next(e for e in demo.entries if e.start)
    moved = other.get(f"/credentials/{entry.slug}/dates.ics", base_url="http://localhost:8080")
    assert b"@localhost\r\n" in moved.data and b"8080" not in moved.data.split(b"URL:")[0]


def test_the_static_site_has_a_calendar_for_each_dated_entry(frozen_demo, demo):
    for entry in demo.entries:
        file = frozen_demo / "credentials" / entry.slug / "dates.ics"
        assert file.exists() == bool(entry.start)
        if entry.start:
            cal = read_calendar(file.read_bytes())
            for event in cal.walk("VEVENT"):
                assert str(event["UID"]).endswith(f"@{urlsplit(BASE).hostname}")
                assert str(event["URL"]) == f"{BASE}credentials/{entry.slug}/"
                # in the site's language, whichever page was frozen before
                assert "\n\nDelivery: " in str(event["DESCRIPTION"])


def test_text_is_escaped_and_folded():
    title = "Sécurité, santé; et « bien-être » \\ au travail — " * 4 + "😀" * 30
    body = follow.calendar(["BEGIN:VCALENDAR", f"X-WR-CALNAME:{follow.text(title)}"])
    lines = body.split(b"\r\n")[:-1]
    assert len(lines) > 4 and all(len(line) <= 75 for line in lines)
    assert all(line.startswith(b" ") for line in lines[2:])
    for line in lines:
        line.decode()
    unfolded = body.replace(b"\r\n ", b"").decode()
    assert unfolded == f"BEGIN:VCALENDAR\r\nX-WR-CALNAME:{follow.text(title)}\r\n"
    assert follow.text("a,b;c\\d\ne\r\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"


# ---- Drafts -------------------------------------------------------------------------------

DRAFT = """---
title: Zebra Draft Welding, Brazing; and Soldering
summary: A draft that must never be followed.
issuer: Beta Institute
partners:
  - Pine Partners
delivery: online
hours: 40
weeks: 6
cost: 650
location: Somewhere, Far away
start:
  - 2027-01-11
skills:
  - Welding
framework: ESCO
assessment: A practical task marked by an assessor from industry, with written feedback.
updated: 2030-01-01
draft: true
---
Zebra drafts weld.
"""


@pytest.fixture(scope="module")
def drafts_client(tmp_path_factory):
    content = tmp_path_factory.mktemp("follow-drafts") / "content"
    shutil.copytree(DATA / "search", content)
    (content / "credentials" / "zebra-draft.md").write_text(DRAFT)
    published = content / "credentials" / "zebra-published.md"
    published.write_text(DRAFT.replace("draft: true\n", "").replace("Zebra Draft", "Zebra"))
    app = create_app(content, index_dir=tmp_path_factory.mktemp("drafts-index"), drafts=True)
    return app.test_client()


def test_drafts_are_never_followed(drafts_client):
    client = drafts_client
    # drafts are served, and found...
    assert client.get("/credentials/zebra-draft/").status_code == 200
    found = client.get("/api/search.json?q=zebra").get_json()["results"]
    assert {e["slug"] for e in found} == {"zebra-draft", "zebra-published"}
    # ...but in no feed
    for url in (
        "/feed.atom",
        "/search/feed.atom",
        "/search/feed.atom?q=zebra",
        "/browse/delivery/online/feed.atom",
        "/browse/issuer/beta-institute/feed.atom",
    ):
        feed = read_feed(client.get(url).data)
        assert "zebra-published" in slugs(feed), url
        assert "zebra-draft" not in slugs(feed), url
    # ...nor calendar
    assert client.get("/credentials/zebra-draft/dates.ics").status_code == 404
    assert calendar_links(client.get("/credentials/zebra-draft/").get_data(as_text=True)) == []
    cal = read_calendar(client.get("/credentials/zebra-published/dates.ics").data)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Zebra Welding, Brazing; and Soldering"
    assert str(event["LOCATION"]) == "Somewhere, Far away"
    assert event.decoded("DTSTAMP") == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
