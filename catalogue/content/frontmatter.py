"""Front matter: YAML text to checked field values, every problem located.

The YAML is composed into nodes and never constructed by PyYAML: each field's kind
(catalogue/fields/kinds.py) reads the text the editor wrote, so YAML 1.1 surprises (`no`
as false, `012` as 10, impossible dates) are caught and explained instead of passing
silently or raising. Aliases and deep nesting are refused before anything is read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..fields import FIELDS, FIELDS_BY_NAME, Field, FieldError
from ..fields.nodes import KIND_WORDS as _KIND_WORDS
from ..fields.nodes import TAG as _TAG
from .errors import ContentError
from .errors import one_line as _one_line

MAX_DEPTH = 20
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOO_DEEP = f"lists nested more than {MAX_DEPTH} deep; look for a stray '[' or '{{'"
ALIASES = (
    "anchors and aliases (& and *) are not allowed in front matter; "
    "put text that starts with & or * in quotes"
)
_ODD_CHAR = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse_front_matter(
    front: str, where: str, offset: int, table: Sequence[Field] = FIELDS
) -> tuple[dict | None, list[ContentError]]:
    """Convert front-matter text to field values; line numbers are shifted by `offset`.
    `table` is the fields a file of this kind has (an entry's by default)."""
    problems: list[ContentError] = []
    by_name = FIELDS_BY_NAME if table is FIELDS else {f.name: f for f in table}

    def line_of(node: yaml.Node | None) -> int:
        return node.start_mark.line + offset if node is not None else offset - 1

    odd = _ODD_CHAR.search(front)
    if odd:
        return None, [
            ContentError(
                where,
                front[: odd.start()].count("\n") + offset,
                None,
                f"an invisible or control character (U+{ord(odd.group()):04X}); delete it",
            )
        ]
    try:
        deep = _too_deep(front)
        root = None if deep else yaml.compose(front, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line, message = _yaml_problem(exc, front)
        return None, [
            ContentError(where, offset - 1 if line is None else line + offset, None, message)
        ]
    except RecursionError:
        return None, [ContentError(where, offset - 1, None, TOO_DEEP)]
    except yaml.YAMLError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [
            ContentError(where, offset - 1, None, f"front matter is not valid YAML: {message}")
        ]
    if deep:
        return None, [ContentError(where, line_of(deep), None, TOO_DEEP)]
    if root is None:
        return None, [
            ContentError(
                where,
                offset - 1,
                None,
                "front matter is empty; required fields: "
                + ", ".join(f.name for f in table if f.required),
            )
        ]
    if not isinstance(root, MappingNode):
        got = _KIND_WORDS.get(type(root), "text")
        return None, [
            ContentError(
                where, line_of(root), None, f"front matter must be 'field: value' lines; got {got}"
            )
        ]
    shape = _shape_problem(root)
    if shape:
        node, message = shape
        return None, [ContentError(where, line_of(node), None, message)]

    values: dict = {}
    lines: dict[str, int] = {}
    hinted: set[str] = set()
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or key_node.tag != _TAG + "str":
            problems.append(
                ContentError(where, line_of(key_node), None, "a field name must be plain text")
            )
            continue
        if key in lines:
            problems.append(
                ContentError(
                    where,
                    line_of(key_node),
                    _one_line(key),
                    f"appears twice (first on line {lines[key]}); keep one",
                )
            )
            continue
        lines[key] = line_of(key_node)
        spec = by_name.get(key)
        if spec is None:
            hint = difflib.get_close_matches(key, by_name, n=1, cutoff=0.6)
            hinted.update(hint)
            problems.append(
                ContentError(
                    where,
                    line_of(key_node),
                    _one_line(key),
                    "unknown field"
                    + (f"; did you mean '{hint[0]}'?" if hint else "; see docs/fields.md"),
                )
            )
            continue
        try:
            values[key] = spec.kind.convert(value_node, spec)
        except FieldError as exc:
            problems.append(
                ContentError(where, line_of(exc.node or value_node), key, _one_line(exc.message))
            )
    for spec in table:
        if spec.required and spec.name not in lines and spec.name not in hinted:
            problems.append(ContentError(where, offset - 1, spec.name, "required field is missing"))
    values["_lines"] = lines
    return values, problems


def _too_deep(front: str) -> yaml.Event | None:
    """Return the event that nests past MAX_DEPTH, reading events only.

    libyaml's composer recurses in C: some 25,000 nested '[' (well inside the size
    limit) crash the whole process, so depth is checked before anything is composed.
    """
    depth = 0
    for event in yaml.parse(front, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError, front: str) -> tuple[int | None, str]:
    """Return the line (0-based, in `front`) an editor should look at, and what to do."""
    context = exc.context or ""
    problem = exc.problem or context or "cannot be read"
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else None
    lines = front.split("\n")
    text = lines[line] if line is not None and line < len(lines) else ""
    if "quoted scalar" in context and exc.context_mark:
        return exc.context_mark.line, "a quote opened on this line is never closed; close it"
    if "tab" in problem or "\t" in text[: len(text) - len(text.lstrip())]:
        return line, "a tab character; YAML needs spaces for indentation"
    ends = [i for i, text in enumerate(lines[: (line or 0) + 1]) if text.rstrip() == "..."]
    if ends or "expected a single document" in context:
        return (ends[0] if ends else line), (
            "a second YAML document; the front matter must be one block of fields: "
            "delete the '...' or '---' line"
        )
    if "alias" in problem + context or "anchor" in context:
        return line, ALIASES
    if "nesting depth" in problem:  # libyaml's own limit, met while scanning ahead (6.0.4+)
        return line, TOO_DEEP
    return line, (
        f"front matter is not valid YAML: {problem}; check the indentation, and put text "
        "that contains ': ' or starts with @ * & ` % [ { in quotes"
    )


def _shape_problem(root: yaml.Node) -> tuple[yaml.Node, str] | None:
    """Refuse aliases (repeated nodes) and deep nesting before any value is read."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return node, ALIASES
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return node, TOO_DEEP
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
    return None
