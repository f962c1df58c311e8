"""Facets, ranges and sorts: what learners filter and order by, derived from the field
table. One definition each drives the index, the server, the static export and the
templates; a field added to the table shows up here with no other edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _field

from .fields import FIELDS, Field, LiveMapping, LiveSequence, Range, Sort
from .i18n import N_
from .model import Credential


@dataclass(frozen=True)
class Facet:
    """A facet: its URL parameter, its label and how an entry's values are read."""

    name: str
    label: str
    values: Callable[[Credential], list[str]]
    order: tuple[str, ...] = ()  # a fixed display order; empty means by count
    labels: dict[str, str] = _field(default_factory=dict)
    field: str = ""  # the field it is read from

    def label_for(self, value: str) -> str:
        return self.labels.get(value, LABELS.get(value, value))


def facet_of(f: Field) -> Facet:
    spec = f.facet
    assert spec is not None
    name = spec.name or f.name
    if spec.bands:
        bands = spec.bands

        def banded(entry: Credential, attr: str = f.name) -> list[str]:
            value = getattr(entry, attr)
            return [key for key, _label, test in bands if test(value)]

        keys = tuple(key for key, _, _ in bands)
        return Facet(name, spec.label, banded, keys, {k: t for k, t, _ in bands}, f.name)
    read = f.kind.facet_values
    order = spec.order if spec.order is not None else f.choices
    return Facet(
        name,
        spec.label,
        lambda entry, attr=f.name: read(getattr(entry, attr)),
        tuple(order),
        {**f.labels, **spec.labels},
        f.name,
    )


def _facets() -> list[Facet]:
    rows = sorted((f for f in FIELDS if f.facet), key=lambda f: f.facet.place)
    return [facet_of(f) for f in rows]


FACETS: LiveSequence[Facet] = LiveSequence(_facets)
FACETS_BY_NAME: LiveMapping[Facet] = LiveMapping(lambda: {f.name: f for f in FACETS})
# The labels of every field's values, marked for translation.
LABELS: LiveMapping[str] = LiveMapping(lambda: {k: v for f in FIELDS for k, v in f.labels.items()})


@dataclass(frozen=True)
class RangeFilter:
    """A range of the field table with the field it bounds."""

    field: str
    spec: Range

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def lower(self) -> bool:
        return self.spec.lower


def _ranges() -> dict[str, RangeFilter]:
    found = [RangeFilter(f.name, r) for f in FIELDS for r in f.ranges]
    return {r.name: r for r in sorted(found, key=lambda r: r.spec.place)}


RANGE_FILTERS: LiveMapping[RangeFilter] = LiveMapping(_ranges)
# name -> (entry attribute, True for a lower bound)
RANGES: LiveMapping[tuple[str, bool]] = LiveMapping(
    lambda: {name: (r.field, r.lower) for name, r in RANGE_FILTERS.items()}
)

RELEVANCE = Sort("relevance", N_("Best match"), 0)
TITLE = Sort("title", N_("Title (A to Z)"), 0)


def _sorts() -> dict[str, tuple[str, Sort]]:
    found = sorted(((f.name, s) for f in FIELDS for s in f.sorts), key=lambda fs: fs[1].place)
    return {s.key: (name, s) for name, s in found}


_FIELD_SORTS: LiveMapping[tuple[str, Sort]] = LiveMapping(_sorts)
# sort key -> (entry attribute, True for descending); relevance and title are special
SORT_FIELDS: LiveMapping[tuple[str, bool]] = LiveMapping(
    lambda: {key: (name, s.descending) for key, (name, s) in _FIELD_SORTS.items()}
)
SORTS: LiveSequence[str] = LiveSequence(lambda: ("relevance", "title", *_FIELD_SORTS))
SORT_LABELS: LiveMapping[str] = LiveMapping(
    lambda: {
        RELEVANCE.key: RELEVANCE.label,
        TITLE.key: TITLE.label,
        **{key: s.label for key, (_name, s) in _FIELD_SORTS.items()},
    }
)
