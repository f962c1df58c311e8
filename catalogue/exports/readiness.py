"""What the registry exports would fill in or leave out, as `catalogue check` warnings at
the file and line that can say more: an export never writes a value it cannot carry."""

from __future__ import annotations

from ..content import Catalogue, ContentError
from .registry import CREDENTIAL_TYPES, folded

KNOWN_CREDENTIALS = ", ".join(sorted({words for words in CREDENTIAL_TYPES if words.isascii()}))


def registry_warnings(catalogue: Catalogue) -> list[ContentError]:
    """Warnings for every published entry, and once per organisation the entries name."""
    site = catalogue.site
    warnings = []
    seen: set[str] = set()
    for entry in catalogue.published():
        line = entry.lines.get
        if entry.credential and folded(entry.credential) not in CREDENTIAL_TYPES:
            warnings.append(
                ContentError(
                    entry.path,
                    line("credential", 1),
                    "credential",
                    f"the registries have no kind of credential called '{entry.credential}'; "
                    "Open Badges gets it as an ext: type and CTDL as MicroCredential (known: "
                    f"{KNOWN_CREDENTIALS})",
                    "warning",
                )
            )
        named = [("issuer", entry.issuer)] + [("partners", p) for p in entry.partners]
        for field, name in named:
            if name in seen:
                continue
            seen.add(name)
            known = site.organisations.get(name)
            missing = [key for key in ("url", "country") if not known or not getattr(known, key)]
            if missing:
                warnings.append(
                    ContentError(
                        entry.path,
                        line(field, 1),
                        field,
                        f"site.toml has no {' or '.join(missing)} for '{name}' in "
                        f'[organisations."{name}"]; registry exports give '
                        + " and ".join(
                            FALLBACKS[key].format(country=site.country) for key in missing
                        ),
                        "warning",
                    )
                )
    return warnings


FALLBACKS = {
    "url": "its page in this catalogue as its address",
    "country": "the site's country ({country})",
}
