"""The shape of a row of the field table, and of its facet, ranges and sorts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .kinds import Kind


@dataclass(frozen=True)
class FacetSpec:
    """A field that is a facet: filtered on, counted, browsed."""

    label: str  # marked with N_ for translation
    place: int  # where it is listed among the facets (and in URLs), lowest first
    name: str = ""  # its URL parameter; the field's name by default
    # numeric bands instead of the values themselves: (key, label, test) in display order
    bands: tuple[tuple[str, str, Callable[[float], bool]], ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # labels beyond the field's
    order: tuple[str, ...] | None = None  # fixed display order; None: the field's choices


@dataclass(frozen=True)
class Range:
    """A numeric bound learners set on a field: `cost_max=500`."""

    name: str  # the URL parameter
    lower: bool  # True: the field must be at least the value; False: at most
    form_label: str  # the form's label, with %(symbol)s for the currency symbol
    chip: str  # the active filter's text, with %(<value>)s for the value
    value: str  # the name of the value in `chip`
    place: int  # where it is listed among the ranges (and in URLs), lowest first
    money: bool = False  # the value is an amount in the site's currency


@dataclass(frozen=True)
class Sort:
    """An order of the results by a field; ties by title, then slug."""

    key: str  # the `sort` URL value
    label: str
    place: int  # where it is listed in the sort menu, lowest first
    descending: bool = False  # entries without a value go last either way


@dataclass(frozen=True)
class Field:
    """One front-matter field: how it is written, checked, shown, searched and filtered."""

    name: str
    kind: Kind
    required: bool
    help: str
    example: Any
    label: str = ""  # as learners see it, marked with N_; the name when empty
    choices: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # each choice's label (N_)
    max_length: int | None = None
    # a regular expression the whole value must match, and how an error message names it
    pattern: str = ""
    pattern_words: str = ""
    minimum: float | None = None
    exclusive_minimum: bool = False
    boost: float | None = None  # searched as text with this weight; None: not searched
    facet: FacetSpec | None = None
    ranges: tuple[Range, ...] = ()
    sorts: tuple[Sort, ...] = ()
    default: str = ""  # the site setting an entry without the field takes
    prompt: str = ""  # asked by `catalogue new` (and an option of it) when set
    flag: str = ""  # that option's name when it is not --<name>
    csv: bool = True  # a column of credentials.csv
    # Shown by a generic line on the entry page and a row of the compare table. The
    # built-in fields set these False: the templates give each its own place.
    detail: bool = True
    compare: bool = True

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

    def empty(self) -> Any:
        return self.kind.empty(self)

    def label_for(self, value: str) -> str:
        return self.labels.get(value, value)
