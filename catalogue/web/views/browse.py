"""Browse pages (every entry with one facet value) and pathways."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Flask,
    abort,
    render_template,
)
from markupsafe import Markup

from ...facets import FACETS_BY_NAME
from ...search import (
    SearchRequest,
)
from ..components import (
    related_facets,
    results_item_list,
)
from ..state import site
from ..urls import search_url


def browse_index():
    s = site()
    results = s.engine.search(SearchRequest())
    return render_template("browse_index.html", results=results)


def browse(facet: str, value: str):
    s = site()
    real = s.browse.get(facet, {}).get(value)
    if real is None:
        abort(404)
    req = SearchRequest(filters={facet: [real]})
    results = s.engine.search(req, page_size=max(1, len(s.entries)), facets=False)
    related = None
    if facet in ("issuer", "partners"):
        related = related_facets(results.entries, facet)
    return render_template(
        "browse.html",
        facet=FACETS_BY_NAME[facet],
        value=real,
        results=results,
        related=related,
        search_link=search_url(req.args()),
        total_span=Markup('<span data-total="%d">%d</span>') % (results.total, results.total),
        item_list=results_item_list(results),
    )


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
    page("/pathways/")(pathways_index)
    page("/pathways/<slug>/")(pathway)
