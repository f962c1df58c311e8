"""Site settings from `site.toml` in the content folder."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import ContentError


@dataclass(frozen=True)
class Policy:
    """Framework-check thresholds; an institution sets its own in `[policy]`."""

    min_hours: float = 5
    max_hours: float = 300
    max_weeks: float = 11
    require_partner: bool = True
    require_framework: bool = True
    min_assessment_words: int = 8


@dataclass(frozen=True)
class Site:
    name: str = "Micro-credential catalogue"
    tagline: str = "Short, assessed, industry-endorsed learning."
    organisation: str = ""
    base_url: str = ""
    notice: str = ""
    currency: str = "CAD"
    language: str = "en"
    policy: Policy = field(default_factory=Policy)


def _known(cls) -> dict[str, type]:
    return {f.name: f.type for f in fields(cls)}


def _check_table(table: dict, cls, where: str, path: str, errors: list) -> dict:
    """Keep the keys of `table` that `cls` knows and have the right type; report the rest."""
    kept = {}
    known = [f.name for f in fields(cls) if f.name != "policy"]
    defaults = cls()
    for key, value in table.items():
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(known)}"
            errors.append(ContentError(path, 1, f"{where}{key}", f"unknown setting{extra}"))
            continue
        expected = type(getattr(defaults, key))
        ok = isinstance(value, expected) or (expected is float and isinstance(value, int))
        if isinstance(value, bool) and expected is not bool:
            ok = False
        if not ok:
            errors.append(
                ContentError(
                    path, 1, f"{where}{key}", f"expected {expected.__name__}; got {value!r}"
                )
            )
            continue
        kept[key] = value
    return kept


def load_site(content_dir: Path, errors: list[ContentError]) -> Site:
    """Read `site.toml`; report problems into `errors` and fall back to defaults."""
    path = content_dir / "site.toml"
    if not path.exists():
        return Site()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None) or _toml_line(str(exc))
        errors.append(ContentError(str(path), line, None, f"cannot read settings: {exc}"))
        return Site()
    policy_table = data.pop("policy", {})
    if not isinstance(policy_table, dict):
        errors.append(ContentError(str(path), 1, "policy", "expected a [policy] table"))
        policy_table = {}
    site = _check_table(data, Site, "", str(path), errors)
    policy = _check_table(policy_table, Policy, "policy.", str(path), errors)
    return Site(**site, policy=Policy(**policy))


def _toml_line(message: str) -> int:
    # tomllib says "... (at line 3, column 7)"
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
        if digits.isdigit():
            return int(digits)
    return 1
