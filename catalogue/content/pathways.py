"""Pathways: the larger credentials that entries stack into, and what each takes.

A pathway is either written as content (`pathways/<slug>.md`: what it requires and the
electives to choose from) or, for a name an entry's `stacks_into` gives that no file
describes, made from the entries that name it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Credential
from .pathwayfiles import PathwayFile
from .slugs import slugify, sort_key


@dataclass(frozen=True)
class Step:
    """An entry a pathway names: `entry` is None while it is not published (a draft)."""

    slug: str
    entry: Credential | None


@dataclass
class Pathway:
    """A larger credential and the micro-credentials that stack into it."""

    name: str
    entries: list[Credential]  # the published ones, required first
    required: list[Step] = field(default_factory=list)
    electives: list[Step] = field(default_factory=list)
    choose: int = 0  # how many of the electives count
    source: PathwayFile | None = None  # the file that describes it, if one does

    @property
    def language(self) -> str:
        if self.source and self.source.language:
            return self.source.language
        return self.entries[0].language[0] if self.entries else ""

    def total(self, measure, most: bool = False) -> float:
        """The sum of `measure` over what it takes: every required entry and the `choose`
        electives with the least of it (or the most), leaving out what is not published."""
        if not self.source:
            return sum(measure(e) for e in self.entries)
        required = sum(measure(s.entry) for s in self.required if s.entry)
        options = sorted(measure(s.entry) for s in self.electives if s.entry)
        picked = options[-self.choose :] if most else options[: self.choose]
        return required + sum(picked)

    @property
    def hours(self) -> float:
        return self.total(lambda e: e.hours)

    def span(self, name: str) -> tuple[float, float]:
        """The least and the most total of `hours` or `weeks` it takes."""
        measure = lambda e: getattr(e, name)  # noqa: E731
        return self.total(measure), self.total(measure, most=True)

    @property
    def cost_spans(self) -> list[tuple[str, float, float]]:
        """(currency, least, most) total cost in each currency the entries are priced in."""
        spans = []
        for currency in sorted({e.currency for e in self.entries}):
            measure = lambda e, c=currency: e.cost if e.currency == c else 0  # noqa: E731
            spans.append((currency, self.total(measure), self.total(measure, most=True)))
        return spans

    @property
    def costs(self) -> list[tuple[float, str]]:
        """The least total cost in each currency the entries are priced in."""
        return [(least, currency) for currency, least, _ in self.cost_spans]

    @property
    def unavailable(self) -> list[Step]:
        return [s for s in self.required + self.electives if s.entry is None]

    @property
    def taken(self) -> int:
        """How many micro-credentials a learner takes for it: every required one (those
        to come too) and the electives to choose; all of them for one made of entries."""
        return len(self.required) + self.choose if self.source else len(self.entries)

    @property
    def to_come(self) -> int:
        """How many of what it takes are not published yet: each required step not yet
        available, and the electives still needed beyond those that are. Nobody holds
        all it asks for while this is above 0."""
        offered = sum(1 for s in self.electives if s.entry)
        missing = sum(1 for s in self.required if s.entry is None)
        return missing + max(0, self.choose - offered)


def pathways(entries: list[Credential], files: list[PathwayFile]) -> dict[str, Pathway]:
    """Every pathway by its slug: those written as files, then each other larger credential
    that entries name in `stacks_into`. `entries` are the published ones."""
    published = {e.slug: e for e in entries}
    found: dict[str, Pathway] = {}
    for file in files:
        # one not published says nothing of itself: a draft's title is not public either
        step = lambda ref: Step(ref.slug, published.get(ref.slug))  # noqa: E731
        required = [step(ref) for ref in file.requires]
        electives = [step(ref) for ref in file.electives.options] if file.electives else []
        members = [s.entry for s in required + electives if s.entry]
        if not members:
            continue  # nothing of it published yet
        choose = file.electives.choose if file.electives else 0
        found[file.slug] = Pathway(file.title, members, required, electives, choose, file)
    described = set(found) | {file.title for file in files}
    members: dict[str, list[Credential]] = {}
    for e in entries:
        for name in e.stacks_into:
            if name not in described:
                members.setdefault(name, []).append(e)
    for name in sorted(members, key=lambda n: (sort_key(n), n)):
        base = slugify(name) or "pathway"
        slug, n = base, 2
        while slug in found:
            slug, n = f"{base}-{n}", n + 1
        ordered = sorted(members[name], key=lambda e: (sort_key(e.title), e.slug))
        found[slug] = Pathway(name, ordered)
    return found


def pathway_names(found: dict[str, Pathway]) -> dict[str, str]:
    """What `stacks_into` may say for each pathway, to its slug: its name, and for a
    pathway written as a file, its slug too."""
    names = {p.name: slug for slug, p in found.items()}
    names.update({slug: slug for slug, p in found.items() if p.source})
    return names
