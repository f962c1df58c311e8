"""Pathways: the larger credentials that entries stack into, and what each takes."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Credential
from .slugs import sort_key, unique_slugs


@dataclass
class Pathway:
    """A larger credential and the micro-credentials that stack into it."""

    name: str
    entries: list[Credential]

    @property
    def hours(self) -> float:
        return sum(e.hours for e in self.entries)

    @property
    def weeks(self) -> float:
        return sum(e.weeks for e in self.entries)

    @property
    def costs(self) -> list[tuple[float, str]]:
        """The total cost in each currency the entries are priced in."""
        totals: dict[str, float] = {}
        for e in self.entries:
            totals[e.currency] = totals.get(e.currency, 0) + e.cost
        return sorted((amount, currency) for currency, amount in totals.items())


def pathways(entries: list[Credential]) -> dict[str, Pathway]:
    """Every larger credential named in `stacks_into`, by a stable slug of its name."""
    members: dict[str, list[Credential]] = {}
    for e in entries:
        for name in e.stacks_into:
            members.setdefault(name, []).append(e)
    names = unique_slugs(sorted(members, key=lambda n: (sort_key(n), n)), "pathway")
    return {
        slug: Pathway(name, sorted(members[name], key=lambda e: (sort_key(e.title), e.slug)))
        for slug, name in names.items()
    }
