"""The one error type every content problem becomes."""

from __future__ import annotations

import os
from dataclasses import dataclass

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
        return f"{where}{self.field}: {self.message}" if self.field else where + self.message


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
