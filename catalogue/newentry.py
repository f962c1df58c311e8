"""`catalogue new`: write a new entry, asking for the essentials on a terminal.

Each answer is checked as soon as it is given, by the same code that checks entries
(`content.parse_front_matter`), so a mistake is explained and asked again rather than
found later. Given every answer, the entry is complete: `catalogue check` finds nothing
wrong with it. It starts as a draft, so publishing stays a deliberate step.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import content, schema
from .model import FIELDS_BY_NAME
from .site import load_site


@dataclass(frozen=True)
class Question:
    field: str
    prompt: str
    many: bool = False  # a list, answered as comma-separated items


QUESTIONS = (
    Question("title", "Title"),
    Question("summary", "Summary (one or two sentences for learners)"),
    Question("issuer", "Issuing institution"),
    Question("delivery", "Delivery (online, in-person or hybrid)"),
    Question("hours", "Learning hours"),
    Question("weeks", "Weeks to complete"),
    Question("cost", "Cost in dollars (0 if free)"),
    Question("skills", "Skills learners gain, separated by commas", many=True),
    Question("assessment", "How learners are assessed"),
)


def value_of(question: Question, answer: str):
    """The field value for a typed answer (numbers stay text until checked)."""
    answer = " ".join(answer.split())
    if question.many:
        return [item.strip() for item in answer.split(",") if item.strip()]
    return answer


def problem_with(question: Question, value) -> str | None:
    """What is wrong with `value` for the question's field, as `catalogue check` says it."""
    if value in ("", []):
        return "an answer is needed"
    text = schema.yaml_value(question.field, value)
    if FIELDS_BY_NAME[question.field].kind == "number":
        text = f"{question.field}: {value}\n"  # as typed, so "1,200" is explained
    _, problems = content.parse_front_matter(text, "answer", 1)
    mine = [p for p in problems if p.field == question.field]
    return mine[0].message if mine else None


def ask_all(
    given: dict, ask: Callable[[str], str], say: Callable[[str], None]
) -> dict[str, object]:
    """Ask for every question `given` does not answer; ask again until each answer is right."""
    values = dict(given)
    for q in QUESTIONS:
        if q.field in values:
            continue
        while True:
            value = value_of(q, ask(f"{q.prompt}: "))
            problem = problem_with(q, value)
            if problem is None:
                values[q.field] = value
                break
            say(f"  {problem}")
    return values


def typed(values: dict) -> dict:
    """Numbers as numbers, for writing."""
    out = dict(values)
    for name in ("hours", "weeks", "cost"):
        if name in out:
            number = float(out[name])
            out[name] = int(number) if number.is_integer() else number
    return out


def run(args, interactive: bool) -> int:
    from .cli import slugify

    given = {}
    for q in QUESTIONS:
        raw = getattr(args, q.field, None)
        if raw is None or raw == []:
            continue
        value = [" ".join(v.split()) for v in raw] if q.many else value_of(q, raw)
        problem = problem_with(q, value)
        if problem:
            flag = "the title" if q.field == "title" else f"--{q.field.replace('_', '-')}"
            print(f"catalogue new: {flag}: {problem}", file=sys.stderr)
            return 2
        given[q.field] = value
    if interactive:
        try:
            given = ask_all(given, input, print)
        except (EOFError, KeyboardInterrupt):
            print("\ncatalogue new: stopped; nothing was written", file=sys.stderr)
            return 1
    elif "title" not in given:
        print('catalogue new: give a title, e.g. catalogue new "Data Literacy"', file=sys.stderr)
        return 2
    slug = slugify(str(given["title"]))
    if not slug:
        print("catalogue new: the title needs at least one letter or digit", file=sys.stderr)
        return 2
    root = Path(args.content)
    target = root / "credentials" / f"{slug}.md"
    if target.exists():
        print(f"catalogue new: {target} already exists; not overwritten", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    values = {**typed(given), "updated": dt.date.today()}  # new entries lead the feed
    with open(target, "x", encoding="utf-8") as out:
        out.write(schema.new_entry_text(str(values.pop("title")), values))
    missing = [q.field for q in QUESTIONS if q.field not in given]
    print(f"Wrote {target}")
    if missing:
        print(f"Still to fill in: {', '.join(missing)} (catalogue check names each one).")
    else:
        _, problems = content.parse_file(target, load_site(root, []))
        for problem in problems:  # the framework checks' warnings: worth knowing now
            print(problem)
    print(f"Preview: catalogue serve --drafts, then http://127.0.0.1:5000/credentials/{slug}/")
    site = load_site(root, [])
    if site.base_url:
        address = site.base_url.rstrip("/") + f"/credentials/{slug}/"
        print(f"Public address once published (delete `draft: true`): {address}")
    return 0
