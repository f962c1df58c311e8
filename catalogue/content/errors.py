"""The one error type every content problem becomes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# Characters YAML refuses (controls) or counts as line breaks where editors do not
# (U+0085, U+2028, U+2029): in a message, each is written as its escape.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# A file or folder name that is not text: shown with its odd bytes as \xNN, and skipped.
NOT_UTF8 = (
    "name is not valid UTF-8 (each byte that is not is shown as \\xNN): rename it; "
    "it is left out until then"
)


@dataclass(frozen=True)
class ContentError:
    """A problem in a content file, printed compiler-style: `path:line: field: message`."""

    path: str
    line: int
    field: str | None
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        if self.severity == "warning":
            where += "warning: "
        line = f"{where}{self.field}: {self.message}" if self.field else where + self.message
        return one_line(line)  # a file name may hold a line break: the message stays one line


def undecodable(path: str | os.PathLike) -> str | None:
    """`path` as it can be shown, its bytes that are not UTF-8 written as \\xff, if it has
    any (a name from git or a zip made elsewhere); None for a name that is valid text."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    try:  # the bytes on disk: os.fsdecode turned each odd byte into a surrogate
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no byte gives (from JSON, say)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(text: str) -> str:
    """Escape line breaks and control characters a value may bring into a message."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
