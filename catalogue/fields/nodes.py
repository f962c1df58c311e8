"""Reading YAML nodes as the editor wrote them: the shared steps of every field kind.

Front matter is composed into nodes and never constructed by PyYAML, so each kind reads
the text itself and a YAML 1.1 surprise (`no` as false, `012` as 10) is explained
instead of passing silently.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

TAG = "tag:yaml.org,2002:"
KIND_WORDS = {MappingNode: "'key: value' pairs", SequenceNode: "a list"}


class FieldError(Exception):
    """A value that does not fit its field; `node` locates it."""

    def __init__(self, message: str, node: yaml.Node | None = None):
        super().__init__(message)
        self.message = message
        self.node = node


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == TAG + "null"


def keyed(node: MappingNode, allowed: tuple[str, ...], unknown: str):
    """Each (key, key node, value node) of a mapping node, in order. A key not in
    `allowed` is refused, when it is reached, with `unknown`: its `{key}` is the key as
    written ('uri'), or what it is if it is not text (a list)."""
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else None
        if name not in allowed:
            shown = f"'{name}'" if name is not None else KIND_WORDS[type(key)]
            raise FieldError(unknown.format(key=shown), key)
        yield name, key, value


def file_line(node: yaml.Node) -> int:
    """The line of the file a node is on: front matter starts on its second line, after
    the opening '---'."""
    return node.start_mark.line + 2


def text(node: yaml.Node, max_length: int | None = None) -> str:
    """A node as one line of text: never empty, never a YAML boolean by accident."""
    if not isinstance(node, ScalarNode):
        raise FieldError(f"expected text; got {KIND_WORDS[type(node)]}", node)
    if node.tag == TAG + "null":
        raise FieldError("is empty", node)
    if node.tag == TAG + "bool":
        raise FieldError(
            f"YAML reads {node.value} as {bool_word(node.value)}; put the text in "
            f'quotes: "{node.value}"',
            node,
        )
    value = node.value.strip()
    if not value:
        raise FieldError("is empty", node)
    if max_length and len(value) > max_length:
        raise FieldError(f"is {len(value)} characters; at most {max_length} are allowed", node)
    return value


def bool_word(raw: str) -> str:
    return "true" if raw.lower() in ("yes", "y", "true", "on") else "false"


def items(node: yaml.Node, name: str, example: list) -> list[yaml.Node]:
    """The items of a list node. A plain value where a list is expected is refused with
    the list form to write instead: `skills: a, b, c` is not one skill named "a, b, c"."""
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        raise FieldError(f"expected a list; got {KIND_WORDS[MappingNode]}", node)
    shown = node.value.strip()
    parts = [p.strip() for p in shown.split(",") if p.strip()][:3] or [str(v) for v in example[:2]]
    lines = ", ".join(f"'  - {p}'" for p in parts)
    raise FieldError(
        f"expected a list, one item a line: write '{name}:' and then {lines} "
        + ("on lines of their own" if len(parts) > 1 else "on a line of its own")
        + f"; got '{shown[:80]}'",
        node,
    )


def distinct(pairs: list[tuple[object, yaml.Node]], key=lambda value: value) -> list:
    """Return the values in order; a value listed twice is an error (it would count twice)."""
    seen: set = set()
    for value, node in pairs:
        if key(value) in seen:
            raise FieldError(f"lists '{key(value)}' twice; keep one", node)
        seen.add(key(value))
    return [value for value, _ in pairs]


def number_problem(raw: str) -> str | None:
    """What to write instead of `raw` where a number is expected, when it is a number
    written as people write money or big numbers ($1,250.00, 1,200, 012); else None."""
    money = re.fullmatch(r"([$€£]\s*)?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(\s*[$€£])?", raw)
    if money and (money.group(1) or money.group(5)):  # a currency sign: $1,250.00
        plain = raw.strip("$€£ ").replace(",", "")
        comma = " and the comma" if "," in raw else ""
        return (
            f"write the number alone, without the currency sign{comma}: {plain}, not {raw} "
            "(the currency is the `currency` field)"
        )
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        return f"write numbers without separators: {raw.replace(',', '')}, not {raw}"
    if re.fullmatch(r"0\d+(\.\d*)?", raw):
        return (
            f"'{raw}' has a leading zero, which YAML reads as an octal number; "
            f"write {raw.lstrip('0') or '0'}"
        )
    return None
