"""schema.org Course data for an entry page."""

from __future__ import annotations

import json

from markupsafe import Markup

from ..fields import number_label
from ..model import Credential


def course_jsonld(e: Credential) -> Markup:
    """schema.org Course data for an entry, safe to embed in a script element."""
    instance = {
        "@type": "CourseInstance",
        "courseMode": {"in-person": "Onsite", "online": "Online", "hybrid": "Blended"}[e.delivery],
        "courseWorkload": f"PT{number_label(e.hours)}H",
    }
    if e.start:
        instance["startDate"] = e.start[0].isoformat()
    if e.location:
        instance["location"] = e.location
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": e.title,
        "description": e.summary,
        "provider": {"@type": "EducationalOrganization", "name": e.issuer},
        "inLanguage": e.language,
        "teaches": [s.name for s in e.skills],
        "hasCourseInstance": [instance],
        "offers": {
            "@type": "Offer",
            "price": number_label(e.cost),
            "priceCurrency": e.currency,
            "category": "Free" if e.cost == 0 else "Paid",
        },
        "educationalCredentialAwarded": {
            "@type": "EducationalOccupationalCredential",
            "name": e.title,
            "credentialCategory": e.credential or "micro-credential",
            "competencyRequired": [s.uri or s.name for s in e.skills],
        },
    }
    if e.url:
        data["url"] = e.url
    if e.level:
        data["educationalLevel"] = e.level
    text = json.dumps(data, ensure_ascii=False)
    # Inside <script>, "</" and "<!--" could end the element early.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
