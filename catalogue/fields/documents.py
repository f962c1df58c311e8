"""Documents derived from the field table: the JSON Schema and the field reference."""

from __future__ import annotations

import datetime as dt
import json

from .kinds import number_label
from .spec import Field
from .table import FIELDS


def _field_schema(f: Field) -> dict:
    return {"description": f.help, **f.kind.schema(f), "examples": [f.example]}


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
        "This page is generated from the field table in `catalogue/fields/builtin.py` by "
        "`catalogue fields`; a test keeps it in step. Each entry is a Markdown file in "
        "`content/credentials/` that starts with these fields between two `---` lines.\n",
        "| field | required | type | what it holds |",
        "|---|---|---|---|",
    ]
    for f in FIELDS:
        kind = f.kind.words
        if f.choices:
            kind += " " + ", ".join(f"`{c}`" for c in f.choices)
        if f.pattern_words:
            kind += f": {f.pattern_words}"
        elif f.max_length:
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
