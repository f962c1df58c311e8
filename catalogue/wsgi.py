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

from werkzeug.middleware.proxy_fix import ProxyFix

from .web import create_app


def make_app(environ=os.environ):
    settings = {"follow_index": True}  # serve what `catalogue index` rebuilds
    if environ.get("CATALOGUE_INDEX_DIR"):
        settings["index_dir"] = environ["CATALOGUE_INDEX_DIR"]
    application = create_app(environ.get("CATALOGUE_CONTENT", "content"), **settings)
    errors = application.extensions["catalogue"].catalogue.errors
    for problem in errors:  # editors see these in `catalogue check`; operators in the log
        print(f"catalogue: {problem}", file=sys.stderr)
    raw = environ.get("CATALOGUE_PROXIES", "0").strip() or "0"
    if not raw.isdigit():
        raise SystemExit(f"CATALOGUE_PROXIES must be a whole number; got {raw!r}")
    proxies = int(raw)
    if proxies:
        application.wsgi_app = ProxyFix(
            application.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    return application


app = make_app()
# Under `gunicorn --preload` the catalogue is loaded once, here, and the workers forked from
# this process share its memory until they write to it. Moving what is loaded out of the
# collector's sight keeps the workers' collections from writing to (and so copying) every
# page of it; the workers' own objects are collected as usual.
gc.freeze()
