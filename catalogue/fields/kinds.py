"""Field kinds: one class per kind of front-matter value.

A kind knows everything about its values that does not depend on the field: how to read
and check one from its YAML node, its JSON Schema, how docs/fields.md names it, how
`catalogue new` takes a typed answer, and its JSON, CSV, index and facet forms. A field
row (fields/table.py) names its kind and adds what is particular to it. A new kind is
one class here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .nodes import KIND_WORDS, FieldError, distinct, is_null, items, keyed, number_problem, text


class Field(Protocol):
    """What a kind reads of the field it converts (fields/spec.py's Field has these)."""

    name: str
    example: Any
    choices: tuple[str, ...]
    max_length: int | None
    pattern: str
    pattern_words: str
    minimum: float | None
    exclusive_minimum: bool


MAX_NUMBER = 1_000_000
_DATE_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_URL_SCHEMA = {"type": "string", "pattern": "^https?://", "format": "uri"}


def number_label(value: float) -> str:
    """Format 40.0 as '40', 12.5 as '12.5' and 10499.99 as '10499.99'."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


class Kind:
    """What every kind shares; subclasses override what differs."""

    words = "text"  # the type column of docs/fields.md
    many = False  # a list: `catalogue new` takes it as comma-separated items
    as_typed = False  # `catalogue new` checks an answer as typed, not as quoted YAML

    def convert(self, node: yaml.Node, field: Field) -> Any:
        raise NotImplementedError

    def schema(self, field: Field) -> dict:
        raise NotImplementedError

    def empty(self, field: Field) -> Any:
        """The value of an entry that leaves the field out."""
        return [] if self.many else None

    def json(self, value: Any) -> Any:
        """The value as the JSON API gives it."""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def csv(self, value: Any) -> str:
        """The JSON value as a spreadsheet cell (lists joined by '; ')."""
        if isinstance(value, list):
            value = "; ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
        return "" if value is None else str(value)

    def index_text(self, value: Any) -> str:
        """The words searched for this field."""
        if isinstance(value, list):
            return "\n".join(value)
        return value or ""

    def facet_values(self, value: Any) -> list[str]:
        """The values an entry has in this field's facet."""
        if isinstance(value, list):
            return list(value)
        return [] if value is None else [value]

    def answer(self, typed: str) -> Any:
        """A value from an answer typed at `catalogue new` (checked afterwards)."""
        typed = " ".join(typed.split())
        if self.many:
            return [item.strip() for item in typed.split(",") if item.strip()]
        return typed

    def written(self, value: Any) -> Any:
        """A checked answer as it is written into a new entry."""
        return value

    def setting(self, value: Any) -> Any:
        """The value of a site setting (site.toml) that the field defaults to."""
        return value


class Text(Kind):
    def convert(self, node, field):
        value = text(node, field.max_length)
        if field.pattern and not re.fullmatch(field.pattern, value):
            raise FieldError(f"expected {field.pattern_words}; got '{value}'", node)
        return value

    def schema(self, field):
        schema = {"type": "string", "minLength": 1}
        if field.max_length:
            schema["maxLength"] = field.max_length
        if field.pattern:
            schema["pattern"] = f"^(?:{field.pattern})$"
        return schema


class TextList(Kind):
    words = "list of text"
    many = True

    def convert(self, node, field):
        if is_null(node):
            return []
        nodes = items(node, field.name, field.example)
        return distinct([(text(item, field.max_length), item) for item in nodes])

    def schema(self, field):
        return {"type": "array", "items": {"type": "string", "minLength": 1}}


class Choice(Kind):
    words = "one of"

    def convert(self, node, field):
        return choice(node, field.choices)

    def schema(self, field):
        return {"enum": list(field.choices)}


def choice(node: yaml.Node, choices: tuple[str, ...]) -> str:
    value = text(node).lower()
    if value not in choices:
        hint = difflib.get_close_matches(value, choices, n=1)
        raise FieldError(
            f"expected one of {', '.join(choices)}; got '{node.value}'"
            + (f" (did you mean '{hint[0]}'?)" if hint else ""),
            node,
        )
    return value


class ChoiceList(Kind):
    """One of the choices or a list of them (the language of instruction)."""

    words = "language code or a list"

    def convert(self, node, field):
        nodes = node.value if isinstance(node, SequenceNode) else [node]
        if not nodes:
            raise FieldError(f"expected one of {', '.join(field.choices)} or a list of them", node)
        return list(dict.fromkeys(choice(item, field.choices) for item in nodes))

    def schema(self, field):
        return {
            "oneOf": [
                {"enum": list(field.choices)},
                {"type": "array", "items": {"enum": list(field.choices)}, "minItems": 1},
            ]
        }

    def setting(self, value):
        return [value]


class Number(Kind):
    words = "number"
    as_typed = True  # so that "1,200" is explained

    def convert(self, node, field):
        raw = text(node)
        problem = number_problem(raw)
        if problem:
            raise FieldError(problem, node)
        if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
            raise FieldError(f"expected a number such as {field.example}; got '{raw}'", node)
        value = float(raw)
        low = field.minimum
        if low is not None and (value < low or (field.exclusive_minimum and value == low)):
            bound = "more than" if field.exclusive_minimum else "at least"
            raise FieldError(f"must be {bound} {number_label(low)}; got {raw}", node)
        if value > MAX_NUMBER:
            raise FieldError(f"must be at most {MAX_NUMBER}; got {raw}", node)
        return value

    def schema(self, field):
        schema: dict = {"type": "number"}
        if field.minimum is not None:
            schema["exclusiveMinimum" if field.exclusive_minimum else "minimum"] = field.minimum
        return schema

    def written(self, value):
        number = float(value)
        return int(number) if number.is_integer() else number


class Boolean(Kind):
    words = "true or false"

    def convert(self, node, field):
        raw = node.value.lower() if isinstance(node, ScalarNode) else None
        if raw in ("true", "yes", "on"):
            return True
        if raw in ("false", "no", "off"):
            return False
        shown = node.value if isinstance(node, ScalarNode) else KIND_WORDS[type(node)]
        raise FieldError(f"expected true or false; got '{shown}'", node)

    def schema(self, field):
        return {"type": "boolean"}

    def csv(self, value: Any) -> str:
        """yes or no, as an editor reads a spreadsheet (and as a file may write it)."""
        return "" if value is None else ("yes" if value else "no")

    def empty(self, field):
        return False


def date(node: yaml.Node) -> dt.date:
    raw = text(node)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise FieldError(f"expected a date as YYYY-MM-DD; got '{raw}'", node)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"{raw} is not a real date", node) from None


class Date(Kind):
    words = "date (YYYY-MM-DD)"

    def convert(self, node, field):
        return date(node)

    def schema(self, field):
        return dict(_DATE_SCHEMA)


class Currency(Kind):
    words = "ISO 4217 code"

    def convert(self, node, field):
        raw = text(node)
        if not re.fullmatch(r"[A-Za-z]{3}", raw):
            raise FieldError(
                f"expected a three-letter ISO 4217 code such as CAD; got '{raw}'", node
            )
        return raw.upper()

    def schema(self, field):
        return {"type": "string", "pattern": "^[A-Z]{3}$"}


class Start(Kind):
    """`on-demand` (held as None) or a list of fixed start dates, sorted."""

    words = "`on-demand` or a list of dates"
    many = False

    def convert(self, node, field):
        if isinstance(node, ScalarNode) and node.value.strip().lower() == "on-demand":
            return None
        if isinstance(node, MappingNode):
            raise FieldError("expected on-demand or a list of dates (YYYY-MM-DD)", node)
        nodes = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, ScalarNode) and all(
            re.fullmatch(r"\d{4}-\d{2}-\d{2}", part.strip()) for part in node.value.split(",")
        ):
            items(node, field.name, field.example)  # dates on one line: show the list form
        if not nodes:  # no fixed dates (what the editor at /admin/ writes): on demand
            return None
        for item in nodes:
            if not isinstance(item, ScalarNode) or not re.fullmatch(
                r"\d{4}-\d{2}-\d{2}", item.value.strip()
            ):
                shown = (
                    f"'{item.value}'" if isinstance(item, ScalarNode) else KIND_WORDS[type(item)]
                )
                raise FieldError(
                    f"expected on-demand or a list of dates as YYYY-MM-DD; got {shown}", item
                )
        if not isinstance(node, SequenceNode):
            items(node, field.name, field.example)  # one date, not in a list: show the form
        return sorted(distinct([(date(item), item) for item in nodes]))

    def schema(self, field):
        return {
            "oneOf": [
                {"const": "on-demand"},
                {"type": "array", "items": _DATE_SCHEMA},
            ]
        }

    def json(self, value):
        return "on-demand" if value is None else [d.isoformat() for d in value]

    def facet_values(self, value):
        return ["on-demand" if value is None else "scheduled"]


class Url(Kind):
    words = "http(s) address"

    def convert(self, node, field):
        return url(node)

    def schema(self, field):
        return dict(_URL_SCHEMA)


def url(node: yaml.Node) -> str:
    raw = text(node)
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", raw):
        raise FieldError(f"expected an http or https address; got '{raw[:80]}'", node)
    return raw


@dataclass(frozen=True)
class Skill:
    name: str
    uri: str | None = None


SKILL_KEYS = "a skill has 'name' and 'uri'; got {key}"


class Skills(Kind):
    """Competencies: text, or {name, uri} where the uri points into a framework."""

    words = "list of text or {name, uri}"
    many = True

    def convert(self, node, field):
        skills: list[tuple[Skill, yaml.Node]] = []
        for item in items(node, field.name, field.example):
            if isinstance(item, MappingNode):
                parts = {}
                for name, _, value in keyed(item, ("name", "uri"), SKILL_KEYS):
                    parts[name] = url(value) if name == "uri" else text(value)
                if "name" not in parts:
                    raise FieldError("a skill written as a mapping needs a 'name'", item)
                skills.append((Skill(parts["name"], parts.get("uri")), item))
            else:
                skills.append((Skill(text(item)), item))
        if not skills:
            raise FieldError("list at least one skill", node)
        return distinct(skills, key=lambda skill: skill.name)

    def schema(self, field):
        skill = {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1}, "uri": _URL_SCHEMA},
        }
        return {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [{"type": "string", "minLength": 1}, skill]},
        }

    def json(self, value):
        return [{"name": s.name, "uri": s.uri} if s.uri else {"name": s.name} for s in value]

    def index_text(self, value):
        return "\n".join(s.name for s in value)

    def facet_values(self, value):
        return [s.name for s in value]

    def csv(self, value):
        """Each skill's name, and its framework address in <>, as `catalogue import` reads
        them back: `Reading charts <http://data.europa.eu/esco/skill/...>; Teamwork`."""
        return "; ".join(f"{s['name']} <{s['uri']}>" if s.get("uri") else s["name"] for s in value)


TEXT, TEXT_LIST, CHOICE, CHOICE_LIST = Text(), TextList(), Choice(), ChoiceList()
NUMBER, BOOLEAN, DATE, CURRENCY = Number(), Boolean(), Date(), Currency()
START, URL, SKILLS = Start(), Url(), Skills()
