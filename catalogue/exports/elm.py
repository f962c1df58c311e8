"""An entry as a learning opportunity of the European Learning Model v3 (the LOQ profile),
for Europass and the registries that read ELM."""

from __future__ import annotations

import functools
import uuid

from babel import Locale

from ..content.countries import ALPHA3
from ..fields import number_label
from ..model import Credential, Skill
from .registry import Party, Publisher

# The context ELM documents name; tests expand them with a vendored copy of it.
CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
SNB = "http://data.europa.eu/snb/"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"

# The EU vocabularies' concepts the catalogue's values stand for: (scheme, id, label).
MODES = {
    "online": ("learning-assessment", "920fbb3cbe", "Online"),
    "hybrid": ("learning-assessment", "e92d221e4d", "Blended"),
    "in-person": ("learning-assessment", "9191af2ed9", "Presential"),
}
LANGUAGES = {"en": ("ENG", "English"), "fr": ("FRA", "French")}
COURSE = ("learning-opportunity", "05053c1cbe", "Course")
NON_FORMAL = ("learning-setting", "e207a81fc7", "non-formal learning")


def concept(scheme: str, iri: str, label: str) -> dict:
    return {
        "@id": iri,
        "@type": "Concept",
        "prefLabel": {"en": label},
        "inScheme": {"@id": scheme, "@type": "ConceptScheme"},
    }


def snb(scheme: str, code: str, label: str) -> dict:
    """A concept of one of the Europass vocabularies (data.europa.eu/snb)."""
    return concept(f"{SNB}{scheme}/25831c2", f"{SNB}{scheme}/{code}", label)


def language(code: str) -> dict:
    three, label = LANGUAGES[code]
    return concept(AUTHORITY + "language", f"{AUTHORITY}language/{three}", label)


def country(code: str) -> dict | None:
    """The EU authority's country concept for an alpha-2 code; None if there is none."""
    three = ALPHA3.get(code.upper())
    if three is None:
        return None
    label = Locale("en").territories.get(code.upper(), code.upper())
    return concept(AUTHORITY + "country", f"{AUTHORITY}country/{three}", label)


@functools.lru_cache(maxsize=4096)  # an organisation's, asked for by each of its entries
def node_id(kind: str, address: str) -> str:
    """A stable identifier for a node, in the form of Europass's own samples."""
    return f"urn:epass:{kind}:{uuid.uuid5(uuid.NAMESPACE_URL, address)}"


def web_resource(address: str) -> dict:
    return {"@id": node_id("webResource", address), "@type": "WebResource", "contentURL": address}


def organisation(party: Party, lang: str) -> dict:
    node = {
        "@id": node_id("org", party.ctid),
        "@type": "Organisation",
        "legalName": {lang: party.name},
        "homepage": web_resource(party.url),
    }
    place = country(party.country)
    if place:
        address = {"@id": node_id("address", party.ctid), "@type": "Address", "countryCode": place}
        node["location"] = {
            "@id": node_id("location", party.ctid),
            "@type": "Location",
            "address": address,
        }
    return node


def outcome(entry: Credential, skill: Skill, at: str) -> dict:
    """A skill as a learning outcome; an ESCO skill's uri as its relatedESCOSkill."""
    node = {"@id": node_id("learningOutcome", at), "@type": "LearningOutcome"}
    node["title"] = {entry.language[0]: skill.name}
    if skill.uri:
        # No label of our own: entries may name one framework skill in different words, and
        # a concept takes one label a language; the framework has its own.
        related = {"@id": skill.uri, "@type": "Concept"}
        node["relatedESCOSkill" if skill.uri.startswith(ESCO_SKILL) else "relatedSkill"] = related
    return node


def learning_opportunity(entry: Credential, publisher: Publisher, context: bool = True) -> dict:
    """The entry as an ELM LearningOpportunity with its learning achievement specification."""
    page = publisher.addresses.entry(entry.slug)
    lang = entry.language[0]
    mode = snb(*MODES[entry.delivery])
    specification = {
        "@id": node_id("learningAchievementSpec", page),
        "@type": "LearningAchievementSpecification",
        "title": {lang: entry.title},
        "volumeOfLearning": f"PT{number_label(entry.hours)}H",
        "language": [language(code) for code in entry.language],
        "mode": mode,
        "learningSetting": snb(*NON_FORMAL),
        "learningOutcome": [
            outcome(entry, skill, f"{page}#skill-{i}") for i, skill in enumerate(entry.skills, 1)
        ],
    }
    data: dict = {"@context": CONTEXT} if context else {}
    data |= {
        "@id": node_id("learningOpportunity", page),
        "@type": "LearningOpportunity",
        "title": {lang: entry.title},
        "description": {lang: entry.summary},
        "homepage": web_resource(page),
        "dcType": snb(*COURSE),
        "mode": mode,
        "duration": f"P{round(entry.weeks * 7)}D",
        "elm:defaultLanguage": language(lang),
        "providedBy": organisation(publisher.party(entry.issuer), lang),
        "learningAchievementSpecification": specification,
    }
    return data


def catalogue_graph(entries: list[Credential], publisher: Publisher) -> dict:
    """Every entry's learning opportunity in one document."""
    return {
        "@context": CONTEXT,
        "@graph": [learning_opportunity(e, publisher, context=False) for e in entries],
    }
