"""What Frozen-Flask is told to freeze: every URL of the site, the routes only the static
build has, and the browser's search and compare files rendered as the pages render them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Response, g, render_template, url_for
from flask_frozen import Freezer

from ..exports.browser import coded_fragments, export
from ..facets import FACETS
from ..web import decap
from ..web.components import browse_rows, render_fragment
from ..web.views.admin import ADMIN_ENDPOINTS
from ..web.views.browse import page_count

SKIPPED_ENDPOINTS = {"api_search", "search_feed", "content_errors"}  # they need a server


def site_languages(app) -> tuple[str, ...]:
    """The site's interface languages, the first (whose pages live at the root) first."""
    return app.extensions["catalogue"].catalogue.site.interface_languages


def export_search(app, base_url: str | None) -> dict[str, bytes]:
    """The browser's search files (see catalogue/exports/browser.py), cards rendered as
    the search page renders them in each language, with links under `base_url`."""
    engine = app.extensions["catalogue"].engine

    def card(entry, lang: str) -> str:
        g.lang = lang
        # without its compare tick, which search-ui.js adds: 0.1 KB of every card fetched
        return render_fragment("_card.html", e=entry, ticks=False)

    with app.test_request_context("/", base_url=base_url or "http://localhost/"):
        return export(engine, card, site_languages(app), app.extensions["catalogue"].browse_slug)


def _each_language(app, base_url: str | None) -> Iterator[str]:
    """Each interface language in turn, in a request on the build's base URL that is in
    that language: for rendering pieces of pages as the pages render them."""
    with app.test_request_context("/", base_url=base_url or "http://localhost/"):
        for lang in site_languages(app):
            g.lang = lang
            yield lang


def export_compare(app, base_url: str | None) -> dict[str, tuple[str, dict[str, bytes]]]:
    """Each entry's column of the comparison table in each language, for the static
    compare page (static/js/compare.js): by language, the folder they go in and the files."""
    site = app.extensions["catalogue"]
    out = {}
    for lang in _each_language(app, base_url):
        # the labels and markup every column repeats, written once (exports/phrases.py)
        out[lang] = coded_fragments(
            "compare",
            {
                e.slug: (e.slug, render_fragment("_compare_column.html", e=e).strip())
                for e in site.entries
            },
        )
    return out


def render_rows(app, base_url: str | None) -> dict[tuple, str]:
    """Every entry's browse row in each language, as browse_rows keeps them: rendered
    here once, beside the compare columns, rather than once in each part of the build
    (each part's browse pages hold nearly every entry)."""
    site = app.extensions["catalogue"]
    for _lang in _each_language(app, base_url):
        browse_rows(site.entries)
    return {key: html for key, html in site.cards.items() if key[0] == "row"}


def register_static_routes(app) -> None:
    """Routes that exist only in the static build."""

    def not_found_page():
        # Static hosts serve this file for missing pages (see docs/hosting.md). Each other
        # language's folder has its own (in its language: that of its path), for the hosts
        # that serve a folder's own. Neither is a page of the site: they take no `lang`
        # value, so they name no address of their own and switch to the home page.
        return render_template("404.html")

    for lang in ("", *site_languages(app)[1:]):
        app.add_url_rule(f"/{lang}/404.html".replace("//", "/"), "not_found_page", not_found_page)

    @app.route("/robots.txt")
    def robots():
        lines = ["User-agent: *", "Allow: /"]
        lines.append(f"Sitemap: {url_for('sitemap', _external=True)}")
        return Response("\n".join(lines) + "\n", mimetype="text/plain")


def check_endpoints(app, frozen: set[str]) -> None:
    """Refuse a build that left out a page of the site: every endpoint answering GET must
    have been given URLs by a generator (`frozen`), but those that need a server, and
    pages this catalogue has nothing for (pathways when nothing stacks into a larger
    credential, its own colours and logo when site.toml sets none, the editor when it
    names no git host in [cms])."""
    site = app.extensions["catalogue"]
    settings = site.catalogue.site
    empty = {
        name
        for name, present in [
            ("pathway", site.pathways),
            ("theme_css", settings.custom_colours),
            ("logo", settings.logo),
            ("entry_calendar", any(e.start for e in site.entries)),
            *((name, settings.cms.backend) for name in ADMIN_ENDPOINTS),
        ]
        if not present
    }
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = routes - frozen - SKIPPED_ENDPOINTS - empty - {"static"}
    if missing:
        raise RuntimeError(
            f"Nothing frozen for endpoints {sorted(missing)}: give them URLs in "
            "catalogue/build/pages.py register_generators, or list them in SKIPPED_ENDPOINTS"
        )


def register_generators(freezer: Freezer, frozen: set[str]) -> None:
    """Tell Frozen-Flask every URL of the site, so nothing depends on being linked; the
    endpoints given URLs are added to `frozen`."""
    site = freezer.app.extensions["catalogue"]

    languages = site.catalogue.site.interface_languages
    # the `lang` of each language's URLs: none for the default, which lives at the root
    prefixes = [{"lang": ""}] + [{"lang": lang} for lang in languages[1:]]

    @freezer.register_generator
    def pages():
        for endpoint, values in urls():
            frozen.add(endpoint)
            yield endpoint, values
        for lang in languages[1:]:
            yield f"/{lang}/404.html"

    def urls():
        for endpoint in (
            "api_entries",
            "api_ob3",
            "api_ctdl",
            "api_elm",
            "entries_csv",
            "sitemap",
            "not_found_page",  # the first language's (the others' in pages above)
            "robots",
        ):
            yield endpoint, {}
        for entry in site.entries:
            for endpoint in ("api_entry", "api_entry_ob3", "api_entry_ctdl", "api_entry_elm"):
                yield endpoint, {"slug": entry.slug}
        for lang in prefixes:
            listed = ("home", "search", "embed", "browse_index", "compare", "pathways_index",
                      "feed", "entries_xlsx")  # fmt: skip
            for endpoint in listed:
                yield endpoint, lang
            for entry in site.entries:
                yield "entry", {"slug": entry.slug, **lang}
            for facet in FACETS:
                for slug, value in site.browse[facet.name].items():
                    yield "browse", {"facet": facet.name, "value": slug, **lang}
                    for n in range(2, page_count(site, facet.name, value) + 1):
                        yield "browse_page", {"facet": facet.name, "value": slug, "n": n, **lang}
            # A catalogue whose every value fits on one browse page has no page 2: none
            # of browse_page is missing then (page 1 is never frozen at .../page/1/).
            frozen.add("browse_page")
            for slug in site.pathways:
                yield "pathway", {"slug": slug, **lang}
        # following: a feed per browse page, the start dates of each dated entry, each
        # in every language, as their pages are
        yield "browse_feeds", {}
        for lang in prefixes:
            for facet in FACETS:
                for slug in site.browse[facet.name]:
                    yield "browse_feed", {"facet": facet.name, "value": slug, **lang}
            for entry in site.entries:
                if entry.start and not entry.draft:
                    yield "entry_calendar", {"slug": entry.slug, **lang}
        settings = site.catalogue.site
        if settings.cms.backend:  # the editor, signing in to the git host [cms] names
            yield "admin", {}
            yield "admin_config", {}
            for name in decap.bundle_files():
                yield "admin_file", {"filename": name}
        if settings.custom_colours:
            yield "theme_css", {}
        if settings.logo:
            yield "logo", {"ext": Path(settings.logo).suffix}
        theme = freezer.app.config.get("THEME")
        if theme and (Path(theme) / "static").is_dir():
            for file in sorted((Path(theme) / "static").rglob("*")):
                if file.is_file():
                    yield (
                        "static",
                        {"filename": file.relative_to(Path(theme) / "static").as_posix()},
                    )
