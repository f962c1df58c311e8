"""An entry as an Open Badges 3.0 Achievement (1EdTech): what an issuer's badge platform
or a learner's wallet reads to know what a badge for this micro-credential stands for."""

from __future__ import annotations

import re

from ..model import Credential
from .registry import Publisher, credential_type, folded

# The contexts of an Open Badges 3.0 document: Verifiable Credentials 2.0, then Open
# Badges' own (1EdTech publishes it at this address).
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def achievement_type(entry: Credential) -> str:
    """The achievementType: one of Open Badges' own, else `ext:` and the words joined."""
    known = credential_type(entry)
    if known:
        return known[0]
    words = re.findall(r"[a-z0-9]+", folded(entry.credential))
    return "ext:" + "".join(word.capitalize() for word in words)


def achievement(entry: Credential, publisher: Publisher, context: bool = True) -> dict:
    """The entry as an Achievement; `context` False leaves out @context (in a list of them)."""
    addresses = publisher.addresses
    issuer = publisher.party(entry.issuer)
    creator = {"id": issuer.url, "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.email:
        creator["email"] = issuer.email
    creator["address"] = {"type": ["Address"], "addressCountryCode": issuer.country}
    data: dict = {"@context": CONTEXT} if context else {}
    data |= {
        "id": addresses.export(entry.slug, "ob3"),
        "type": ["Achievement"],
        "achievementType": achievement_type(entry),
        "name": entry.title,
        "description": entry.summary,
        "criteria": {"id": addresses.entry(entry.slug), "narrative": entry.assessment},
        "creator": creator,
        "inLanguage": entry.language[0],
    }
    alignments = []
    for skill in entry.skills:
        alignment = {
            "type": ["Alignment"],
            "targetType": "ceasn:Competency",
            "targetName": skill.name,
            # a skill without a framework address is described by its page in the catalogue
            "targetUrl": skill.uri or addresses.browse("skills", skill.name),
        }
        if entry.framework and skill.uri:
            alignment["targetFramework"] = entry.framework
        alignments.append(alignment)
    # The larger credentials it stacks into. Not `related`, which Open Badges keeps for "another
    # Achievement that should be considered the same" (a translation, an earlier version).
    for name in entry.stacks_into:
        page = addresses.pathway(name)
        if page:
            alignments.append(
                {
                    "type": ["Alignment"],
                    "targetType": "ceterms:Credential",
                    "targetName": name,
                    "targetUrl": page,
                }
            )
    data["alignment"] = alignments
    if entry.field:
        data["fieldOfStudy"] = entry.field
    data["tag"] = [skill.name for skill in entry.skills]
    return data


def achievements(entries: list[Credential], publisher: Publisher) -> dict:
    """Every entry's Achievement, in one file for bulk loading."""
    return {
        "@context": CONTEXT,
        "achievements": [achievement(e, publisher, context=False) for e in entries],
    }
