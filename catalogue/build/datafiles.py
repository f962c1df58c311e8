"""The files a build writes from data alone, with no page around them (each entry's JSON,
Open Badges, CTDL, ELM and calendar files, each browse page's Atom feed): each is what
the server answers at its URL, the same view's bytes, but written without a request of
its own. Through Frozen-Flask each cost a test client's request (some 0.4 ms against
0.04 ms for a JSON view itself), and at 10,000 entries there are 55,000 of them."""

from __future__ import annotations

import mimetypes
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

from flask import g, url_for
from flask_frozen import Freezer, MimetypeMismatchWarning

# The endpoints whose files are written so: each answers from its URL's values alone (one
# entry's data, or one facet value's entries), with no page around it, the same in any
# request.
DATA_ENDPOINTS = frozenset(
    {
        "api_entry",
        "api_entry_ob3",
        "api_entry_ctdl",
        "api_entry_elm",
        "entry_calendar",
        "browse_feed",
    }
)


def write_data_files(freezer: Freezer, items: Iterable[tuple[str, dict]]) -> Iterator[str]:
    """Write the file of each (endpoint, values) as Frozen-Flask would (the same path, the
    same checks of status and type); yield each URL written."""
    app = freezer.app
    base_url = app.config["FREEZER_BASE_URL"]
    script_name = urlsplit(base_url or "").path.rstrip("/")
    made = set()
    with app.test_request_context("/", base_url=base_url or None):
        default = app.extensions["catalogue"].catalogue.site.interface_languages[0]
        for endpoint, values in items:
            url = unquote(url_for(endpoint, **values))[len(script_name) :]
            # a file of a language's pages (a feed, a calendar) is written in it, as the
            # request for its URL would have it; the view takes no `lang` itself
            view_values = dict(values)
            g.lang = view_values.pop("lang", "") or default
            response = app.make_response(app.view_functions[endpoint](**view_values))
            if response.status_code != 200:
                raise ValueError(f"Unexpected status {response.status!r} on URL {url}")
            path = freezer.root / normalize("NFC", freezer.urlpath_to_filepath(url))
            guessed = mimetypes.guess_type(path.name)[0] or app.config["FREEZER_DEFAULT_MIMETYPE"]
            if guessed != response.mimetype:
                warnings.warn(
                    f"Filename extension of {path.name!r} (type {guessed}) does not match "
                    f"Content-Type: {response.content_type}",
                    MimetypeMismatchWarning,
                    stacklevel=2,
                )
            write_file(path, response.get_data(), made)
            yield url


def write_file(path: Path, data: bytes, made: set[Path]) -> None:
    """Write `data` at `path`, making its folder first unless it is in `made` (the folders
    made so far, which it joins): one mkdir a folder, not one a file."""
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    path.write_bytes(data)
