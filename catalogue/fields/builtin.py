"""The catalogue's own fields, one row each, in the order editors write them."""

from __future__ import annotations

from ..i18n import N_
from .kinds import (
    BOOLEAN,
    CHOICE,
    CHOICE_LIST,
    CURRENCY,
    DATE,
    NUMBER,
    SKILLS,
    START,
    TEXT,
    TEXT_LIST,
    URL,
)
from .occupations import OCCUPATIONS
from .spec import FacetSpec, Field, Range, Sort

# Credential Engine's identifier: "ce-" and a UUID, lower case (CTDL's ceterms:ctid).
CTID = r"ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DELIVERY_MODES = ("online", "in-person", "hybrid")
LEVELS = ("introductory", "intermediate", "advanced")
LANGUAGES = ("en", "fr")
ASSESSMENT_TYPES = ("project", "exam", "portfolio", "practical", "presentation", "simulation")

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

# The built-in fields are shown by the templates each in its own place, so none of them
# takes the generic detail line or compare row that a field added later gets.
_OWN_PLACE = {"detail": False, "compare": False}

BUILTIN: tuple[Field, ...] = (
    Field(
        "title",
        TEXT,
        True,
        "The name of the offering, as learners see it.",
        "Electric Vehicle High-Voltage Safety",
        max_length=150,
        boost=4.0,
        prompt="Title",
        **_OWN_PLACE,
    ),
    Field(
        "summary",
        TEXT,
        True,
        "One or two sentences shown on result cards.",
        "Work safely around high-voltage battery systems.",
        max_length=300,
        boost=2.0,
        prompt="Summary (one or two sentences for learners)",
        **_OWN_PLACE,
    ),
    Field(
        "issuer",
        TEXT,
        True,
        "The institution or organisation that issues the credential.",
        "Cedar Ridge College",
        max_length=150,
        boost=1.0,
        facet=FacetSpec(N_("Issuer"), place=8),
        prompt="Issuing institution",
        **_OWN_PLACE,
    ),
    Field(
        "partners",
        TEXT_LIST,
        False,
        "Endorsing industry, employer or external bodies. Empty is allowed but flagged "
        "by the framework check.",
        ["Voltway Fleet Services"],
        boost=1.0,
        facet=FacetSpec(N_("Partner"), place=9),
        **_OWN_PLACE,
    ),
    Field(
        "delivery",
        CHOICE,
        True,
        "How the learning is delivered.",
        "hybrid",
        choices=DELIVERY_MODES,
        labels={"online": N_("Online"), "in-person": N_("In person"), "hybrid": N_("Hybrid")},
        boost=1.0,
        facet=FacetSpec(N_("Delivery mode"), place=1),
        prompt="Delivery (online, in-person or hybrid)",
        **_OWN_PLACE,
    ),
    Field(
        "hours",
        NUMBER,
        True,
        "Learning hours (the notional workload).",
        40,
        minimum=0,
        exclusive_minimum=True,
        facet=FacetSpec(N_("Learning hours"), place=3, name="hours_band", bands=HOURS_BANDS),
        ranges=(
            Range("hours_min", True, N_("At least (hours)"), N_("%(hours)s+ hours"), "hours", 2),
            Range(
                "hours_max", False, N_("At most (hours)"), N_("up to %(hours)s hours"), "hours", 3
            ),
        ),
        sorts=(Sort("hours", N_("Hours (fewest first)"), 3),),
        prompt="Learning hours",
        **_OWN_PLACE,
    ),
    Field(
        "weeks",
        NUMBER,
        True,
        "Time to complete, in weeks.",
        6,
        minimum=0,
        exclusive_minimum=True,
        ranges=(
            Range(
                "weeks_max",
                False,
                N_("Done within (weeks)"),
                N_("up to %(weeks)s weeks"),
                "weeks",
                4,
            ),
        ),
        sorts=(Sort("weeks", N_("Weeks (shortest first)"), 4),),
        prompt="Weeks to complete",
        **_OWN_PLACE,
    ),
    Field(
        "cost",
        NUMBER,
        True,
        "Tuition in the entry's currency; 0 means free.",
        650,
        minimum=0,
        facet=FacetSpec(N_("Cost"), place=2, name="cost_band", bands=COST_BANDS),
        ranges=(
            Range(
                "cost_max",
                False,
                N_("Cost up to (%(symbol)s)"),
                N_("up to %(amount)s"),
                "amount",
                1,
                money=True,
            ),
        ),
        sorts=(
            Sort("cost", N_("Cost (lowest first)"), 1),
            Sort("-cost", N_("Cost (highest first)"), 2, descending=True),
        ),
        prompt="Cost in dollars (0 if free)",
        **_OWN_PLACE,
    ),
    Field(
        "currency",
        CURRENCY,
        False,
        "The three-letter code of the currency, such as CAD or EUR; without it, the site's "
        "currency.",
        "CAD",
        default="currency",
        **_OWN_PLACE,
    ),
    Field(
        "start",
        START,
        False,
        "`on-demand`, or a list of fixed start dates (YYYY-MM-DD); an empty list, or no field, "
        "also means on demand.",
        ["2027-01-11", "2027-03-08"],
        facet=FacetSpec(
            N_("Start"),
            place=4,
            labels={"on-demand": N_("On demand"), "scheduled": N_("Fixed start dates")},
            order=("on-demand", "scheduled"),
        ),
        **_OWN_PLACE,
    ),
    Field(
        "language",
        CHOICE_LIST,
        False,
        "Language of instruction: `en`, `fr` or a list of both; without it, the site's language.",
        "en",
        choices=LANGUAGES,
        # written in their own language, as a language switch shows them
        labels={"en": "English", "fr": "Français"},
        facet=FacetSpec(N_("Language"), place=7),
        default="language",
        **_OWN_PLACE,
    ),
    Field(
        "skills",
        SKILLS,
        True,
        "Skills the learner shows, one a line: a name, or a name with the web address "
        "of the skill in a framework such as ESCO (`{name, uri}`).",
        ["High-voltage isolation and verification"],
        boost=3.0,
        facet=FacetSpec(N_("Skill"), place=11),
        prompt="Skills learners gain, separated by commas",
        flag="skill",
        **_OWN_PLACE,
    ),
    Field(
        "framework",
        TEXT,
        False,
        "The competency framework the skills map to.",
        "ESCO",
        max_length=150,
        boost=1.0,
        **_OWN_PLACE,
    ),
    Field(
        "field",
        TEXT,
        False,
        "Sector or subject area.",
        "Electric vehicles",
        max_length=100,
        boost=1.0,
        facet=FacetSpec(N_("Field"), place=5),
        **_OWN_PLACE,
    ),
    Field(
        "level",
        CHOICE,
        False,
        "Level of the learning.",
        "intermediate",
        choices=LEVELS,
        labels={
            "introductory": N_("Introductory"),
            "intermediate": N_("Intermediate"),
            "advanced": N_("Advanced"),
        },
        boost=1.0,
        facet=FacetSpec(N_("Level"), place=6),
        **_OWN_PLACE,
    ),
    Field(
        "assessment",
        TEXT,
        True,
        "The summative assessment and the evidence a learner shows.",
        "A supervised practical on a training vehicle.",
        max_length=2000,
        boost=1.0,
        prompt="How learners are assessed",
        **_OWN_PLACE,
    ),
    Field(
        "assessment_type",
        CHOICE,
        False,
        "The main form of the summative assessment.",
        "practical",
        choices=ASSESSMENT_TYPES,
        labels={
            "project": N_("Project"),
            "exam": N_("Exam"),
            "portfolio": N_("Portfolio"),
            "practical": N_("Practical"),
            "presentation": N_("Presentation"),
            "simulation": N_("Simulation"),
        },
        facet=FacetSpec(N_("Assessment"), place=10),
        **_OWN_PLACE,
    ),
    Field(
        "assessment_only",
        BOOLEAN,
        False,
        "`true` when it recognises prior learning (an assessment with no teaching); "
        "`false` or left out otherwise.",
        False,
        **_OWN_PLACE,
    ),
    Field(
        "credential",
        TEXT,
        False,
        "What the learner receives.",
        "digital badge",
        max_length=100,
        boost=1.0,
        **_OWN_PLACE,
    ),
    Field(
        "stacks_into",
        TEXT_LIST,
        False,
        "Larger credentials it ladders into.",
        ["Certificate in Electric Vehicle Maintenance"],
        boost=1.0,
        **_OWN_PLACE,
    ),
    Field(
        "location",
        TEXT,
        False,
        "Campus or city, for in-person and hybrid delivery.",
        "Riverside campus, Cedar Ridge",
        max_length=200,
        boost=1.0,
        **_OWN_PLACE,
    ),
    Field(
        "url",
        URL,
        False,
        "Where to enrol (an http or https address).",
        "https://college.example/micro/ev-safety",
        **_OWN_PLACE,
    ),
    Field(
        "updated",
        DATE,
        False,
        "When the entry was added or last revised (YYYY-MM-DD); entries with a date appear "
        "in the site's feed of new and updated entries, newest first. `catalogue new` and the "
        "editor at /admin/ set it to the day they save.",
        "2026-10-14",
        sorts=(Sort("updated", N_("Recently updated"), 5, descending=True),),
        **_OWN_PLACE,
    ),
    Field(
        "occupations",
        OCCUPATIONS,
        False,
        "Careers it prepares for, one a line: a name, or a name with its occupation code "
        "(`{code, name}`); codes are Canada's NOC 2021 unless the site uses another "
        "list: five digits, such as 72410.",
        ["Automotive service technicians"],
        label=N_("Careers"),
        boost=1.0,
        facet=FacetSpec(N_("Career"), place=12),
        **_OWN_PLACE,
    ),
    Field(
        "ctid",
        TEXT,
        False,
        "The entry's identifier in Credential Engine's Credential Registry, once it is "
        "published there; leave it out and one is made from the site's address and the "
        "entry's file name.",
        "ce-7d5c2a4e-3f1b-4a8c-9e2d-4b6f8a1c3e5d",
        label="CTID",
        pattern=CTID,
        pattern_words="ce- and a UUID in lower case, such as "
        "ce-7d5c2a4e-3f1b-4a8c-9e2d-4b6f8a1c3e5d",
        **_OWN_PLACE,
    ),
    Field(
        "draft",
        BOOLEAN,
        False,
        "A draft is not published: it shows only on a preview server started with "
        "`catalogue serve --drafts`, never on the public site. Delete the line to publish.",
        False,
        csv=False,
        **_OWN_PLACE,
    ),
)
