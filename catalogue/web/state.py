"""What the views read: the served catalogue, swapped whole when its content changes."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from flask import (
    Flask,
    current_app,
    has_request_context,
    request,
)
from markupsafe import Markup

from .. import content
from ..content.pathways import pathway_names, pathways
from ..content.slugs import unique_slugs
from ..facets import FACETS
from ..search import (
    SearchEngine,
    current_index,
    fingerprint,
    remove_unused,
    update_index,
)


def default_index_dir(content_dir: Path) -> Path:
    """A folder of the user's own cache (never a shared temp folder: Whoosh unpickles what
    it finds in an index folder), one per content folder."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catalogue"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256(str(content_dir.resolve()).encode()).hexdigest()[:12]
    return base / digest


class Site:
    """What the views read: the loaded catalogue, its search engine and browse slugs, and
    what pages remember between requests. Replaced whole (see `swap_site`), never changed."""

    def __init__(
        self,
        content_dir: Path,
        index_dir: Path,
        drafts: bool,
        cache: content.FileCache | None = None,
        previous: Site | None = None,
        folder: Path | None = None,
        index_later: bool = False,
    ):
        """Load the catalogue and index it. With the `previous` site of the same folder
        (live reload), only what changed is read and indexed again. With `folder` (an
        index `catalogue index` built), that index is used if it is of these entries.
        With `index_later`, an index to build is built meanwhile (see SearchEngine).
        What was read is kept in `index_dir` too, for the next start (see entrycache.py)."""
        self.content_dir, self.index_dir, self.drafts = content_dir, index_dir, drafts
        self.cache = cache
        index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        last_good = previous.catalogue.site if previous is not None else None
        self.catalogue = content.load(
            content_dir, cache=cache, stored=index_dir, last_good=last_good
        )
        self.entries = self.catalogue.published(drafts)
        self.by_slug = {e.slug: e for e in self.entries}
        self.draft_count = sum(1 for e in self.entries if e.draft)  # `serve --drafts` only
        if folder is not None and folder.name != fingerprint(self.entries):
            folder = None  # the content changed again since: index it as usual
        if previous is not None:
            try:
                folder = update_index(
                    previous.engine.folder, previous.entries, self.entries, index_dir
                )
            except OSError:  # the previous index is unreadable: build this one afresh
                folder = None
        self.engine = SearchEngine(self.entries, index_dir, folder, later=index_later)
        # /browse/<facet>/<value-slug>/: a stable slug for every facet value.
        self.browse = {
            f.name: unique_slugs(sorted(self.engine.bits[f.name]), "value") for f in FACETS
        }
        self.browse_slug = {f: {v: s for s, v in m.items()} for f, m in self.browse.items()}
        self.pathways = pathways(self.entries, self.catalogue.pathway_files)
        self.cards: dict[tuple, str] = {}  # see result_card
        self.browse_urls: dict[tuple, str] = {}  # see browse_url
        self.js_texts: dict[str, dict] = {}  # see js_text
        self.ui_texts: dict[str, Markup] = {}  # see ui_text
        self.urls: dict[tuple, str] = {}  # see page_url
        self.url_patterns: dict[tuple, str] = {}  # see urls._from_pattern
        self.plain_arguments: dict[tuple[str, str], bool] = {}  # see urls._plain
        self.page_globals: dict[tuple, dict] = {}  # see page_globals
        self.params: dict[tuple[str, str], str] = {}  # see facet_links
        self.value_html: dict[tuple[str, str], str] = {}  # see facet_items
        self.pathway_slug = pathway_names(self.pathways)  # what stacks_into may say
        self.files_naming: dict[str, list[str]] = {}  # see stacking
        for slug, pathway in self.pathways.items():
            for member in pathway.entries if pathway.source else ():
                self.files_naming.setdefault(member.slug, []).append(slug)


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
                swap_site(app, fresh)
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


def swap_site(app: Flask, fresh: Site) -> Site:
    """Serve `fresh` from the next request on; return the site it replaces.

    Requests under way keep the site they started with. The site replaced the time
    before is closed now (no request can still be using it), and its index removed if it
    was a live-reload copy that nothing serves any more.
    """
    old = app.extensions["catalogue"]
    app.extensions["catalogue"] = fresh
    retired = app.extensions.get("catalogue_retired")
    if retired is not None and retired is not fresh:
        retired.engine.close()  # its lease ends: other commands may now remove its index
        folder = retired.engine.folder
        if folder.name.startswith("live-"):
            remove_unused(folder)  # unless a site still served here or elsewhere uses it
    app.extensions["catalogue_retired"] = old
    return old


@dataclass(frozen=True)
class StaticBuild:
    """What a static build tells its pages, as app.config[STATIC_BUILD]: where the
    browser's search index is, and each language's folder of compare columns. Unset when
    a server answers."""

    search_index: str = ""
    compare_columns: dict[str, str] = field(default_factory=dict)


STATIC_BUILD = "CATALOGUE_STATIC_BUILD"


def static_settings() -> StaticBuild | None:
    """The static build being made, or None when a server answers."""
    return current_app.config.get(STATIC_BUILD)
