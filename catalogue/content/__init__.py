"""The content layer: a content folder read into a Catalogue.

load.py walks the folder, entry.py reads one file, frontmatter.py its fields (each by its
kind, from the field table), markdown.py its body, checks.py the framework checks,
settings.py site.toml, pathways.py the larger credentials entries stack into. Nothing here
imports Flask or the search layer.
"""

from .checks import CHECK_LABELS, framework_checks
from .entry import parse_file
from .errors import ContentError
from .frontmatter import parse_front_matter
from .load import Catalogue, FileCache, load
from .settings import Site, load_site
from .slugs import slugify

__all__ = [
    "CHECK_LABELS",
    "Catalogue",
    "ContentError",
    "FileCache",
    "Site",
    "framework_checks",
    "load",
    "load_site",
    "parse_file",
    "parse_front_matter",
    "slugify",
]
