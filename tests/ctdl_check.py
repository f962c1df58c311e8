"""Check that a CTDL JSON-LD document only uses terms the vendored CTDL files declare:
Credential Engine publishes no current JSON Schema or SHACL for CTDL, so this check reads
its schema (classes, properties and their domains, concept schemes) instead.

Usage: python -m tests.ctdl_check [DOCUMENT.json ...]   (default: the vendored example)

Standard library only.  Reads, from tests/schemas/ctdl/:
  ctdl-schema.json     https://credreg.net/ctdl/schema/encoding/json     (classes, properties,
                                                                          concept schemes, concepts)
  ctdlasn-schema.json  https://credreg.net/ctdlasn/schema/encoding/json  (ceasn: terms)
  ctdl-context.json    https://credreg.net/ctdl/schema/context/json      (prefixes, language maps)

ERRORS (exit status 1):
  E1 a ceterms:/ceasn:/qdata: property that the vocabulary does not declare
  E2 an @type that is not a declared class
  E3 a concept value (deliveryType:..., audLevel:..., costType:...) that is not a declared
     skos:Concept
  E4 a concept from the wrong scheme for the property (meta:targetScheme)
  E5 a property used on a class outside its schema:domainIncludes (subclasses included)
  E6 a ceterms:ctid not matching the CTID grammar, or a Registry @id whose CTID differs
  E7 a language-map property (context "@container": "@language") whose value is not an object
  E8 a blank-node reference "_:..." that no node in the document declares
  E9 wrong or missing "@context"
WARNINGS (reported, do not fail): terms declared vs:unstable.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "schemas" / "ctdl"
CONTEXT_URL = "https://credreg.net/ctdl/schema/context/json"
CTID_RE = re.compile(r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
REGISTRY_ID_RE = re.compile(
    r"^https://(?:sandbox\.)?credentialengineregistry\.org/(?:resources|graph)/(ce-[^/#?]+)$"
)
PROPERTY_PREFIXES = ("ceterms", "ceasn", "qdata")


def load_index():
    nodes = {}
    for name in ("ctdl-schema.json", "ctdlasn-schema.json"):
        for node in json.loads((VENDOR / name).read_text(encoding="utf-8"))["@graph"]:
            prev = nodes.get(node["@id"])
            if prev is None:
                nodes[node["@id"]] = dict(node)
            else:  # same term declared in both encodings: union the domains
                dom = set(prev.get("schema:domainIncludes", [])) | set(
                    node.get("schema:domainIncludes", [])
                )
                prev["schema:domainIncludes"] = sorted(dom)
    context = json.loads((VENDOR / "ctdl-context.json").read_text(encoding="utf-8"))["@context"]
    vocab_prefixes = {
        k
        for k, v in context.items()
        if isinstance(v, str) and v.startswith("https://purl.org/ctdl/vocabs/")
    }
    lang_maps = {
        k for k, v in context.items() if isinstance(v, dict) and v.get("@container") == "@language"
    }

    def kind(t):
        types = nodes.get(t, {}).get("@type")
        return types if isinstance(types, str) else None

    classes = {t for t in nodes if kind(t) == "rdfs:Class"}
    props = {t for t in nodes if kind(t) == "rdf:Property"}
    concepts = {t for t in nodes if kind(t) == "skos:Concept"}
    return nodes, classes, props, concepts, vocab_prefixes, lang_maps


NODES, CLASSES, PROPS, CONCEPTS, VOCAB_PREFIXES, LANG_MAPS = load_index()


def ancestors(cls):
    out, todo = {cls}, [cls]
    while todo:
        for parent in NODES.get(todo.pop(), {}).get("rdfs:subClassOf", []):
            if parent not in out:
                out.add(parent)
                todo.append(parent)
    return out


def as_list(v):
    return v if isinstance(v, list) else [v]


def check(doc):
    errors, warnings = [], []
    if doc.get("@context") != CONTEXT_URL:
        errors.append(f"E9 @context is {doc.get('@context')!r}, expected {CONTEXT_URL!r}")
    graph = doc.get("@graph", [doc])
    declared_bnodes = set()

    def collect(o):
        if isinstance(o, dict):
            if isinstance(o.get("@id"), str) and o["@id"].startswith("_:"):
                declared_bnodes.add(o["@id"])
            for v in o.values():
                collect(v)
        elif isinstance(o, list):
            for v in o:
                collect(v)

    collect(graph)

    def unstable(term, where):
        if NODES.get(term, {}).get("vs:term_status") == "vs:unstable":
            warnings.append(f"W  {where}: {term} is declared vs:unstable")

    def walk(node, where, via_prop=None):
        if isinstance(node, list):
            for i, x in enumerate(node):
                walk(x, f"{where}[{i}]", via_prop)
            return
        if isinstance(node, str):
            if node.startswith("_:") and node not in declared_bnodes:
                errors.append(f"E8 {where}: blank node {node} is not declared in the document")
            prefix = node.split(":", 1)[0] if ":" in node and not node.startswith("http") else None
            if prefix in VOCAB_PREFIXES:
                if node not in CONCEPTS:
                    errors.append(f"E3 {where}: {node} is not a declared concept")
                else:
                    unstable(node, where)
            return
        if not isinstance(node, dict):
            return
        types = [t for t in as_list(node.get("@type", [])) if t]
        type_closure = set()
        for t in types:
            if t not in CLASSES:
                errors.append(f"E2 {where}: @type {t} is not a declared class")
            else:
                unstable(t, where)
                type_closure |= ancestors(t)
        if "ceterms:ctid" in node:
            ctid = node["ceterms:ctid"]
            if not (isinstance(ctid, str) and CTID_RE.match(ctid)):
                errors.append(f"E6 {where}: ceterms:ctid {ctid!r} does not match {CTID_RE.pattern}")
            m = REGISTRY_ID_RE.match(node.get("@id", ""))
            if m and m.group(1) != ctid:
                errors.append(f"E6 {where}: @id CTID {m.group(1)} differs from ceterms:ctid {ctid}")
        for key, value in node.items():
            if key.startswith("@"):
                continue
            here = f"{where}/{key}"
            prefix = key.split(":", 1)[0]
            if prefix in PROPERTY_PREFIXES:
                if key not in PROPS:
                    errors.append(f"E1 {here}: property {key} is not declared")
                    continue
                unstable(key, here)
                domain = set(NODES[key].get("schema:domainIncludes", []))
                if type_closure and domain and not (type_closure & domain):
                    errors.append(f"E5 {here}: {key} is not declared for {'/'.join(types)}")
                if key in LANG_MAPS and not isinstance(value, dict):
                    errors.append(f"E7 {here}: {key} is a language map; got {type(value).__name__}")
            elif ":" in key:
                errors.append(f"E1 {here}: property {key} has a prefix this check does not know")
            # concept-scheme check: an alignment's targetNode under a scheme-bound property
            schemes = set(NODES.get(key, {}).get("meta:targetScheme", []))
            if schemes:
                for i, cao in enumerate(as_list(value)):
                    target = cao.get("ceterms:targetNode") if isinstance(cao, dict) else cao
                    if isinstance(target, str) and target in CONCEPTS:
                        in_scheme = set(as_list(NODES[target].get("skos:inScheme", [])))
                        if not in_scheme & schemes:
                            errors.append(
                                f"E4 {here}[{i}]: {target} is in {sorted(in_scheme)}, "
                                f"{key} takes {sorted(schemes)}"
                            )
            walk(value, here, key)

    for i, n in enumerate(graph):
        walk(n, f"@graph[{i}]")
    return errors, warnings


def main(paths):
    status = 0
    for p in paths:
        errors, warnings = check(json.loads(Path(p).read_text(encoding="utf-8")))
        print(f"{p}: {len(errors)} error(s), {len(warnings)} warning(s)")
        for line in errors + warnings:
            print("   ", line)
        status |= bool(errors)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(VENDOR / "example-graph.json")]))
