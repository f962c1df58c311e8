"""What registries need to know of an issuer or partner: `[organisations."Name"]` tables
in site.toml, each with a web address, a country, an e-mail address and a CTID."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields

from ..fields import CTID
from .countries import ALPHA3
from .errors import ContentError


@dataclass(frozen=True)
class Organisation:
    """An issuer or partner as the registry exports describe it. Empty strings are what
    site.toml leaves out; the exports then fall back (see docs/registries.md)."""

    name: str
    url: str = ""  # its own web site
    country: str = ""  # ISO 3166 two-letter code, upper case
    email: str = ""
    ctid: str = ""  # its Credential Engine identifier, once registered


KEYS = tuple(f.name for f in fields(Organisation) if f.name != "name")
# Each key: what a value must match, and how the error names it.
FORMS = {
    "url": (r"https?://[^\s/]+(/\S*)?", "an http or https address"),
    "country": (r"[A-Za-z]{2}", "an ISO 3166 two-letter country code such as CA"),
    "email": (r"[^@\s]+@[^@\s]+\.[^@\s]+", "an e-mail address"),
    "ctid": (CTID, "ce- and a UUID in lower case"),
}


def _lines(text: str, name: str) -> tuple[int, dict[str, int]]:
    """The line of the `[organisations."name"]` header and of each key set under it."""
    header = re.compile(r'\s*\[\s*organisations\s*\.\s*(?:"(.*)"|\'(.*)\'|([\w-]+))\s*\]')
    lines = text.splitlines()
    start, keys = 0, {}
    for number, line in enumerate(lines, 1):
        found = header.match(line)
        if found and name in found.groups():
            start = number
            continue
        if start and line.lstrip().startswith("["):
            break
        if start and "=" in line:
            keys.setdefault(line.split("=", 1)[0].strip(), number)
    return start or 1, keys


def load_organisations(value, path: str, text: str, errors: list[ContentError]):
    """The `organisations` tables of site.toml by name; problems go into `errors`."""
    if not isinstance(value, dict):
        errors.append(
            ContentError(path, 1, "organisations", 'expected [organisations."Name"] tables')
        )
        return {}
    found = {}
    for name, table in value.items():
        start, lines = _lines(text, name)
        where = f"organisations.{name}"
        if not isinstance(table, dict):
            errors.append(
                ContentError(path, start, where, "expected a table of url, country, email, ctid")
            )
            continue
        kept = {}
        for key, setting in table.items():
            line = lines.get(key, start)
            if key not in KEYS:
                hint = difflib.get_close_matches(key, KEYS, n=1)
                extra = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(KEYS)}"
                errors.append(
                    ContentError(path, line, f"{where}.{key}", f"unknown setting; {extra}")
                )
                continue
            pattern, words = FORMS[key]
            ok = isinstance(setting, str) and re.fullmatch(pattern, setting.strip())
            if ok and key == "country" and setting.strip().upper() not in ALPHA3:
                ok = False
            if not ok:
                errors.append(
                    ContentError(path, line, f"{where}.{key}", f"expected {words}; got {setting!r}")
                )
                continue
            kept[key] = setting.strip().upper() if key == "country" else setting.strip()
        found[name] = Organisation(name, **kept)
    return found
