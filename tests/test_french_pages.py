"""The French interface says nothing in English: every page family, drawn in Chromium on
the frozen demo (under a sub-path) and on the live server, after its scripts have run and
a learner has ticked things, is scanned for the English of the interface's strings; and
the feeds and calendars a French page links are French too."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import feedparser
import icalendar
from babel.messages.pofile import read_po

from catalogue.i18n import TRANSLATIONS

EV = "pathways/certificate-in-electric-vehicle-infrastructure/"
DATED = "agri-precision-agriculture-drones"


def _pattern(english: str) -> re.Pattern | None:
    """A msgid as the text it shows (tags out, each %(hole)s any text): looked for inside
    a longer text when it has three words or more, else as the whole of one; None for a
    hole with one word ("%(least)s to %(most)s"), which any sentence of data matches."""
    shown = re.sub(r"<[^>]+>", "", english)
    parts = re.split(r"%\(\w+\)s", shown)
    words = re.findall(r"[A-Za-z]+", "".join(parts))
    if len(parts) > 1 and len(words) < 2:
        return None
    body = r".+?".join(re.escape(p) for p in parts)
    return re.compile(body if len(words) >= 3 else rf"^\s*{body}\s*$")


def english_strings() -> list[tuple[str, re.Pattern]]:
    """Every English string of the interface whose French differs from it."""
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f, locale="fr")
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in strings or english in dict(found) or not re.search(r"[A-Za-z]", english):
                continue
            pattern = _pattern(english)
            if pattern:
                found.append((english, pattern))
    return found


ENGLISH = english_strings()

# The French interface's texts: each text node, attribute and script string whose nearest
# lang is French (an entry's own text, in its own language, is the entry's), and the title.
FRENCH_TEXT = """() => {
  const out = [document.title];
  const french = (el) => (el.closest("[lang]")?.getAttribute("lang") || "").startsWith("fr");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent.closest("script, style, template") || !french(parent)) continue;
    if (node.textContent.trim()) out.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (!french(el)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.hasAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  for (const el of document.querySelectorAll("[data-free], [data-site-text], [data-search-text]")) {
    for (const value of Object.values(el.dataset)) out.push(value);
  }
  const strings = (value) => typeof value === "string" ? [value]
    : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];
  const ui = document.getElementById("ui-text");
  if (ui) out.push(...strings(JSON.parse(ui.textContent)).filter((s) => s.length > 1));
  return out;
}"""


def english_in(texts: list[str]) -> list[str]:
    """The texts that show an English string of the interface, each with the string."""
    found = []
    for text in texts:
        for english, pattern in ENGLISH:
            if pattern.search(text):
                found.append(f"{text.strip()[:80]!r} shows {english!r}")
    return found


def test_the_scan_finds_english_and_passes_french():
    assert english_in(["1 of 4 ticked."]) == ["'1 of 4 ticked.' shows '%(num)s of %(max)s ticked.'"]
    assert english_in(["Free"]) and english_in(["  Add to calendar "])
    assert english_in(["1 sur 4 cochée.", "Gratuit", "Ajouter à l’agenda", "36 h"]) == []


def _tick(page, n: int) -> None:
    for i in range(n):
        page.locator(".compare-form input[name=c]").nth(i).check()


# (path, what a learner does there) for each page family a French learner meets
WALK = [
    ("fr/", None),
    ("fr/search/?q=soins", lambda page: _tick(page, 1)),
    ("fr/search/?delivery=online&cost_max=0", lambda page: _tick(page, 4)),
    ("fr/search/?q=zzzzqqq", None),
    (f"fr/credentials/{DATED}/", None),
    ("fr/browse/", None),
    ("fr/browse/delivery/online/", None),
    ("fr/pathways/", None),
    (f"fr/{EV}", lambda page: page.locator(".held-box").first.check()),
    ("fr/compare/", None),
    (f"fr/compare/?c={DATED}&c=agri-regenerative-grazing-planning", None),
    ("fr/embed/?delivery=online", None),
]


def test_french_pages_show_no_english_of_the_interface(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    found: dict[str, list[str]] = {}
    try:
        for path, act in WALK:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{site}{path}")
            page.wait_for_load_state("networkidle")
            if page.locator("#search-app[data-index]").count():  # the static search
                page.wait_for_selector(
                    "#search-app[data-rendered]:not([aria-busy])", state="attached"
                )
            if act:
                act(page)
            english = english_in(page.evaluate(FRENCH_TEXT))
            if english:
                found[path] = english
            page.close()
    finally:
        context.close()
    assert found == {} and errors == []


# The feeds and calendars a French page links ----------------------------------------------


def test_french_pages_link_the_french_feed_and_it_is_french(site, browser):
    page = browser.new_page()
    try:
        page.goto(f"{site}fr/")
        prefix = re.sub(r"^https?://[^/]+", "", site)
        head = page.locator('head link[type="application/atom+xml"]').get_attribute("href")
        assert head == f"{prefix}fr/feed.atom"
        assert page.locator(f'footer a[href="{prefix}fr/feed.atom"]').count() == 1
        response = page.request.get(f"{site}fr/feed.atom")
        assert response.status == 200
        feed = feedparser.parse(response.body())
        assert feed.feed.title == "Catalogue des microcertifications"
        assert feed.feed.language == "fr"
        paths = [urlsplit(e.link).path for e in feed.entries]
        assert paths and all(p.startswith(f"{prefix}fr/credentials/") for p in paths)
        assert all(" semaine" in e.summary and " weeks" not in e.summary for e in feed.entries)
        page.goto(f"{site}fr/browse/delivery/online/")
        link = page.locator('a[type="application/atom+xml"]')
        assert link.get_attribute("href") == f"{prefix}fr/browse/delivery/online/feed.atom"
        feed = feedparser.parse(
            page.request.get(urljoin(page.url, link.get_attribute("href"))).body()
        )
        assert feed.feed.title == page.title()
        assert feed.feed.title.startswith("Mode de formation: En ligne – ")
    finally:
        page.close()


def test_a_french_entry_page_adds_its_dates_to_a_calendar_in_french(site, browser):
    page = browser.new_page()
    try:
        page.goto(f"{site}fr/credentials/{DATED}/")
        link = page.locator('a[type="text/calendar"]')
        assert link.inner_text() == "Ajouter à l’agenda"
        prefix = re.sub(r"^https?://[^/]+", "", site)
        assert link.get_attribute("href") == f"{prefix}fr/credentials/{DATED}/dates.ics"
        response = page.request.get(f"{site}fr/credentials/{DATED}/dates.ics")
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        french = icalendar.Calendar.from_ical(response.body())
        english = icalendar.Calendar.from_ical(
            page.request.get(f"{site}credentials/{DATED}/dates.ics").body()
        )
        events = french.walk("VEVENT")
        assert events and len(events) == len(english.walk("VEVENT"))
        for fr, en in zip(events, english.walk("VEVENT"), strict=True):
            assert str(fr["UID"]) == str(en["UID"])  # one event, whichever is added
            assert urlsplit(str(fr["URL"])).path == f"{prefix}fr/credentials/{DATED}/"
            assert "Coût" in str(fr["DESCRIPTION"]) and "Cost" not in str(fr["DESCRIPTION"])
    finally:
        page.close()
