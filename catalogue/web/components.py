"""Pieces of pages built in Python: result cards and browse rows, facet lists, chips,
compare columns."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask import current_app, g, has_request_context, request
from markupsafe import Markup, escape

from ..exports.jsonld import item_list
from ..facets import FACETS, FACETS_BY_NAME, RANGE_FILTERS
from ..fields import FIELDS, Field, LiveSequence, number_label
from ..i18n import (
    N_,
    language_name,
    translations,
)
from ..model import Credential
from ..search import (
    PAGE_SIZE,
    SearchRequest,
    SearchResults,
    highlight_terms,
)
from .language import _, current_lang, label_for, local_formats, pgettext, url_lang
from .meta import PageLinks, with_addresses
from .state import site, static_settings, sub_path
from .urls import browse_url, page_url, search_url

MAX_COMPARE = 4

# The rows of the comparison table, in the order of the compare_column macro's cells: the
# built-in fields' own rows, then a row for each field of the table shown by its label.
COMPARED_FIELDS: LiveSequence[Field] = LiveSequence(lambda: [f for f in FIELDS if f.compare])
DETAIL_FIELDS: LiveSequence[Field] = LiveSequence(lambda: [f for f in FIELDS if f.detail])
OWN_COMPARE_ROWS = (
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


def range_inputs(ranges: dict[str, float], labels: dict[str, Markup]) -> Markup:
    """The search form's range fields, one a range of the field table, each with its
    translated label and the value asked for (written in Python, as facet_items is: the
    same loop in the template cost a search page one per cent more)."""
    out = []
    for name in RANGE_FILTERS:
        value = number_label(ranges[name]) if name in ranges else ""
        out.append(
            f'<label>{labels[name]}<input name="{html_escape(name)}" type="number" min="0" '
            f'step="any" inputmode="decimal" value="{html_escape(value)}"></label>'
        )
    return Markup("\n        ".join(out))


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


def static_build() -> bool:
    return static_settings() is not None


def render_fragment(template: str, **context) -> str:
    """Render a piece of a page (a card, a row, a compare column) as render_template
    would, with the page context worked out once per request and language rather than
    once per piece: that was half of a card's time, and a build renders 40,000 cards and
    columns at 10,000 entries."""
    fixed = g.setdefault("fragment_context", {})
    key = current_lang()
    base = fixed.get(key)
    if base is None:
        base = fixed[key] = {}
        current_app.update_template_context(base)
    return current_app.jinja_env.get_template(template).render(base, **context)


# Where a cached card's title and summary go (see result_card).
_TITLE, _SUMMARY = Markup("\x00title\x00"), Markup("\x00summary\x00")


def result_card(entry: Credential, terms) -> Markup:
    """An entry's card on the search page, its words searched for marked. The card is
    rendered once per entry, language and address the site is served under, and kept:
    a results page shows twenty, and rendering them was most of a page's time."""
    s = site()
    key = (entry.slug, current_lang(), sub_path(), static_build())
    html = s.cards.get(key)
    if html is None:
        spot = lambda text, _terms: _TITLE if text is entry.title else _SUMMARY  # noqa: E731
        html = render_fragment("_card.html", e=entry, terms=(), highlight=spot)
        s.cards[key] = html
    return Markup(
        html.replace(_TITLE, highlight(entry.title, terms)).replace(
            _SUMMARY, highlight(entry.summary, terms)
        )
    )


def browse_rows(entries: list[Credential]) -> Markup:
    """The entries of a browse page as lean rows (title, issuer, delivery, time, cost),
    each rendered once per entry, language and address the site is served under, and
    kept, as result cards are: a build writes each entry in a row of a dozen browse
    pages or more."""
    s = site()
    lang, root, static = current_lang(), sub_path(), static_build()
    out = []
    for entry in entries:
        key = ("row", entry.slug, lang, root, static)
        html = s.cards.get(key)
        if html is None:
            html = s.cards[key] = render_fragment("_row.html", e=entry)
        out.append(html)
    return Markup("\n".join(out))


def highlight(text: str, terms) -> Markup:
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if marked else escape(piece)
        for piece, marked in highlight_terms(text, terms)
    )


COMPARE_ROWS: LiveSequence[str] = LiveSequence(
    lambda: (*OWN_COMPARE_ROWS, *(f.label for f in COMPARED_FIELDS))
)


def compare_column(entry: Credential) -> list[Markup]:
    """An entry's column of the comparison table: its heading cell, then a cell a row."""
    html = render_fragment("_compare_column.html", e=entry)
    cells = [Markup(cell.strip()) for cell in html.split(CELL)]
    assert len(cells) == len(COMPARE_ROWS) + 1, "compare_column and COMPARE_ROWS disagree"
    return cells


def field_value(field: Field, entry: Credential) -> Markup:
    """A field's value on the entry page or in the compare table, for the fields the
    templates do not place themselves: choices by their label (linked to their browse
    page where the field is a facet), numbers and dates as the interface writes them,
    lists joined; empty when the entry has no value."""
    value = getattr(entry, field.name)
    items = value if isinstance(value, list) else [] if value is None else [value]
    fmt = local_formats()
    shown = []
    for item in items:
        if isinstance(item, bool):
            text = _("Yes") if item else _("No")
        elif isinstance(item, int | float):
            text = fmt.number(item)
        elif isinstance(item, dt.date):
            text = fmt.long_date(item)
        else:
            text = getattr(item, "name", item)  # a skill
            label = field.label_for(text)
            text = _(label) if label != text else text
        if field.facet and isinstance(item, str):
            href = browse_url(field.facet.name or field.name, item)
            shown.append(Markup('<a href="%s">%s</a>') % (href, text))
        else:
            shown.append(escape(text))
    return Markup(", ").join(shown)


def shown_facets(settings) -> tuple[str, ...]:
    """The filters the pages show, in order: site.toml's `facets`, or all of them."""
    return settings.facets or tuple(f.name for f in FACETS)


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
        spec = RANGE_FILTERS[name].spec  # its chip's text, and how the value is written
        if spec.money and value == 0:  # not "Range: up to Free"
            out.append(
                Chip(name, _("Free only"), _("Cost"), search_url(req.args(ranges=ranges, page=1)))
            )
            continue
        if spec.money:
            shown = fmt.money(value, site().catalogue.site.currency, _("Free"))
        else:
            shown = fmt.number(value)
        label = _(spec.chip, **{spec.value: shown})
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


def language_links() -> PageLinks:
    """This page in each other language offered, keeping its search and filters; with
    the page's canonical address and its hreflang alternates (see meta.py)."""
    offered = site().catalogue.site.interface_languages
    here = current_lang()
    endpoint = request.endpoint if has_request_context() else None
    args = dict(request.view_args or {}) if endpoint else {}
    args.pop("lang", None)
    own = bool(endpoint) and current_app.url_map.is_endpoint_expecting(endpoint, "lang")
    if not own:  # a page not found, say: the switch goes to the home page
        endpoint, args = "home", {}
    query = request.query_string.decode("ascii", "replace") if has_request_context() else ""
    urls = {lang: page_url(endpoint, **args, lang=url_lang(lang)) for lang in offered}
    links = PageLinks(
        LanguageLink(lang, language_name(lang), url + (f"?{query}" if query else ""))
        for lang, url in urls.items()
        if lang != here
    )
    return with_addresses(links, here, urls if own else None, endpoint, query)


class LanguageLink(NamedTuple):
    lang: str
    name: str
    url: str


def total_span(total: int) -> Markup:
    """The result count as a results page shows it: grouped for the interface language,
    its number in `data-total` for scripts and tests (in both modes)."""
    return Markup('<span data-total="%d">%s</span>') % (total, local_formats().count(total))


def results_item_list(results: SearchResults, page_size: int = PAGE_SIZE) -> Markup:
    """A page of results (of `page_size` entries a page) as a schema.org ItemList,
    entries at their pages in the page's language."""
    host = request.host_url.rstrip("/")
    return item_list(
        results.entries,
        (results.page - 1) * page_size + 1,
        results.total,
        lambda slug: host + page_url("entry", slug=slug),
    )
