"""Following the catalogue: the Atom feed of a search and of a browse page (the site's own
feed is in site.py, and all three share its `atom_feed`), and each dated entry's start
dates as an iCalendar file to add to a calendar.

The search feed needs a server; the browse feeds and calendars are frozen. The static
search page follows the browse feed of a search that is one facet value, finding the
value's slug in /browse/feeds.json (static/js/search-ui.js)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    request,
    url_for,
)

from ...facets import FACETS_BY_NAME
from ...model import Credential
from ...search import (
    SearchRequest,
)
from ..language import _, current_lang, label_for, local_formats, weeks_text
from ..state import site
from .site import FEED_SIZE, atom_feed

PRODID = "-//Micro-credential catalogue//Start dates//EN"
# DTSTAMP of an entry without an `updated` date: fixed, so a build gives the same bytes
NO_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LINE_OCTETS = 75  # RFC 5545 3.1: content lines are folded after 75 octets


# ---- Feeds --------------------------------------------------------------------------------


def _newest(req: SearchRequest) -> list[Credential]:
    """The entries `req` finds, most recently updated first: enough of them for a feed
    once `atom_feed` has left out drafts (only `catalogue serve --drafts` has any)."""
    s = site()
    found = s.engine.search(
        replace(req, sort="updated", page=1), page_size=FEED_SIZE + s.draft_count, facets=False
    )
    return found.entries


def search_feed():
    """/search/feed.atom?...: the newest entries of the search the parameters ask for (as
    leniently read as the search page's: a malformed URL gets a feed, never an error)."""
    req = replace(site().engine.parse(request.args), sort="", page=1)
    args = req.args()
    query = f"?{urlencode(args)}" if args else ""
    return atom_feed(
        _newest(req),
        url_for("search_feed", _external=True) + query,
        url_for("search", _external=True) + query,
    )


def browse_feed(facet: str, value: str):
    """/browse/<facet>/<value>/feed.atom: the newest entries with that facet value."""
    real = site().browse.get(facet, {}).get(value)
    if real is None:
        abort(404)
    name = site().catalogue.site.in_language(current_lang()).name
    return atom_feed(
        _newest(SearchRequest(filters={facet: [real]})),
        url_for("browse_feed", facet=facet, value=value, _external=True),
        url_for("browse", facet=facet, value=value, _external=True),
        # the browse page's own title: a reader holding several feeds tells them apart
        f"{_(FACETS_BY_NAME[facet].label)}: {label_for(facet, real)} – {name}",
    )


def browse_feeds():
    """Each facet value's slug in the browse pages' URLs, {facet: {value: slug}}: how the
    static search page finds the feed of a search that is one facet value."""
    return jsonify(site().browse_slug)


# ---- Calendars ----------------------------------------------------------------------------


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks
    escaped, other control characters left out."""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", r"\\n", value)


def fold(line: str) -> bytes:
    """One content line, folded (RFC 5545 3.1): at most 75 octets a line, each line
    after the first starting with a space, a character never split; CRLF after each."""
    lines, current = [], b""
    for char in line:
        octets = char.encode()
        if len(current) + len(octets) > LINE_OCTETS:
            lines.append(current)
            current = b" "
        current += octets
    lines.append(current)
    return b"".join(piece + b"\r\n" for piece in lines)


def calendar(lines: Iterable[str]) -> bytes:
    return b"".join(fold(line) for line in lines)


def _stamp(day: dt.date | None) -> str:
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else NO_STAMP
    return when.strftime("%Y%m%dT%H%M%SZ")


def description(entry: Credential) -> str:
    """The summary, then delivery, hours, time and cost, in the interface's language."""
    fmt = local_formats()
    facts = [
        (_("Delivery"), label_for("delivery", entry.delivery)),
        (_("Learning hours"), fmt.number(entry.hours)),
        (_("Time to complete"), weeks_text(entry.weeks)),
        (_("Cost"), fmt.money(entry.cost, entry.currency, _("Free"))),
    ]
    return "\n".join([entry.summary, "", *(f"{name}: {value}" for name, value in facts)])


def _host() -> str:
    """The site's host, for the events' UIDs: its base_url's, else the request's (never
    with the port, so a server on another port gives the same UIDs)."""
    base = site().catalogue.site.base_url
    return (urlsplit(base).hostname if base else None) or request.host.split(":")[0]


def event_lines(entry: Credential, host: str, page: str) -> list[str]:
    """One all-day VEVENT per start date: the day the course starts (DTEND the next day,
    as RFC 5545 3.6.1 has an all-day event end), not its weeks, which are time to
    complete, not days in class; shown as free time."""
    stamp = _stamp(entry.updated)
    summary, about = text(entry.title), text(description(entry))
    lines = []
    for day in entry.start:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.slug}-{day.isoformat()}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{summary}",
            f"DESCRIPTION:{about}",
            f"URL:{page}",
            *([f"LOCATION:{text(entry.location)}"] if entry.location else []),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    return lines


def entry_calendar(slug: str):
    """/credentials/<slug>/dates.ics: an entry's start dates, to add to a calendar. The
    same content gives the same bytes; an on-demand entry or a draft has none."""
    entry = site().by_slug.get(slug)
    if entry is None or entry.draft or not entry.start:
        abort(404)
    page = url_for("entry", slug=slug, _external=True)
    body = calendar(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{text(entry.title)}",
            *event_lines(entry, _host(), page),
            "END:VCALENDAR",
        ]
    )
    return Response(body, mimetype="text/calendar")


def register(app: Flask, page: Callable) -> None:
    """Route this family's files. Each feed and calendar is its page's, in its language
    (/fr/search/feed.atom follows /fr/search/, /fr/credentials/<slug>/dates.ics describes
    the dates in French and links the French page); feeds.json is data of no language."""
    page("/search/feed.atom")(search_feed)
    app.add_url_rule("/browse/feeds.json", view_func=browse_feeds)
    page("/browse/<facet>/<value>/feed.atom")(browse_feed)
    page("/credentials/<slug>/dates.ics")(entry_calendar)
