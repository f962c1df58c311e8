"""The strings the pages' scripts show, in the interface language (the #ui-text table)."""

from __future__ import annotations

from flask import current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..facets import RANGE_FILTERS
from ..i18n import (
    money_format,
    plural_table,
    translations,
)
from .components import MAX_COMPARE
from .language import _, current_lang, local_formats, pgettext
from .state import site


def js_text() -> dict:
    """What the pages' scripts write, in the interface language (read by search-ui.js,
    compare.js and enhance.js from the page's #ui-text element); made once a language,
    as every browse, pathway and compare page carries it."""
    s, lang = site(), current_lang()
    if lang not in s.js_texts:
        s.js_texts[lang] = _js_text(lang)
    return s.js_texts[lang]


def ui_text() -> Markup:
    """js_text() as the JSON of a page's #ui-text element (what `|tojson` gives), made
    once a language: the search page carries it on every request."""
    s, lang = site(), current_lang()
    html = s.ui_texts.get(lang)
    if html is None:
        policies = current_app.jinja_env.policies
        html = htmlsafe_json_dumps(
            js_text(), dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]
        )
        s.ui_texts[lang] = html
    return html


def _js_text(lang: str) -> dict:
    table = plural_table(lang)
    t = translations(lang)

    def forms(message) -> list[str]:
        """Every plural form of `message` (n -> its translation for n), by the index
        plural_table gives. Each message is a literal `t.ngettext(...)` call, so that
        `pybabel extract` finds it and the French catalogue must translate it."""
        return [message(table.index(i)) for i in range(max(table) + 1)]

    fmt = local_formats()
    return {
        "lang": lang,
        "plural": table,
        "forms": {
            "count": forms(
                lambda n: t.ngettext("%(num)s micro-credential", "%(num)s micro-credentials", n)
            ),
            "more": forms(lambda n: t.ngettext("Show %(num)s more", "Show %(num)s more", n)),
            "ticked": forms(
                lambda n: t.ngettext("%(num)s of %(max)s ticked.", "%(num)s of %(max)s ticked.", n)
            ),
            "full": forms(
                lambda n: t.ngettext(
                    "%(num)s of %(max)s ticked: untick one to choose another.",
                    "%(num)s of %(max)s ticked: untick one to choose another.",
                    n,
                )
            ),
        },
        "money": vars(money_format(fmt.where, site().catalogue.site.currency)),
        "decimal": fmt.number(0.5)[1:-1],
        "group": fmt.count(1000)[1:-3],  # what a count of entries is grouped with
        "free": _("Free"),
        "search": pgettext("noun", "Search"),
        "range": _("Range"),
        "costKind": _("Cost"),
        "freeOnly": _("Free only"),
        "ranges": {
            name: {"text": _(r.spec.chip), "value": r.spec.value, "money": r.spec.money}
            for name, r in RANGE_FILTERS.items()
        },
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
        "searchFailed": _(
            "Part of the search index did not load here, so this search cannot be answered."
        ),
        "browseAll": _("Browse the micro-credentials instead"),
        "showValues": _("Show the choices"),
        "title": pgettext("noun", "Search"),
        "siteName": site().catalogue.site.in_language(lang).name,
        "compareCaption": _("The chosen micro-credentials, one a column"),
        "compareTable": _("Comparison table"),
        "compareDropped": _(
            "Up to %(max)s can be compared side by side: the first %(max)s you chose are shown."
        ),
        "compareFailed": _(
            "The comparison could not load here: each micro-credential's own page has its details."
        ),
        "tickUpTo": _("Tick up to %(max)s to see them side by side."),
        "compareN": _("Compare %(num)s"),
        "compareTicked": _("Compare ticked"),
        "compare": _("Compare"),
        "maxCompare": MAX_COMPARE,
    }
