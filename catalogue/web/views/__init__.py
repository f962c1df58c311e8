"""The views, one module a page family: search.py (home, search, the search API),
entries.py (entry pages, compare, the JSON and CSV), registries.py (Open Badges, CTDL
and ELM files), browse.py (browse pages, pathways), site.py (the site's own files and
error pages), follow.py (the feeds of a search or browse page, the calendars), embed.py
(the list other sites frame), admin.py (the editor at /admin/ and its local backend) and
importer.py (the spreadsheet import at /admin/import/).
Each view parses its arguments, asks the search or content layer, and renders."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from . import admin, browse, embed, entries, follow, importer, registries, search, site

FAMILIES = (search, entries, registries, browse, site, follow, embed, admin, importer)


def register(app: Flask, page: Callable) -> None:
    """Route every page family."""
    for family in FAMILIES:
        family.register(app, page)
