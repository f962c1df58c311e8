"""The interface language of a request: its URL prefix, its strings, its formats."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from flask import (
    Flask,
    abort,
    g,
    has_request_context,
    redirect,
    request,
    url_for,
)

from ..content import CHECK_LABELS
from ..facets import FACETS_BY_NAME, LABELS, Facet
from ..i18n import (
    Formats,
    formats,
    interface_languages,
    translations,
)
from ..model import Check
from .state import _request_root, _request_site, site

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


def check_label(check: Check) -> str:
    """A framework check's line, in the interface language."""
    numbers = {k: local_formats().number(v) for k, v in check.values.items()}
    return _(CHECK_LABELS[check.key], **numbers)


def register_languages(app: Flask) -> Callable[..., Callable]:
    """Set up the interface languages; return the decorator that routes a page at its
    URL and under each language's prefix."""
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
            # a page of no language prefix: not the language of the page before it, which
            # a build freezes in the same app context
            g.pop("lang", None)
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
