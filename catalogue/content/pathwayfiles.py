"""Pathways as content: `pathways/<slug>.md` describes a larger credential, the entries it
requires and the electives to choose from. Read with the entries' own machinery (the same
YAML checks, errors at file:line), from a table of its own fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, ScalarNode

from ..fields import Field, FieldError
from ..fields.builtin import LANGUAGES
from ..fields.kinds import CHOICE, TEXT, URL, Kind
from ..fields.nodes import KIND_WORDS, distinct, file_line, is_null, items, keyed, text
from ..fields.widgets import RELATION
from ..i18n import counted
from .entry import SLUG_RE, DocumentError, read_document
from .errors import NOT_UTF8, ContentError, undecodable
from .frontmatter import parse_front_matter
from .markdown import body_limits, render_markdown


@dataclass(frozen=True)
class Ref:
    """An entry a pathway names, by slug, and the line it is named on."""

    slug: str
    line: int = field(default=0, compare=False)


class Slugs(Kind):
    words = "list of entry slugs"
    many = True

    def convert(self, node, field):
        refs = [
            (Ref(text(item, 80), file_line(item)), item)
            for item in items(node, field.name, field.example)
        ]
        return distinct(refs, key=lambda ref: ref.slug)

    def schema(self, field):
        return {"type": "array", "items": {"type": "string", "pattern": f"^{SLUG_RE.pattern}$"}}

    def widget(self, field):
        """The editor's picker of entries, by title, that writes their slugs. Each option
        shows the slug too: two entries may have one title (`catalogue check` warns)."""
        return {
            "widget": RELATION,  # Decap's relation, keeping a slug that names no entry
            "collection": "credentials",
            "value_field": "{{slug}}",
            "search_fields": ["title"],
            "display_fields": ["{{title}} ({{slug}})"],
            "multiple": True,
        }


@dataclass(frozen=True)
class Electives:
    choose: int
    options: list[Ref]
    line: int = 0  # of `choose`


def blank(node) -> bool:
    """Whether a YAML node holds nothing: null, an empty text, list or mapping."""
    return (
        is_null(node)
        or (isinstance(node, ScalarNode) and not node.value.strip())
        or (not isinstance(node, ScalarNode) and not node.value)
    )


class ElectivesKind(Kind):
    words = "choose: N, from: [entry slugs]"

    def convert(self, node, field):
        if is_null(node) or (
            isinstance(node, MappingNode) and all(blank(value) for _, value in node.value)
        ):
            return None  # written empty, or with every part empty (the editor may): none
        if not isinstance(node, MappingNode):
            got = KIND_WORDS.get(type(node), f"'{getattr(node, 'value', '')}'")
            raise FieldError(f"expected choose: and from:; got {got}", node)
        parts = {}
        unknown = "unknown key {key}; electives have choose and from"
        for name, key, value in keyed(node, ("choose", "from"), unknown):
            if name in parts:
                raise FieldError(f"{name} appears twice; keep one", key)
            parts[name] = value
        if set(parts) != {"choose", "from"}:
            raise FieldError("electives need choose: (how many) and from: (entry slugs)", node)
        choose = parts["choose"]
        if not (
            isinstance(choose, ScalarNode)
            and re.fullmatch(r"[0-9]{1,4}", choose.value)
            and int(choose.value) > 0
        ):
            shown = repr(choose.value) if isinstance(choose, ScalarNode) else "a list"
            raise FieldError(f"choose: expected a whole number of at least 1; got {shown}", choose)
        options = SLUGS.convert(parts["from"], field)
        if int(choose.value) > len(options):
            raise FieldError(
                f"choose: {choose.value} is more than the {counted(len(options), 'elective')} "
                "listed in from",
                choose,
            )
        return Electives(int(choose.value), options, file_line(choose))

    def schema(self, field):
        return {"type": "object"}

    def empty(self, field):
        return None

    def widget(self, field):
        """The optional electives: neither part is required by the form, so that a pathway
        without electives can be saved; the loader asks for both once one is given."""
        return {
            "widget": "object",
            "collapsed": True,
            "fields": [
                {
                    "name": "choose",
                    "label": "How many",
                    "widget": "number",
                    "value_type": "int",
                    "min": 1,
                    "required": False,
                    "hint": "How many of the electives below a learner takes.",
                },
                {
                    "name": "from",
                    "label": "From",
                    **SLUGS.widget(field),
                    "required": False,
                    "hint": "The entries to choose from.",
                },
            ],
        }


SLUGS = Slugs()

PATHWAY_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        TEXT,
        True,
        "The larger credential's name.",
        "Certificate in EV Maintenance",
        max_length=150,
    ),
    Field(
        "issuer", TEXT, True, "Who awards it.", "Riverbend Institute of Technology", max_length=200
    ),
    Field(
        "summary",
        TEXT,
        True,
        "One or two sentences.",
        "Four micro-credentials add up to it.",
        max_length=300,
    ),
    Field("credential", TEXT, False, "What the learner receives.", "certificate", max_length=100),
    Field(
        "requires", SLUGS, False, "Every one of these entries.", ["ev-battery-diagnostics-advanced"]
    ),
    Field("electives", ElectivesKind(), False, "Choose N of these entries.", None),
    Field("url", URL, False, "Where to read more or enrol.", "https://college.example/ev"),
    Field(
        "language", CHOICE, False, "Its language; the site's by default.", "en", choices=LANGUAGES
    ),
)


@dataclass
class PathwayFile:
    """A pathway as written: its fields, body and where each field is."""

    slug: str
    path: str
    title: str
    issuer: str
    summary: str
    credential: str | None
    requires: list[Ref]
    electives: Electives | None
    url: str | None
    language: str | None
    body_html: str
    lines: dict[str, int]


def read_pathway(file: Path) -> tuple[PathwayFile | None, list[ContentError]]:
    where = str(file)
    slug = file.name[:-3]
    if not SLUG_RE.fullmatch(slug):
        message = (
            f"file name '{file.name}' does not make a valid slug: use lowercase letters, "
            "digits and hyphens"
        )
        return None, [ContentError(where, 0, None, message)]
    try:
        front, body, close = read_document(file, "a pathway")
    except DocumentError as exc:
        return None, [ContentError(where, exc.line, None, exc.message)]
    values, problems = parse_front_matter(front, where, offset=2, table=PATHWAY_FIELDS)
    trouble = body_limits(body)
    if trouble:
        problems.append(ContentError(where, close + 2, "body", trouble))
    if values is None or any(p.severity == "error" for p in problems):
        return None, problems
    if not values.get("requires") and not values.get("electives"):
        problems.append(
            ContentError(where, 1, "requires", "a pathway needs requires, electives or both")
        )
        return None, problems
    lines = values.pop("_lines")
    found = PathwayFile(
        slug=slug,
        path=where,
        title=values["title"],
        issuer=values["issuer"],
        summary=values["summary"],
        credential=values.get("credential"),
        requires=values.get("requires", []),
        electives=values.get("electives"),
        url=values.get("url"),
        language=values.get("language"),
        body_html=render_markdown(body)[0],
        lines=lines,
    )
    return found, problems


def read_pathways(folder: Path, slugs: set[str]) -> tuple[list[PathwayFile], list[ContentError]]:
    """Every pathway in `folder`, checked against the entries' `slugs` (drafts included):
    a slug that names no entry is an error at its line."""
    found, problems = [], []
    for file in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        shown = undecodable(file)
        if shown is not None:
            problems.append(ContentError(shown, 0, None, NOT_UTF8))
            continue
        pathway, trouble = read_pathway(file)
        problems += trouble
        if pathway is None:
            continue
        named = [("requires", ref) for ref in pathway.requires]
        if pathway.electives:
            named += [("electives", ref) for ref in pathway.electives.options]
            required = {ref.slug for ref in pathway.requires}
            problems += [
                ContentError(str(file), ref.line, "electives", f"'{ref.slug}' is also required")
                for ref in pathway.electives.options
                if ref.slug in required
            ]
        missing = [
            ContentError(str(file), ref.line, key, f"'{ref.slug}' names no entry in credentials/")
            for key, ref in named
            if ref.slug not in slugs
        ]
        problems += missing
        if not any(p.path == str(file) and p.severity == "error" for p in problems):
            found.append(pathway)
    return found, problems
