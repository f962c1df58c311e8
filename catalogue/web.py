"""The Flask app: thin views over the content and search layers."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import NamedTuple
from urllib.parse import quote_plus, urlencode

from babel.numbers import get_currency_symbol
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.templating import Environment as FlaskEnvironment
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import content
from .cli import slugify
from .content import CHECK_LABELS
from .i18n import (
    N_,
    Formats,
    formats,
    interface_languages,
    language_name,
    money_format,
    plural_table,
    translations,
)
from .model import FACETS, FACETS_BY_NAME, LABELS, Check, Credential, Facet, number_label
from .search import (
    RANGES,
    SORT_LABELS,
    SORTS,
    SearchEngine,
    SearchRequest,
    _number_text,
    current_index,
    fingerprint,
    highlight_terms,
    sort_key,
    update_index,
)

ROOT = Path(__file__).resolve().parent.parent
FEED_SIZE = 50
MAX_COMPARE = 4
MAX_REMEMBERED_URLS = 10_000  # see page_url
# The rows of the comparison table, in the order of the compare_column macro's cells.
COMPARE_ROWS = (
    N_("Delivery"),
    N_("Learning hours"),
    N_("Time to complete"),
    N_("Cost"),
    N_("Cost per hour"),
    N_("Start"),
    N_("Issuer"),
    N_("Partners"),
    N_("Assessment"),
    N_("Credential"),
    N_("Stacks into"),
    N_("Framework checklist"),
)
CELL = "<!--cell-->"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CSV_FIELDS = (
    "slug",
    "title",
    "summary",
    "issuer",
    "partners",
    "delivery",
    "hours",
    "weeks",
    "cost",
    "currency",
    "start",
    "language",
    "skills",
    "field",
    "level",
    "assessment_type",
    "assessment_only",
    "credential",
    "stacks_into",
    "location",
    "url",
    "updated",
)


def default_index_dir(content_dir: Path) -> Path:
    """A folder of the user's own cache (never a shared temp folder: Whoosh unpickles what
    it finds in an index folder), one per content folder."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catalogue"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256(str(content_dir.resolve()).encode()).hexdigest()[:12]
    return base / digest


class Site:
    """What the views read: the loaded catalogue, its search engine and browse slugs."""

    def __init__(
        self,
        content_dir: Path,
        index_dir: Path,
        drafts: bool,
        cache: content.FileCache | None = None,
        previous: Site | None = None,
        folder: Path | None = None,
    ):
        """Load the catalogue and index it. With the `previous` site of the same folder
        (live reload), only what changed is read and indexed again. With `folder` (an
        index `catalogue index` built), that index is used if it is of these entries."""
        self.content_dir, self.index_dir, self.drafts = content_dir, index_dir, drafts
        self.cache = cache
        self.catalogue = content.load(content_dir, cache=cache)
        self.entries = self.catalogue.published(drafts)
        self.by_slug = {e.slug: e for e in self.entries}
        if folder is not None and folder.name != fingerprint(self.entries):
            folder = None  # the content changed again since: index it as usual
        if previous is not None:
            folder = update_index(previous.engine.folder, previous.entries, self.entries, index_dir)
        self.engine = SearchEngine(self.entries, index_dir, folder)
        # /browse/<facet>/<value-slug>/: a stable slug for every facet value.
        self.browse: dict[str, dict[str, str]] = {}
        for facet in FACETS:
            slugs: dict[str, str] = {}
            for value in sorted(self.engine.bits[facet.name]):
                base = slugify(value) or "value"
                slug, n = base, 2
                while slug in slugs:
                    slug, n = f"{base}-{n}", n + 1
                slugs[slug] = value
            self.browse[facet.name] = slugs
        self.browse_slug = {f: {v: s for s, v in m.items()} for f, m in self.browse.items()}
        self.pathways = pathways(self.entries)
        self.cards: dict[tuple, str] = {}  # see result_card
        self.browse_urls: dict[tuple, str] = {}  # see browse_url
        self.js_texts: dict[str, dict] = {}  # see js_text
        self.urls: dict[tuple, str] = {}  # see page_url
        self.page_globals: dict[tuple, dict] = {}  # see page_globals
        self.params: dict[tuple[str, str], str] = {}  # see facet_links
        self.value_html: dict[tuple[str, str], str] = {}  # see facet_items
        self.pathway_slug = {p.name: slug for slug, p in self.pathways.items()}


@dataclass
class Pathway:
    """A larger credential and the micro-credentials that stack into it."""

    name: str
    entries: list[Credential]

    @property
    def hours(self) -> float:
        return sum(e.hours for e in self.entries)

    @property
    def weeks(self) -> float:
        return sum(e.weeks for e in self.entries)

    @property
    def costs(self) -> list[tuple[float, str]]:
        """The total cost in each currency the entries are priced in."""
        totals: dict[str, float] = {}
        for e in self.entries:
            totals[e.currency] = totals.get(e.currency, 0) + e.cost
        return sorted((amount, currency) for currency, amount in totals.items())


def pathways(entries: list[Credential]) -> dict[str, Pathway]:
    """Every larger credential named in `stacks_into`, by a stable slug of its name."""
    members: dict[str, list[Credential]] = {}
    for e in entries:
        for name in e.stacks_into:
            members.setdefault(name, []).append(e)
    out: dict[str, Pathway] = {}
    for name in sorted(members, key=lambda n: (sort_key(n), n)):
        base = slugify(name) or "pathway"
        slug, n = base, 2
        while slug in out:
            slug, n = f"{base}-{n}", n + 1
        chosen = sorted(members[name], key=lambda e: (sort_key(e.title), e.slug))
        out[slug] = Pathway(name, chosen)
    return out


def create_app(content_dir: str | Path = "content", **settings) -> Flask:
    """Create the catalogue app for a content folder.

    Settings (also accepted in upper case): `drafts` serves draft entries; `index_dir` is
    where the search index lives (by default a folder under ~/.cache/catalogue);
    `show_content_errors` shows content errors to visitors (as `catalogue serve` does for
    editors; off by default, for production).
    """
    app = CatalogueFlask(
        __name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static")
    )
    content_dir = Path(content_dir)
    app.config.update(
        DRAFTS=False, INDEX_DIR=None, SHOW_CONTENT_ERRORS=False, THEME=None, FOLLOW_INDEX=False
    )
    app.config.update({k.upper(): v for k, v in settings.items()})
    index_dir = Path(app.config["INDEX_DIR"] or default_index_dir(content_dir))
    app.extensions["catalogue"] = Site(content_dir, index_dir, app.config["DRAFTS"], cache={})
    settings_theme = app.extensions["catalogue"].catalogue.site.theme
    theme = app.config["THEME"] or (content_dir / settings_theme if settings_theme else None)
    if theme:
        use_theme(app, Path(theme))
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # facets in FACETS order, entry fields in FIELDS order
    register(app)
    if app.config["FOLLOW_INDEX"]:
        follow_index(app)
    return app


def follow_index(app: Flask, every: float = 1.0) -> None:
    """Serve the index that `catalogue index` rebuilt, once it is whole: at most every
    `every` seconds a request looks at the index folder's pointer, and when it names a
    new complete index of the content as it now is, the catalogue is loaded again in the
    background and swapped in. Requests keep the previous catalogue until then, so a
    rebuild that fails or is killed is never seen."""
    state = {"checked": 0.0, "loading": False}
    lock = threading.Lock()

    def load(old: Site, folder: Path) -> None:
        try:
            fresh = Site(old.content_dir, old.index_dir, old.drafts, cache={}, folder=folder)
            if fresh.engine.folder == folder:
                app.extensions["catalogue"] = fresh
        except Exception as exc:  # keep serving the catalogue we have; say why in the log
            app.logger.error("catalogue: cannot load the rebuilt index %s: %s", folder, exc)
        finally:
            state["loading"] = False

    @app.before_request
    def look_for_new_index() -> None:
        now = time.monotonic()
        if now - state["checked"] < every or state["loading"]:
            return
        with lock:
            if now - state["checked"] < every or state["loading"]:
                return
            state["checked"] = now
            old = site()
            folder = current_index(old.index_dir)
            if folder is None or folder == old.engine.folder:
                return
            state["loading"] = True
        threading.Thread(target=load, args=(old, folder), daemon=True).start()


def use_theme(app: Flask, theme: Path) -> None:
    """Put a theme folder's templates/ and static/ in front of the defaults, so that an
    institution overrides one template, or the stylesheet, with one file."""
    if not theme.is_dir():
        raise ThemeError(f"theme folder {theme} does not exist")
    app.config["THEME"] = theme
    if (theme / "templates").is_dir():
        app.jinja_loader = ChoiceLoader(
            [FileSystemLoader(str(theme / "templates")), app.jinja_loader]
        )
    static = theme / "static"

    def themed_static(filename: str):
        if (static / filename).is_file():  # send_from_directory refuses paths that leave it
            return send_from_directory(static, filename)
        return app.send_static_file(filename)

    app.view_functions["static"] = themed_static


class ThemeError(Exception):
    """A theme that cannot be used, with a message for the person who named it."""


# The Site answering the request, found once per request: a search page asks for it
# some forty times, and Flask's `current_app` proxy is slow to ask that often. It also
# keeps a request on one catalogue when a rebuilt index is swapped in meanwhile.
_request_site: ContextVar[Site | None] = ContextVar("catalogue_site", default=None)
_request_root: ContextVar[str | None] = ContextVar("catalogue_root", default=None)  # sub-path


def site() -> Site:
    return _request_site.get() or current_app.extensions["catalogue"]


def sub_path() -> str:
    """The path the site is served under ("" at the root): part of the key of whatever
    is remembered from one request to the next, since links include it."""
    root = _request_root.get()
    if root is not None:
        return root
    return request.script_root if has_request_context() else ""


def search_url(args, endpoint: str = "search") -> str:
    query = urlencode(args)
    return page_url(endpoint) + (f"?{query}" if query else "")


def page_url(endpoint: str, **values) -> str:
    """`url_for` as the templates call it, remembered per language and sub-path: every
    page asks for the same addresses (style sheet, scripts, menu), and working each out
    again through Flask's URL builder took a tenth of a search page's time."""
    if not has_request_context() or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)  # _external and the like: built each time
    key = (endpoint, current_lang(), sub_path(), *values.items())
    urls = site().urls
    try:
        return urls[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if len(urls) >= MAX_REMEMBERED_URLS:
        urls.clear()
    urls[key] = url = url_for(endpoint, **values)
    return url


# ---- Languages ----------------------------------------------------------------------------
# Every page is served at its URL in the site's default language (the first of site.toml's
# `languages`) and under /<lang>/ in each other one: /search/?q=x and /fr/search/?q=x.


# The language of the request being answered, found once per request (a template asks
# for it at every string, and Flask's context proxies are slow to ask that often).
_request_lang: ContextVar[str | None] = ContextVar("catalogue_lang", default=None)


def current_lang() -> str:
    """The interface language of this request: its URL's, else the site's default."""
    lang = _request_lang.get() or (g.get("lang") if has_request_context() or g else None)
    if lang:
        return lang
    offered = site().catalogue.site.interface_languages
    if has_request_context():  # a page that does not exist, under /fr/ say
        first = request.path.lstrip("/").split("/", 1)[0]
        if first in offered:
            return first
    return offered[0]


def _(text: str, **values) -> str:
    """`text` in the interface language, with `%(name)s` filled from `values`."""
    out = translations(current_lang()).gettext(text)
    return out % values if values else out


def pgettext(context: str, text: str) -> str:
    """`text` in the interface language, where the same English has other meanings."""
    return translations(current_lang()).pgettext(context, text)


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    out = translations(current_lang()).ngettext(singular, plural, n)
    return out % {"num": n, **values}


def url_lang(lang: str) -> str:
    """The `lang` URL value of a language: empty for the default (no prefix)."""
    return "" if lang == site().catalogue.site.interface_languages[0] else lang


def local_formats() -> Formats:
    return formats(current_lang(), site().catalogue.site.country)


def money(value: float, currency: str = "CAD", lang: str = "en", country: str = "CA") -> str:
    """ "$1,250" for Canadian dollars in English, "1 250 $" in French; "Free" for 0."""
    return formats(lang, country).money(value, currency, translations(lang).gettext("Free"))


def plural_n(value: float) -> int:
    """The count to give ngettext for a number that may have decimals: 1.5 weeks is
    plural in English and singular in French, as CLDR has it."""
    if float(value).is_integer():
        return int(value)
    return 1 if local_formats().where.plural_form(value) == "one" else 2


def weeks_text(value: float) -> str:
    """ "6 weeks", "1 week", "1,5 semaine"."""
    return ngettext(
        "%(num)s week", "%(num)s weeks", plural_n(value), num=local_formats().number(value)
    )


def label_for(facet: Facet | str, value: str) -> str:
    """A facet value as the interface shows it: translated where it is one of the
    catalogue's own words (delivery modes, bands, levels), as written where it is data."""
    facet = FACETS_BY_NAME[facet] if isinstance(facet, str) else facet
    label = facet.label_for(value)
    return _(label) if label != value or value in LABELS else label


def facet_items(values: list[dict], hrefs: list[str]) -> Markup:
    """The list items of a facet's values on the search page, each a link that ticks or
    unticks it. A page lists a few hundred values: written here in Python, with each
    value's label kept translated and escaped, as the same loop in the template took
    half the time of a whole search page."""
    lang = current_lang()
    shown = site().value_html
    out = []
    for v, href in zip(values, hrefs, strict=True):
        key = (lang, v["label"], v["value"])
        label = shown.get(key)
        if label is None:
            # a label that is not the value itself is one of the catalogue's own words
            text = translations(lang).gettext(key[1]) if key[1] != key[2] else key[2]
            label = shown[key] = (
                '"><span class="box" aria-hidden="true"></span>'
                f'<span class="facet-label">{html_escape(text)}</span> <span class="count">'
            )
        if v["selected"]:
            note = _("(selected; select to remove)")
            out.append(
                f'<li><a class="facet-value is-selected" href="{html_escape(href)}{label}'
                f'{v["count"]}</span><span class="visually-hidden"> {html_escape(note)}</span>'
                "</a></li>"
            )
        else:
            out.append(
                f'<li><a class="facet-value" href="{html_escape(href)}{label}{v["count"]}</span>'
                "</a></li>"
            )
    return Markup("".join(out))


def html_escape(text: str) -> str:
    """What markupsafe's `escape` gives, as a plain string: for the few hundred short
    strings of a page built in Python, where making a Markup of each costs more."""
    if isinstance(text, Markup):
        return str(text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def check_label(check: Check) -> str:
    """A framework check's line, in the interface language."""
    numbers = {k: local_formats().number(v) for k, v in check.values.items()}
    return _(CHECK_LABELS[check.key], **numbers)


def language_links() -> list[LanguageLink]:
    """This page in each other language offered, keeping its search and filters."""
    offered = site().catalogue.site.interface_languages
    if len(offered) < 2:
        return []
    here = current_lang()
    endpoint = request.endpoint if has_request_context() else None
    args = dict(request.view_args or {}) if endpoint else {}
    args.pop("lang", None)
    if not endpoint or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        endpoint, args = "home", {}
    query = request.query_string.decode("ascii", "replace") if has_request_context() else ""
    return [
        LanguageLink(
            lang,
            language_name(lang),
            page_url(endpoint, **args, lang=url_lang(lang)) + (f"?{query}" if query else ""),
        )
        for lang in offered
        if lang != here
    ]


class LanguageLink(NamedTuple):
    lang: str
    name: str
    url: str


def js_text() -> dict:
    """What the pages' scripts write, in the interface language (read by search-ui.js,
    compare.js and enhance.js from the page's #ui-text element); made once a language,
    as every browse, pathway and compare page carries it."""
    s, lang = site(), current_lang()
    if lang not in s.js_texts:
        s.js_texts[lang] = _js_text(lang)
    return s.js_texts[lang]


def _js_text(lang: str) -> dict:
    table = plural_table(lang)
    t = translations(lang)

    def forms(one: str, many: str) -> list[str]:
        """Every plural form of a message, by the index plural_table gives."""
        return [t.ngettext(one, many, table.index(i)) for i in range(max(table) + 1)]

    fmt = local_formats()
    return {
        "lang": lang,
        "plural": table,
        "forms": {
            "count": forms("%(num)s micro-credential", "%(num)s micro-credentials"),
            "more": forms("Show %(num)s more", "Show %(num)s more"),
            "ticked": forms("%(num)s of %(max)s ticked.", "%(num)s of %(max)s ticked."),
            "full": forms(
                "%(num)s of %(max)s ticked: untick one to choose another.",
                "%(num)s of %(max)s ticked: untick one to choose another.",
            ),
        },
        "money": vars(money_format(fmt.where, site().catalogue.site.currency)),
        "decimal": fmt.number(0.5)[1:-1],
        "free": _("Free"),
        "search": pgettext("noun", "Search"),
        "range": _("Range"),
        "costUpTo": _("up to %(amount)s"),
        "hoursMin": _("%(hours)s+ hours"),
        "hoursMax": _("up to %(hours)s hours"),
        "weeksMax": _("up to %(weeks)s weeks"),
        "previous": _("← Previous"),
        "next": _("Next →"),
        "pages": _("Pages"),
        "filter": _("Filter"),
        "activeFilters": _("Active filters"),
        "remove": _("Remove %(kind)s: %(label)s"),
        "clearAll": _("Clear all"),
        "didYouMean": _("Did you mean %(suggestion)s?"),
        "noMatch": _("No micro-credentials match"),
        "tryFewer": _("Try fewer words, or remove a filter"),
        "removeLast": _("remove %(what)s"),
        "quoted": _("“%(words)s”"),
        "pageOf": _("· page %(page)s of %(pages)s"),
        "selected": _("(selected; select to remove)"),
        "loadFailed": _("Search could not load here, so this page shows every micro-credential."),
        "browseInstead": _("Browse them instead"),
        "title": pgettext("noun", "Search"),
        "siteName": site().catalogue.site.in_language(lang).name,
        "compareCaption": _("The chosen micro-credentials, one a column"),
        "compareTable": _("Comparison table"),
        "compareDropped": _(
            "Up to %(max)s can be compared side by side: the first %(max)s you chose are shown."
        ),
        "tickUpTo": _("Tick up to %(max)s to see them side by side."),
        "compareN": _("Compare %(num)s"),
        "compareTicked": _("Compare ticked"),
    }


# Where a cached card's title and summary go (see result_card).
_TITLE, _SUMMARY = Markup("\x00title\x00"), Markup("\x00summary\x00")


def static_build() -> bool:
    return current_app.config.get("STATIC_BUILD", False)


def result_card(entry: Credential, terms) -> Markup:
    """An entry's card on the search page, its words searched for marked. The card is
    rendered once per entry, language and address the site is served under, and kept:
    a results page shows twenty, and rendering them was most of a page's time."""
    s = site()
    key = (entry.slug, current_lang(), sub_path(), static_build())
    html = s.cards.get(key)
    if html is None:
        spot = lambda text, _terms: _TITLE if text is entry.title else _SUMMARY  # noqa: E731
        html = render_template("_card.html", e=entry, terms=(), highlight=spot)
        s.cards[key] = html
    return Markup(
        html.replace(_TITLE, highlight(entry.title, terms)).replace(
            _SUMMARY, highlight(entry.summary, terms)
        )
    )


def highlight(text: str, terms) -> Markup:
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if marked else escape(piece)
        for piece, marked in highlight_terms(text, terms)
    )


# `{{ _('Some text') }}`: a translated string with nothing to fill in.
_LITERAL = re.compile(r"\{\{\s*_\('([^'\\]*)'\)\s*\}\}")


class CatalogueContext(Context):
    """Jinja's template context, calling the catalogue's own template functions (which
    take no context) straight away: Jinja's general call looks each callable over for
    what it wants passed, and a search page makes some forty calls."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        if __obj.__class__ is FunctionType and __obj in PLAIN_TEMPLATE_FUNCTIONS:
            kwargs.pop("_loop_vars", None)  # what Jinja adds for context-taking callables
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__obj, *args, **kwargs)


class LocalisedEnvironment(FlaskEnvironment):
    """Templates compiled once per interface language, as "fr::search.html", so that
    each can have its fixed strings translated before it is compiled (see
    TranslatingLoader): a search page has some forty, and calling gettext for each on
    every request cost more than the rest of the page."""

    context_class = CatalogueContext

    def get_template(self, name, parent=None, globals=None):
        if isinstance(name, str):
            if parent is not None:
                name = self.join_path(name, parent)
            if "::" not in name:
                name = f"{current_lang()}::{name}"
        return super().get_template(name, globals=globals)


class CatalogueFlask(Flask):
    jinja_environment = LocalisedEnvironment


class TranslatingLoader(BaseLoader):
    """Reads "fr::search.html" as search.html with each `{{ _('...') }}` that has
    nothing to fill in replaced by its French text (the same text the call would give).
    The source templates keep their `_()` calls, which is what `pybabel extract` reads."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        lang, _sep, name = template.rpartition("::")
        source, filename, uptodate = self.inner.get_source(environment, name)
        if lang:
            gettext = translations(lang).gettext
            source = _LITERAL.sub(
                lambda m: "{% raw %}" + gettext(m.group(1)) + "{% endraw %}", source
            )
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def _markup_gettext(text: str, /, **values) -> Markup:
    out = Markup(translations(current_lang()).gettext(text))
    return out % values if values or "%" in out else out


def _markup_ngettext(singular: str, plural: str, num: int, /, **values) -> Markup:
    values.setdefault("num", num)
    return Markup(translations(current_lang()).ngettext(singular, plural, num)) % values


def _markup_pgettext(context: str, text: str, /, **values) -> Markup:
    values.setdefault("context", context)
    return Markup(translations(current_lang()).pgettext(context, text)) % values


# What templates call: Jinja's i18n extension's "newstyle" gettext as it behaves in an
# autoescaped template (the translation is markup, the values are escaped into it), as
# plain functions. The extension's versions take the template context and go through
# Jinja's call machinery twice, which cost a search page a tenth of its time.
TEMPLATE_GETTEXT = {
    "_": _markup_gettext,
    "gettext": _markup_gettext,
    "ngettext": _markup_ngettext,
    "pgettext": _markup_pgettext,
}


def register_languages(app: Flask) -> Callable[..., Callable]:
    """Set up the interface languages; return the decorator that routes a page at its
    URL and under each language's prefix."""
    app.jinja_env.loader = TranslatingLoader(app.jinja_env.loader)
    app.jinja_env.globals.update(TEMPLATE_GETTEXT, url_for=page_url)
    prefix = f"/<any({', '.join(interface_languages())}):lang>"

    def page(rule: str) -> Callable[[Callable], Callable]:
        def decorate(view: Callable) -> Callable:
            app.add_url_rule(rule, view.__name__, view, defaults={"lang": ""})
            app.add_url_rule(prefix + rule, view.__name__, view)
            return view

        return decorate

    @app.url_value_preprocessor
    def pick_language(endpoint, values) -> None:
        if not values or "lang" not in values:
            return
        lang = values.pop("lang")
        offered = site().catalogue.site.interface_languages
        if lang and lang not in offered:
            abort(404)
        if lang == offered[0]:  # the default language lives at the root
            args = {**values, "lang": ""}
            query = request.query_string.decode("ascii", "replace")
            abort(redirect(url_for(endpoint, **args) + (f"?{query}" if query else ""), 308))
        g.lang = lang or offered[0]

    @app.before_request
    def remember_language() -> None:
        _request_site.set(app.extensions["catalogue"])
        _request_root.set(request.script_root)
        _request_lang.set(current_lang())

    @app.teardown_request
    def forget_language(error) -> None:
        _request_lang.set(None)
        _request_site.set(None)
        _request_root.set(None)

    @app.url_defaults
    def keep_language(endpoint, values) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = url_lang(current_lang())

    return page


def page_globals(s: Site) -> dict:
    """What every template may use that is the same for every page of one interface
    language and sub-path: worked out once, not on each request."""
    fmt = local_formats()
    free = _("Free")
    settings = s.catalogue.site
    return {
        "site": settings.in_language(current_lang()),
        "facets_by_name": FACETS_BY_NAME,
        "labels": {key: _(label) for key, label in LABELS.items()},
        "facet_labels": {f.name: _(f.label) for f in FACETS},
        "sort_labels": {key: _(label) for key, label in SORT_LABELS.items()},
        "currency_symbol": get_currency_symbol(settings.currency, fmt.where),
        "label_for": label_for,
        "check_label": check_label,
        "facet_items": facet_items,
        "result_card": result_card,
        "ui_lang": current_lang(),
        "js_text": js_text,
        "max_compare": MAX_COMPARE,
        "money": lambda value, currency=settings.currency: fmt.money(value, currency, free),
        "num": fmt.number,
        "weeks": weeks_text,
        "raw_num": number_label,
        "browse_url": browse_url,
        "pathway_url": pathway_url,
        "shown_facets": shown_facets(settings),
        "logo_url": (url_for("logo", ext=Path(settings.logo).suffix) if settings.logo else None),
        "has_pathways": bool(s.pathways),
        "long_date": fmt.long_date,
        "short_date": fmt.short_date,
    }


def register(app: Flask) -> None:
    page = register_languages(app)

    @app.context_processor
    def globals_():
        s = site()
        key = (current_lang(), sub_path())
        fixed = s.page_globals.get(key)
        if fixed is None:
            fixed = s.page_globals[key] = page_globals(s)
        return {
            **fixed,
            "content_errors": s.catalogue.errors if app.config["SHOW_CONTENT_ERRORS"] else [],
            "language_links": language_links(),
            "static_build": static_build(),
        }

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    @page("/")
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

    @page("/search/")
    def search():
        s = site()
        req = s.engine.parse(request.args)
        results = s.engine.search(req)
        return render_template(
            "search.html",
            results=results,
            req=req,
            sorts=SORTS,
            ranges=RANGES,
            chips=chips(req),
            # each listed value's link: its browse page in a static build, else its toggle
            facet_hrefs={
                name: [browse_url(name, v["value"]) for v in values]
                for name, values in results.facets.items()
            }
            if app.config.get("STATIC_BUILD")
            else facet_links(req, results.facets),
            search_url=search_url,
            terms=set(req.terms),
            search_index=app.config.get("SEARCH_INDEX"),
            total_span=Markup('<span data-total="%d">%d</span>') % (results.total, results.total),
            suggestion_link=Markup('<a href="%s">%s</a>')
            % (search_url(req.args(q=results.suggestion, page=1)), results.suggestion)
            if results.suggestion
            else None,
        )

    @app.route("/api/search.json")
    def api_search():
        s = site()
        return jsonify(s.engine.search(s.engine.parse(request.args)).to_json())

    @page("/credentials/<slug>/")
    def entry(slug: str):
        item = site().by_slug.get(slug)
        if item is None:
            abort(404)
        return render_template("entry.html", entry=item, jsonld=course_jsonld(item))

    @app.route("/api/credentials.json")
    def api_entries():
        return jsonify({"credentials": [e.to_dict() for e in site().entries]})

    @app.route("/api/credentials/<slug>.json")
    def api_entry(slug: str):
        item = site().by_slug.get(slug)
        if item is None:
            return jsonify({"error": f"no credential '{slug}'"}), 404
        return jsonify(item.to_dict())

    @app.route("/credentials.csv")
    def entries_csv():
        return Response(
            credentials_csv(site().entries),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=credentials.csv"},
        )

    @page("/browse/")
    def browse_index():
        s = site()
        results = s.engine.search(SearchRequest())
        return render_template("browse_index.html", results=results)

    @page("/browse/<facet>/<value>/")
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
        )

    @app.route("/site/theme.css")
    def theme_css():
        """The colours set in site.toml, as the stylesheet's variables (no inline styles:
        the Content Security Policy forbids them)."""
        colours = site().catalogue.site.colours
        lines = [f"  --{name.replace('_', '-')}: {value};" for name, value in vars(colours).items()]
        return Response(":root {\n" + "\n".join(lines) + "\n}\n", mimetype="text/css")

    @app.route("/site/logo<ext>")
    def logo(ext: str):
        s = site()
        name = s.catalogue.site.logo
        if not name or Path(name).suffix.lower() != ext.lower():
            abort(404)
        return send_from_directory(s.catalogue.root.resolve(), name)

    @page("/compare/")
    def compare():
        s = site()
        chosen = [c for c in dict.fromkeys(request.args.getlist("c")[:50]) if c in s.by_slug]
        return render_template(
            "compare.html",
            columns=[compare_column(s.by_slug[c]) for c in chosen[:MAX_COMPARE]],
            dropped=len(chosen) > MAX_COMPARE,
            rows=[_(row) for row in COMPARE_ROWS],
            compare_columns=(app.config.get("COMPARE_COLUMNS") or {}).get(current_lang()),
        )

    @page("/pathways/")
    def pathways_index():
        return render_template("pathways.html", pathways=site().pathways)

    @page("/pathways/<slug>/")
    def pathway(slug: str):
        found = site().pathways.get(slug)
        if found is None:
            abort(404)
        return render_template("pathway.html", pathway=found)

    @app.route("/sitemap.xml")
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
            urls += [
                at("browse", facet=f, value=v) for f, values in s.browse.items() for v in values
            ]
        body = render_template("sitemap.xml", urls=urls, updated=updated)
        return Response(body, mimetype="application/xml")

    @app.route("/feed.atom")
    def feed():
        """An Atom feed of the entries most recently added or updated (those that carry
        an `updated` date), newest first."""
        s = site()
        dated = sorted(
            (e for e in s.entries if e.updated),
            key=lambda e: (-e.updated.toordinal(), sort_key(e.title), e.slug),
        )[:FEED_SIZE]
        body = render_template(
            "feed.atom.xml",  # .xml: Flask autoescapes it
            home=url_for("home", _external=True),
            self_url=url_for("feed", _external=True),
            updated=max((e.updated for e in dated), default=dt.date.today()),
            entries=[
                {"entry": e, "url": url_for("entry", slug=e.slug, _external=True)} for e in dated
            ],
            stamp=lambda day: f"{day.isoformat()}T00:00:00Z",
        )
        return Response(body, mimetype="application/atom+xml")

    @page("/content-errors/")
    def content_errors():
        if not app.config["SHOW_CONTENT_ERRORS"]:
            abort(404)
        c = site().catalogue
        return render_template("content_errors.html", errors=c.errors, warnings=c.warnings)

    @app.errorhandler(404)
    def not_found(error):
        return render_template("404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        return render_template("500.html"), 500


def browse_url(facet: str, value: str) -> str:
    """The browse page of a facet value (kept: entry and browse pages link to many)."""
    s = site()
    key = (facet, value, current_lang(), sub_path())
    url = s.browse_urls.get(key)
    if url is None:
        slug = s.browse_slug.get(facet, {}).get(value)
        url = url_for("browse", facet=facet, value=slug) if slug else search_url([(facet, value)])
        s.browse_urls[key] = url
    return url


def compare_column(entry: Credential) -> list[Markup]:
    """An entry's column of the comparison table: its heading cell, then a cell a row."""
    html = render_template("_compare_column.html", e=entry)
    cells = [Markup(cell.strip()) for cell in html.split(CELL)]
    assert len(cells) == len(COMPARE_ROWS) + 1, "compare_column and COMPARE_ROWS disagree"
    return cells


def shown_facets(settings) -> tuple[str, ...]:
    """The filters the pages show, in order: site.toml's `facets`, or all of them."""
    return settings.facets or tuple(f.name for f in FACETS)


def pathway_url(name: str) -> str | None:
    slug = site().pathway_slug.get(name)
    return url_for("pathway", slug=slug) if slug else None


def facet_links(req: SearchRequest, facets: dict[str, list[dict]]) -> dict[str, list[str]]:
    """For every value listed, the search URL that ticks or unticks it: what
    `search_url(req.toggled(facet, value))` gives, built from pieces quoted once (per
    value, kept on the Site), since a page lists a few hundred values."""
    params = site().params
    quote = quote_plus

    def param(name: str, value: str) -> str:
        piece = params.get((name, value))
        if piece is None:
            piece = params[(name, value)] = f"{name}={quote(value)}"
        return piece

    base = search_url([])
    head = [f"q={quote(req.q)}"] if req.q else []
    tail = [f"{name}={quote(_number_text(v))}" for name, v in req.ranges.items()]
    tail += [f"sort={quote(req.sort)}"] if req.sort else []
    chosen = [[param(f.name, v) for v in req.filters.get(f.name, [])] for f in FACETS]
    out: dict[str, list[str]] = {}
    for i, facet in enumerate(FACETS):
        values = facets.get(facet.name)
        if not values:
            continue
        before = head + [p for pieces in chosen[:i] for p in pieces]
        after = [p for pieces in chosen[i + 1 :] for p in pieces] + tail
        mine = req.filters.get(facet.name, [])
        links = []
        for v in values:
            value = v["value"]
            if value in mine:
                own = [param(facet.name, x) for x in mine if x != value]
            else:
                own = chosen[i] + [param(facet.name, value)]
            query = "&".join(before + own + after)
            links.append(f"{base}?{query}" if query else base)
        out[facet.name] = links
    return out


class Chip(NamedTuple):
    """An active filter on the search page: what it is and the URL that removes it."""

    name: str
    label: str
    kind: str
    url: str


def chips(req: SearchRequest) -> list[Chip]:
    """The active filters, each with the URL that removes it."""
    out = []
    if req.q:
        out.append(
            Chip(
                "q",
                _("“%(words)s”", words=req.q),
                pgettext("noun", "Search"),
                search_url(req.args(q="")),
            )
        )
    for facet in FACETS:
        for value in req.filters.get(facet.name, []):
            out.append(
                Chip(
                    facet.name,
                    label_for(facet, value),
                    _(facet.label),
                    search_url(req.toggled(facet.name, value)),
                )
            )
    fmt = local_formats()
    for name, value in req.ranges.items():
        ranges = {k: v for k, v in req.ranges.items() if k != name}
        shown = fmt.number(value)
        if name == "cost_max":
            amount = fmt.money(value, site().catalogue.site.currency, _("Free"))
            label = _("up to %(amount)s", amount=amount)
        elif name == "hours_min":
            label = _("%(hours)s+ hours", hours=shown)
        elif name == "hours_max":
            label = _("up to %(hours)s hours", hours=shown)
        else:
            label = _("up to %(weeks)s weeks", weeks=shown)
        out.append(Chip(name, label, _("Range"), search_url(req.args(ranges=ranges, page=1))))
    return out


def related_facets(entries: list[Credential], facet: str) -> dict[str, list[tuple[str, int]]]:
    """For an issuer or partner page: who they work with and in which fields."""
    other = "partners" if facet == "issuer" else "issuer"
    out: dict[str, dict[str, int]] = {other: {}, "field": {}}
    for e in entries:
        for name in out:
            for v in FACETS_BY_NAME[name].values(e):
                out[name][v] = out[name].get(v, 0) + 1
    return {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0])) for k, v in out.items()}


def course_jsonld(e: Credential) -> Markup:
    """schema.org Course data for an entry, safe to embed in a script element."""
    instance = {
        "@type": "CourseInstance",
        "courseMode": {"in-person": "Onsite", "online": "Online", "hybrid": "Blended"}[e.delivery],
        "courseWorkload": f"PT{number_label(e.hours)}H",
    }
    if e.start:
        instance["startDate"] = e.start[0].isoformat()
    if e.location:
        instance["location"] = e.location
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": e.title,
        "description": e.summary,
        "provider": {"@type": "EducationalOrganization", "name": e.issuer},
        "inLanguage": e.language,
        "teaches": [s.name for s in e.skills],
        "hasCourseInstance": [instance],
        "offers": {
            "@type": "Offer",
            "price": number_label(e.cost),
            "priceCurrency": e.currency,
            "category": "Free" if e.cost == 0 else "Paid",
        },
        "educationalCredentialAwarded": {
            "@type": "EducationalOccupationalCredential",
            "name": e.title,
            "credentialCategory": e.credential or "micro-credential",
            "competencyRequired": [s.uri or s.name for s in e.skills],
        },
    }
    if e.url:
        data["url"] = e.url
    if e.level:
        data["educationalLevel"] = e.level
    text = json.dumps(data, ensure_ascii=False)
    # Inside <script>, "</" and "<!--" could end the element early.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _csv_cell(value) -> str:
    if isinstance(value, list):
        value = "; ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is prefixed with a quote.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def credentials_csv(entries: list[Credential]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for e in entries:
        data = e.to_dict()
        writer.writerow([_csv_cell(data[name]) for name in CSV_FIELDS])
    return out.getvalue()


# The functions templates call that take no template context (see CatalogueContext).
PLAIN_TEMPLATE_FUNCTIONS = frozenset(
    {
        *TEMPLATE_GETTEXT.values(),
        page_url,
        search_url,
        browse_url,
        pathway_url,
        facet_items,
        result_card,
        label_for,
        check_label,
        weeks_text,
        js_text,
        number_label,
    }
)
