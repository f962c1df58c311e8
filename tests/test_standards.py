"""Standards: every page of the frozen demo is valid HTML to the Nu HTML checker, and
axe-core finds no serious or critical accessibility problem on the main kinds of page.

scripts/test installs both (pinned, from the npm registry, into .tools/) and Java."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

TOOLS = ROOT / ".tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"


def tool(path: Path) -> Path:
    if not path.exists():
        raise RuntimeError(f"{path} is missing: bash scripts/test installs it")
    return path


def vnu(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors for `files`, one line each."""
    result = subprocess.run(
        ["java", "-jar", str(tool(VNU)), "--errors-only", "--format", "gnu", *map(str, files)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return [line for line in result.stderr.splitlines() + result.stdout.splitlines() if line]


def test_every_frozen_page_is_valid_html(frozen_demo):
    pages = [p for p in frozen_demo.rglob("*.html") if "search-data" not in p.parts]
    assert len(pages) > 400
    assert vnu(pages) == []


def test_the_checker_finds_invalid_html(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=en><title>x</title><p><div></span></div>")
    errors = vnu([bad])
    assert errors and any("Stray end tag" in e for e in errors)


PAGES = [
    "",
    "search/?delivery=online&cost_band=250-999&q=data",
    "credentials/agri-dairy-herd-health-records/",
    "credentials/climate-adaptation-changements-climatiques-municipalites/",
    "compare/?c=agri-dairy-herd-health-records&c=ev-sales-customer-advice",
    "browse/field/health-care/",
    "pathways/",
    "browse/",
]
PAGES += ["fr/" + path for path in PAGES]  # the same pages in the French interface


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_problem(browser, demo_site, path):
    # axe is injected as a script; the site's CSP (rightly) refuses that, so it is bypassed
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    response = page.goto(demo_site + path)
    assert response.status == 200, path
    if path.removeprefix("fr/").startswith(("search/", "compare/")):
        page.wait_for_selector("#search-app[data-rendered]:not([aria-busy]), table.compare")
    page.add_script_tag(path=str(tool(AXE)))
    found = page.evaluate(
        """async () => (await axe.run()).violations
            .filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(" | ")}`)"""
    )
    context.close()
    assert found == [], path


def test_axe_finds_what_it_should(browser, tmp_path):
    from .static_site import serve_folder

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>Bad</title><body><main>'
        '<img src="x.png"><p style="color:#bbb;background:#fff">faint</p></main>'
    )
    with serve_folder(tmp_path, "/t/") as url:
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(path=str(tool(AXE)))
        ids = page.evaluate(
            """async () => (await axe.run()).violations
                .filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => v.id)"""
        )
        context.close()
    assert {"image-alt", "color-contrast"} <= set(ids)
