"""Registry records read as entries: CTDL JSON-LD (Credential Engine) and Open Badges 3.0.

A CTDL file is one resource or an `@graph` of them, as Credential Engine's ingest
examples and our own `.ctdl.json` exports are; organisations are looked up by `@id` in
every file given on the command line, so an organisation file beside a course file names
its issuer. A learning program or credential with `hasPart` becomes a pathway requiring
the parts imported with it. An Open Badges file is an Achievement, a list of them
(`{"achievements": [...]}`, as `/api/ob3.json` is), or a credential holding one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import DELIVERY_WORDS
from .columns import folded
from .rows import Row
from .sheets import MAX_BYTES, SheetError

CURRENCIES = {
    "us dollar": "USD", "united states dollar": "USD", "dollar": "USD",
    "canadian dollar": "CAD", "dollar canadien": "CAD", "euro": "EUR",
    "pound sterling": "GBP", "british pound": "GBP", "australian dollar": "AUD",
    "new zealand dollar": "NZD", "mexican peso": "MXN",
}  # fmt: skip
# Kinds of record that are offerings (CTDL's learning opportunities and credentials).
OFFERINGS = re.compile(
    r"(?i)^(ceterms:)?(Course|LearningProgram|LearningOpportunityProfile|AssessmentProfile|"
    r"\w*Credential|\w*Certificate|\w*Certification|\w*Badge|\w*Degree|\w*Diploma|"
    r"MicroCredential|License|ApprenticeshipCertificate|Achievement)$"
)
ACHIEVEMENT_TYPES = {
    "microcredential": "micro-credential",
    "badge": "digital badge",
    "certificate": "certificate",
    "certification": "certification",
    "course": "course",
}
WEEKS_PER = {"W": 1.0, "D": 1 / 7, "M": 52 / 12, "Y": 52.0}


@dataclass
class Record:
    """An offering read from a record, with the slugs of its parts if it has any."""

    row: Row
    parts: list[str] = field(default_factory=list)  # @ids of the records it is made of
    node_id: str = ""


def read_json(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SheetError(f"{path}: more than the 50 MB an import reads; split the file")
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SheetError(f"{path}: not a JSON file ({type(exc).__name__})") from None


def nodes_of(data: Any, depth: int = 0) -> list[dict]:
    """The resources of a JSON-LD or Open Badges document, in order (lists and graphs
    nested deeper than a few levels hold no records anyone publishes)."""
    if depth > 4:
        return []
    if isinstance(data, list):
        return [n for item in data for n in nodes_of(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    if "@graph" in data:
        return nodes_of(data["@graph"], depth + 1)
    if "achievements" in data and isinstance(data["achievements"], list):
        return nodes_of(data["achievements"], depth + 1)
    subject = data.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        return [subject["achievement"]]
    return [data]


def types(node: dict) -> list[str]:
    kinds = node.get("@type", node.get("type", []))
    return [k for k in _list(kinds) if isinstance(k, str)]


def language_text(value: Any, lang: str) -> str:
    """Text from a plain string or a language map, in `lang` if it has it (`en` matches
    `en-US`), else the first language given."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        for key, text in value.items():
            if key.lower().split("-")[0] == lang and isinstance(text, str):
                return text.strip()
        texts = [t for t in value.values() if isinstance(t, str)]
        return texts[0].strip() if texts else ""
    return value.strip() if isinstance(value, str) else ""


def summary_of(text: str, limit: int = 300) -> str:
    """The first sentences of a description that fit the summary's 300 characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[: limit - 1].rsplit(" ", 1)[0] + "…"


def duration(value: str) -> tuple[float | None, float | None]:
    """(hours, weeks) of an ISO 8601 duration: `PT40H` is 40 hours, `P6W` 6 weeks, `P9M`
    39 weeks (a month is 52/12 weeks), `P1Y2M` 60.7 weeks."""
    found = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?"
                         r"(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?",
                         value.strip())  # fmt: skip
    if not found or value.strip() in ("P", "PT"):
        return None, None
    y, mo, w, d, h, mi = (float(g) if g else 0.0 for g in found.groups())
    weeks = y * WEEKS_PER["Y"] + mo * WEEKS_PER["M"] + w + d * WEEKS_PER["D"]
    hours = h + mi / 60
    return (round(hours, 1) or None), (round(weeks, 1) or None)


def names(items: Any, lang: str) -> list[str]:
    """The names of alignment objects (`targetNodeName`) or of plain strings."""
    found = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            text = language_text(item.get("ceterms:targetNodeName") or item.get("targetName")
                                 or item.get("ceterms:name") or item.get("name"), lang)  # fmt: skip
        else:
            text = language_text(item, lang)
        if text:
            found.append(text)
    return found


def read_records(paths: list[Path], lang: str) -> tuple[list[Record], list[str]]:
    """The offerings in the JSON files `paths` (organisations are looked up in all of
    them), and a line for each file that holds records of other kinds."""
    documents = [(path, nodes_of(read_json(path))) for path in paths]
    by_id = {n["@id"]: n for _, nodes in documents for n in nodes if isinstance(n.get("@id"), str)}
    assessed = {  # an assessment a credential requires is part of that credential's entry
        ref
        for _, nodes in documents
        for n in nodes
        for condition in _objects(n.get("ceterms:requires"))
        if isinstance(condition, dict)
        for ref in _list(condition.get("ceterms:targetAssessment"))
        if isinstance(ref, str)
    }
    records, passed = [], []
    for path, nodes in documents:
        others = 0
        for index, node in enumerate(nodes):
            if node.get("@id") in assessed:
                continue
            if not any(OFFERINGS.match(t) for t in types(node)):
                others += not any(t.endswith("Organization") for t in types(node))
                continue
            where = f"{path.name}: record {index + 1}"
            try:
                if "ceterms:name" in node or "ceterms:ctid" in node:
                    records.append(ctdl_record(node, where, by_id, lang))
                else:
                    records.append(badge_record(node, where, lang))
            except (AttributeError, TypeError, ValueError, KeyError) as exc:
                row = Row(where)
                row.problems.append(
                    f"{where}: not a record this import can read ({type(exc).__name__}); "
                    "see docs/importing.md for what it reads"
                )
                records.append(Record(row))
        if not nodes:
            passed.append(f"{path.name}: holds no record (a JSON object with an @type)")
        elif others:
            passed.append(
                f"{path.name}: {others} of its {len(nodes)} records are not a course, program "
                "or credential (no such @type) and were passed over"
            )
    return records, passed


def _issuer(node: dict, by_id: dict, lang: str) -> str:
    for key in ("ceterms:ownedBy", "ceterms:offeredBy"):
        for ref in node.get(key, []) if isinstance(node.get(key), list) else [node.get(key)]:
            party = by_id.get(ref) if isinstance(ref, str) else ref
            if isinstance(party, dict):
                name = language_text(party.get("ceterms:name"), lang)
                if name:
                    return name
    return ""


def other_languages(node: dict, lang: str) -> list[str]:
    """The languages other than `lang` that a record's language maps hold."""
    found = set()
    for value in node.values():
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            found |= {k.lower().split("-")[0] for k in value if re.fullmatch(r"[A-Za-z-]{2,8}", k)}
    return sorted(found - {lang})


def ctdl_record(node: dict, where: str, by_id: dict, lang: str) -> Record:
    row = Row(where)
    values = row.values
    title = language_text(node.get("ceterms:name"), lang)
    row.where = f"{where} ({title})" if title else where
    others = other_languages(node, lang)
    if others:
        row.notes.append(
            f"{row.where}: the record's text in {', '.join(others)} is not imported: "
            f"the entry is written in {lang}, the site's language"
        )
    description = language_text(node.get("ceterms:description"), lang)
    put(values, "title", title)
    put(values, "summary", summary_of(description))
    if len(" ".join(description.split())) > 300:  # else the summary says it all
        row.body = description
    put(values, "issuer", _issuer(node, by_id, lang))
    kinds = {folded(str(t).split(":")[-1])
             for key in ("ceterms:learningDeliveryType", "ceterms:deliveryType")
             for t in _targets(node.get(key))}  # fmt: skip
    modes = {DELIVERY_WORDS[k] for k in kinds if k in DELIVERY_WORDS}
    if modes:
        values["delivery"] = modes.pop() if len(modes) == 1 else "hybrid"
    for profile in _objects(node.get("ceterms:estimatedDuration")):
        hours, weeks = duration(str(profile.get("ceterms:exactDuration", "")))
        if hours:
            values.setdefault("hours", hours)
        if weeks:
            values.setdefault("weeks", weeks)
    for profile in _objects(node.get("ceterms:estimatedCost")):
        price = profile.get("ceterms:price")
        if isinstance(price, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", price):
            price = float(price)
        if isinstance(price, int | float) and not isinstance(price, bool):
            values["cost"] = float(price)
            currency = currency_code(str(profile.get("ceterms:currency", "")))
            if currency:
                values["currency"] = currency
            break
    languages = [str(code).lower().split("-")[0] for code in _list(node.get("ceterms:inLanguage"))]
    if languages:
        values["language"] = list(dict.fromkeys(languages))
    skills = competencies(node, lang) or names(node.get("ceterms:keyword"), lang)
    if skills:
        values["skills"] = skills
    careers = [
        {"code": str(o["ceterms:codedNotation"]), "name": n}
        if isinstance(o, dict) and o.get("ceterms:codedNotation") else n
        for o, n in zip(_list(node.get("ceterms:occupationType")),
                        names(node.get("ceterms:occupationType"), lang), strict=False)
    ]  # fmt: skip
    if careers:
        values["occupations"] = careers
    for condition in _objects(node.get("ceterms:requires")):
        text = language_text(condition.get("ceterms:description"), lang)
        if text and condition.get("ceterms:targetCompetency") is not None:
            values["assessment"] = text
    assessment = language_text(node.get("ceterms:assessmentMethodDescription"), lang)
    put(values, "assessment", assessment)
    page = node.get("ceterms:subjectWebpage")
    own = re.search(r"/credentials/([a-z0-9-]+)/$", page) if isinstance(page, str) else None
    if own:  # our own export: the entry's page names its file, the enrolment address follows
        row.slug = own.group(1)
        page = next(iter(_list(node.get("ceterms:availableOnlineAt"))), None)
    if isinstance(page, str) and page.startswith(("http://", "https://")):
        values["url"] = page
    put(values, "ctid", str(node.get("ceterms:ctid", "")))
    kind = types(node)[0].split(":")[-1] if types(node) else ""
    if kind and kind not in ("Course", "LearningProgram", "LearningOpportunityProfile"):
        values["credential"] = " ".join(re.findall(r"[A-Z][a-z]*", kind)).lower()
    parts = [p for p in _list(node.get("ceterms:hasPart")) if isinstance(p, str)]
    return Record(row, parts, str(node.get("@id", "")))


def badge_record(node: dict, where: str, lang: str) -> Record:
    row = Row(where)
    values = row.values
    title = language_text(node.get("name"), lang)
    row.where = f"{where} ({title})" if title else where
    description = language_text(node.get("description"), lang)
    put(values, "title", title)
    put(values, "summary", summary_of(description))
    if len(" ".join(description.split())) > 300:
        row.body = description
    creator = node.get("creator") or node.get("issuer") or {}
    put(values, "issuer", language_text(creator.get("name"), lang) if isinstance(creator, dict)
        else "")  # fmt: skip
    criteria = node.get("criteria") or {}
    put(values, "assessment", language_text(criteria.get("narrative"), lang)
        if isinstance(criteria, dict) else "")  # fmt: skip
    skills = []
    for alignment in _objects(node.get("alignment")):
        name = language_text(alignment.get("targetName"), lang)
        url = alignment.get("targetUrl")
        if not name or alignment.get("targetType") not in (None, "ceasn:Competency", "CFItem"):
            continue
        own_page = isinstance(url, str) and "/browse/skills/" in url
        uri = url if isinstance(url, str) and url.startswith("http") and not own_page else None
        skills.append({"name": name, "uri": uri} if uri else name)
    if not skills:
        skills = [t for t in _list(node.get("tag")) if isinstance(t, str) and t.strip()]
    if skills:
        values["skills"] = skills
    in_language = node.get("inLanguage")
    if isinstance(in_language, str):
        values["language"] = [in_language.lower().split("-")[0]]
    put(values, "field", language_text(node.get("fieldOfStudy"), lang))
    kind = str(node.get("achievementType", ""))
    if kind:
        words = re.findall(r"[A-Z][a-z]*|[a-z]+", kind.removeprefix("ext:"))
        values["credential"] = ACHIEVEMENT_TYPES.get(kind.lower(), " ".join(words).lower())
    found = re.search(r"/api/credentials/([a-z0-9-]+)\.ob3\.json$", str(node.get("id", "")))
    if found:  # our own export: the same file name back
        row.slug = found.group(1)
    return Record(row)


def currency_code(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    return CURRENCIES.get(" ".join(text.lower().split()), "")


def competencies(node: dict, lang: str) -> list:
    """Skills from `teaches` or a condition's `targetCompetency`, with their framework
    address where they have one."""
    found = []
    sources = _list(node.get("ceterms:teaches"))
    for condition in _objects(node.get("ceterms:requires")):
        sources += _list(condition.get("ceterms:targetCompetency"))
    for item in sources:
        name = names(item, lang)
        uri = item.get("ceterms:targetNode") if isinstance(item, dict) else None
        if name:
            ok = isinstance(uri, str) and uri.startswith("http")
            found.append({"name": name[0], "uri": uri} if ok else name[0])
    return found


def put(values: dict, name: str, text: str) -> None:
    if text:
        values[name] = text


def _objects(value: Any) -> list[dict]:
    """The objects of a value that should be a list of objects (other items left out)."""
    return [item for item in _list(value) if isinstance(item, dict)]


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _targets(value: Any) -> list[str]:
    return [
        str(item.get("ceterms:targetNode", "")) if isinstance(item, dict) else str(item)
        for item in _list(value)
    ]
