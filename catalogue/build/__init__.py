"""The build: the whole site frozen by Frozen-Flask into a folder any static host serves.

freeze.py runs a build (into a scratch folder, moved into place only when whole),
pages.py tells Frozen-Flask every URL and writes the browser's search files, parts.py
freezes them in one process a core, datafiles.py writes each entry's data files straight
from their views, hosts.py the files web servers and static hosts read (types,
compression, caching, 404 pages, headers), scripts.py the scripts as shipped
(compacted, the search page's two modules joined).
"""

from .freeze import MARKER, SEARCH_DATA, BuildError, freeze, main
from .hosts import write_header_configs
from .pages import export_compare, export_search
from .scripts import compact_script

__all__ = [
    "MARKER",
    "SEARCH_DATA",
    "BuildError",
    "compact_script",
    "export_compare",
    "export_search",
    "freeze",
    "main",
    "write_header_configs",
]
