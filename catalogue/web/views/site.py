"""The site's own files: colours, logo, sitemap, feed, content errors, error pages."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    send_from_directory,
    url_for,
)

from ...exports.readiness import registry_warnings
from ...search import (
    sort_key,
)
from ..language import url_lang
from ..state import site

FEED_SIZE = 50  # entries in /feed.atom


def theme_css():
    """The colours set in site.toml, as the stylesheet's variables (no inline styles:
    the Content Security Policy forbids them)."""
    colours = site().catalogue.site.colours
    lines = [f"  --{name.replace('_', '-')}: {value};" for name, value in vars(colours).items()]
    return Response(":root {\n" + "\n".join(lines) + "\n}\n", mimetype="text/css")


def logo(ext: str):
    s = site()
    name = s.catalogue.site.logo
    if not name or Path(name).suffix.lower() != ext.lower():
        abort(404)
    return send_from_directory(s.catalogue.root.resolve(), name)


def sitemap():
    s = site()
    urls, updated = [], {}
    for lang in s.catalogue.site.interface_languages:
        at = functools.partial(url_for, lang=url_lang(lang), _external=True)
        urls += [at("home"), at("browse_index")]
        urls += [at("entry", slug=e.slug) for e in s.entries]
        updated.update({at("entry", slug=e.slug): e.updated for e in s.entries if e.updated})
        if s.pathways:
            urls.append(at("pathways_index"))
        urls += [at("pathway", slug=p) for p in s.pathways]
        # a browse value's first page only: its further pages list entries named above
        urls += [at("browse", facet=f, value=v) for f, values in s.browse.items() for v in values]
    body = render_template("sitemap.xml", urls=urls, updated=updated)
    return Response(body, mimetype="application/xml")


def feed():
    """An Atom feed of the entries most recently added or updated."""
    return atom_feed(
        site().entries, url_for("feed", _external=True), url_for("home", _external=True)
    )


def atom_feed(entries, self_url: str, page_url: str, title: str = "") -> Response:
    """The Atom feed of `entries` most recently added or updated (those that carry an
    `updated` date, never a draft), newest first: the site's, a search's, a browse page's
    (views/follow.py). `page_url`, the page the feed follows, is also its id; `title`
    says what it follows (the site's name when empty: the site's own feed)."""
    dated = sorted(
        (e for e in entries if e.updated and not e.draft),
        key=lambda e: (-e.updated.toordinal(), sort_key(e.title), e.slug),
    )[:FEED_SIZE]
    body = render_template(
        "feed.atom.xml",  # .xml: Flask autoescapes it
        title=title,
        home=page_url,
        self_url=self_url,
        updated=max((e.updated for e in dated), default=dt.date.today()),
        entries=[{"entry": e, "url": url_for("entry", slug=e.slug, _external=True)} for e in dated],
        stamp=lambda day: f"{day.isoformat()}T00:00:00Z",
    )
    return Response(body, mimetype="application/atom+xml")


def content_errors():
    if not current_app.config["SHOW_CONTENT_ERRORS"]:
        abort(404)
    c = site().catalogue
    warnings = c.warnings + registry_warnings(c)
    return render_template("content_errors.html", errors=c.errors, warnings=warnings)


def not_found(error):
    return render_template("404.html"), 404


def server_error(error):
    return render_template("500.html"), 500


def register(app: Flask, page: Callable) -> None:
    """Route this family's pages (`page` routes one under each language prefix too)."""
    app.add_url_rule("/site/theme.css", view_func=theme_css)
    app.add_url_rule("/site/logo<ext>", view_func=logo)
    app.add_url_rule("/sitemap.xml", view_func=sitemap)
    page("/feed.atom")(feed)
    page("/content-errors/")(content_errors)
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, server_error)
