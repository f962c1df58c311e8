"""The credential model, declared once.

`FIELDS` is the single table of front-matter fields. Validation (content.py), the JSON
Schema for editors (schema.py), the field reference in docs/fields.md and the search
schema are all derived from it. `FACETS` is the single table of facets, used by the
search layer, the JSON API and the templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .i18n import N_

DELIVERY_MODES = ("online", "in-person", "hybrid")
LEVELS = ("introductory", "intermediate", "advanced")
LANGUAGES = ("en", "fr")
ASSESSMENT_TYPES = ("project", "exam", "portfolio", "practical", "presentation", "simulation")

# Labels of the vocabularies, marked for translation (the language names are written in
# their own language, as a language switch shows them).
LABELS = {
    "online": N_("Online"),
    "in-person": N_("In person"),
    "hybrid": N_("Hybrid"),
    "introductory": N_("Introductory"),
    "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"),
    "en": "English",
    "fr": "Français",
    "project": N_("Project"),
    "exam": N_("Exam"),
    "portfolio": N_("Portfolio"),
    "practical": N_("Practical"),
    "presentation": N_("Presentation"),
    "simulation": N_("Simulation"),
}


@dataclass(frozen=True)
class Field:
    """One front-matter field: how it is written, checked and explained."""

    name: str
    kind: str
    required: bool
    help: str
    example: Any
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    exclusive_minimum: bool = False
    boost: float | None = None  # searched as text with this weight; None: not searched


FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "text",
        True,
        "The name of the offering, as learners see it.",
        "Electric Vehicle High-Voltage Safety",
        max_length=150,
        boost=4.0,
    ),
    Field(
        "summary",
        "text",
        True,
        "One or two sentences shown on result cards.",
        "Work safely around high-voltage battery systems.",
        max_length=300,
        boost=2.0,
    ),
    Field(
        "issuer",
        "text",
        True,
        "The institution or organisation that issues the credential.",
        "Cedar Ridge College",
        max_length=150,
        boost=1.0,
    ),
    Field(
        "partners",
        "text-list",
        False,
        "Endorsing industry, employer or external bodies. Empty is allowed but flagged "
        "by the framework check.",
        ["Voltway Fleet Services"],
        boost=1.0,
    ),
    Field(
        "delivery",
        "choice",
        True,
        "How the learning is delivered.",
        "hybrid",
        choices=DELIVERY_MODES,
        boost=1.0,
    ),
    Field(
        "hours",
        "number",
        True,
        "Learning hours (the notional workload).",
        40,
        minimum=0,
        exclusive_minimum=True,
    ),
    Field(
        "weeks", "number", True, "Time to complete, in weeks.", 6, minimum=0, exclusive_minimum=True
    ),
    Field("cost", "number", True, "Tuition in the entry's currency; 0 means free.", 650, minimum=0),
    Field(
        "currency",
        "currency",
        False,
        "ISO 4217 currency code; defaults to the one in site.toml.",
        "CAD",
    ),
    Field(
        "start",
        "start",
        False,
        "`on-demand`, or a list of fixed start dates (YYYY-MM-DD).",
        ["2027-01-11", "2027-03-08"],
    ),
    Field(
        "language",
        "language",
        False,
        "Language of instruction: `en`, `fr` or a list; defaults to site.toml.",
        "en",
        choices=LANGUAGES,
    ),
    Field(
        "skills",
        "skills",
        True,
        "Competencies the learner shows: text, or `{name, uri}` where the uri points "
        "into a framework such as ESCO.",
        ["High-voltage isolation and verification"],
        boost=3.0,
    ),
    Field(
        "framework",
        "text",
        False,
        "The competency framework the skills map to.",
        "ESCO",
        max_length=150,
        boost=1.0,
    ),
    Field(
        "field",
        "text",
        False,
        "Sector or subject area.",
        "Electric vehicles",
        max_length=100,
        boost=1.0,
    ),
    Field(
        "level",
        "choice",
        False,
        "Level of the learning.",
        "intermediate",
        choices=LEVELS,
        boost=1.0,
    ),
    Field(
        "assessment",
        "text",
        True,
        "The summative assessment and the evidence a learner shows.",
        "A supervised practical on a training vehicle.",
        max_length=2000,
        boost=1.0,
    ),
    Field(
        "assessment_type",
        "choice",
        False,
        "The main form of the summative assessment.",
        "practical",
        choices=ASSESSMENT_TYPES,
    ),
    Field(
        "assessment_only",
        "bool",
        False,
        "True when it recognises prior learning: assessment with no instruction.",
        False,
    ),
    Field(
        "credential",
        "text",
        False,
        "What the learner receives.",
        "digital badge",
        max_length=100,
        boost=1.0,
    ),
    Field(
        "stacks_into",
        "text-list",
        False,
        "Larger credentials it ladders into.",
        ["Certificate in Electric Vehicle Maintenance"],
        boost=1.0,
    ),
    Field(
        "location",
        "text",
        False,
        "Campus or city, for in-person and hybrid delivery.",
        "Riverside campus, Cedar Ridge",
        max_length=200,
        boost=1.0,
    ),
    Field(
        "url",
        "url",
        False,
        "Where to enrol (an http or https address).",
        "https://college.example/micro/ev-safety",
    ),
    Field(
        "updated",
        "date",
        False,
        "When the entry was added or last revised (YYYY-MM-DD); entries with a date appear "
        "in the Atom feed, newest first.",
        "2026-10-14",
    ),
    Field(
        "draft",
        "bool",
        False,
        "Drafts are served by `catalogue serve --drafts` only and never frozen.",
        False,
    ),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Skill:
    name: str
    uri: str | None = None


@dataclass(frozen=True)
class Check:
    """One framework check on an entry, shown as a checklist line."""

    key: str
    label: str
    ok: bool
    detail: str
    field: str
    values: dict[str, float] = _field(default_factory=dict)  # the numbers in its label


@dataclass
class Credential:
    """One micro-credential offering, validated."""

    slug: str
    path: str
    title: str
    summary: str
    issuer: str
    delivery: str
    hours: float
    weeks: float
    cost: float
    skills: list[Skill]
    assessment: str
    partners: list[str] = _field(default_factory=list)
    currency: str = "CAD"
    start: list[dt.date] | None = None  # None means on-demand
    language: list[str] = _field(default_factory=lambda: ["en"])
    framework: str | None = None
    field: str | None = None
    level: str | None = None
    assessment_type: str | None = None
    assessment_only: bool = False
    credential: str | None = None
    stacks_into: list[str] = _field(default_factory=list)
    location: str | None = None
    url: str | None = None
    updated: dt.date | None = None
    draft: bool = False
    body: str = ""
    body_html: str = ""
    body_text: str = ""
    checks: list[Check] = _field(default_factory=list)

    @property
    def on_demand(self) -> bool:
        return self.start is None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as plain JSON-ready data, field names as in FIELDS."""
        data: dict[str, Any] = {"slug": self.slug}
        for f in FIELDS:
            value = getattr(self, f.name)
            if f.name == "skills":
                value = [
                    {"name": s.name, "uri": s.uri} if s.uri else {"name": s.name} for s in value
                ]
            elif f.name == "start":
                value = "on-demand" if value is None else [d.isoformat() for d in value]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            data[f.name] = value
        data["body_html"] = self.body_html
        data["checks"] = [
            {"key": c.key, "label": c.label, "ok": c.ok, "detail": c.detail} for c in self.checks
        ]
        return data


def number_label(value: float) -> str:
    """Format 40.0 as '40', 12.5 as '12.5' and 10499.99 as '10499.99'."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


# Facets --------------------------------------------------------------------------------

COST_BANDS = (
    ("free", N_("Free"), lambda c: c == 0),
    ("under-250", N_("Under $250"), lambda c: 0 < c < 250),
    ("250-999", N_("$250 to $999"), lambda c: 250 <= c < 1000),
    ("1000-plus", N_("$1,000 and over"), lambda c: c >= 1000),
)
HOURS_BANDS = (
    ("under-20", N_("Under 20 hours"), lambda h: h < 20),
    ("20-49", N_("20 to 49 hours"), lambda h: 20 <= h < 50),
    ("50-99", N_("50 to 99 hours"), lambda h: 50 <= h < 100),
    ("100-plus", N_("100 hours or more"), lambda h: h >= 100),
)


def _band(bands, value):
    return [key for key, _label, test in bands if test(value)]


@dataclass(frozen=True)
class Facet:
    """A facet: its URL parameter, its label and how an entry's values are read."""

    name: str
    label: str
    values: Callable[[Credential], list[str]]
    order: tuple[str, ...] = ()  # a fixed display order; empty means by count
    labels: dict[str, str] = _field(default_factory=dict)

    def label_for(self, value: str) -> str:
        return self.labels.get(value, LABELS.get(value, value))


def _band_facet(name: str, label: str, bands, attr: str) -> Facet:
    """A facet whose values are numeric bands of one field, in the bands' order."""
    return Facet(
        name,
        label,
        lambda c: _band(bands, getattr(c, attr)),
        tuple(key for key, _, _ in bands),
        {key: text for key, text, _ in bands},
    )


FACETS: tuple[Facet, ...] = (
    Facet("delivery", N_("Delivery mode"), lambda c: [c.delivery], DELIVERY_MODES),
    _band_facet("cost_band", N_("Cost"), COST_BANDS, "cost"),
    _band_facet("hours_band", N_("Learning hours"), HOURS_BANDS, "hours"),
    Facet(
        "start",
        N_("Start"),
        lambda c: ["on-demand" if c.on_demand else "scheduled"],
        ("on-demand", "scheduled"),
        {"on-demand": N_("On demand"), "scheduled": N_("Fixed start dates")},
    ),
    Facet("field", N_("Field"), lambda c: [c.field] if c.field else []),
    Facet("level", N_("Level"), lambda c: [c.level] if c.level else [], LEVELS),
    Facet("language", N_("Language"), lambda c: list(c.language), LANGUAGES),
    Facet("issuer", N_("Issuer"), lambda c: [c.issuer]),
    Facet("partners", N_("Partner"), lambda c: list(c.partners)),
    Facet(
        "assessment_type",
        N_("Assessment"),
        lambda c: [c.assessment_type] if c.assessment_type else [],
        ASSESSMENT_TYPES,
    ),
    Facet("skills", N_("Skill"), lambda c: [s.name for s in c.skills]),
)

FACETS_BY_NAME = {f.name: f for f in FACETS}
