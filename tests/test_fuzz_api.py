"""Fuzzed bodies against the editor's backend (bench/fuzz_api.py's generator, bounded for
CI): no answer is a 5xx, each is JSON, and nothing outside the editor's folders changes.

FUZZ_BODIES sets how many bodies are sent (default 2,000); `python bench/fuzz_api.py`
sends 20,000 and prints the figures.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

from .conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_api import ACTIONS, Answer, action_of, fuzz_bodies, problem, run, show  # noqa: E402

COUNT = int(os.environ.get("FUZZ_BODIES", "2000"))
ENTRIES = [f"credentials/{p.name}" for p in sorted((DATA / "search" / "credentials").glob("*"))]
TEXTS = [(DATA / "search" / e).read_text() for e in ENTRIES]


def test_fuzzed_bodies_get_a_json_answer_and_no_5xx():
    answers, bad, changed = run(COUNT, 1, DATA / "search")
    assert len(answers) == COUNT
    report = "\n".join(f"[{i}] {why}: {show(a.body)}" for i, a, why in bad[:20])
    assert not bad, f"{len(bad)} bad answers:\n{report}"
    assert not changed, changed
    statuses = Counter((action, status) for action, status, _ in answers)
    for action in ACTIONS:  # every action was carried out, not only refused
        assert statuses[(action, 200)] > 0 or action == "getMediaFile", (action, statuses)
        assert statuses[(action, 422)] > 0, (action, statuses)


def test_the_generator_is_repeatable_and_covers_what_the_probe_found():
    bodies = fuzz_bodies(3000, 5, ENTRIES, TEXTS)
    assert bodies == fuzz_bodies(3000, 5, ENTRIES, TEXTS)
    assert bodies[-500:] != fuzz_bodies(3000, 6, ENTRIES, TEXTS)[-500:]
    joined = b"\n".join(bodies)
    for needle in (b"\\udcff", b"\\ud800", b"\xed\xa0\x80", b"\xff", b"\\n.md", b"../", b"\\\\"):
        assert needle in joined, needle
    assert any(b.startswith(b"[" * 100_000) for b in bodies)
    assert any(not b for b in bodies)
    assert Counter(action_of(b) for b in bodies).keys() >= {*ACTIONS, "(not a request)"}


def test_the_check_catches_what_it_is_for():
    ok = Answer(b"{}", 422, 0.0, {"error": "why"}, None)
    assert problem(ok) is None
    assert problem(Answer(b"{}", 500, 0.0, None, "Traceback")).startswith("status 500")
    assert problem(Answer(b"{}", 200, 0.0, None, None)) == "status 200, not JSON"
    assert problem(Answer(b"{}", 422, 0.0, {"x": 1}, None)) == (
        "status 422 without an error message"
    )
