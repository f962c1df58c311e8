"""The embed at /embed/: a search's matches as a compact list, for an iframe on an
institution's own page. It takes the search page's parameters and shows the first page
of what /search/ would show, never a draft; the only page other sites may frame (its
Content-Security-Policy names site.toml's `embed_origins`, and it has no X-Frame-Options).
In a static build templates/embed.html is frozen unfiltered, and static/js/embed.js
draws the list from the URL with the browser's search engine. The search page offers the
iframe to copy (`embed_snippet`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlencode

from flask import Flask, make_response, render_template, request, url_for
from markupsafe import Markup

from ...i18n import plural_table, translations
from ...search import PAGE_SIZE, SearchRequest
from ..components import static_build
from ..language import _, current_lang
from ..security import CSP_HEADER, embed_policy
from ..state import site, static_settings
from ..urls import search_url

SNIPPET_HEIGHT = 600  # pixels: about five entries


def matches(req: SearchRequest) -> tuple[int, list]:
    """How many published entries match `req`, and the first page of them in the order
    the search page shows them. A server showing drafts (`catalogue serve --drafts`)
    searches them too: they are left out here, where the count is made without them."""
    s = site()
    req = replace(req, page=1)
    if not s.drafts:
        results = s.engine.search(req, facets=False)
        return results.total, results.entries
    results = s.engine.search(req, page_size=max(1, s.engine.size), facets=False)
    published = [e for e in results.entries if not e.draft]
    return len(published), published[:PAGE_SIZE]


def embed():
    s = site()
    req = s.engine.parse(request.args)
    total, entries = matches(req)
    policy = embed_policy(s.catalogue.site.embed_origins)
    html = render_template(
        "embed.html",
        total=total,
        entries=entries,
        all_url=search_url(req.args(page=1)),
        search_index=static_settings().search_index if static_build() else None,
        embed_text=embed_text() if static_build() else None,
    )
    response = make_response(html)
    response.headers[CSP_HEADER] = policy
    return response


def embed_text() -> dict:
    """What static/js/embed.js writes beyond the search page's #ui-text: the link to
    the whole search in every plural form (by the index of ui-text's plural table)."""
    t = translations(current_lang())
    table = plural_table(current_lang())
    return {
        "seeAll": [
            t.ngettext("See %(num)s on %(site)s", "See all %(num)s on %(site)s", table.index(i))
            for i in range(max(table) + 1)
        ],
        "searchAll": _("Search all micro-credentials on %(site)s"),
        "site": site().catalogue.site.in_language(current_lang()).name,
    }


def embed_src(req: SearchRequest) -> str:
    """The absolute address of the embed of a search (its first page)."""
    query = urlencode(req.args(page=1))
    return url_for("embed", _external=True) + (f"?{query}" if query else "")


def embed_snippet(req: SearchRequest) -> Markup:
    """The iframe an institution copies into its page to show this search's matches."""
    return Markup(
        '<iframe src="%s" title="%s" width="100%%" height="%d" loading="lazy"></iframe>'
    ) % (embed_src(req), embed_title(), SNIPPET_HEIGHT)


def embed_title() -> str:
    name = site().catalogue.site.in_language(current_lang()).name
    return _("Micro-credentials from %(site)s", site=name)


def register(app: Flask, page: Callable) -> None:
    """Route the embed (under each language prefix too); give templates the snippet."""
    page("/embed/")(embed)
    app.jinja_env.globals.update(
        embed_snippet=embed_snippet, embed_title=embed_title, embed_height=SNIPPET_HEIGHT
    )
