"""Templates: compiled once per language with their fixed strings translated, and the
functions and values every template may use."""

from __future__ import annotations

import re
from pathlib import Path
from types import FunctionType

from babel.numbers import get_currency_symbol
from flask import (
    Flask,
    current_app,
    url_for,
)
from flask.templating import Environment as FlaskEnvironment
from jinja2 import BaseLoader
from jinja2.runtime import Context
from markupsafe import Markup

from ..facets import FACETS, FACETS_BY_NAME, LABELS, RANGE_FILTERS, SORT_LABELS
from ..fields import number_label
from ..i18n import (
    translations,
)
from .components import (
    COMPARED_FIELDS,
    DETAIL_FIELDS,
    MAX_COMPARE,
    facet_items,
    field_value,
    language_links,
    range_inputs,
    result_card,
    shown_facets,
    static_build,
)
from .language import (
    _,
    check_label,
    current_lang,
    label_for,
    local_formats,
    weeks_text,
)
from .scripttext import js_text, ui_text
from .state import Site, site, sub_path
from .urls import browse_url, page_url, pathway_name, pathway_url, search_url, stacking

# `{{ _('Some text') }}`: a translated string with nothing to fill in.
_LITERAL = re.compile(r"\{\{\s*_\('([^'\\]*)'\)\s*\}\}")
# In an HTML template: an element whose whitespace is shown as written (kept as it is), or
# the spaces and tabs that end or start a line (see `unindent`).
_INDENT = re.compile(r"<(pre|textarea)(?=[\s/>]).*?</\1\s*>|[ \t]*\n[ \t]*", re.S | re.I)


def unindent(source: str) -> str:
    """An HTML template's source without the spaces and tabs at the start and end of its
    lines, but inside <pre> and <textarea>. A page renders the same (a line break is
    whitespace as a space is, and the line breaks all stay, so an error still names the
    template's own line), and comes out some 4% smaller: the indentation that makes a
    template readable is no use to a visitor, and a build at 10,000 entries wrote megabytes
    of it. It is done once, when a template is compiled: pages cost no more to render."""
    return _INDENT.sub(lambda m: m.group() if m.group(1) else "\n", source)


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
    nothing to fill in replaced by its French text (the same text the call would give),
    and an HTML template's lines without their indentation (`unindent`). The source
    templates keep their `_()` calls, which is what `pybabel extract` reads."""

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
        if name.endswith(".html"):
            source = unindent(source)
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


def page_globals(s: Site) -> dict:
    """What every template may use that is the same for every page of one interface
    language and sub-path: worked out once, not on each request."""
    fmt = local_formats()
    free = _("Free")
    settings = s.catalogue.site
    symbol = get_currency_symbol(settings.currency, fmt.where)
    return {
        "site": settings.in_language(current_lang()),
        "facets_by_name": FACETS_BY_NAME,
        "labels": {key: _(label) for key, label in LABELS.items()},
        "facet_labels": {f.name: _(f.label) for f in FACETS},
        "sort_labels": {key: _(label) for key, label in SORT_LABELS.items()},
        "currency_symbol": symbol,
        "label_for": label_for,
        "detail_fields": DETAIL_FIELDS,
        "compared_fields": COMPARED_FIELDS,
        "field_value": field_value,
        "check_label": check_label,
        "facet_items": facet_items,
        "result_card": result_card,
        "ui_lang": current_lang(),
        "js_text": js_text,
        "ui_text": ui_text,
        "range_inputs": range_inputs,
        "range_labels": {
            name: _markup_gettext(r.spec.form_label, symbol=symbol)
            for name, r in RANGE_FILTERS.items()
        },
        "max_compare": MAX_COMPARE,
        "money": lambda value, currency=settings.currency: fmt.money(value, currency, free),
        "num": fmt.number,
        "count": fmt.count,
        "weeks": weeks_text,
        "raw_num": number_label,
        "browse_url": browse_url,
        "pathway_url": pathway_url,
        "pathway_name": pathway_name,
        "stacking": stacking,
        "shown_facets": shown_facets(settings),
        "logo_url": (url_for("logo", ext=Path(settings.logo).suffix) if settings.logo else None),
        "has_pathways": bool(s.pathways),
        "long_date": fmt.long_date,
        "short_date": fmt.short_date,
    }


# The functions templates call that take no template context (see CatalogueContext).
PLAIN_TEMPLATE_FUNCTIONS = frozenset(
    {
        *TEMPLATE_GETTEXT.values(),
        page_url,
        search_url,
        browse_url,
        pathway_url,
        pathway_name,
        stacking,
        facet_items,
        result_card,
        field_value,
        label_for,
        check_label,
        weeks_text,
        js_text,
        ui_text,
        range_inputs,
        number_label,
    }
)


def register(app: Flask) -> None:
    """Give every template the page globals (worked out once a language and sub-path)
    and what changes by request."""
    app.jinja_env.loader = TranslatingLoader(app.jinja_env.loader)
    app.jinja_env.globals.update(TEMPLATE_GETTEXT, url_for=page_url)
    app.context_processor(page_context)


def page_context() -> dict:
    s = site()
    key = (current_lang(), sub_path())
    fixed = s.page_globals.get(key)
    if fixed is None:
        fixed = s.page_globals[key] = page_globals(s)
    shown = s.catalogue.errors if current_app.config["SHOW_CONTENT_ERRORS"] else []
    settings = [e for e in shown if Path(e.path).name == "site.toml"]
    errors = [e for e in shown if Path(e.path).name != "site.toml"]
    return {
        **fixed,
        "content_errors": errors,
        "settings_errors": settings,
        # what the errors keep off the site, for the banner to say: entries, pathways or both
        "errors_in_pathways": any(Path(e.path).parent.name == "pathways" for e in errors),
        "errors_in_entries": any(Path(e.path).parent.name != "pathways" for e in errors),
        "language_links": language_links(),
        "static_build": static_build(),
    }
