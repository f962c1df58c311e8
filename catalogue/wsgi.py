"""The catalogue as a WSGI application, for a production server.

    CATALOGUE_CONTENT=/srv/catalogue/content gunicorn --preload --workers 4 \
        --bind 127.0.0.1:8000 catalogue.wsgi:app

Settings come from the environment:

- `CATALOGUE_CONTENT`: the content folder (default `content`).
- `CATALOGUE_INDEX_DIR`: where the search index, and the cache of entries as read and
  rendered, are kept (default: the user's cache; see docs/production.md).
- `CATALOGUE_PROXIES`: how many proxies in front of the server to trust for the
  `X-Forwarded-For`, `-Proto`, `-Host` and `-Prefix` headers (default 0: none). Set it to 1
  behind one nginx or Apache, so that links use the public scheme, host and sub-path.
- `CATALOGUE_TRUSTED_HOSTS`: when site.toml sets no `base_url`, the host names the server
  answers for, comma-separated (`.college.example` takes its subdomains too); any other
  Host is refused with 400. Default: localhost and 127.0.0.1 only.

The Host a request names ends up in its page's canonical and OpenGraph addresses and in
the feeds and sitemap; behind a caching proxy, one request with a forged Host would give
every later visitor those addresses. So with `base_url` set, every address is built on
it whatever the Host said; without it, only the trusted host names are answered.

The catalogue is loaded and its index built (or found in the cache) when this module is
imported, before any request. With `--preload` that happens once, in gunicorn's master,
and the workers forked from it share that memory. Measured at 10,000 entries on a 2-core
machine (bench/start.py): about 2 s when nothing changed since the last start, and 15 to
25 s the first time (no index, no cache); four preloaded workers held some 450 MB
together (Pss), against 830 MB when each loaded its own copy. After the content changes,
`catalogue index` (with the same content and index folders) rebuilds the index; each
worker serves the new one within a few seconds of it being whole, with no restart and no
failed request.
"""

from __future__ import annotations

import gc
import os
import sys
from urllib.parse import urlsplit

from werkzeug.middleware.proxy_fix import ProxyFix

from .web import create_app

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def make_app(environ=os.environ):
    settings = {"follow_index": True}  # serve what `catalogue index` rebuilds
    if environ.get("CATALOGUE_INDEX_DIR"):
        settings["index_dir"] = environ["CATALOGUE_INDEX_DIR"]
    application = create_app(environ.get("CATALOGUE_CONTENT", "content"), **settings)
    errors = application.extensions["catalogue"].catalogue.errors
    for problem in errors:  # editors see these in `catalogue check`; operators in the log
        print(f"catalogue: {problem}", file=sys.stderr)
    raw = environ.get("CATALOGUE_PROXIES", "0").strip() or "0"
    if not raw.isascii() or not raw.isdigit():
        raise SystemExit(f"CATALOGUE_PROXIES must be a whole number; got {raw!r}")
    proxies = int(raw)
    base_url = application.extensions["catalogue"].catalogue.site.base_url
    if base_url:
        application.wsgi_app = PublicAddress(application.wsgi_app, base_url)
    else:
        application.config["TRUSTED_HOSTS"] = trusted_hosts(environ)
    if proxies:  # outermost: the forwarded headers are read first, then base_url wins
        application.wsgi_app = ProxyFix(
            application.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    return application


def trusted_hosts(environ) -> list[str]:
    """CATALOGUE_TRUSTED_HOSTS as a list, or the loopback names (said in the log)."""
    named = [h.strip() for h in environ.get("CATALOGUE_TRUSTED_HOSTS", "").split(",")]
    if any(named):
        return [h for h in named if h]
    print(
        "catalogue: no base_url in site.toml and no CATALOGUE_TRUSTED_HOSTS: answering for "
        f"{' and '.join(LOOPBACK_HOSTS)} only (see docs/production.md)",
        file=sys.stderr,
    )
    return list(LOOPBACK_HOSTS)


class PublicAddress:
    """WSGI middleware: every request is taken as addressed to `base_url`'s scheme and
    host, so no Host header (nor X-Forwarded-Host) reaches a page's addresses."""

    def __init__(self, app, base_url: str):
        self.app = app
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SystemExit(
                "site.toml: base_url must be an address such as "
                f"https://college.example/microcredentials/; got {base_url!r}"
            )
        self.scheme, self.host = parts.scheme, parts.netloc

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        return self.app(environ, start_response)


app = make_app()
# Under `gunicorn --preload` the catalogue is loaded once, here, and the workers forked from
# this process share its memory until they write to it. Moving what is loaded out of the
# collector's sight keeps the workers' collections from writing to (and so copying) every
# page of it; the workers' own objects are collected as usual.
gc.freeze()
