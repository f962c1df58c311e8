"""Documents derived from the field table: the JSON Schema and the field reference."""

from __future__ import annotations

import datetime as dt
import json

from .model import FIELDS, Field, number_label

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_URL = {"type": "string", "pattern": "^https?://", "format": "uri"}


def _field_schema(f: Field) -> dict:
    if f.kind == "text":
        schema = {"type": "string", "minLength": 1}
        if f.max_length:
            schema["maxLength"] = f.max_length
    elif f.kind == "text-list":
        schema = {"type": "array", "items": {"type": "string", "minLength": 1}}
    elif f.kind == "choice":
        schema = {"enum": list(f.choices)}
    elif f.kind == "number":
        schema = {"type": "number"}
        if f.minimum is not None:
            schema["exclusiveMinimum" if f.exclusive_minimum else "minimum"] = f.minimum
    elif f.kind == "bool":
        schema = {"type": "boolean"}
    elif f.kind == "date":
        schema = dict(_DATE)
    elif f.kind == "currency":
        schema = {"type": "string", "pattern": "^[A-Z]{3}$"}
    elif f.kind == "start":
        schema = {
            "oneOf": [{"const": "on-demand"}, {"type": "array", "items": _DATE, "minItems": 1}]
        }
    elif f.kind == "language":
        schema = {
            "oneOf": [
                {"enum": list(f.choices)},
                {"type": "array", "items": {"enum": list(f.choices)}, "minItems": 1},
            ]
        }
    elif f.kind == "url":
        schema = dict(_URL)
    elif f.kind == "skills":
        skill = {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1}, "uri": _URL},
        }
        schema = {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [{"type": "string", "minLength": 1}, skill]},
        }
    else:  # a new kind must be described here before it can ship
        raise ValueError(f"no JSON Schema for field kind {f.kind!r}")
    return {"description": f.help, **schema, "examples": [f.example]}


def json_schema() -> dict:
    """Return the JSON Schema of an entry's front matter.

    Draft-07: editors' validators (Ajv's default, which remark-lint-frontmatter-schema
    uses) refuse a 2020-12 schema outright, and nothing here needs a later draft.
    """
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Micro-credential entry front matter",
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in FIELDS if f.required],
        "properties": {f.name: _field_schema(f) for f in FIELDS},
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


_KIND_TEXT = {
    "text": "text",
    "text-list": "list of text",
    "choice": "one of",
    "number": "number",
    "bool": "true or false",
    "date": "date (YYYY-MM-DD)",
    "currency": "ISO 4217 code",
    "start": "`on-demand` or a list of dates",
    "language": "language code or a list",
    "url": "http(s) address",
    "skills": "list of text or {name, uri}",
}


def _example_yaml(f: Field) -> str:
    value = f.example
    if isinstance(value, list):
        return f"{f.name}:\n" + "".join(f"  - {item}\n" for item in value)
    if isinstance(value, bool):
        return f"{f.name}: {'true' if value else 'false'}\n"
    return f"{f.name}: {value}\n"


def fields_markdown() -> str:
    """Return the field reference for editors (docs/fields.md)."""
    out = [
        "# Entry fields\n",
        "This page is generated from the field table in `catalogue/model.py` by "
        "`catalogue fields`; a test keeps it in step. Each entry is a Markdown file in "
        "`content/credentials/` that starts with these fields between two `---` lines.\n",
        "| field | required | type | what it holds |",
        "|---|---|---|---|",
    ]
    for f in FIELDS:
        kind = _KIND_TEXT[f.kind]
        if f.choices:
            kind += " " + ", ".join(f"`{c}`" for c in f.choices)
        if f.max_length:
            kind += f", at most {f.max_length} characters"
        out.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {kind} | {f.help} |")
    out.append("")
    for f in FIELDS:
        out += [
            f"## `{f.name}`\n",
            f.help + ("" if not f.required else " Required."),
            "",
            "```yaml",
            _example_yaml(f).rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(out)


def yaml_value(name: str, value) -> str:
    """One front-matter field as YAML: strings quoted (nothing in them can be misread),
    lists one item a line."""
    if isinstance(value, list):
        return f"{name}:\n" + "".join(f"  - {yaml_value('', v)[2:]}" for v in value)
    if isinstance(value, bool):
        return f"{name}: {'true' if value else 'false'}\n"
    if isinstance(value, dt.date):
        return f"{name}: {value.isoformat()}\n"
    if isinstance(value, int | float):
        return f"{name}: {number_label(value)}\n"
    return f"{name}: {json.dumps(str(value), ensure_ascii=False)}\n"


def new_entry_text(title: str, values: dict | None = None) -> str:
    """Return a new entry: the title and any given `values` filled in, the other required
    fields empty (so `catalogue check` names them), the rest commented with examples."""
    values = {"title": title, **(values or {})}
    lines = ["---"]
    for f in FIELDS:
        if f.name == "draft":
            continue
        if f.name in values:
            if f.name != "title":
                lines.append(f"# {f.help}")
            lines += yaml_value(f.name, values[f.name]).rstrip("\n").splitlines()
            continue
        lines.append(f"# {f.help}{' (required)' if f.required else ''}")
        example = _example_yaml(f).rstrip("\n")
        if f.required:
            lines.append(f"{f.name}:")
            lines += [f"#   e.g. {line}" for line in example.splitlines()]
        else:
            lines += [f"# {line}" for line in example.splitlines()]
    lines += [
        "# Drafts are not published; delete this line when the entry is ready.",
        "draft: true",
        "---",
        "",
        "<!-- The description for learners, in Markdown: who it is for, what they will",
        "     learn, how they are assessed. This comment is not published. -->",
        "",
    ]
    return "\n".join(lines)
