"""The one error type every content problem becomes."""

from __future__ import annotations

from dataclasses import dataclass


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
