"""The web layer: the Flask app and its views over the content and search layers.

app.py is the factory; state.py the served site and how a new one is swapped in;
language.py the interface language of a request; urls.py, components.py and
scripttext.py what pages are made of; templating.py the Jinja set-up; security.py the
headers; views/ one module a page family; live.py the live reload of `catalogue serve`.
"""

from .app import ROOT, ThemeError, create_app, use_theme
from .components import COMPARE_ROWS, MAX_COMPARE, html_escape
from .language import money, weeks_text
from .security import SECURITY_HEADERS
from .state import Site, StaticBuild, default_index_dir, swap_site
from .urls import facet_links, search_url

__all__ = [
    "COMPARE_ROWS",
    "MAX_COMPARE",
    "ROOT",
    "SECURITY_HEADERS",
    "Site",
    "StaticBuild",
    "ThemeError",
    "create_app",
    "default_index_dir",
    "facet_links",
    "html_escape",
    "money",
    "search_url",
    "swap_site",
    "use_theme",
    "weeks_text",
]
