"""`catalogue new`: write a new entry, asking for the essentials on a terminal.

Each answer is checked as soon as it is given, by the same code that checks entries
(`content.parse_front_matter`), so a mistake is explained and asked again rather than
found later. Given every answer, the entry is complete: `catalogue check` finds nothing
wrong with it. It starts as a draft, so publishing stays a deliberate step.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from . import content
from .content import load_site, slugify
from .fields import FIELDS, FIELDS_BY_NAME, Field, documents


def questions() -> list[Field]:
    """The fields `catalogue new` asks for (those with a prompt), in table order."""
    return [f for f in FIELDS if f.prompt]


def option(question: Field) -> str:
    """The question's option: --issuer, --skill (repeated for a list)."""
    return f"--{(question.flag or question.name).replace('_', '-')}"


def value_of(question: Field, answer: str):
    """The field value for a typed answer (numbers stay text until checked)."""
    return question.kind.answer(answer)


def problem_with(question: Field, value) -> str | None:
    """What is wrong with `value` for the question's field, as `catalogue check` says it."""
    if value in ("", []):
        return "an answer is needed"
    text = documents.yaml_value(question.name, value)
    if question.kind.as_typed:
        text = f"{question.name}: {value}\n"  # as typed, so "1,200" is explained
    _, problems = content.parse_front_matter(text, "answer", 1)
    mine = [p for p in problems if p.field == question.name]
    return mine[0].message if mine else None


def ask_all(
    given: dict,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    taken: Callable[[str], str | None] = lambda title: None,
) -> dict[str, object]:
    """Ask for every question `given` does not answer; ask again until each answer is right
    (a title is wrong, too, when `taken` says why its file cannot be written)."""
    values = dict(given)
    for q in questions():
        if q.name in values:
            continue
        while True:
            value = value_of(q, ask(f"{q.prompt}: "))
            problem = problem_with(q, value)
            if problem is None and q.name == "title":
                problem = taken(str(value))
            if problem is None:
                values[q.name] = value
                break
            say(f"  {problem}")
    return values


def typed(values: dict) -> dict:
    """Each checked answer as its field writes it (numbers as numbers)."""
    return {name: FIELDS_BY_NAME[name].kind.written(value) for name, value in values.items()}


def preview_text(content_dir: str, slug: str) -> str:
    """How to see a new draft: drafts show only on a server started with --drafts, so the
    server the README starts (without it) needs a second one beside it."""
    folder = "" if Path(content_dir) == Path("content") else f" --content {content_dir}"
    page = f"/credentials/{slug}/"
    return (
        f"Preview (a draft shows only with --drafts): catalogue serve --drafts{folder}, "
        f"then http://127.0.0.1:5000{page}\n"
        f"  With a server already running without --drafts, start a second one beside it: "
        f"catalogue serve --drafts{folder} --port 5001, then http://127.0.0.1:5001{page}"
    )


def title_problem(root: Path, title: str) -> str | None:
    """Why no entry can be written for `title` in the content folder `root` (its file
    exists, say): asked before any other question."""
    slug = slugify(title)
    if not slug:
        return "the title needs at least one letter or digit"
    target = root / "credentials" / f"{slug}.md"
    if target.exists():
        return f"{target} already exists; not overwritten (give another title, or edit it)"
    return None


def run(args, interactive: bool) -> int:
    given = {}
    for q in questions():
        raw = getattr(args, q.name, None)
        if raw is None or raw == []:
            continue
        value = [" ".join(v.split()) for v in raw] if q.kind.many else value_of(q, raw)
        problem = problem_with(q, value)
        if problem:
            flag = "the title" if q.name == "title" else option(q)
            print(f"catalogue new: {flag}: {problem}", file=sys.stderr)
            return 2
        given[q.name] = value
    root = Path(args.content)
    taken = functools.partial(title_problem, root)
    if "title" in given and (problem := taken(str(given["title"]))):
        print(f"catalogue new: {problem}", file=sys.stderr)
        return 1 if slugify(str(given["title"])) else 2
    if interactive:
        try:
            given = ask_all(given, input, print, taken)
        except (EOFError, KeyboardInterrupt):
            print("\ncatalogue new: stopped; nothing was written", file=sys.stderr)
            return 1
    elif "title" not in given:
        print('catalogue new: give a title, e.g. catalogue new "Data Literacy"', file=sys.stderr)
        return 2
    slug = slugify(str(given["title"]))
    target = root / "credentials" / f"{slug}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    values = {**typed(given), "updated": dt.date.today()}  # new entries lead the feed
    try:
        with open(target, "x", encoding="utf-8") as out:
            out.write(documents.new_entry_text(str(values.pop("title")), values))
    except FileExistsError:  # written meanwhile, by another command or the editor
        print(f"catalogue new: {taken(str(given['title']))}", file=sys.stderr)
        return 1
    missing = [q.name for q in questions() if q.name not in given]
    print(f"Wrote {target}")
    if missing:
        print(f"Still to fill in: {', '.join(missing)} (catalogue check names each one).")
    else:
        _, problems = content.parse_file(target, load_site(root, []))
        for problem in problems:  # the framework checks' warnings: worth knowing now
            print(problem)
    print(preview_text(args.content, slug))
    site = load_site(root, [])
    if site.base_url:
        address = site.base_url.rstrip("/") + f"/credentials/{slug}/"
        print(f"Public address once published (delete `draft: true`): {address}")
    return 0
