"""Reading site.toml so that one mistake costs one setting, not the whole file.

`tomllib` stops at the first mistake and gives nothing. Here the line it names is left
out and the rest read again (a few times at most), so a value written without quotes
(`brand = #7a1f5c`) loses that value only; the message says how to write it.
"""

from __future__ import annotations

import json
import re
import tomllib

from .errors import ContentError

MAX_SKIPPED = 5  # lines left out before giving up on the file (then: the defaults)
SETTING = re.compile(r"\s*([A-Za-z0-9_.\"'-]+)\s*=\s*(.*?)\s*$")
# What TOML takes without quotes: numbers, booleans, dates, arrays, tables, strings.
BARE_OK = re.compile(
    r"""["'\[{]|[+-]?(\d[\d_]*(\.\d+)?([eE][+-]?\d+)?|inf|nan)$|true$|false$|\d{4}-\d\d-\d\d"""
)


def toml_line(message: str) -> int:
    """The line tomllib names in `message` ("... (at line 3, column 7)"), else 1."""
    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else 1


def quote_hint(line: str) -> str:
    """ "; put the value in quotes: key = \"value\"" when `line` sets a value TOML reads
    only in quotes (a colour, a name, a code), else ""."""
    found = SETTING.match(line)
    if not found:
        return ""
    key, value = found.groups()
    if not value or BARE_OK.match(value):
        return ""
    return f"; put the value in quotes: {key} = {json.dumps(value, ensure_ascii=False)}"


def read_toml(text: str, path: str, errors: list[ContentError]) -> tuple[dict, bool]:
    """The settings in `text`, with each line TOML cannot read left out and reported in
    `errors`; and whether the whole file was read."""
    lines = text.splitlines()
    skipped: set[int] = set()
    while True:
        kept = "\n".join("" if i + 1 in skipped else line for i, line in enumerate(lines))
        try:
            return tomllib.loads(kept), not skipped
        except tomllib.TOMLDecodeError as exc:
            line = toml_line(str(exc))
            if line in skipped or len(skipped) >= MAX_SKIPPED or not 0 < line <= len(lines):
                errors.append(
                    ContentError(path, line, None, "cannot read the rest of the settings; "
                                 "the defaults are used until it is fixed")
                )  # fmt: skip
                return {}, False
            skipped.add(line)
            hint = quote_hint(lines[line - 1])
            errors.append(ContentError(path, line, None, f"cannot read settings: {exc}{hint}"))


def table_line(text: str, name: str) -> int:
    """The line where the top-level `name` is first set: its `[name]` header, or a dotted
    `name.key = ...`, or `name = ...`; else 1."""
    pattern = re.compile(rf"\s*(\[+\s*{re.escape(name)}\s*[.\]]|{re.escape(name)}\s*[.=])")
    lines = text.splitlines()
    return next((i + 1 for i, line in enumerate(lines) if pattern.match(line)), 1)
