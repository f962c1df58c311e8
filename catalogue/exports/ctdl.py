"""An entry as Credential Engine's CTDL: a JSON-LD graph of the credential and its issuer,
ready for the Credential Registry (docs/registries.md says how to publish it)."""

from __future__ import annotations

from ..fields import number_label
from ..model import Credential
from .registry import DEFAULT_TYPE, Party, Publisher, credential_type, derived_ctid

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
RESOURCES = "https://credentialengineregistry.org/resources/"
GRAPHS = "https://credentialengineregistry.org/graph/"

# The catalogue's values as terms of CTDL's vocabularies.
DELIVERY = {
    "online": "deliveryType:OnlineOnly",
    "in-person": "deliveryType:InPerson",
    "hybrid": "deliveryType:BlendedDelivery",
}
LEVELS = {
    "introductory": "audLevel:BeginnerLevel",
    "intermediate": "audLevel:IntermediateLevel",
    "advanced": "audLevel:AdvancedLevel",
}
ASSESSMENT_METHODS = {  # assessment_type: how CTDL names the method
    "project": "assessMethod:Artifact",
    "portfolio": "assessMethod:Artifact",
    "exam": "assessMethod:Exam",
    "practical": "assessMethod:Performance",
    "presentation": "assessMethod:Performance",
    "simulation": "assessMethod:Performance",
}
# Each term's label, and each vocabulary's (scheme, label), as CTDL's schema gives them.
LABELS = {
    "deliveryType:OnlineOnly": "Online Only",
    "deliveryType:InPerson": "In-Person Only",
    "deliveryType:BlendedDelivery": "Blended Delivery",
    "audLevel:BeginnerLevel": "Beginner Level",
    "audLevel:IntermediateLevel": "Intermediate Level",
    "audLevel:AdvancedLevel": "Advanced Level",
    "assessMethod:Artifact": "Artifact",
    "assessMethod:Exam": "Exam",
    "assessMethod:Performance": "Performance",
    "costType:Tuition": "Tuition",
    "credentialStat:Active": "Active",
}
# The duration profile's words for the learning hours, in the entry's language.
HOURS = {"en": "{} learning hours", "fr": "{} heures d’apprentissage"}
SCHEMES = {
    "credentialStat": ("CredentialStatus", "Credential Status"),
    "deliveryType": ("Delivery", "Delivery Type"),
    "audLevel": ("AudienceLevel", "Audience Level"),
    "assessMethod": ("AssessmentMethod", "Assessment Method"),
    "costType": ("CostType", "Cost Type"),
}


def term(prefixed: str) -> dict:
    """A concept of one of CTDL's vocabularies, as the Registry writes it."""
    scheme, name = SCHEMES[prefixed.split(":", 1)[0]]
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": f"https://credreg.net/ctdl/terms/{scheme}",
        "ceterms:frameworkName": {"en": name},
        "ceterms:targetNode": prefixed,
        "ceterms:targetNodeName": {"en": LABELS[prefixed]},
    }


def text(entry: Credential, value: str) -> dict:
    """A language map of `value`, in the entry's language."""
    return {entry.language[0]: value}


def organisation(party: Party, lang: str) -> dict:
    node = {
        "@id": RESOURCES + party.ctid,
        "@type": "ceterms:CredentialOrganization",
        "ceterms:ctid": party.ctid,
        "ceterms:name": {lang: party.name},
        "ceterms:subjectWebpage": party.url,
        "ceterms:address": [
            {"@type": "ceterms:Place", "ceterms:addressCountry": {lang: party.country}}
        ],
    }
    if party.email:
        node["ceterms:email"] = [party.email]
    return node


def credential(entry: Credential, publisher: Publisher) -> tuple[dict, list[dict]]:
    """The credential's node, and the nodes of the organisations it names."""
    addresses = publisher.addresses
    lang = entry.language[0]
    issuer = publisher.party(entry.issuer)
    partners = [publisher.party(p, "partners") for p in entry.partners]
    ctid = publisher.ctid(entry)
    node = {
        "@id": RESOURCES + ctid,
        "@type": "ceterms:" + (credential_type(entry) or DEFAULT_TYPE)[1],
        "ceterms:ctid": ctid,
        "ceterms:name": text(entry, entry.title),
        "ceterms:description": text(entry, entry.summary),
        "ceterms:subjectWebpage": addresses.entry(entry.slug),
        "ceterms:inLanguage": list(entry.language),
        "ceterms:ownedBy": [RESOURCES + issuer.ctid],
        "ceterms:offeredBy": [RESOURCES + issuer.ctid],
        "ceterms:credentialStatusType": term("credentialStat:Active"),
        "ceterms:learningDeliveryType": [term(DELIVERY[entry.delivery])],
        "ceterms:estimatedDuration": [
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:exactDuration": f"P{number_label(entry.weeks)}W",
                "ceterms:description": {
                    lang: HOURS.get(lang, HOURS["en"]).format(number_label(entry.hours))
                },
            }
        ],
        "ceterms:estimatedCost": [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:costDetails": entry.url or addresses.entry(entry.slug),
                "ceterms:currency": entry.currency,
                "ceterms:directCostType": term("costType:Tuition"),
                "ceterms:price": int(entry.cost) if entry.cost.is_integer() else entry.cost,
            }
        ],
        "ceterms:keyword": text(entry, [s.name for s in entry.skills]),
    }
    if partners:
        node["ceterms:recognizedBy"] = [RESOURCES + p.ctid for p in partners]
    if entry.level:
        node["ceterms:audienceLevelType"] = [term(LEVELS[entry.level])]
    extra = [assessment(entry, publisher, issuer)] if entry.assessment_only else []
    condition = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:description": text(entry, entry.assessment),
        "ceterms:targetCompetency": [competency(entry, s) for s in entry.skills],
    }
    if extra:  # assessment only: what is required is passing the assessment
        condition["ceterms:targetAssessment"] = [extra[0]["@id"]]
    node["ceterms:requires"] = [condition]
    pathways = [page for page in map(addresses.pathway, entry.stacks_into) if page]
    if pathways:
        node["ceterms:isPartOf"] = pathways
    if entry.occupations:
        node["ceterms:occupationType"] = [
            occupation(entry, o, publisher) for o in entry.occupations
        ]
    if entry.url:
        node["ceterms:availableOnlineAt"] = [entry.url]
    if entry.field:
        node["ceterms:subject"] = [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:targetNodeName": text(entry, entry.field),
            }
        ]
    parties = {p.ctid: p for p in [issuer, *partners]}
    return node, [*extra, *(organisation(p, lang) for p in parties.values())]


def occupation(entry: Credential, career, publisher: Publisher) -> dict:
    """A career, named, and coded in the site's occupation scheme where it has a code."""
    aligned = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNodeName": text(entry, career.name),
    }
    if career.code:
        aligned["ceterms:codedNotation"] = career.code
        aligned["ceterms:frameworkName"] = {"en": publisher.site.occupation_scheme}
    return aligned


def competency(entry: Credential, skill) -> dict:
    aligned = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNodeName": text(entry, skill.name),
    }
    if skill.uri:
        aligned["ceterms:targetNode"] = skill.uri
    if entry.framework:
        aligned["ceterms:frameworkName"] = text(entry, entry.framework)
    return aligned


def assessment(entry: Credential, publisher: Publisher, issuer: Party) -> dict:
    """An assessment-only entry's assessment profile: it recognises prior learning."""
    ctid = derived_ctid(publisher.addresses.entry(entry.slug) + "#assessment")
    node = {
        "@id": RESOURCES + ctid,
        "@type": "ceterms:AssessmentProfile",
        "ceterms:ctid": ctid,
        "ceterms:name": text(entry, entry.title),
        "ceterms:description": text(entry, entry.assessment),
        "ceterms:subjectWebpage": publisher.addresses.entry(entry.slug),
        "ceterms:inLanguage": list(entry.language),
        "ceterms:ownedBy": [RESOURCES + issuer.ctid],
        "ceterms:offeredBy": [RESOURCES + issuer.ctid],
        "ceterms:deliveryType": [term(DELIVERY[entry.delivery])],
    }
    method = ASSESSMENT_METHODS.get(entry.assessment_type or "")
    if method:
        node["ceterms:assessmentMethodType"] = [term(method)]
    return node


def graph(entry: Credential, publisher: Publisher) -> dict:
    """The entry's CTDL document: the credential, its assessment if it is assessment only,
    and its issuer and partners."""
    node, others = credential(entry, publisher)
    return {
        "@context": CONTEXT,
        "@id": GRAPHS + node["ceterms:ctid"],
        "@graph": [node, *others],
    }


def catalogue_graph(entries: list[Credential], publisher: Publisher) -> dict:
    """Every entry's CTDL nodes in one graph, each organisation once."""
    nodes, seen = [], set()
    for entry in entries:
        node, others = credential(entry, publisher)
        nodes.append(node)
        for other in others:
            if other["@id"] not in seen:
                seen.add(other["@id"])
                nodes.append(other)
    return {"@context": CONTEXT, "@graph": nodes}
