"""The pathways list gives what a learner takes, and the same least-to-most figures as each
pathway's own page, on the server and in the static site."""

from __future__ import annotations

import re

import pytest


def _lines(html: str) -> dict[str, str]:
    """Each pathway's slug on the list, with its line of figures."""
    found = re.findall(
        r'<a href="[^"]*pathways/([^"/]+)/">.*?</h2>.*?<p class="muted">(.*?)</p>', html, re.S
    )
    return dict(found)


def _numbers(text: str) -> list[str]:
    return [n.strip() for n in re.findall(r"\d[\d,\u00a0\u202f ]*", text)]


def _page_totals(html: str) -> tuple[str, str]:
    hours = re.search(r"<dt>Learning hours</dt><dd>(.*?)<span", html).group(1)
    cost = re.search(r"<dt>Cost</dt><dd>(.*?)<span", html).group(1)
    return hours, cost


@pytest.fixture(params=["live", "static"])
def read(request, demo_app, frozen_demo):
    """A page's HTML by its path: from the server, or from the frozen folder."""
    client = demo_app.test_client()

    def live(path: str) -> str:
        return client.get(path).get_data(as_text=True)

    def static(path: str) -> str:
        return (frozen_demo / path.strip("/") / "index.html").read_text(encoding="utf-8")

    return live if request.param == "live" else static


def test_the_list_counts_what_a_learner_takes_and_gives_the_pages_figures(read):
    lines = _lines(read("/pathways/"))
    assert lines["certificate-in-climate-resilience-planning"] == (
        "3 micro-credentials · 225 to 235 h in all · $3,740 to $4,130"
    )
    assert lines["certificate-in-electric-vehicle-infrastructure"].endswith(
        " · 1 still to come, not counted"
    )
    assert len(lines) > 10
    for slug, line in lines.items():
        hours, cost = _page_totals(read(f"/pathways/{slug}/"))
        listed_hours, listed_cost = line.split(" · ")[1:3]
        assert _numbers(listed_hours) == _numbers(hours), slug
        assert _numbers(listed_cost) == _numbers(cost), slug


def test_the_french_list_says_it_in_french(read):
    lines = _lines(read("/fr/pathways/"))
    line = lines["certificate-in-climate-resilience-planning"]
    assert line.startswith("3 microcertifications · de 225 à 235 h au total · ")
    assert "encore à venir, non comptée" in lines["certificate-in-electric-vehicle-infrastructure"]
