"""Search on the frozen demo, in Chromium, served under a sub-path: every view the browser
draws is checked against what the live server answers for the same URL.

The checks cover results in order, totals, every facet value with its count and state,
and the links of chips, pagination and facets (the live site's, under the sub-path).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from catalogue.facets import FACETS_BY_NAME

from .conftest import PREFIX

READY = "#search-app[data-rendered]:not([aria-busy]) .results-body > *"

VIEW = """() => ({
  total: Number(document.querySelector("#results-h [data-total]").dataset.total),
  count: document.querySelector("#results-h").textContent.trim(),
  slugs: [...document.querySelectorAll(".results-body .card")].map((li) => li.dataset.slug),
  facets: [...document.querySelectorAll(".facets a.facet-value")].map((a) => [
    a.closest(".facet").querySelector("h3").textContent,
    a.querySelector(".facet-label").textContent,
    Number(a.querySelector(".count").textContent),
    a.classList.contains("is-selected"),
  ]),
  links: [...document.querySelectorAll(".results-body a, .facets a")].map(
    (a) => a.getAttribute("href"),
  ),
  marks: [...document.querySelectorAll(".results-body mark")].map((m) => m.textContent),
  sort: document.querySelector("#sort").value,
  q: document.querySelector("#q").value,
  title: document.title,
})"""


class _Links(HTMLParser):
    """The hrefs inside .results-body and .facets of a server-rendered search page."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    VOID = {"input", "br", "img", "hr", "meta", "link", "wbr"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if (self.depth or "results-body" in classes or "facets" in classes) and (
            tag not in self.VOID
        ):
            self.depth += 1
            if tag == "a" and attrs.get("href"):
                self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def server_view(client, engine, query: str) -> dict:
    """What the live site shows for /search/?query."""
    args = MultiDict(parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"))
    request = engine.parse(args)
    results = engine.search(request)
    html = client.get(f"/search/?{query}").get_data(as_text=True)
    links = _Links()
    links.feed(html)
    return {
        "total": results.total,
        "slugs": [e.slug for e in results.entries],
        "facets": [
            [FACETS_BY_NAME[name].label, v["label"], v["count"], v["selected"]]
            for name, values in results.facets.items()
            for v in values
        ],
        "links": [PREFIX.rstrip("/") + link for link in links.links],
        "sort": request.effective_sort,
        "q": request.q,
    }


@pytest.fixture()
def page(browser, demo_site):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def live(demo_app):
    return demo_app.test_client(), demo_app.extensions["catalogue"].engine


COUNTED = "() => !document.querySelector('#search-app[aria-busy], button.facet-load[disabled]')"


def count_every_facet(page) -> list[str]:
    """Press each "show the choices" button of a facet of many values the page left
    uncounted (the static site loads such a facet's column when asked); return their
    facets' headings."""
    headings = []
    while page.locator("button.facet-load").count():
        button = page.locator("button.facet-load").first
        headings.append(button.locator("xpath=..").locator("h3").inner_text())
        button.click()
        page.wait_for_function(COUNTED)
    return headings


def check(page, live, expect_query: str | None = None) -> dict:
    """Wait for the page's search to finish, count every facet, and compare the view
    with the server's."""
    page.wait_for_selector(READY)
    count_every_facet(page)
    query = urlsplit(page.url).query
    if expect_query is not None:
        assert query == expect_query
    view = page.evaluate(VIEW)
    want = server_view(*live, query)
    for key in ("total", "slugs", "facets", "links", "sort", "q"):
        assert view[key] == want[key], f"{key} differs for ?{query}"
    return view


def test_a_shared_url_shows_what_the_server_shows(page, demo_site, live):
    page.goto(f"{demo_site}search/?q=care&delivery=online&sort=relevance")
    view = check(page, live, "q=care&delivery=online&sort=relevance")
    assert view["total"] > 1
    assert view["marks"] and all(m.lower().startswith("care") for m in view["marks"])
    assert view["title"].startswith("care – Search – ")
    assert urlsplit(page.url).path == f"{PREFIX}search/"


def test_typing_ticking_sorting_paging_and_back(page, demo_site, live):
    page.goto(f"{demo_site}search/")
    first = check(page, live, "")
    assert first["total"] == 60
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    # type a query
    page.fill("#q", "safety")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/?q=safety*")
    typed = check(page, live)
    assert 0 < typed["total"] < 60
    assert typed["sort"] == "relevance"
    query_url = page.url

    # tick a facet value, then a second one in another facet
    page.locator(".facets a.facet-value").first.click()
    page.wait_for_url(lambda url: url != query_url)
    ticked = check(page, live)
    assert any(selected for *_, selected in ticked["facets"])
    assert page.evaluate("document.activeElement.classList.contains('facet-value')")
    ticked_url = page.url
    level = page.locator(".facet", has=page.locator("h3", has_text="Level"))
    level.locator("a.facet-value").first.click()
    page.wait_for_url(lambda url: url != ticked_url)
    check(page, live)

    # sort, with the Sort button (as from the keyboard)
    sorted_from = page.url
    page.select_option("#sort", "cost")
    page.click(".sort-apply")
    page.wait_for_url(lambda url: url != sorted_from and "sort=cost" in url)
    assert check(page, live)["sort"] == "cost"

    # clear everything and page through all entries
    page.click(".chips a.clear")
    page.wait_for_url(f"{demo_site}search/")
    check(page, live, "")
    page.click(".pagination a[rel=next]")
    page.wait_for_url("**/search/?page=2")
    second = check(page, live, "page=2")
    assert second["slugs"] and not set(second["slugs"]) & set(first["slugs"])
    assert "page 2 of 3" in second["count"]
    assert page.evaluate("document.activeElement.id") == "results-h"

    # back and forward go through the same states
    page.go_back()
    page.wait_for_url(f"{demo_site}search/")
    assert check(page, live, "")["slugs"] == first["slugs"]
    page.go_back()
    page.wait_for_url("**sort=cost*")
    assert check(page, live)["sort"] == "cost"
    page.go_forward()
    page.wait_for_url(f"{demo_site}search/")
    check(page, live, "")
    assert page.evaluate("window.__sameDocument") is True


def test_ranges_and_an_empty_result(page, demo_site, live):
    page.goto(f"{demo_site}search/")
    page.wait_for_selector(READY)
    page.click("details.ranges summary")
    page.fill("input[name=cost_max]", "300")
    page.fill("input[name=hours_min]", "10")
    page.click("details.ranges button[type=submit]")
    page.wait_for_url("**cost_max=300*")
    view = check(page, live)
    assert view["total"] > 0
    page.fill("#q", "zzzzqqq")
    page.press("#q", "Enter")
    page.wait_for_url("**q=zzzzqqq*")
    assert check(page, live)["total"] == 0
    assert page.locator(".empty h3").inner_text() == "No micro-credentials match"


def test_did_you_mean(page, demo_site, live):
    page.goto(f"{demo_site}search/?q=dementai+care")
    check(page, live, "q=dementai+care")
    offer = page.locator(".suggestion a")
    assert offer.inner_text() == "dementia care"
    offer.click()
    page.wait_for_url("**/search/?q=dementia+care")
    assert check(page, live)["total"] > 0


def test_counts_are_announced(page, demo_site, live):
    page.goto(f"{demo_site}search/?delivery=online")
    check(page, live, "delivery=online")
    line = page.locator("#results-h")
    assert line.get_attribute("aria-live") == "polite"
    online = int(line.locator("[data-total]").inner_text())
    page.locator(".facets a.facet-value.is-selected").first.click()
    page.wait_for_url(f"{demo_site}search/")
    check(page, live, "")
    assert int(line.locator("[data-total]").inner_text()) == 60 != online


def test_the_text_part_loads_on_first_use(browser, demo_site, live):
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path.rsplit("/", 1)[-1]))
    page.goto(f"{demo_site}search/?delivery=online&level=introductory")
    check(page, live, "delivery=online&level=introductory")
    assert any(name.startswith("facets.") for name in fetched)
    assert not any(name.startswith("text.") or name == "analysis.js" for name in fetched)
    page.fill("#q", "data")
    page.press("#q", "Enter")
    page.wait_for_url("**q=data*")
    check(page, live)
    page.fill("#q", "safety")
    page.press("#q", "Enter")
    page.wait_for_url("**q=safety*")
    check(page, live)
    assert sum(name.startswith("text.") for name in fetched) == 1
    context.close()


def test_a_facet_of_many_values_loads_when_asked(browser, demo_site, live):
    """Skills (over a hundred values in the demo) are not fetched for a first view: the
    filter shows a button, which loads and counts them; they stay counted."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path.rsplit("/", 1)[-1]))
    page.goto(f"{demo_site}search/?delivery=online")
    page.wait_for_selector(READY)
    assert not any(name.startswith("facet-skills.") for name in fetched)
    skills = page.locator(".facet-uncounted", has=page.locator("h3", has_text="Skill"))
    assert skills.locator("button.facet-load").is_visible()
    assert count_every_facet(page) == ["Skill"]
    assert sum(name.startswith("facet-skills.") for name in fetched) == 1
    assert page.locator(".facet a.facet-value[data-facet=skills]").count() >= 10
    check(page, live, "delivery=online")
    page.locator(".facets a.facet-value[data-facet=delivery]").first.click()
    page.wait_for_function(COUNTED)
    assert page.locator("button.facet-load").count() == 0  # still counted
    check(page, live)
    context.close()


def test_a_url_choosing_a_skill_loads_its_column(page, demo_site, live):
    engine = live[1]
    skill = next(iter(sorted(engine.columns.value_keys["skills"])))
    query = urlencode({"skills": skill})
    page.goto(f"{demo_site}search/?{query}")
    page.wait_for_selector(READY)
    assert page.locator("button.facet-load").count() == 0
    view = check(page, live, query)
    assert view["total"] >= 1


@pytest.mark.parametrize("damage", ["missing", "corrupt", "another shard"])
def test_a_missing_or_damaged_shard_shows_no_wrong_results(browser, demo_site, damage):
    """A host that dropped or mangled a shard: the page says so, shows no results, and
    keeps its links to the browse pages; it never shows another search's results."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def spoil(route):
        if damage == "missing":
            route.fulfill(status=404, body="Not found")
        elif damage == "corrupt":
            cut = route.fetch().body()[:-40]
            route.fulfill(status=200, body=cut, content_type="application/json")
        else:  # a file of the right format but the wrong place
            swapped = route.fetch().body().replace(b'"shard":', b'"shard":1', 1)
            route.fulfill(status=200, body=swapped, content_type="application/json")

    page.route("**/terms-*/*.json", spoil)
    page.goto(f"{demo_site}search/?delivery=online")
    page.wait_for_selector(READY)
    assert page.locator(".results-body .card").count() > 0
    page.fill("#q", "care")
    page.press("#q", "Enter")
    alert = page.locator(".results-body [role=alert]")
    alert.wait_for()
    assert "did not load" in alert.inner_text()
    assert page.locator(".results-body .card").count() == 0
    assert page.locator("#results-h [data-total]").count() == 0
    assert urlsplit(alert.locator("a").get_attribute("href")).path == f"{PREFIX}browse/"
    assert errors == []
    context.close()


def test_a_search_index_that_does_not_load_leaves_every_entry_listed(browser, demo_site):
    """The facet part missing (a host that dropped it): the page says so and shows the
    list it keeps for visitors without JavaScript, which it does not show otherwise."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_site}search/?q=care")
    page.wait_for_selector(READY)
    assert page.locator(".results-body .rows").count() == 0  # the cards instead
    page.route("**/search-data/facets.*.json", lambda route: route.fulfill(status=404))
    page.reload()
    alert = page.locator(".results-body [role=alert]")
    alert.wait_for()
    assert "could not load" in alert.inner_text()
    rows = page.locator(".results-body .rows > li")
    assert rows.count() == 20 and rows.first.is_visible()
    assert page.locator(".results-body .more-link a").get_attribute("href") == f"{PREFIX}browse/"
    context.close()


def test_without_javascript_the_page_lists_entries_and_links_to_browse(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site}search/?q=care")
    assert page.locator("#search-form").is_hidden()
    # the first page of every entry, in the browse pages' lean rows, each linking its page
    rows = page.locator(".results-body .rows > li")
    assert rows.count() == 20
    assert rows.first.locator("a").get_attribute("href").startswith(f"{PREFIX}credentials/")
    assert page.locator(".results-body .card").count() == 0
    hrefs = page.eval_on_selector_all(".facets a", "links => links.map(a => a.pathname)")
    assert hrefs and all(h.startswith(f"{PREFIX}browse/") for h in hrefs)
    context.close()


def test_compare_across_pages_in_the_static_site(page, demo_site, live):
    from .test_web import compare_table

    client, _ = live
    page.goto(f"{demo_site}search/")
    page.wait_for_selector(READY)
    ticks = page.locator(".results-body input[name=c]")
    first = ticks.nth(0).get_attribute("value")
    title = page.locator(".results-body .card-title").first.inner_text()
    assert page.get_by_role("checkbox", name=f"Compare {title}", exact=True).count() == 1
    ticks.nth(0).check()
    page.click(".pagination a[rel=next]")
    page.wait_for_url("**/search/?page=2")
    page.wait_for_selector(READY)
    more = [ticks.nth(i).get_attribute("value") for i in range(4)]
    for i in range(3):
        ticks.nth(i).check()
    # four ticked: the rest wait until one is unticked
    assert ticks.nth(3).is_disabled()
    assert "4 of 4 ticked" in page.locator(".compare-bar").inner_text()
    page.click(".compare-bar button")
    page.wait_for_url("**/compare/?c=*")
    chosen = [first, *more[:3]]
    assert urlsplit(page.url).query == "&".join(f"c={slug}" for slug in chosen)
    page.wait_for_selector("table.compare")
    cells = "c => c.textContent.split(/\\s+/).join(' ').trim()"
    shown = page.eval_on_selector_all(
        "table.compare tr", f"rows => rows.map(r => [...r.children].map({cells}))"
    )
    want = compare_table(client.get("/compare/?" + urlsplit(page.url).query).get_data(as_text=True))
    assert shown == want and len(shown[0]) == 5
    # an unknown entry is left out and a fifth is said to be one too many, as on the server
    extra = "&".join(f"c={s}" for s in [*chosen, "nope", more[3]])
    page.goto(f"{demo_site}compare/?{extra}")
    page.wait_for_selector("table.compare")
    assert "the first 4 you chose are shown" in page.locator(".compare-body").inner_text()
    # Chromium logs the one request for the unknown entry's column, answered 404
    not_found = [e for e in page.errors if "404 (Not Found)" in e]
    assert len(not_found) == 1
    page.errors.remove(not_found[0])


def test_a_compare_page_whose_files_the_host_lost_says_so(browser, demo_site, live):
    """The compare columns' phrase book missing, or a column mangled (a host that dropped
    or rewrote a file): the page says the comparison could not load, and shows no table."""
    client, _ = live
    slugs = [r["slug"] for r in client.get("/api/search.json").get_json()["results"][:2]]
    url = f"{demo_site}compare/?" + "&".join(f"c={slug}" for slug in slugs)
    column = f"**/search-data/compare-*/{slugs[1]}.html"
    for path, answer in [
        ("**/search-data/compare-*/phrases.json", {"status": 404}),
        # a code the phrase book does not have
        (column, {"status": 200, "body": f"{slugs[1]}\x01\ue7ff"}),
        # a host answering with another page (a "single-page app" fallback)
        (column, {"status": 200, "body": "<!doctype html><title>Home</title><p>Welcome</p>"}),
    ]:
        context = browser.new_context()
        page = context.new_page()
        page.route(path, lambda route, _request, answer=answer: route.fulfill(**answer))
        page.goto(url)
        alert = page.locator(".compare-body [role=alert]")
        alert.wait_for()
        assert "The comparison could not load here" in alert.inner_text()
        assert page.locator("table.compare").count() == 0
        context.close()


# ---- The French interface and the language switch ------------------------------------------

FRENCH_VIEW = r"""() => ({
  lang: document.documentElement.lang,
  count: document.querySelector("#results-h").textContent.trim(),
  slugs: [...document.querySelectorAll(".results-body .card")].map((li) => li.dataset.slug),
  chips: [...document.querySelectorAll(".chips a")].map((a) => a.textContent.trim()),
  facets: [...document.querySelectorAll(".facets .facet")].map((f) => [
    f.querySelector("h3").textContent,
    [...f.querySelectorAll("a.facet-value")].map((a) => a.textContent.trim()),
  ]),
  cards: [...document.querySelectorAll(".results-body .facts")].map((d) =>
    d.textContent.replace(/\s+/g, ""),
  ),
  switch: document.querySelector("a[hreflang=en][data-keep-query]").getAttribute("href"),
})"""


def test_the_french_interface_searches_like_the_server_and_switches_language(
    browser, demo_site, live
):
    client, _ = live
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{demo_site}fr/search/?q=care&delivery=online")
    page.wait_for_selector(READY)
    count_every_facet(page)
    view = page.evaluate(FRENCH_VIEW)
    # the same page as the live server draws it, in French
    server = browser.new_context(java_script_enabled=False)
    twin = server.new_page()
    twin.set_content(client.get("/fr/search/?q=care&delivery=online").get_data(as_text=True))
    want = twin.evaluate(FRENCH_VIEW.replace("[data-keep-query]", ""))
    assert view["lang"] == want["lang"] == "fr"
    for key in ("count", "slugs", "chips", "facets", "cards"):
        assert view[key] == want[key], key
    assert "microcertification" in view["count"] and view["chips"][0].startswith("Recherche")
    assert view["facets"][0][0] == "Mode de formation"
    assert view["switch"] == f"{PREFIX}search/?q=care&delivery=online"

    # tick a filter without reloading: the switch follows the address
    page.locator(".facets a.facet-value", has_text="Initiation").first.click()
    page.wait_for_url("**level=*")
    page.wait_for_selector(READY)
    query = urlsplit(page.url).query
    assert "level=introductory" in query
    french = page.evaluate(FRENCH_VIEW)
    assert french["switch"] == f"{PREFIX}search/?{query}"
    page.click("a[hreflang=en]")
    page.wait_for_url(f"{demo_site}search/?{query}")
    check(page, live, query)
    english = page.evaluate(VIEW)
    assert english["slugs"] == french["slugs"]
    assert page.locator("html").get_attribute("lang") == "en"
    # and back: the French link of the English page keeps the search too
    page.click("a[hreflang=fr]")
    page.wait_for_url(f"{demo_site}fr/search/?{query}")
    page.wait_for_selector(READY)
    assert page.evaluate(FRENCH_VIEW)["slugs"] == french["slugs"]
    server.close()
    context.close()
    assert errors == []
