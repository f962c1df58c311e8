"""The interface in English and French: URLs, the language switch, translations kept in
step with the templates, money and dates as each language writes them, and site.toml's
`languages` and per-language texts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from catalogue.build import freeze
from catalogue.content import load
from catalogue.i18n import TRANSLATIONS, formats, plural_table
from catalogue.web import create_app

from .conftest import DATA, ROOT

PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
HOLE = re.compile(r"%\((\w+)\)s")


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def switch(html: str, lang: str) -> str:
    found = re.search(rf'<a href="([^"]*)" hreflang="{lang}" lang="{lang}" data-keep-query>', html)
    assert found, f"no link to {lang}"
    return found.group(1).replace("&amp;", "&")


def slugs(html: str) -> list[str]:
    return re.findall(r'<li class="card" data-slug="([^"]+)"', html)


@pytest.fixture()
def demo(demo_app):
    return demo_app.test_client()


def test_every_interface_string_is_in_the_french_catalogue(tmp_path):
    """What `pybabel extract` finds in the code and templates is exactly what the French
    catalogue translates, every placeholder kept: a new string fails here until it is
    translated (docs/translating.md says how)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-o", str(pot), "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    key = lambda m: (m.context, m.id if isinstance(m.id, str) else m.id[0])  # noqa: E731
    with pot.open("rb") as f:
        wanted = {key(m) for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        catalogue = read_po(f, locale="fr")
    have = {key(m): m for m in catalogue if m.id}
    assert sorted(wanted - set(have), key=str) == [], "strings to translate"
    assert sorted(set(have) - wanted, key=str) == [], "translations no string uses any more"
    assert len(wanted) > 150
    for name, message in have.items():
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert not message.fuzzy, name
        for string in strings:
            assert string, name
            assert set(HOLE.findall(string)) == set(HOLE.findall(" ".join(ids))), name
            assert re.findall(r"</?\w+", string) == re.findall(r"</?\w+", ids[0]), name


def test_french_pages_live_under_fr(demo, demo_catalogue):
    home = text(demo, "/fr/")
    assert '<html lang="fr">' in home
    assert "Catalogue des microcertifications" in home  # site.toml's [fr] name
    assert ">Rechercher</a>" in home and ">Parcourir</a>" in home
    assert 'href="/fr/search/"' in home and 'href="/fr/browse/"' in home
    assert 'hreflang="en"' in home
    entry = next(e for e in demo_catalogue.entries if e.cost >= 1000 and e.language == ["en"])
    page = text(demo, f"/fr/credentials/{entry.slug}/")
    amount = f"{int(entry.cost):,}".replace(",", "\u00a0")
    assert f"{amount}\u00a0$" in page  # "1 250 $"
    assert '<html lang="en">' in page  # the entry's own language
    assert 'class="entry-side" lang="fr"' in page and "Liste de vérification du cadre" in page
    english = text(demo, f"/credentials/{entry.slug}/")
    assert f"${int(entry.cost):,}" in english and "Framework checklist" in english


def test_the_language_switch_keeps_the_search_and_filters(demo):
    query = "q=care&delivery=online&cost_max=900&sort=cost"
    english = text(demo, f"/search/?{query}")
    to_french = switch(english, "fr")
    assert to_french == f"/fr/search/?{query}"
    french = text(demo, to_french)
    assert slugs(french) == slugs(english) and slugs(english)
    assert switch(french, "en") == f"/search/?{query}"
    total = re.search(r'data-total="(\d+)"', english).group(1)
    assert re.search(r'data-total="(\d+)"', french).group(1) == total
    assert "jusqu’à 900\u00a0$" in french or "jusqu'à 900\u00a0$" in french
    # facet links, chips and pagination stay in French
    main = french.split('<main id="main"', 1)[1]
    links = re.findall(r'href="(/[^"]*search/[^"]*)"', main)
    assert len(links) > 20 and all(link.startswith("/fr/search/") for link in links)
    # other pages: the same page in the other language
    assert switch(text(demo, "/browse/delivery/online/"), "fr") == "/fr/browse/delivery/online/"
    assert switch(text(demo, "/fr/compare/?c=a&c=b"), "en") == "/compare/?c=a&c=b"


def test_the_default_language_has_no_prefix_and_others_are_not_found(demo):
    response = demo.get("/en/search/?q=data")
    assert response.status_code == 308 and response.location == "/search/?q=data"
    for url in ("/de/search/", "/xx/"):
        assert demo.get(url).status_code == 404
    missing = demo.get("/fr/credentials/nope/")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)
    assert "Page not found" in demo.get("/credentials/nope/").get_data(as_text=True)


def test_money_numbers_and_dates_by_language():
    import datetime as dt

    en, fr = formats("en", "CA"), formats("fr", "CA")
    assert en.money(1250, "CAD", "Free") == "$1,250" and en.money(12.5, "CAD", "-") == "$12.50"
    assert fr.money(1250, "CAD", "Gratuit") == "1\u00a0250\u00a0$"
    assert fr.money(0, "CAD", "Gratuit") == "Gratuit"
    assert en.number(12.5) == "12.5" and fr.number(12.5) == "12,5" and fr.number(40.0) == "40"
    day = dt.date(2027, 2, 3)
    assert en.long_date(day) == "3 February 2027" and fr.long_date(day) == "3 février 2027"
    assert fr.short_date(day) == "3 févr. 2027"
    assert formats("en", "GB").money(5, "GBP", "") == "£5"
    # the plural table the browser uses agrees with gettext's rule for French (n > 1)
    assert plural_table("fr")[:3] == [0, 0, 1] and plural_table("en")[:3] == [1, 0, 1]


def test_weeks_with_decimals_follow_each_language(demo_app):
    from flask import g

    from catalogue.web import weeks_text

    with demo_app.test_request_context("/"):
        assert [weeks_text(w) for w in (1, 1.5, 6)] == ["1 week", "1.5 weeks", "6 weeks"]
        g.lang = "fr"
        assert [weeks_text(w) for w in (1, 1.5, 6)] == ["1 semaine", "1,5 semaine", "6 semaines"]


def write_site(tmp_path, settings: str):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content, dirs_exist_ok=True)
    (content / "site.toml").write_text(settings, encoding="utf-8")
    return content


def test_site_toml_languages_and_texts_are_checked(tmp_path):
    content = write_site(
        tmp_path,
        'name = "Micro"\nlanguages = ["fr", "de", "fr"]\n\n[fr]\nname = "Micro FR"\ncolour = "x"\n',
    )
    catalogue = load(content)
    problems = [str(e) for e in catalogue.errors if "site.toml" in e.path]
    path = str(content / "site.toml")
    assert problems == [
        f"{path}:6: fr.colour: unknown setting; a [fr] table may set name, tagline, notice, "
        "organisation",
        f"{path}:2: languages: no interface in 'de'; the interface comes in en, fr",
        f"{path}:2: languages: a language is named twice",
    ]
    assert catalogue.site.interface_languages == ("fr",)


def test_a_site_can_put_french_first_or_offer_one_language(tmp_path):
    content = write_site(tmp_path / "a", 'languages = ["fr", "en"]\n')
    client = create_app(content, index_dir=tmp_path / "ix-a").test_client()
    assert '<html lang="fr">' in text(client, "/")
    assert '<html lang="en">' in text(client, "/en/search/")
    assert client.get("/fr/").status_code == 308  # the default language lives at the root
    single = write_site(tmp_path / "b", 'name = "Only English"\n')
    client = create_app(single, index_dir=tmp_path / "ix-b").test_client()
    home = text(client, "/")
    assert "hreflang" not in home
    assert client.get("/fr/").status_code == 404


def test_the_static_build_has_every_page_in_both_languages(frozen_demo):
    english = {p.relative_to(frozen_demo) for p in frozen_demo.rglob("index.html")}
    french = {p.relative_to(frozen_demo / "fr") for p in (frozen_demo / "fr").rglob("index.html")}
    english = {p for p in english if p.parts[0] != "fr"}
    assert english == french and len(french) > 200
    page = (frozen_demo / "fr" / "search" / "index.html").read_text()
    assert '<html lang="fr">' in page and 'data-lang="fr"' in page
    assert 'href="/microcredentials/search/" hreflang="en"' in page
    sitemap = (frozen_demo / "sitemap.xml").read_text()
    assert sitemap.count("/microcredentials/fr/credentials/") == sitemap.count(
        "/microcredentials/credentials/"
    )


def test_one_language_builds_no_prefix(tmp_path):
    content = write_site(tmp_path, 'name = "Only English"\n')
    freeze(content, tmp_path / "dist")
    assert not (tmp_path / "dist" / "fr").exists()
    assert (tmp_path / "dist" / "search" / "index.html").is_file()
