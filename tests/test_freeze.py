"""The static build: every page, every link resolving, a sub-path, a safe output folder."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from catalogue.build import MARKER, BuildError, freeze
from catalogue.search import sort_key

from .conftest import DATA, DEMO, ROOT
from .static_site import card_files

BASE = "https://college.example/microcredentials/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "dist"
    urls = freeze(DEMO, out, BASE)
    return out, urls


def local_target(out: Path, link: str, prefix: str) -> Path | None:
    """The file a link points at in the build, or None for an outside link."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return None
    path = out / unquote(parts.path[len(prefix) :])
    return path / "index.html" if link.split("?")[0].endswith("/") else path


def test_every_page_is_built_and_drafts_are_not(built, demo_catalogue):
    out, urls = built
    for entry in demo_catalogue.entries:
        page = out / "credentials" / entry.slug / "index.html"
        assert page.exists() != entry.draft, entry.slug
        assert (out / "api" / "credentials" / f"{entry.slug}.json").exists() != entry.draft
    for name in [
        "index.html",
        "search/index.html",
        "browse/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "credentials.csv",
        "api/credentials.json",
        "static/css/site.css",
        MARKER,
    ]:
        assert (out / name).exists(), name
    assert not (out / "api" / "search.json").exists()
    assert not (out / "content-errors").exists()
    assert len(list((out / "browse").glob("*/*/index.html"))) > 100


def test_every_internal_link_and_asset_resolves(built):
    out, _ = built
    prefix = urlsplit(BASE).path
    checked = 0
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            link = link.replace("&amp;", "&")
            assert not link.startswith("/") or link.startswith(prefix), (page, link)
            target = local_target(out, link, prefix)
            if target is not None:
                assert target.exists(), (page, link)
                checked += 1
    assert checked > 5000


def test_sitemap_and_robots_use_the_base_url(built, demo_catalogue):
    out, _ = built
    sitemap = (out / "sitemap.xml").read_text()
    assert f"<loc>{BASE}credentials/ev-battery-diagnostics-advanced/</loc>" in sitemap
    for entry in demo_catalogue.entries:
        assert (f"/credentials/{entry.slug}/<" in sitemap) != entry.draft
    assert f"Sitemap: {BASE}sitemap.xml" in (out / "robots.txt").read_text()


def test_rebuild_replaces_everything(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    out = tmp_path / "dist"
    freeze(content, out)
    assert (out / "credentials" / "zeta-grid" / "index.html").exists()
    (content / "credentials" / "zeta-grid.md").unlink()
    freeze(content, out)
    assert not (out / "credentials" / "zeta-grid").exists()
    assert (out / "credentials" / "alpha-data" / "index.html").exists()


def test_refuses_a_folder_that_is_not_a_build(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(BuildError, match="not a catalogue build"):
        freeze(DATA / "search", out)
    assert (out / "thesis.docx").read_text() == "precious"
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(BuildError, match="is a file"):
        freeze(DATA / "search", file)


def test_build_py_and_catalogue_build_agree(tmp_path):
    for n, command in enumerate(
        [[sys.executable, str(ROOT / "build.py")], [sys.executable, "-m", "catalogue.cli", "build"]]
    ):
        out = tmp_path / f"out{n}"
        result = subprocess.run(
            command + ["--content", str(DATA / "search"), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith(f"into {out}")
    first = sorted(p.relative_to(tmp_path / "out0") for p in (tmp_path / "out0").rglob("*"))
    second = sorted(p.relative_to(tmp_path / "out1") for p in (tmp_path / "out1").rglob("*"))
    assert first == second
    refused = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--content",
            str(DATA / "search"),
            "--out",
            str(ROOT / "catalogue"),
        ],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("build: ") and "Traceback" not in refused.stderr


def test_header_configs_for_static_hosts(built):
    out, _ = built
    netlify = (out / "_headers").read_text()
    assert netlify.startswith("/microcredentials/*\n")
    assert "  Content-Security-Policy: default-src 'self'" in netlify
    assert "  X-Content-Type-Options: nosniff" in netlify
    apache = (out / ".htaccess").read_text()
    assert "ErrorDocument 404 /microcredentials/404.html" in apache
    assert 'Header always set X-Frame-Options "DENY"' in apache
    assert "AddType application/ld+json .jsonld" in apache
    nginx = (out / "nginx.conf.example").read_text()
    assert "location /microcredentials/ {" in nginx
    types = "    location ~ \\.(ics|csv|jsonld|atom|yml)$ {\n        types { text/calendar ics;"
    assert types in nginx
    assert "application/ld+json jsonld;" in nginx
    assert 'add_header Referrer-Policy "strict-origin-when-cross-origin" always;' in nginx


def test_static_pages_link_to_browse_pages_not_to_server_searches(built):
    out, _ = built
    search = (out / "search" / "index.html").read_text()
    home = (out / "index.html").read_text()
    assert 'data-total="60"' in search
    assert "/microcredentials/browse/delivery/online/" in search
    # Without JavaScript there is no search form: it is hidden until the script shows it.
    for page in (search, home):
        forms = re.findall(r"<form[^>]*>", page)
        search_forms = [f for f in forms if "compare-form" not in f]
        assert search_forms and all("hidden data-js-only" in form for form in search_forms)
    # comparing needs the script on the static compare page: ticks and button wait for it
    for part in re.findall(r'<(?:label|div) class="compare-(?:tick|bar)"[^>]*>', search):
        assert "hidden data-js-only" in part
    for page in out.rglob("*.html"):
        assert "/search/?" not in page.read_text(), page


def test_search_files_carry_content_hashes(built, demo_catalogue):
    out, urls = built
    data = out / "search-data"
    (facets,) = data.glob("facets.*.json")
    index = re.search(r'data-index="([^"]+)"', (out / "search" / "index.html").read_text())
    assert index and index.group(1) == f"/microcredentials/search-data/{facets.name}"
    part = json.loads(facets.read_text())
    text = data / part["text"]
    for file in (facets, text):
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
        assert file.name.split(".")[1] == digest, file.name
    published = [e for e in demo_catalogue.entries if not e.draft]
    assert part["languages"] == ["en", "fr"] and set(part["cards"]) == {"en", "fr"}
    french = card_files(data / part["cards"]["fr"])
    assert all(' lang="fr"' in card and "Mode" in card for _, card in french)
    cards = card_files(data / part["cards"]["en"])
    assert [p.stem for p, _ in cards] == [p.stem for p, _ in french]
    assert [p.stem for p, _ in cards] == [str(n) for n in range(len(published))]
    # the phrases every card repeats are in the phrase book, not in each file
    assert all(len(p.read_bytes()) < len(card.encode()) / 2 for p, card in cards)
    # cards come in title order, each the card the search page renders for that entry
    slugs = [re.search(r'data-slug="([^"]+)"', card).group(1) for _, card in cards]
    by_slug = {e.slug: e for e in published}
    assert sorted(slugs) == sorted(by_slug)
    keys = [(sort_key(by_slug[s].title), s) for s in slugs]
    assert keys == sorted(keys)
    assert f"/search-data/{facets.name}" in urls
    assert part["size"] == len(published)


def test_the_static_search_page_describes_no_results_it_may_not_show(built):
    """The frozen search page answers every search in the browser, so a schema.org list
    of the first results would describe another search than the one shown."""
    out, _ = built
    for page in ("search/index.html", "fr/search/index.html"):
        html = (out / page).read_text()
        assert "application/ld+json" not in html and 'name="robots" content="noindex' in html
    assert (
        "application/ld+json" in (out / "browse" / "delivery" / "online" / "index.html").read_text()
    )


def test_a_relative_out_folder_is_the_working_folders(tmp_path, monkeypatch):
    """`--out dist`, as the README has it: the site goes into ./dist, and nothing into
    the package (Frozen-Flask reads a relative destination from the app's folder)."""
    package = ROOT / "catalogue" / "web"
    before = sorted(package.iterdir())
    monkeypatch.chdir(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(DATA / "search"),
         "--out", "dist", "--base-url", BASE],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist" / "index.html").is_file()
    assert (tmp_path / "dist" / "search" / "index.html").is_file()
    assert sorted(package.iterdir()) == before


def test_shipped_scripts_are_compacted_but_complete(built):
    from catalogue.build.scripts import JOINED

    out, _ = built
    js = ROOT / "static" / "js"
    for source in js.glob("*.js"):
        shipped = (out / "static" / "js" / source.name).read_text()
        assert "\n//" not in shipped and not shipped.startswith("//")
        chain = [source.name]  # the module and every module joined into it, in turn
        while chain[-1] in JOINED:
            chain.append(JOINED[chain[-1]])
        whole = sum(len((js / name).read_text()) for name in chain)
        assert len(shipped) < whole
        exports = re.findall(r"^export (?:function|const|class) (\w+)", source.read_text(), re.M)
        for name in exports:
            assert re.search(rf"(^|[;}}])export (?:function|const|class) {name}\b", shipped, re.M)


def test_scripts_hold_no_template_literal_inside_another():
    """rJSmin, which compacts the scripts, reads a template literal inside another's
    `${...}` as code and closes up its spaces: write such a piece with + instead."""
    nested = re.compile(r"`[^`]*\$\{[^}`]*`")
    for script in (ROOT / "static" / "js").glob("*.js"):
        for n, line in enumerate(script.read_text().splitlines(), 1):
            assert not nested.search(line), f"{script.name}:{n}: {line.strip()}"


def test_feed_is_built_with_the_public_address(built):
    import xml.etree.ElementTree as ET

    out, urls = built
    assert "/feed.atom" in urls
    feed = ET.fromstring((out / "feed.atom").read_bytes())
    ns = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{ns}link[@rel='self']").get("href") == BASE + "feed.atom"
    ids = [e.find(f"{ns}id").text for e in feed.findall(f"{ns}entry")]
    assert ids and all(i.startswith(BASE + "credentials/") for i in ids)
    for i in ids:
        assert (out / i[len(BASE) :] / "index.html").exists()


def test_base_url_defaults_to_site_toml_and_its_absence_is_said(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "site.toml").write_text('base_url = "https://uni.example/courses/"\n')
    freeze(content, tmp_path / "a")
    home = (tmp_path / "a" / "index.html").read_text()
    assert 'href="/courses/search/"' in home
    assert "<loc>https://uni.example/courses/</loc>" in (tmp_path / "a" / "sitemap.xml").read_text()
    (content / "site.toml").write_text("")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
         str(tmp_path / "b")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no --base-url and no base_url in site.toml" in result.stderr


def test_compacting_keeps_code_strings_and_templates_and_drops_comments():
    from catalogue.build import compact_script

    source = (
        "// a note\n/** a block\n * spread over lines */\nconst a = 1; // gone\n"
        "const url = 'http://example'; /* gone */\n"
        'const t = `a // b ${x ? `c${y}` : ""} /* d */`;\n'
        "const r = /[/]\\*+/g;\nexport function f() { return 1 }\n"
    )
    assert compact_script(source) == (
        "const a=1;const url='http://example';"
        'const t=`a // b ${x ? `c${y}` : ""} /* d */`;'
        "const r=/[/]\\*+/g;export function f(){return 1}"
    )
    css = "/* c */ .b  {  color : red ; }\n@media (min-width: 40em) { .c { margin: 0 } }\n"
    assert (
        compact_script(css, stylesheet=True) == ".b{color:red}@media (min-width:40em){.c{margin:0}}"
    )


def test_the_search_page_ships_its_engine_joined_to_its_interface(built, tmp_path):
    """search-ui.js (and embed.js) come with search-engine.js's text in place of their
    import of it, and the engine and compare.js with phrases.js's; each still parses as a
    module, and the engine and phrases.js still ship alone."""
    out, _ = built
    js = out / "static" / "js"
    engine = (js / "search-engine.js").read_text()
    for name in ("search-ui.js", "embed.js", "search-engine.js", "compare.js"):
        shipped = (js / name).read_text()
        assert '"./search-engine.js"' not in shipped and '"./phrases.js"' not in shipped
        assert "function expanded(" in shipped
        if name != "compare.js":
            assert "class SearchEngine{" in shipped
        module = tmp_path / f"{name}.mjs"
        module.write_text(shipped)
        check = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    assert "export class SearchEngine{" in engine
    assert "export function expanded(" in (js / "phrases.js").read_text()


LINKED = """
const failed = [];
for (const url of process.argv.slice(1)) {
  // a name imported that is not exported, or declared twice, fails as the module is linked,
  // with a SyntaxError; running it outside a page (no document) fails otherwise
  await import(url).catch((e) => e instanceof SyntaxError && failed.push(`${url}: ${e.message}`));
}
process.stdout.write(failed.join("\\n"));
"""


def test_whatever_scripts_a_theme_gives_every_module_links(tmp_path):
    """Of the five modules joined (JOINED), any a theme gives ships as written, and the
    rest are joined around it: in each of the 32 cases every one of the five still links
    (each import finds its names, no name is declared twice) under Node.js."""
    from catalogue.build.scripts import JOINED, ship_scripts

    names = sorted({*JOINED, *JOINED.values()})
    assert len(names) == 5
    for themed in range(1 << len(names)):
        static = tmp_path / str(themed) / "static"
        shutil.copytree(ROOT / "static", static)
        ship_scripts(static, {name for n, name in enumerate(names) if themed >> n & 1})
        urls = [(static / "js" / name).as_uri() for name in names]
        run = subprocess.run(
            ["node", "--input-type=module", "-e", LINKED, *urls], capture_output=True, text=True
        )
        assert run.returncode == 0 and run.stdout == "", (themed, run.stdout, run.stderr)


def test_a_module_is_joined_only_where_it_runs_as_two_would():
    from catalogue.build.scripts import joined

    dependency = "import { x } from './x.js';\nconst hidden = 1;\nexport function f() {}\n"
    module = 'import { f } from "./dep.js";\nconst mine = 2;\nf(mine);\n'
    assert joined(module, dependency, "dep.js") == dependency + "const mine = 2;\nf(mine);\n"
    # a name both declare, a renamed import, a name not exported, the module's own address
    assert joined(module.replace("mine", "hidden"), dependency, "dep.js") is None
    assert joined(module.replace("{ f }", "{ f as g }"), dependency, "dep.js") is None
    assert joined(module.replace("{ f }", "{ f, hidden }"), dependency, "dep.js") is None
    assert joined(module, dependency + "new URL('a', import.meta.url);\n", "dep.js") is None
    assert joined(module, dependency, "other.js") is None
    # what the check cannot read whole: each could declare a name twice unseen
    for unread in [
        "const one = 1, mine = 3;\n",
        "let { a, b } = f();\n",
        "const [c] = f();\n",
        "if (f()) { var hidden = 4; }\n",
        "import g from './g.js';\n",
        "export { mine as yours };\n",
    ]:
        assert joined(module + unread, dependency, "dep.js") is None, unread
    # a name the dependency imports, bound by the module too
    assert joined("import { x } from './x.js';\n" + module, dependency, "dep.js") is None
