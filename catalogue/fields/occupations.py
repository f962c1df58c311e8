"""Occupations: the careers an entry prepares for, as text or as {code, name} where the
code comes from the site's occupation scheme (site.toml `occupation_scheme`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.nodes import MappingNode

from .kinds import Kind
from .nodes import FieldError, distinct, file_line, is_null, items, keyed, text
from .widgets import text_or_objects

# Each scheme: what a code looks like, and an example for the message when it does not.
OCCUPATION_SCHEMES = {
    "NOC 2021": (r"\d{5}", "five digits, such as 72106"),
    "ISCO-08": (r"\d{4}", "four digits, such as 7212"),
    "O*NET-SOC 2019": (r"\d{2}-\d{4}\.\d{2}", "such as 49-3023.00"),
    "SOC 2018": (r"\d{2}-\d{4}", "such as 49-3023"),
}


@dataclass(frozen=True)
class Occupation:
    name: str
    code: str | None = None
    line: int = field(default=0, compare=False, repr=False)  # where it is written


def code_problem(occupation: Occupation, scheme: str) -> str | None:
    """What is wrong with an occupation's code in `scheme`, or None."""
    pattern, example = OCCUPATION_SCHEMES[scheme]
    if occupation.code is None or re.fullmatch(pattern, occupation.code):
        return None
    return f"code '{occupation.code}' of '{occupation.name}' is not a {scheme} code ({example})"


class Occupations(Kind):
    """Careers: text, or {code, name} with a code in the site's occupation scheme."""

    words = "list of text or {code, name}"
    many = True

    def convert(self, node, field):
        found: list[tuple[Occupation, object]] = []
        if is_null(node):
            return []
        for item in items(node, field.name, field.example):
            if isinstance(item, MappingNode):
                unknown = "unknown key {key}; an occupation has code and name"
                parts = {name: value for name, _, value in keyed(item, ("code", "name"), unknown)}
                if "name" not in parts:
                    raise FieldError("an occupation needs a name", item)
                code = text(parts["code"], 20) if "code" in parts else None
                where = parts.get("code", item)  # a wrong code's line
                occupation = Occupation(text(parts["name"], 200), code, file_line(where))
            else:
                occupation = Occupation(text(item, 200), None, file_line(item))
            found.append((occupation, item))
        return distinct(found, key=lambda occupation: occupation.name)

    def schema(self, field):
        one = {"type": "string", "minLength": 1}
        pair = {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": one, "code": one},
        }
        return {"type": "array", "items": {"oneOf": [one, pair]}}

    def json(self, value):
        return [{"name": o.name, "code": o.code} if o.code else o.name for o in value]

    def csv(self, value):
        return "; ".join(f"{o['code']} {o['name']}" if isinstance(o, dict) else o for o in value)

    def index_text(self, value):
        return "\n".join(o.name for o in value)

    def facet_values(self, value):
        return [o.name for o in value]

    def widget(self, field):
        """The editor's list of careers, each a name and an optional code."""
        return text_or_objects(
            {
                "name": "code",
                "label": "Code",
                "widget": "string",
                "required": False,
                "hint": "In the site's occupation scheme (NOC 2021: five digits).",
            }
        )

    def answer(self, typed):
        return [Occupation(item.strip()) for item in typed.split(",") if item.strip()]

    def written(self, value):
        return [o.name for o in value]


OCCUPATIONS = Occupations()
