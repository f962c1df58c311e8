"""The registries' own validators, run on vendored copies of their schemas (tests/schemas/,
each folder's README.md says where each file comes from): no network."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def ob3_validator():
    """1EdTech's JSON Schema of an Achievement: `$defs/Achievement` of the
    AchievementCredential schema (draft 2019-09), found through its own `$id`."""
    from jsonschema import Draft201909Validator
    from referencing import Registry, Resource

    path = SCHEMAS / "openbadges" / "ob_v3p0_achievementcredential_schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft201909Validator({"$ref": schema["$id"] + "#/$defs/Achievement"}, registry=registry)


def ob3_errors(achievement: dict) -> list[str]:
    """What the Open Badges 3.0 schema finds wrong with an Achievement."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in ob3_validator().iter_errors(achievement)
    ]


@cache
def elm_shapes():
    """The European Learning Model's LOQ shapes and their controlled-vocabulary shapes."""
    import rdflib

    shapes = rdflib.Graph()
    shapes.parse(SCHEMAS / "elm" / "LOQ-constraints.ttl", format="turtle")
    shapes.parse(SCHEMAS / "elm" / "LOQ-constraints-mdr.ttl", format="turtle")
    return shapes


@cache
def elm_context() -> dict:
    path = SCHEMAS / "elm" / "edc-ap-context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def elm_problems(document: dict) -> str:
    """pyshacl's report on an ELM document ("" when it conforms), its @context (the
    address of the official one) replaced by the vendored copy so nothing is fetched."""
    import pyshacl
    import rdflib

    assert document["@context"] == "http://data.europa.eu/snb/model/context/edc-ap"
    expanded = json.dumps({**document, "@context": elm_context()})
    # keep literals as written: rdflib would rewrite PT40H as P1DT16H
    rdflib.NORMALIZE_LITERALS = False
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated class
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        data = rdflib.Graph().parse(data=expanded, format="json-ld")
    conforms, _, report = pyshacl.validate(
        data,
        shacl_graph=elm_shapes(),
        inference="none",  # the shapes are closed: inferred triples would break them
        do_owl_imports=False,
    )
    return "" if conforms else report
