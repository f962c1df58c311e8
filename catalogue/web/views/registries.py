"""Each entry, and the whole catalogue, in the registries' formats: Open Badges 3.0,
CTDL (Credential Engine) and the European Learning Model. Drafts are never among them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, Response, abort, current_app, request, url_for

from ...exports import ctdl, elm, openbadges
from ...exports.registry import EXTENSIONS, Publisher, dumps
from ..components import static_build
from ..state import site

# Each form: its media type, one entry's document, and the whole catalogue's.
FORMS: dict[str, tuple[str, Callable, Callable]] = {
    "ob3": ("application/json", openbadges.achievement, openbadges.achievements),
    "ctdl": ("application/json", ctdl.graph, ctdl.catalogue_graph),
    "elm": ("application/ld+json", elm.learning_opportunity, elm.catalogue_graph),
}


def public_url(endpoint: str, **values) -> str:
    """An absolute address in the site's default language: under site.toml's `base_url`
    when it sets one, so a live server names the same identifiers as the static build
    whatever Host a request came with; else where the site is served (a static build's
    base URL)."""
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = ""  # the default language, at the site's root
    base = site().catalogue.site.base_url
    if not base or static_build():
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values)[len(request.script_root) :]


class SiteAddresses:
    """The exports' addresses (see `public_url`)."""

    def entry(self, slug: str) -> str:
        return public_url("entry", slug=slug)

    def export(self, slug: str, form: str) -> str:
        return public_url(f"api_entry_{form}", slug=slug)

    def browse(self, facet: str, value: str) -> str:
        slug = site().browse_slug.get(facet, {}).get(value)
        if slug:
            return public_url("browse", facet=facet, value=slug)
        return public_url("search") + "?" + urlencode({facet: value})

    def pathway(self, name: str) -> str | None:
        slug = site().pathway_slug.get(name)
        return public_url("pathway", slug=slug) if slug else None


def publisher() -> Publisher:
    return Publisher(site().catalogue.site, SiteAddresses())


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
        return Response(dumps(every(site().catalogue.published(), publisher())), mimetype=media)

    view.__name__ = f"api_{form}"
    return view


def register(app: Flask, page: Callable) -> None:
    """Route each form's entry files and catalogue file."""
    for form, extension in EXTENSIONS.items():
        app.add_url_rule(f"/api/credentials/<slug>.{extension}", view_func=entry_export(form))
        app.add_url_rule(f"/api/{extension}", view_func=catalogue_export(form))
