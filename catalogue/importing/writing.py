"""An imported row as an entry file: a new file's text, or an existing file changed by line
edits that leave every other byte as it was (the body, comments, key order, the fields
the row does not change)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode

from ..content import parse_front_matter
from ..fields import FIELDS, FIELDS_BY_NAME
from ..fields.documents import yaml_value

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT = re.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?\r?\n)?(---[ \t]*(?:\r?\n|\Z))", re.S)


PLAIN = re.compile(r"[\w(][^\n\"'`{}\[\]|>&*!%@]*")


def field_yaml(name: str, value) -> str:
    """One field as an editor would write it: text unquoted where YAML reads it back as the
    same text, quoted otherwise; one item a line; a list of one language as the language."""
    value = written(name, value)
    if name == "language" and isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, list):
        return f"{name}:\n" + "".join(f"  - {field_yaml('', v)[2:]}" for v in value)
    if isinstance(value, dict):  # a list item: {code, name} or {name, uri}
        pairs = [field_yaml(k, str(v)) for k, v in value.items()]
        return "  " + "    ".join(pairs)
    plain = isinstance(value, str) and PLAIN.fullmatch(value) and value == value.strip()
    if plain and ": " not in value and " #" not in value and not value.endswith(":"):
        try:
            same = yaml.load(value, Loader=_Loader) == value
        except yaml.YAMLError:
            same = False
        if same:
            return f"{name}: {value}\n"
    return yaml_value(name, value)


def new_text(values: dict, body: str | None, draft: bool) -> str:
    """A new entry's file: the fields in the table's order, then the body."""
    lines = ["---\n"]
    for f in FIELDS:
        if f.name in values:
            lines.append(field_yaml(f.name, values[f.name]))
    if draft:
        lines.append("draft: true\n")
    lines.append("---\n")
    if body:
        lines.append("\n" + body.strip("\n") + "\n")
    return "".join(lines)


def written(name: str, value):
    """A value as yaml_value writes it: a number as its field writes it (40, not 40.0)."""
    return FIELDS_BY_NAME[name].kind.written(value) if isinstance(value, float) else value


def comparable(text: str) -> dict:
    """The fields of front-matter text as the JSON API gives them."""
    values, _ = parse_front_matter(text, "", 2)
    values = values or {}
    return {
        name: FIELDS_BY_NAME[name].kind.json(value)
        for name, value in values.items()
        if name in FIELDS_BY_NAME
    }


@dataclass
class Change:
    name: str
    before: object
    after: object


def split(text: str) -> tuple[str, str, str, str] | None:
    """(opening line, front matter, closing line, body) of an entry file, or None."""
    found = FRONT.match(text)
    if not found:
        return None
    return found.group(1), found.group(2) or "", found.group(3), text[found.end() :]


def changes(text: str, values: dict, body: str | None, present: set[str]) -> list[Change]:
    """What the row changes in the file: fields whose cell differs, fields whose cell is
    empty in a column the sheet has (removed, unless required), and the body."""
    parts = split(text)
    if parts is None:
        return []
    _, front, _, old_body = parts
    before = comparable(front)
    after = comparable("".join(field_yaml(n, v) for n, v in values.items()))
    found = []
    for f in FIELDS:
        if f.name in after and after[f.name] != before.get(f.name):
            found.append(Change(f.name, before.get(f.name), after[f.name]))
        elif f.name in present and f.name not in values and f.name in before and not f.required:
            found.append(Change(f.name, before[f.name], None))
    if body is not None and body.strip() != old_body.strip():
        found.append(Change("body", "…", "…"))
    return found


def updated_text(text: str, values: dict, body: str | None, edits: list[Change]) -> str:
    """`text` with each change made by a line edit, every other byte kept."""
    opening, front, closing, old_body = split(text)
    spans = _spans(front)
    pieces: list[tuple[int, int, str]] = []  # (start, end, replacement) in `front`
    added = []
    for change in edits:
        if change.name == "body":
            continue
        if change.name in spans:
            start, end = spans[change.name]
            if change.after is None:  # the whole lines go
                end = front.find("\n", end) + 1 or len(front)
                start = front.rfind("\n", 0, start) + 1
                pieces.append((start, end, ""))
            else:
                line = field_yaml(change.name, values[change.name])
                pieces.append((start, end, line.rstrip("\n")))
        elif change.after is not None:
            added.append(field_yaml(change.name, values[change.name]))
    for start, end, replacement in sorted(pieces, reverse=True):
        front = front[:start] + replacement + front[end:]
    if added:
        newline = "" if not front or front.endswith("\n") else "\n"
        front += newline + "".join(added)
    if body is not None and any(c.name == "body" for c in edits):
        old_body = "\n" + body.strip("\n") + "\n"
    return opening + front + closing + old_body


def _spans(front: str) -> dict[str, tuple[int, int]]:
    """Each top-level field's span in `front`: from its key to the end of its value's last
    line of content (trailing comment lines and blank lines are not the value's)."""
    root = yaml.compose(front, Loader=_Loader)
    spans: dict[str, tuple[int, int]] = {}
    if not isinstance(root, MappingNode):
        return spans
    for key, value in root.value:
        if not isinstance(key, ScalarNode):
            continue
        start, end = key.start_mark.index, value.end_mark.index
        tail = front[start:end]
        kept = tail.rstrip()
        lines = kept.split("\n")
        while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
            lines.pop()
        spans[key.value] = (start, start + len("\n".join(lines).rstrip()))
    return spans
