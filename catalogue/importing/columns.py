"""Which field each column of a spreadsheet fills.

A header names a field by the field's name (`assessment_type` or `assessment type`), by
its label in English or French (`Delivery mode`, `Mode de prestation`), by a column of
Credential Engine's bulk-upload templates (`Learning Opportunity Name`, `Subject
Webpage`), or by the `[columns]` of a map file; case, accents and punctuation are
ignored. Columns that name nothing are reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..content.slugs import sort_key
from ..exports.workbook import HEADINGS
from ..fields import FIELDS
from ..i18n import interface_languages, translations

# Extra columns: the slug, and the description (the Markdown body).
SLUG, BODY = "slug", "body"

# Credential Engine's bulk-upload template columns (as its publisher's CSV templates and
# its course-crawler's export name them), for the fields they carry.
CREDENTIAL_ENGINE = {
    "ctid": "ctid",
    "external identifier": SLUG,
    "learning opportunity name": "title",
    "credential name": "title",
    "name": "title",
    "description": BODY,
    "subject webpage": "url",
    "in catalog": "url",
    "available online at": "url",
    "language": "language",
    "offered by": "issuer",
    "owned by": "issuer",
    "delivery type": "delivery",
    "subjects": "skills",
    "keywords": "skills",
    "occupation type": "occupations",
    "occupations": "occupations",
    "estimated cost": "cost",
    "cost": "cost",
    "estimated duration": "weeks",
    "credential type": "credential",
    "learning type": None,  # Course / Learning Program: nothing of ours
    "life cycle status type": None,
    "uploadcomments": None,
}
# What people call the body in their own sheets.
BODY_HEADERS = ("body", "description", "long description", "details", "markdown")
# Common names of the fields the interface shows without a label of their own.
ALIASES = {
    "titre": "title", "nom": "title", "program name": "title", "programme": "title",
    "resume": "summary", "sommaire": "summary", "short description": "summary",
    "emetteur": "issuer", "etablissement": "issuer", "institution": "issuer",
    "fee": "cost", "fees": "cost", "price": "cost", "prix": "cost", "frais": "cost",
    "tuition": "cost", "duration weeks": "weeks", "duree semaines": "weeks",
    "website": "url", "link": "url", "lien": "url", "site web": "url",
}  # fmt: skip


def folded(header: str) -> str:
    """A header as it is compared: lower case, no accents, words separated by one space."""
    return " ".join(_NOT_WORD.sub(" ", sort_key(str(header))).split())


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def field_names(fields: Iterable = FIELDS) -> dict[str, str]:
    """Every spelling of every field a header may use: {folded header: field name}."""
    names: dict[str, str] = {}
    for lang in ("en", *interface_languages()):
        gettext = translations(lang).gettext
        for f in fields:
            labels = [f.label] if f.label else []
            if f.facet is not None:
                labels.append(f.facet.label)
            for label in labels:
                names.setdefault(folded(gettext(label)), f.name)
        for name, label in HEADINGS.items():  # credentials.xlsx's headings
            names.setdefault(folded(gettext(label)), name)
    for f in fields:  # a field's own name wins over another's label
        names[folded(f.name)] = f.name
    names[SLUG] = SLUG
    for header, name in ALIASES.items():
        names.setdefault(header, name)
    for header in BODY_HEADERS:
        names.setdefault(folded(header), BODY)
    return names


def match_headers(
    headers: list[str], mapped: Mapping[str, str], fields: Iterable = FIELDS
) -> tuple[dict[int, str], list[str]]:
    """The field each column fills ({column index: field}) and the headers that fill none.
    A map's `[columns]` come first, then the field table, then Credential Engine's
    columns; of two columns naming one field, the first is read and the second reported."""
    known = field_names(fields)
    by_map = {folded(k): v for k, v in mapped.items()}
    taken: dict[int, str] = {}
    unmatched: list[str] = []
    used: set[str] = set()
    for index, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        key = folded(header)
        name = by_map.get(key) or known.get(key)
        if name is None and key in CREDENTIAL_ENGINE:
            name = CREDENTIAL_ENGINE[key]
            if name is None:
                unmatched.append(str(header))
                continue
        if name is None or name in used:
            unmatched.append(str(header) + (" (a second column for one field)" if name else ""))
            continue
        used.add(name)
        taken[index] = name
    return taken, unmatched


def header_row(rows: list[list], mapped: Mapping[str, str], look: int = 10) -> int | None:
    """The index of the header row: the first of the first `look` rows in which at least
    two cells name a field (a title row merged above the headers is passed over)."""
    for index, row in enumerate(rows[:look]):
        texts = [c.value for c in row if isinstance(c.value, str) and c.value.strip()]
        taken, _ = match_headers(texts, mapped)
        if len(taken) >= 2:
            return index
    return None
