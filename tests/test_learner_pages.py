"""What a learner meets on the pages, in Chromium, on the frozen demo served under a
sub-path and on the live server alike: a pathway's "what is left", in-page links, the
search page without JavaScript, the compare page, and the pathways list."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

EV = "pathways/certificate-in-electric-vehicle-infrastructure/"


@pytest.fixture()
def tab(browser):
    """A fresh page; fails the test on a script error."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


# 1. A pathway whose required step is still to come ----------------------------------------


@pytest.mark.parametrize("lang", ["", "fr/"])
def test_a_pathway_never_says_everything_is_held_while_a_step_is_to_come(site, tab, lang):
    tab.goto(f"{site}{lang}{EV}")
    assert tab.locator(".step.unavailable").count() == 1  # the third required step
    summary = tab.locator("#held-summary")
    to_come = summary.locator(".held-to-come")
    assert to_come.is_visible()
    boxes = tab.locator(".held-box")
    assert boxes.count() == 2
    for i in range(2):
        boxes.nth(i).check()
    assert not summary.locator(".held-done").is_visible()
    assert not to_come.is_visible()
    so_far = summary.locator(".held-so-far")
    assert so_far.is_visible()
    words = {"": "1 more micro-credential is still to come", "fr/": "encore à venir"}
    assert words[lang] in so_far.inner_text()
    assert "everything this credential asks for" not in summary.inner_text()
    boxes.nth(0).uncheck()
    assert to_come.is_visible() and not so_far.is_visible()


def test_a_pathway_with_every_step_offered_still_says_it_is_all_held(site, tab):
    tab.goto(f"{site}pathways/certificate-in-community-health-support/")
    assert tab.locator(".held-to-come").count() == 0
    for i in range(tab.locator(".held-box").count()):
        tab.locator(".held-box").nth(i).check()
    assert tab.locator(".held-done").is_visible()
    assert re.search(r"You hold everything", tab.locator("#held-summary").inner_text())


# 2. In-page links, and a skip to the filters ----------------------------------------------

RENDERED = "#search-app:not([aria-busy]) .results-body > *"


def _ready(tab) -> None:
    """Wait for the search page to be drawn: by the browser in the static site."""
    tab.wait_for_selector(RENDERED, state="attached")
    if tab.locator("#search-app[data-index]").count():
        tab.wait_for_selector("#search-app[data-rendered]:not([aria-busy])", state="attached")


def _search(tab, site, query: str = "q=care") -> None:
    tab.goto(f"{site}search/?{query}")
    _ready(tab)


def test_filter_these_results_goes_down_to_the_filters(site, tab):
    _search(tab, site)
    url, entries = tab.url, tab.evaluate("history.length")
    tab.get_by_role("link", name="Filter these results ↓").click()
    tab.wait_for_url(re.compile("#filters$"), timeout=5000)
    assert tab.url == f"{url}#filters"  # the search kept, the filters in view
    top = tab.evaluate("document.getElementById('filters').getBoundingClientRect().top")
    assert -2 < top < 100, top
    assert tab.evaluate("history.length") == entries + 1  # the browser's own step, one
    assert tab.evaluate("document.activeElement.id") == "filters"


def test_the_keyboard_reaches_the_first_filter_in_four_keys(site, tab):
    """Tab, Tab (the skip link to the filters), Enter, Tab: the first filter."""
    _search(tab, site)
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to the filters"
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    focused = tab.evaluate(
        "[document.activeElement.closest('#filters') !== null, document.activeElement.tagName]"
    )
    assert focused == [True, "A"]


# 4. Without JavaScript, a search by words ------------------------------------------------


@pytest.fixture()
def no_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_a_search_by_words_says_so_and_offers_browsing(demo_site, no_js):
    no_js.goto(f"{demo_site}search/?q=care")
    note = no_js.locator(".no-js-note")
    assert note.is_visible()
    assert "Searching by words needs JavaScript" in note.inner_text()
    browse = no_js.locator(".no-js-browse a")
    assert browse.count() == 3 and all(
        no_js.locator(".no-js-browse a").nth(i).is_visible() for i in range(3)
    )
    browse.first.click()
    assert no_js.url.startswith(f"{demo_site}browse/#browse-")
    no_js.goto(f"{demo_site}fr/search/?q=soins")
    assert (
        "La recherche par mots a besoin de JavaScript" in no_js.locator(".no-js-note").inner_text()
    )


def test_with_javascript_the_note_is_gone_and_the_live_server_answers_words(
    demo_site, live_site, tab, no_js
):
    _search(tab, demo_site)
    assert not tab.locator(".no-js-note").is_visible()
    no_js.goto(f"{live_site}search/?q=care")  # the server searches with no script at all
    assert no_js.locator(".no-js-note").count() == 0
    assert 0 < int(no_js.locator("[data-total]").first.get_attribute("data-total")) < 60


# 5. The compare page ----------------------------------------------------------------------

PAIR = "compare/?c=trades-cnc-machining-setup&c=it-network-administration-basics"


def test_the_compare_page_points_only_at_what_has_compare_ticks(site, tab):
    tab.goto(f"{site}compare/")
    empty = tab.locator(".compare-empty")
    assert "browse page" not in empty.inner_text()
    empty.get_by_role("link", name="search results").click()
    tab.wait_for_url(re.compile(r"/search/$"))
    _ready(tab)
    assert tab.locator(".compare-tick input").count() > 0  # where it sends, the ticks are


def test_a_shared_compare_link_without_javascript(site, no_js, demo_site):
    no_js.goto(f"{site}{PAIR}")
    if site == demo_site:  # the static page is put together by the script: it says so
        note = no_js.locator(".compare-note")
        assert "puts a comparison together with JavaScript" in note.inner_text()
        note.get_by_role("link").click()
        assert no_js.url == f"{site}browse/"
    else:  # the server draws the table itself
        assert no_js.locator("table.compare thead a").count() == 2
        assert no_js.locator(".compare-note").count() == 0


# 8. Smaller things ------------------------------------------------------------------------


def test_a_search_that_finds_nothing_offers_no_filter_to_load(site, tab):
    _search(tab, site, "q=zzzzqqq")
    assert tab.locator("[data-total]").first.get_attribute("data-total") == "0"
    assert tab.locator("#filters .facet").count() == 0
    assert tab.locator("#filters button.facet-load").count() == 0


def test_a_cost_of_nothing_reads_free_only(site, tab):
    for lang, kind, label in [("", "Cost", "Free only"), ("fr/", "Coût", "Gratuites seulement")]:
        _search(tab, f"{site}{lang}", "cost_max=0")
        chip = tab.locator(".chips li").first
        assert chip.locator(".chip-kind").inner_text() == kind
        assert label in chip.inner_text() and "Free" + "\u00a0" not in chip.inner_text()
        assert "up to" not in chip.inner_text() and "jusqu" not in chip.inner_text()
    _search(tab, site, "cost_max=500")  # other amounts keep their range chip
    assert "up to $500" in tab.locator(".chips li").first.inner_text()


def test_a_search_sends_no_empty_range(site, tab):
    _search(tab, site, "delivery=online")
    tab.locator("#q").fill("care")
    tab.locator("#q").press("Enter")
    tab.wait_for_url(re.compile(r"q=care"))
    _ready(tab)
    query = tab.url.split("?", 1)[1]
    assert sorted(query.split("&")) == ["delivery=online", "q=care"]


def test_a_browse_page_links_its_own_feed_titled_as_the_page(site, tab):
    tab.goto(f"{site}browse/delivery/online/")
    link = tab.locator('main a[type="application/atom+xml"]')
    head = tab.locator('head link[rel="alternate"][href$="browse/delivery/online/feed.atom"]')
    assert head.count() == 1
    assert link.inner_text() == "Follow new entries here (Atom feed)"
    feed = tab.request.get(urljoin(tab.url, link.get_attribute("href")))
    title = re.search(r"<title>(.*?)</title>", feed.text()).group(1)
    assert title == tab.title() == "Delivery mode: Online – Micro-credential catalogue"
