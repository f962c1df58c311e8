"""The field table and the kinds of field: where every front-matter field is declared.

`FIELDS` is the table (fields/builtin.py holds the catalogue's own rows), each row a
`Field` of a kind from fields/kinds.py; `add_field` adds one. Everything else about
fields, from validation to the browser's sorts, is derived from them.
"""

from .builtin import CTID
from .kinds import Kind, Skill, number_label
from .nodes import FieldError
from .spec import FacetSpec, Field, Range, Sort
from .table import (
    FIELDS,
    FIELDS_BY_NAME,
    LiveMapping,
    LiveSequence,
    PluginError,
    add_field,
    extra_field,
    load_plugins,
)

__all__ = [
    "CTID",
    "FIELDS",
    "FIELDS_BY_NAME",
    "FacetSpec",
    "Field",
    "FieldError",
    "Kind",
    "LiveMapping",
    "LiveSequence",
    "PluginError",
    "Range",
    "Skill",
    "Sort",
    "add_field",
    "extra_field",
    "load_plugins",
    "number_label",
]
