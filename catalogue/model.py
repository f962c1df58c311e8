"""The credential model: an entry is a value for every row of the field table."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .fields import FIELDS, Kind, LiveSequence, Skill, number_label

__all__ = ["Check", "Credential", "Skill", "number_label"]


@dataclass(frozen=True)
class Check:
    """One framework check on an entry, shown as a checklist line."""

    key: str
    label: str
    ok: bool
    detail: str
    field: str
    values: dict[str, float] = _field(default_factory=dict)  # the numbers in its label


# The classes of value that need no conversion for JSON (a float may: 40.0 is given as 40).
_PLAIN = frozenset({str, int, bool, list, type(None)})
# Per field: its name, whether its kind keeps plain values as they are, and its conversion.
_JSON_FORMS: LiveSequence[tuple[str, bool, Any]] = LiveSequence(
    lambda: [(f.name, type(f.kind).json is Kind.json, f.kind.json) for f in FIELDS]
)


class Credential:
    """One micro-credential offering, validated: an attribute for every field of the table
    (the field's empty value where the entry leaves it out), plus its slug, file, body
    and framework checks."""

    def __init__(
        self,
        slug: str,
        path: str,
        body: str = "",
        body_html: str = "",
        body_text: str = "",
        checks: list[Check] | None = None,
        **values: Any,
    ):
        self.slug, self.path = slug, path
        self.body, self.body_html, self.body_text = body, body_html, body_text
        self.checks = checks or []
        self.lines: dict[str, int] = {}  # the line each field is on in its file
        for f in FIELDS:
            setattr(self, f.name, values.pop(f.name) if f.name in values else f.empty())
        if values:
            raise TypeError(f"no field named {', '.join(sorted(values))}")

    def __repr__(self) -> str:
        return f"<Credential {self.slug}>"

    @property
    def on_demand(self) -> bool:
        return self.start is None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as plain JSON-ready data, field names as in the field table."""
        data: dict[str, Any] = {"slug": self.slug}
        for name, plain, convert in _JSON_FORMS:
            value = getattr(self, name)
            # the API lists every entry: the common kinds' plain values are left as they are
            data[name] = value if plain and value.__class__ in _PLAIN else convert(value)
        data["body_html"] = self.body_html
        # a check's detail says what is wrong: given only for a check that fails
        data["checks"] = [
            {"key": c.key, "label": c.label, "ok": c.ok, **({} if c.ok else {"detail": c.detail})}
            for c in self.checks
        ]
        return data
