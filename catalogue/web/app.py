"""The app factory: settings, the served site, themes, then each part registers itself."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Flask,
    send_from_directory,
)
from jinja2 import ChoiceLoader, FileSystemLoader

from ..fields import load_plugins
from . import security, templating, views
from .language import register_languages
from .state import Site, default_index_dir, follow_index
from .templating import CatalogueFlask

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout: templates/, static/


def create_app(content_dir: str | Path = "content", **settings) -> Flask:
    """Create the catalogue app for a content folder.

    Settings (also accepted in upper case): `drafts` serves draft entries; `index_dir` is
    where the search index lives (by default a folder under ~/.cache/catalogue);
    `show_content_errors` shows content errors to visitors (as `catalogue serve` does for
    editors; off by default, for production); `cms_api` answers the editor's local backend
    at /api/v1, which writes to the content folder (`catalogue serve` on loopback only);
    `index_later` builds a search index that is not built yet in a child process while
    the app is made and used, until a text search first needs it (the static build);
    `trusted_hosts` (Flask's TRUSTED_HOSTS) the host names answered, others getting 400
    (catalogue.wsgi sets it when site.toml has no `base_url`).
    """
    load_plugins()  # fields an installation adds (CATALOGUE_PLUGINS)
    app = CatalogueFlask(
        "catalogue.web",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    content_dir = Path(content_dir)
    app.config.update(
        DRAFTS=False,
        INDEX_DIR=None,
        SHOW_CONTENT_ERRORS=False,
        THEME=None,
        FOLLOW_INDEX=False,
        CMS_API=False,
        INDEX_LATER=False,
    )
    app.config.update({k.upper(): v for k, v in settings.items()})
    index_dir = Path(app.config["INDEX_DIR"] or default_index_dir(content_dir))
    later = app.config["INDEX_LATER"]
    app.extensions["catalogue"] = Site(
        content_dir, index_dir, app.config["DRAFTS"], cache={}, index_later=later
    )
    # A theme given here wins over site.toml's, which live reload follows (settings_theme).
    app.extensions["theme_given"] = bool(app.config["THEME"])
    theme = app.config["THEME"] or settings_theme(app.extensions["catalogue"])
    if theme:
        use_theme(app, Path(theme))
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # facets in FACETS order, entry fields in FIELDS order
    page = register_languages(app)
    templating.register(app)
    security.register(app)
    views.register(app, page)
    if app.config["FOLLOW_INDEX"]:
        follow_index(app)
    return app


def settings_theme(site: Site) -> Path | None:
    """The theme folder site.toml names, found in the content folder (whatever the
    working directory), or None."""
    name = site.catalogue.site.theme
    return (site.content_dir / name).resolve() if name else None


def use_theme(app: Flask, theme: Path | None) -> None:
    """Put a theme folder's templates/ and static/ in front of the defaults, so that an
    institution overrides one template, or the stylesheet, with one file. Called again,
    the new theme replaces the one before (None: no theme)."""
    loader, static_view = app.extensions.setdefault(
        "unthemed", (app.jinja_loader, app.view_functions["static"])
    )
    app.jinja_loader, app.view_functions["static"] = loader, static_view
    app.config["THEME"] = None
    if theme is None:
        return
    # Absolute: Flask reads a relative folder against the package, not the working directory.
    theme = Path(theme).resolve()
    if not theme.is_dir():
        raise ThemeError(f"theme folder {theme} does not exist")
    app.config["THEME"] = theme
    if (theme / "templates").is_dir():
        app.jinja_loader = ChoiceLoader([FileSystemLoader(str(theme / "templates")), loader])
    static = theme / "static"

    def themed_static(filename: str):
        if (static / filename).is_file():  # send_from_directory refuses paths that leave it
            return send_from_directory(static, filename)
        return app.send_static_file(filename)

    app.view_functions["static"] = themed_static


class ThemeError(Exception):
    """A theme that cannot be used, with a message for the person who named it."""
