"""URLs as pages ask for them: remembered per language and sub-path, built from parts."""

from __future__ import annotations

import re
from urllib.parse import quote_plus, urlencode

from flask import (
    current_app,
    has_request_context,
    url_for,
)
from werkzeug.routing import UnicodeConverter

from ..facets import FACETS
from ..search import (
    SearchRequest,
    number_text,
)
from .language import current_lang
from .state import site, sub_path

MAX_REMEMBERED_URLS = 10_000  # see page_url


def search_url(args, endpoint: str = "search") -> str:
    query = urlencode(args)
    return page_url(endpoint) + (f"?{query}" if query else "")


def page_url(endpoint: str, **values) -> str:
    """`url_for` as the templates call it, remembered per language and sub-path: every
    page asks for the same addresses (style sheet, scripts, menu), and working each out
    again through Flask's URL builder took a tenth of a search page's time. An address
    of one entry or value (`/credentials/<slug>/`) is made from its endpoint's pattern
    instead (see `_from_pattern`): a build asks for some 600,000 of them at 10,000
    entries, each once or twice, and through the builder they took a tenth of its time."""
    if not has_request_context() or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)  # _external and the like: built each time
    lang, root = current_lang(), sub_path()
    url = _from_pattern(endpoint, lang, root, values)
    if url is not None:
        return url
    key = (endpoint, lang, root, *values.items())
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


# A value that is the same in a URL's path as it is (what a slug is made of).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")
# Where a pattern's values go: "c4t4l0g" and the value's place, a value no slug makes.
_SLOT = re.compile(r"c4t4l0g([0-9])x")


def _from_pattern(endpoint: str, lang: str, root: str, values: dict) -> str | None:
    """The URL of `endpoint` with `values`, when every value but the language is plain
    text in a plain `<name>` of its URL rules: the URL url_for gives for stand-ins,
    worked out once per endpoint, language and sub-path, with the values put in their
    places. None otherwise (the caller asks url_for)."""
    names = [name for name in values if name != "lang"]
    if not names or len(names) > 10:
        return None
    for name in names:
        value = values[name]
        if not (isinstance(value, str) and _PLAIN.fullmatch(value) and _plain(endpoint, name)):
            return None
    s = site()
    key = (endpoint, lang, root, values.get("lang"), *names)
    pattern = s.url_patterns.get(key)
    if pattern is None:
        stand_ins = {name: f"c4t4l0g{i}x" for i, name in enumerate(names)}
        built = url_for(endpoint, **{**values, **stand_ins})
        # each stand-in once, and nothing else that looks like one: else no pattern
        places = [int(m.group(1)) for m in _SLOT.finditer(built)]
        if len(s.url_patterns) >= MAX_REMEMBERED_URLS:
            s.url_patterns.clear()
        pattern = s.url_patterns[key] = built if sorted(places) == list(range(len(names))) else ""
    if not pattern:
        return None
    return _SLOT.sub(lambda m: values[names[int(m.group(1))]], pattern)


def _plain(endpoint: str, name: str) -> bool:
    """Whether every URL rule of `endpoint` that takes `name` takes it as plain `<name>`
    (Werkzeug's default converter, with no length limits): then a value of plain text
    is in the URL as it is, and the rule chosen does not depend on it."""
    s = site()
    key = (endpoint, name)
    if key not in s.plain_arguments:
        rules = list(current_app.url_map.iter_rules(endpoint))
        default = UnicodeConverter(current_app.url_map).regex
        s.plain_arguments[key] = bool(rules) and all(
            type(converter := getattr(rule, "_converters", {}).get(name)) is UnicodeConverter
            and converter.regex == default
            for rule in rules
            if name in rule.arguments
        )
    return s.plain_arguments[key]


# ---- Languages ----------------------------------------------------------------------------
# Every page is served at its URL in the site's default language (the first of site.toml's
# `languages`) and under /<lang>/ in each other one: /search/?q=x and /fr/search/?q=x.


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


def browse_page_url(facet: str, slug: str, n: int) -> str:
    """Page `n` of the browse page of a facet value given by its slug: page 1 at the
    browse page's own address, the others at .../page/<n>/."""
    if n == 1:
        return page_url("browse", facet=facet, value=slug)
    return page_url("browse_page", facet=facet, value=slug, n=n)


def pathway_url(name: str) -> str | None:
    slug = site().pathway_slug.get(name)
    return url_for("pathway", slug=slug) if slug else None


def pathway_name(name: str) -> str:
    """What `stacks_into` names, as the pathway calls itself (a slug gives its title)."""
    slug = site().pathway_slug.get(name)
    return site().pathways[slug].name if slug else name


def stacking(entry) -> list[tuple[str, str | None]]:
    """The larger credentials an entry counts towards, each (name, page or None): those
    its `stacks_into` names, then the pathways whose files name it."""
    s = site()
    found = {pathway_name(name): pathway_url(name) for name in entry.stacks_into}
    for slug in s.files_naming.get(entry.slug, ()):
        found.setdefault(s.pathways[slug].name, url_for("pathway", slug=slug))
    return list(found.items())


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
    tail = [f"{name}={quote(number_text(v))}" for name, v in req.ranges.items()]
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
