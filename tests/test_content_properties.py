"""Property tests: whatever an editor saves, `parse_file` reports problems and never raises."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.content import ContentError, Site, parse_file
from catalogue.fields import FIELDS
from catalogue.model import Credential

FIELD_NAMES = [f.name for f in FIELDS]
SITE = Site()

# Characters that mean something to YAML, Markdown or the splitter, plus odd Unicode.
ODD = "\t\r\n\x00\x01\x0b\x1b\x7f\x85\xa0\u2028\u2029\ufeff\ufffd\u202e é😀"
YAML_PUNCT = ":-?[]{},#&*!|>'\"%@`~. "
text = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + YAML_PUNCT + ODD), max_size=40
)
key = st.one_of(
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(["deliverey", "Title", "cost ", "skill", "uri", "name", "<<", "?", "-"]),
    text,
)
scalar = st.one_of(
    text,
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "true",
            "False",
            "~",
            "null",
            "",
            "''",
            '""',
            "012",
            "0x1F",
            "1,200",
            "-5",
            "0",
            "1e3",
            ".inf",
            ".nan",
            "1_000",
            "$650",
            "12.5",
            "2025-02-30",
            "2026-10-14",
            "14/10/2026",
            "2026-10-14T10:00:00",
            "on-demand",
            "online",
            "hybrid",
            "in-person",
            "en",
            "fr",
            "CAD",
            "dollars",
            "https://a.example/x",
            "javascript:alert(1)",
            "ftp://x",
            "*a",
            "&a x",
            "&a",
            "!!str",
            "!!timestamp 'garbage'",
            "!!binary AAAA",
            "!!python/object:os.system x",
            "!foo x",
            "!!int abc",
            "!!float x",
            "!!bool maybe",
            "!!null x",
            "!!map",
            "!!seq",
            "---",
            "...",
            "- -",
            "? x",
            "| \n  a",
            ">-\n  a\n  b",
            "'unterminated",
            '"\\ud800"',
            '"\\x00"',
            "[",
            "]",
            "{",
            "}",
            "[[[[[[[[[[",
            "{a: [b, {c: d}]}",
            "%YAML 1.1",
        ]  # fmt: skip
    ),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)


@st.composite
def value(draw, depth=0):
    """A YAML-ish value: a scalar, a flow or block list, or a mapping, sometimes anchored."""
    kind = draw(st.integers(0, 5 if depth < 3 else 0))
    if kind <= 1:
        out = " " + draw(scalar)
    elif kind == 2:
        items = draw(st.lists(scalar, max_size=4))
        out = " [" + ", ".join(items) + "]"
    elif kind == 3:
        indent = " " * draw(st.integers(0, 4))
        items = draw(st.lists(value(depth + 1), max_size=3))
        out = "".join(f"\n{indent}-{item}" for item in items)
    elif kind == 4:
        pairs = draw(st.lists(st.tuples(key, value(depth + 1)), max_size=3))
        out = "".join(f"\n  {k}:{v}" for k, v in pairs)
    else:
        skill = draw(st.sampled_from(["name", "uri", "url", "nom"]))
        out = f"\n  - {skill}: {draw(scalar)}\n    uri: {draw(scalar)}"
    anchor = draw(st.sampled_from(["", "", "", " &a", " *a", " !!str", "\t"]))
    return anchor + out


line = st.one_of(
    st.tuples(key, value()).map(lambda kv: f"{kv[0]}:{kv[1]}"),
    st.sampled_from(["---", "...", "", "\t", "  ", "#", "- x", "? x", ": y", "a: &a [*a]"]),
    text,
    st.text(max_size=80),
)
front = st.lists(line, max_size=14).map("\n".join)
body = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                "# Heading",
                '## Two {: onclick="x()"}',
                "- item",
                "1. one",
                "> quote",
                "| a | b |",
                "|---|---|",
                "[link](javascript:alert(1))",
                "<script>x</script>",
                "![img](data:x)",
                "*",
                "**",
                "`",
                "```",
                "    code",
                "[^1]",
                "*[abbr]: x",
                "term\n: def",
                "[",
                "]",
                "<",
                "&amp;",
                "\t",
                "---",
                "",
            ]  # fmt: skip
        ),
        max_size=20,
    ).map("\n".join),
)


VALID_FRONT = [
    "title: Sample Entry",
    "summary: A short sample entry.",
    "issuer: Cedar Ridge College",
    "partners:\n  - Voltway Fleet Services",
    "delivery: online",
    "hours: 40",
    "weeks: 6",
    "cost: 650",
    "skills:\n  - Reading a test report",
    "framework: ESCO",
    "assessment: A supervised practical task with a short written reflection afterwards.",
]


@st.composite
def near_valid(draw):
    """A valid entry with one or two fields replaced, dropped or added: reaches every check."""
    lines = list(VALID_FRONT)
    for _ in range(draw(st.integers(1, 2))):
        i = draw(st.integers(0, len(lines)))
        new = draw(st.tuples(st.sampled_from(FIELD_NAMES), value()).map("{0[0]}:{0[1]}".format))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "add" or i == len(lines):
            lines.insert(i, new)
        elif action == "drop":
            del lines[i]
        else:
            lines[i] = lines[i].split(":", 1)[0] + ":" + draw(value())
    return "\n".join(lines)


@st.composite
def document(draw):
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    opening = draw(st.sampled_from(["---\n"] * 8 + ["--- \n", "", "\n---\n", "---"]))
    closing = draw(st.sampled_from(["\n---\n"] * 8 + ["\n---", "\n--- x\n", ""]))
    doc = opening + draw(st.one_of(front, near_valid())) + closing + draw(body)
    raw = doc.replace("\n", newline).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw


def _check(raw: bytes, name: str = "entry.md") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, name)
        path.write_bytes(raw)
        entry, problems = parse_file(path, SITE)
    assert entry is None or isinstance(entry, Credential)
    assert all(isinstance(p, ContentError) for p in problems)
    for problem in problems:
        assert problem.path == str(path)
        assert problem.severity in ("error", "warning")
        assert problem.line >= 0
        assert "\n" not in str(problem) and "\r" not in str(problem)
    if entry is None:
        assert any(p.severity == "error" for p in problems)
    else:
        assert all(p.severity == "warning" for p in problems)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(document())
def test_random_front_matter_never_raises(raw):
    _check(raw)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw):
    _check(raw)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes_after_a_valid_opening_never_raise(raw):
    _check(b"---\ntitle: x\n" + raw + b"\n---\nbody\n")
