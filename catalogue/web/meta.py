"""What a page tells search engines and the sites its link is shared on: its canonical
address, the same page in each interface language (hreflang, with x-default), its
OpenGraph locale. `language_links` (components.py) works them out with the language
switch's links; base.html's <head> writes them, with the page's title and description.

Search engines want these addresses absolute. On a server they are on the request's
scheme and host (behind a proxy, what CATALOGUE_PROXIES trusts it to say), under its
sub-path; in the static build on the build's base URL, which Frozen-Flask requests every
page with. A build given no base URL leaves them out rather than name http://localhost/.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import current_app, request

from .state import site, static_settings

# The pages whose query is what they show (the search asked for, the entries compared):
# their addresses keep it. Elsewhere a query (?utm_source=..., say) is not the page's, and
# is dropped. Both of these pages are `noindex`.
QUERY_PAGES = frozenset({"search", "compare"})


class PageLinks(list):
    """The language switch's links (a list of LanguageLink: the page in each other
    interface language, keeping its query) and what the <head> says of the page:

    - `canonical`: its absolute address in its own language, or None where there is none
      to give (an error page, a static build without a base URL);
    - `alternates`: (hreflang, absolute address) for every interface language, its own
      included, then x-default, the default language's; none when one language is offered;
    - `locale`, `other_locales`: og:locale and og:locale:alternate, such as en_CA.
    """

    canonical: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    locale: str = ""
    other_locales: tuple[str, ...] = ()


def og_locale(lang: str, country: str) -> str:
    """The OpenGraph locale of an interface language in the site's country: en_CA."""
    lang = lang.replace("-", "_")
    return lang if "_" in lang or not country else f"{lang}_{country.upper()}"


def site_root() -> str | None:
    """The scheme and host the page's root-relative URLs (sub-path included) are under,
    or None in a static build given no base URL."""
    if static_settings() is not None and not current_app.config.get("FREEZER_BASE_URL"):
        return None
    base = urlsplit(site().catalogue.site.base_url)
    if static_settings() is None and base.netloc and base.path.rstrip("/") == request.script_root:
        return f"{base.scheme}://{base.netloc}"  # the public address, whatever the Host said
    return request.host_url.rstrip("/")


def with_addresses(
    links: PageLinks, here: str, urls: Mapping[str, str] | None, endpoint: str | None, query: str
) -> PageLinks:
    """`links` with the page's addresses and locales set. `urls` is the page's
    root-relative URL in each interface language, the default first, without its query;
    None for a page that is not one of the site's pages in every language."""
    settings = site().catalogue.site
    country = settings.country
    links.locale = og_locale(here, country)
    links.other_locales = tuple(
        og_locale(lang, country) for lang in settings.interface_languages if lang != here
    )
    # An error page (its handler renders it while the error is being handled) is no
    # address of its own, nor is a page of the site in one language only.
    if urls is None or here not in urls or sys.exc_info()[1] is not None:
        return links
    root = site_root()
    if root is None:
        return links
    suffix = f"?{query}" if query and endpoint in QUERY_PAGES else ""
    absolute = {lang: f"{root}{url}{suffix}" for lang, url in urls.items()}
    links.canonical = absolute[here]
    if len(absolute) > 1:
        links.alternates = (*absolute.items(), ("x-default", next(iter(absolute.values()))))
    return links
