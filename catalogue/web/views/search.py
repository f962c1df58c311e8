"""The home page, the search page and the search API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import (
    Flask,
    jsonify,
    render_template,
    request,
)
from markupsafe import Markup

from ...facets import SORTS
from ...search import (
    SearchRequest,
)
from .. import searchlog
from ..components import (
    chips,
    results_item_list,
    static_build,
    total_span,
)
from ..language import current_lang
from ..state import site, static_settings
from ..urls import browse_url, facet_links, search_url


def home():
    s = site()
    results = s.engine.search(SearchRequest())
    newest = sorted(
        s.entries,
        key=lambda e: (
            e.updated is None,
            -(e.updated.toordinal() if e.updated else 0),
            e.title,
        ),
    )[:6]
    return render_template(
        "home.html",
        results=results,
        newest=newest,
        overview=("delivery", "cost_band", "field", "start"),
    )


def search():
    s = site()
    req = s.engine.parse(request.args)
    results = s.engine.search(req)
    log_search(req, results.total)
    return render_template(
        "search.html",
        results=results,
        req=req,
        sorts=SORTS,
        chips=chips(req),
        # each listed value's link: its browse page in a static build, else its toggle
        facet_hrefs={
            name: [browse_url(name, v["value"]) for v in values]
            for name, values in results.facets.items()
        }
        if static_build()
        else facet_links(req, results.facets),
        search_url=search_url,
        terms=set(req.terms),
        search_index=static_settings().search_index if static_build() else None,
        total_span=total_span(results.total),
        item_list=results_item_list(results),
        suggestion_link=Markup('<a href="%s">%s</a>')
        % (search_url(req.args(q=results.suggestion, page=1)), results.suggestion)
        if results.suggestion
        else None,
    )


def log_search(req, total: int) -> None:
    """Keep the search in the site's search log, if it has one (docs/search.md): a first
    page of results, of words or filters, on the live server."""
    settings = site().catalogue.site.search
    if not settings.log or static_build() or req.page > 1 or not (req.q or req.filters
                                                                 or req.ranges):  # fmt: skip
        return
    record = searchlog.entry(req.q, req.filters, req.ranges, total, current_lang(), dt.date.today())
    searchlog.append(site().content_dir / settings.log, record, settings.log_max_mb * 2**20)


def api_search():
    s = site()
    return jsonify(s.engine.search(s.engine.parse(request.args)).to_json())


def register(app: Flask, page: Callable) -> None:
    """Route this family's pages (`page` routes one under each language prefix too)."""
    page("/")(home)
    page("/search/")(search)
    app.add_url_rule("/api/search.json", view_func=api_search)
