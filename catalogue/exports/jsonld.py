"""schema.org data for search engines: a Course on each entry page, an ItemList on search
and browse pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from markupsafe import Markup

from ..fields import number_label
from ..model import Credential
from .registry import Publisher

COURSE_MODES = {"in-person": "Onsite", "online": "Online", "hybrid": "Blended"}


def script_json(data: dict) -> Markup:
    """`data` as JSON safe to embed in a script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</" and "<!--" could end the element early.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def course_instances(e: Credential) -> list[dict]:
    """One CourseInstance per start date (ending `weeks` later), or one for on demand."""
    common = {
        "@type": "CourseInstance",
        "courseMode": COURSE_MODES[e.delivery],
        "courseWorkload": f"PT{number_label(e.hours)}H",
    }
    if e.location:
        common["location"] = e.location
    if e.on_demand:
        return [common]
    days = dt.timedelta(days=round(e.weeks * 7))
    return [
        {**common, "startDate": start.isoformat(), "endDate": (start + days).isoformat()}
        for start in e.start
    ]


def organization(name: str, url: str) -> dict:
    return {"@type": "EducationalOrganization", "name": name, "url": url}


def course(e: Credential, publisher: Publisher) -> dict:
    """The entry as a schema.org Course."""
    issuer = publisher.party(e.issuer)
    awarded = {
        "@type": "EducationalOccupationalCredential",
        "name": e.title,
        "credentialCategory": e.credential or "micro-credential",
        "competencyRequired": [s.uri or s.name for s in e.skills],
    }
    if e.partners:
        parties = [publisher.party(p, "partners") for p in e.partners]
        awarded["recognizedBy"] = [
            {"@type": "Organization", "name": p.name, "url": p.url} for p in parties
        ]
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": e.title,
        "description": e.summary,
        "provider": organization(issuer.name, issuer.url),
        "inLanguage": e.language,
        "teaches": [s.name for s in e.skills],
        "hasCourseInstance": course_instances(e),
        "offers": {
            "@type": "Offer",
            "price": number_label(e.cost),
            "priceCurrency": e.currency,
            "category": "Free" if e.cost == 0 else "Paid",
        },
        "educationalCredentialAwarded": awarded,
    }
    if e.url:
        data["url"] = e.url
    if e.level:
        data["educationalLevel"] = e.level
    return data


def course_jsonld(e: Credential, publisher: Publisher) -> Markup:
    """schema.org Course data for an entry, safe to embed in a script element."""
    return script_json(course(e, publisher))


def item_list(
    entries: list[Credential], first: int, total: int, url: Callable[[str], str]
) -> Markup:
    """An ItemList of a page of results: each entry's address (`url` of its slug) at its
    place in the whole list (`first` is the place of the page's first entry, from 1)."""
    return script_json(
        {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "numberOfItems": total,
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": first + i,
                    "url": url(e.slug),
                }
                for i, e in enumerate(entries)
            ],
        }
    )
