"""No page scrolls sideways and no fact box spills, at a small phone's 320 px, a phone's
390 px, a tablet's 800 px and a desktop's 1280 px, in English and in French: every page
family, in Chromium, on the frozen demo under a sub-path and on the live server."""

from __future__ import annotations

import pytest

# Those whose French facts ("En présentiel", a cost in thousands) once pushed the page wide
WIDE_FRENCH = [
    "trades-cnc-machining-setup",
    "agri-precision-agriculture-drones",
    "ev-entretien-groupes-motopropulseurs-hybrides",
    "it-network-administration-basics",
]
FAMILIES = [
    "",
    "search/?q=care",
    "search/?delivery=in-person",
    "browse/",
    "browse/delivery/in-person/",
    "pathways/",
    "pathways/certificate-in-electric-vehicle-infrastructure/",
    f"compare/?c={WIDE_FRENCH[0]}&c={WIDE_FRENCH[1]}",
    "embed/?delivery=in-person",
    *(f"credentials/{slug}/" for slug in WIDE_FRENCH),
]
WIDTHS = [320, 390, 800, 1280]

# How far the page reaches past the window, and each fact box (delivery, time, cost) whose
# words are wider than the box: they would be painted over by the next box ("En préser").
MEASURE = """() => {
  const doc = document.documentElement;
  const spilt = [...document.querySelectorAll(".fact, .fact dt, .fact dd")]
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName}: ${el.textContent.trim()} (${el.scrollWidth} > ${el.clientWidth})`);
  return { over: doc.scrollWidth - doc.clientWidth, spilt };
}"""


def problems(browser, base: str, paths: list[str], widths: list[int]) -> dict[str, dict]:
    """Each page at each width that scrolls sideways or spills a fact, with what it does."""
    found = {}
    for width in widths:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        try:
            for path in paths:
                page.goto(base + path)
                if page.locator("#search-app[data-index]").count():  # drawn by the browser
                    page.wait_for_selector(
                        "#search-app[data-rendered]:not([aria-busy])", state="attached"
                    )
                seen = page.evaluate(MEASURE)
                if seen["over"] > 0 or seen["spilt"]:
                    found[f"{width} {path}"] = seen
        finally:
            context.close()
    return found


@pytest.mark.parametrize("lang", ["", "fr/"])
def test_no_page_family_scrolls_sideways_or_spills(site, browser, lang):
    assert problems(browser, site, [lang + path for path in FAMILIES], WIDTHS) == {}


@pytest.mark.parametrize("lang", ["", "fr/"])
def test_no_entry_page_scrolls_sideways_on_a_small_phone(demo_site, demo_catalogue, browser, lang):
    paths = [f"{lang}credentials/{e.slug}/" for e in demo_catalogue.entries if not e.draft]
    assert len(paths) >= 50
    assert problems(browser, demo_site, paths, [320]) == {}


def test_the_measure_sees_a_page_wider_than_the_window(tmp_path, browser):
    from .static_site import serve_folder

    (tmp_path / "index.html").write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        '<dl class="facts"><div class="fact" style="width: 40px; white-space: nowrap">'
        "<dt>Mode</dt><dd>En présentiel</dd></div></dl>"
        '<p style="width: 500px">wide</p>'
    )
    with serve_folder(tmp_path, "/x/") as url:
        (seen,) = problems(browser, url, [""], [320]).values()
    assert seen["over"] == 500 - 320 + 8  # the body's margin
    spilt = [s.split(" (")[0] for s in seen["spilt"]]
    assert spilt == ["DIV: ModeEn présentiel", "DD: En présentiel"]
