"""The field table: each front-matter field declared once, as one row.

Validation, the JSON Schema, docs/fields.md, `catalogue new`, the JSON API, the CSV, the
entry page's details, the compare table, the facets, ranges and sorts of both search
engines, and the search index all follow from these rows (fields/builtin.py holds them).
`add_field` is the supported way for an installation to add one (docs/architecture.md,
"Adding a field").
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

from . import kinds
from .builtin import BUILTIN
from .spec import Field

T = TypeVar("T")


class FieldTable(Sequence[Field]):
    """The rows, in the order editors write them. `version` changes with every change, so
    what is derived from the table (LiveSequence, LiveMapping) is worked out again."""

    def __init__(self, rows: Sequence[Field]):
        self._rows = list(rows)
        self.version = 0
        self._check()

    def __getitem__(self, i):  # type: ignore[override]
        return self._rows[i]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Field]:
        return iter(self._rows)

    def add(self, row: Field) -> None:
        self._rows.append(row)
        try:
            self._check()
        except ValueError:
            self._rows.pop()
            raise
        self.version += 1

    def remove(self, name: str) -> None:
        self._rows = [row for row in self._rows if row.name != name]
        self.version += 1

    def _check(self) -> None:
        names = [row.name for row in self._rows]
        params = [r.name for row in self._rows for r in row.ranges]
        params += [row.facet.name or row.name for row in self._rows if row.facet]
        sorts = [s.key for row in self._rows for s in row.sorts] + ["relevance", "title"]
        for what, seen in (("field", names), ("URL parameter", params), ("sort", sorts)):
            twice = sorted({n for n in seen if seen.count(n) > 1})
            if twice:
                raise ValueError(f"the field table names the {what} {twice[0]!r} twice")
        for row in self._rows:
            if row.facet and row.facet.bands and not isinstance(row.kind, kinds.Number):
                raise ValueError(f"field {row.name!r}: bands need a number field")
            if row.ranges and not isinstance(row.kind, kinds.Number):
                raise ValueError(f"field {row.name!r}: ranges need a number field")
            if row.sorts and not isinstance(row.kind, kinds.Number | kinds.Date):
                raise ValueError(f"field {row.name!r}: sorts need a number or date field")


class LiveSequence(Sequence[T]):
    """A tuple worked out from the table, that follows it when fields are added (read on
    every request, so the version is compared inline)."""

    def __init__(self, make: Callable[[], Sequence[T]]):
        self._make = make
        self._version = -1
        self._value: tuple[T, ...] = ()

    def _current(self) -> tuple[T, ...]:
        if self._version != FIELDS.version:
            self._value, self._version = tuple(self._make()), FIELDS.version
        return self._value

    def __getitem__(self, i):  # type: ignore[override]
        return self._current()[i]

    def __len__(self) -> int:
        return len(self._current())

    def __iter__(self) -> Iterator[T]:
        if self._version != FIELDS.version:
            self._current()
        return iter(self._value)


class LiveMapping(Mapping[str, T]):
    """A dict worked out from the table, that follows it when fields are added."""

    def __init__(self, make: Callable[[], Mapping[str, T]]):
        self._make = make
        self._version = -1
        self._value: dict[str, T] = {}

    def _current(self) -> dict[str, T]:
        if self._version != FIELDS.version:
            self._value, self._version = dict(self._make()), FIELDS.version
        return self._value

    def __getitem__(self, key: str) -> T:
        if self._version != FIELDS.version:
            self._current()
        return self._value[key]

    def get(self, key, default=None):
        return self._current().get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._current()

    def __len__(self) -> int:
        return len(self._current())

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def items(self):  # type: ignore[override]
        return self._current().items()

    def values(self):  # type: ignore[override]
        return self._current().values()


def load_plugins(names: str | None = None) -> None:
    """Import the modules named in `names` (by default the environment variable
    CATALOGUE_PLUGINS), comma-separated: each adds its fields with `add_field`. A module
    is imported once per process, however often this is called."""
    names = os.environ.get("CATALOGUE_PLUGINS", "") if names is None else names
    for name in filter(None, (n.strip() for n in names.split(","))):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            problem = f"cannot load the plugin {name!r} (CATALOGUE_PLUGINS): {exc}"
            raise PluginError(problem) from None


class PluginError(Exception):
    """A plugin that cannot be loaded, with a message for the person who named it."""


def add_field(row: Field) -> None:
    """Add a field to the table, for every catalogue this process serves (call it before
    loading one: from a module named in CATALOGUE_PLUGINS, say)."""
    FIELDS.add(row)


@contextlib.contextmanager
def extra_field(*rows: Field) -> Iterator[None]:
    """Add fields for the duration of a `with` block (tests, scripts)."""
    for row in rows:
        FIELDS.add(row)
    try:
        yield
    finally:
        for row in rows:
            FIELDS.remove(row.name)


FIELDS = FieldTable(BUILTIN)
FIELDS_BY_NAME: Mapping[str, Field] = LiveMapping(lambda: {f.name: f for f in FIELDS})
