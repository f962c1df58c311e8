"""Each entry, and the whole catalogue, in the registries' formats: Open Badges 3.0,
CTDL (Credential Engine) and the European Learning Model. Drafts are never among them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, Response, abort, request, url_for
from markupsafe import Markup

from ...exports import ctdl, elm, openbadges
from ...exports.jsonld import item_list
from ...exports.registry import EXTENSIONS, Publisher, dumps
from ...search import PAGE_SIZE, SearchResults
from ..state import site
from ..urls import page_url

# Each form: its media type, one entry's document, and the whole catalogue's.
FORMS: dict[str, tuple[str, Callable, Callable]] = {
    "ob3": ("application/json", openbadges.achievement, openbadges.achievements),
    "ctdl": ("application/json", ctdl.graph, ctdl.catalogue_graph),
    "elm": ("application/ld+json", elm.learning_opportunity, elm.catalogue_graph),
}


class SiteAddresses:
    """The exports' addresses: absolute, under the address the site is served at (the
    build's base URL when frozen), and in the site's default language."""

    def entry(self, slug: str) -> str:
        return url_for("entry", slug=slug, lang="", _external=True)

    def export(self, slug: str, form: str) -> str:
        return url_for(f"api_entry_{form}", slug=slug, _external=True)

    def browse(self, facet: str, value: str) -> str:
        slug = site().browse_slug.get(facet, {}).get(value)
        if slug:
            return url_for("browse", facet=facet, value=slug, lang="", _external=True)
        return url_for("search", lang="", _external=True) + "?" + urlencode({facet: value})

    def pathway(self, name: str) -> str | None:
        slug = site().pathway_slug.get(name)
        return url_for("pathway", slug=slug, lang="", _external=True) if slug else None


def publisher() -> Publisher:
    return Publisher(site().catalogue.site, SiteAddresses())


def results_item_list(results: SearchResults) -> Markup:
    """A page of results as a schema.org ItemList, entries at their pages in the page's
    language."""
    host = request.host_url.rstrip("/")
    return item_list(
        results.entries,
        (results.page - 1) * PAGE_SIZE + 1,
        results.total,
        lambda slug: host + page_url("entry", slug=slug),
    )


def published():
    return [e for e in site().entries if not e.draft]


def entry_export(form: str) -> Callable:
    media, one, _ = FORMS[form]

    def view(slug: str):
        item = site().by_slug.get(slug)
        if item is None or item.draft:
            abort(404)
        return Response(dumps(one(item, publisher())), mimetype=media)

    view.__name__ = f"api_entry_{form}"
    return view


def catalogue_export(form: str) -> Callable:
    media, _, every = FORMS[form]

    def view():
        return Response(dumps(every(published(), publisher())), mimetype=media)

    view.__name__ = f"api_{form}"
    return view


def register(app: Flask, page: Callable) -> None:
    """Route each form's entry files and catalogue file."""
    for form, extension in EXTENSIONS.items():
        app.add_url_rule(f"/api/credentials/<slug>.{extension}", view_func=entry_export(form))
        app.add_url_rule(f"/api/{extension}", view_func=catalogue_export(form))
