"""Each field as a Decap CMS widget: the form editors fill in at /admin/ (docs/editing.md).

A kind's widget comes from its own `widget` method if it has one, else from WIDGETS by the
kind's class; the row adds its label, help, required flag, choices and pattern. A kind
without either is edited as one line of text.

Where a file may hold a field in more than one form (`start: on-demand` or a list of dates,
a skill as text or as {name, uri}, `language: en` or a list), the widget is one of the
catalogue's own, registered by static/js/editor.js over Decap's list and select: a git
host serves the files as they are, so the form must take every form the loader takes.
"""

from __future__ import annotations

from collections.abc import Callable

from . import kinds
from .spec import Field

# Dates as the loader reads them: YYYY-MM-DD, no time.
DATE_WIDGET = {
    "widget": "datetime",
    "date_format": "YYYY-MM-DD",
    "time_format": False,
    "format": "YYYY-MM-DD",
}
# The widgets static/js/editor.js registers (see the module's docstring).
START = "catalogue-start"  # `on-demand` or a list of dates
ITEMS = "catalogue-items"  # a list of text or of objects whose first field is the text
CHOICES = "catalogue-choices"  # one choice or a list of them
RELATION = "catalogue-relation"  # entries by slug, keeping (and naming) one that is gone
URL_PATTERN = ["^https?://", "an address starting with http:// or https://"]
LONG_TEXT = 200  # text fields that may be longer than this get a box of several lines


def _text(f: Field) -> dict:
    widget = {"widget": "text" if (f.max_length or 0) > LONG_TEXT else "string"}
    if f.pattern:
        widget["pattern"] = [f"^(?:{f.pattern})$", f.pattern_words or "see the hint"]
    return widget


def _choices(f: Field) -> list[dict]:
    return [{"label": str(f.labels.get(c, c)), "value": c} for c in f.choices]


def _number(f: Field) -> dict:
    widget: dict = {"widget": "number", "value_type": "float"}
    if f.minimum is not None:
        widget["min"] = f.minimum
    return widget


def text_or_objects(*more: dict) -> dict:
    """A list whose items are text or objects: a name, then the fields `more` (optional)."""
    return {
        "widget": ITEMS,
        "summary": "{{fields.name}}",
        # not `fields`: Decap would then take every item for an object when it saves
        "item_fields": [{"name": "name", "label": "Name", "widget": "string"}, *more],
    }


WIDGETS: dict[type, Callable[[Field], dict]] = {
    kinds.Text: _text,
    kinds.TextList: lambda f: {
        "widget": "list",
        "summary": "{{fields.item}}",  # a closed item shows its text, not the field's label
        "field": {"name": "item", "label": f.label, "widget": "string"},
    },
    kinds.Choice: lambda f: {"widget": "select", "options": _choices(f)},
    kinds.ChoiceList: lambda f: {"widget": CHOICES, "multiple": True, "options": _choices(f)},
    kinds.Number: _number,
    kinds.Boolean: lambda f: {"widget": "boolean", "default": False},
    kinds.Date: lambda f: dict(DATE_WIDGET),
    kinds.Currency: lambda f: {
        "widget": "string",
        "pattern": ["^[A-Z]{3}$", "a three-letter ISO 4217 code such as CAD"],
    },
    # no dates: on demand
    kinds.Start: lambda f: {
        "widget": START,
        "summary": "{{fields.date}}",
        "field": {"name": "date", "label": "Start date", **DATE_WIDGET},
    },
    kinds.Url: lambda f: {"widget": "string", "pattern": URL_PATTERN},
    kinds.Skills: lambda f: text_or_objects(
        {
            "name": "uri",
            "label": "Address in the framework",
            "widget": "string",
            "required": False,
            "hint": "Where the skill is defined, such as an ESCO skill's address.",
            "pattern": URL_PATTERN,
        }
    ),
}


def widget(f: Field) -> dict:
    """The Decap CMS widget for the field `f`."""
    own = getattr(f.kind, "widget", None)  # a kind defined elsewhere may bring its own
    made = own(f) if own else WIDGETS.get(type(f.kind), _text)(f)
    # Booleans are never required: a file that leaves one out would block saving.
    required = f.required and not isinstance(f.kind, kinds.Boolean)
    return {"name": f.name, "label": f.label, **made, "required": required, "hint": f.help}
