"""Browse pages (every entry with one facet value, in pages) and pathways."""

from __future__ import annotations

import math
from collections.abc import Callable

from flask import (
    Flask,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)

from ...facets import FACETS_BY_NAME
from ...search import (
    SearchRequest,
)
from ..components import (
    browse_rows,
    related_facets,
    results_item_list,
    total_span,
)
from ..state import Site, site
from ..urls import browse_page_url, search_url

# Entries on one browse page. A row is about 0.35 KB of HTML plus 0.1 KB of its JSON-LD
# ListItem, so 100 rows make a page of 50 to 60 KB with the page's own head, menus and
# footer: well under the 200 KB a page may weigh at 10,000 entries (issue 14), with room
# for long titles and issuer names, while keeping a facet value such as "Online" (about
# 2,400 of 10,000 entries) to some 25 pages rather than 120 of the search page's 20.
BROWSE_PAGE_SIZE = 100


def browse_index():
    s = site()
    results = s.engine.search(SearchRequest())
    return render_template("browse_index.html", results=results)


def page_count(s: Site, facet: str, value: str) -> int:
    """How many pages the browse page of `value` (a facet value, not its slug) has."""
    return max(1, math.ceil(s.engine.bits[facet].get(value, 0).bit_count() / BROWSE_PAGE_SIZE))


def browse(facet: str, value: str, n: int = 1):
    """/browse/<facet>/<value>/: the first page of the entries with that facet value,
    sorted as a search with no words is (by title, then slug)."""
    s = site()
    real = s.browse.get(facet, {}).get(value)
    if real is None:
        abort(404)
    req = SearchRequest(filters={facet: [real]}, page=n)
    results = s.engine.search(req, page_size=BROWSE_PAGE_SIZE, facets=False)
    if results.page != n:
        abort(404)  # past the last page (the engine would give the last one)
    related = None
    if facet in ("issuer", "partners") and n == 1:
        # who the issuer or partner works with, across all its pages: shown on the first
        if results.pages == 1:
            everyone = results.entries
        else:
            everyone = s.engine.search(
                SearchRequest(filters={facet: [real]}), page_size=len(s.entries), facets=False
            ).entries
        related = related_facets(everyone, facet)
    total = results.total
    return render_template(
        "browse.html",
        facet=FACETS_BY_NAME[facet],
        value=real,
        results=results,
        related=related,
        rows=browse_rows(results.entries),
        page_href=lambda page: browse_page_url(facet, value, page),
        feed_url=url_for("browse_feed", facet=facet, value=value),
        search_link=search_url(SearchRequest(filters={facet: [real]}).args()),
        total_span=total_span(total),
        item_list=results_item_list(results, BROWSE_PAGE_SIZE),
    )


def browse_page(facet: str, value: str, n: int):
    """/browse/<facet>/<value>/page/<n>/, n from 2: page 1 is the browse page itself,
    and its address here sends there, as .../page/02/ sends to .../page/2/ (a page has
    one address; the others are never frozen)."""
    s = site()
    real = s.browse.get(facet, {}).get(value)
    written = request.path.rstrip("/").rsplit("/", 1)[-1]
    if real is not None and (n == 1 or (written != str(n) and n <= page_count(s, facet, real))):
        return redirect(browse_page_url(facet, value, n), 301)
    if n < 2:
        abort(404)
    return browse(facet, value, n)


def pathways_index():
    return render_template("pathways.html", pathways=site().pathways)


def pathway(slug: str):
    found = site().pathways.get(slug)
    if found is None:
        abort(404)
    return render_template("pathway.html", pathway=found)


def register(app: Flask, page: Callable) -> None:
    """Route this family's pages (`page` routes one under each language prefix too)."""
    page("/browse/")(browse_index)
    page("/browse/<facet>/<value>/")(browse)
    page("/browse/<facet>/<value>/page/<int:n>/")(browse_page)
    page("/pathways/")(pathways_index)
    page("/pathways/<slug>/")(pathway)
