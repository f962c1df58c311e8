"""Freeze the site into a folder of static files with Frozen-Flask.

The frozen site has every page of the live one except what needs a server: the search
JSON API (the browser answers searches in the static site) and the content-error page.
Frozen-Flask deletes whatever it did not write in its destination, so a folder is only
built into when it is empty or holds an earlier build (it carries a marker file).
"""

from __future__ import annotations

import contextlib
import fcntl
import mimetypes
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, g, render_template, url_for
from flask_frozen import Freezer, FrozenFlaskWarning

from .export import export, facet_file, fragments
from .model import FACETS
from .site import load_site

# Frozen-Flask checks each page's type against its file name; not every system's
# mimetypes knows .atom.
mimetypes.add_type("application/atom+xml", ".atom")

MARKER = ".catalogue-build"
SEARCH_DATA = "search-data"  # the folder of the browser's search files
SKIPPED_ENDPOINTS = {"api_search", "content_errors"}


class BuildError(Exception):
    """A build that cannot run, with a message for the person who started it."""


def _check_destination(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(
            f"{out} already holds files that are not a catalogue build; the build replaces "
            "everything in its folder, so choose an empty or new --out"
        )


def freeze(
    content_dir: str | Path = "content",
    out: str | Path = "dist",
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
    theme: str | Path | None = None,
) -> list[str]:
    """Build the static site of `content_dir` into `out`; return the URLs written.

    `base_url` (e.g. https://college.example/microcredentials/; by default `base_url` in
    site.toml) makes every link start with its path, for a site hosted under a sub-path,
    and is the address the sitemap and the feed give. The build is written to a scratch
    folder first and moved into place only when whole, so a failed build never leaves a
    half-written site where the last good one was. A second build into the same folder
    while one runs is refused.
    """
    out = Path(out)
    _check_destination(out)
    base_url = base_url or load_site(Path(content_dir), []).base_url or None
    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        raise BuildError(f"--base-url must start with http:// or https://; got {base_url!r}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(out):
            return _freeze(content_dir, out, base_url, progress, theme)
    except OSError as exc:  # a read-only or full disk, say: the last good site stays
        where = exc.filename or out
        raise BuildError(
            f"cannot write the site to {out} ({exc.strerror or exc}: {where}); "
            "the folder was left as it was"
        ) from None


@contextlib.contextmanager
def _build_lock(out: Path) -> Iterator[None]:
    """Hold the lock of builds into `out` (a file beside it); refuse to start a second
    build into the same folder while one runs. The lock goes with its process, even one
    that is killed."""
    path = out.parent / f".{out.name}.build-lock"
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise BuildError(
                f"another build into {out} is running ({holder}); wait for it to finish, "
                "or build into another folder"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)


def _freeze(content_dir, out: Path, base_url, progress, theme) -> list[str]:
    from .web import ThemeError, create_app

    # The scratch folder sits beside `out`, so the final move is a rename on one disk.
    scratch_root = Path(tempfile.mkdtemp(prefix=".catalogue-build-", dir=out.parent))
    scratch = scratch_root / "site"
    try:
        try:
            app = create_app(content_dir, index_dir=scratch_root / "index", theme=theme)
        except ThemeError as exc:
            raise BuildError(str(exc)) from None
        app.config.update(
            FREEZER_DESTINATION=str(scratch),
            FREEZER_BASE_URL=base_url,
            FREEZER_REMOVE_EXTRA_FILES=True,
            FREEZER_IGNORE_MIMETYPE_WARNINGS=False,
            STATIC_BUILD=True,  # pages link to browse pages instead of server searches
        )
        register_static_routes(app)
        search_files = export_search(app, base_url)
        app.config["COMPARE_COLUMNS"] = {}
        for lang, (folder, files) in export_compare(app, base_url).items():
            if files:
                app.config["COMPARE_COLUMNS"][lang] = (
                    f"{_root_path(base_url)}{SEARCH_DATA}/{folder}/"
                )
            search_files.update(files)
        app.config["SEARCH_INDEX"] = (
            f"{_root_path(base_url)}{SEARCH_DATA}/{facet_file(search_files)}"
        )
        # Every URL comes from the generators (a test crawls the build for links to
        # pages it lacks), so Frozen-Flask need not record every url_for call as well.
        freezer = CatalogueFreezer(app, with_no_argument_rules=False, log_url_for=False)
        register_generators(freezer)
        urls = []
        with warnings.catch_warnings():
            warnings.simplefilter("error", FrozenFlaskWarning)
            for page in freezer.freeze_yield():
                urls.append(page.url)
                if progress:
                    progress(page.url)
        for name, data in search_files.items():
            path = scratch / SEARCH_DATA / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            urls.append(f"/{SEARCH_DATA}/{name}")
        for script in [
            *(scratch / "static").glob("js/*.js"),
            *(scratch / "static").glob("css/*.css"),
        ]:
            script.write_text(compact_script(script.read_text(encoding="utf-8")), "utf-8")
        (scratch / MARKER).write_text("Built by `catalogue build`; safe to replace.\n")
        write_header_configs(scratch, _root_path(base_url))
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(scratch), str(out))
        return urls
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)


def compact_script(source: str) -> str:
    """Leave out a script's or stylesheet's comment lines, blank lines and indentation:
    about a quarter of what a visitor downloads for the search page. Safe for this
    project's files, which keep every string on one line and every comment on lines of its
    own (or after code, where it stays); the browser tests run the compacted files."""
    out = []
    in_block = False
    for line in source.splitlines():
        text = line.strip()
        if in_block or text.startswith("/*"):
            in_block = "*/" not in text
            rest = "" if in_block else text.split("*/", 1)[1].strip()
            if rest:  # code after a comment that ends on this line
                out.append(rest)
        elif text and not text.startswith("//"):
            out.append(text)
    return "\n".join(out) + "\n"


def _root_path(base_url: str | None) -> str:
    """The path the site lives under, with a slash at each end: "/" or "/micro/"."""
    return urlsplit(base_url or "/").path.rstrip("/") + "/"


def _languages(app) -> tuple[str, ...]:
    return app.extensions["catalogue"].catalogue.site.interface_languages


def export_search(app, base_url: str | None) -> dict[str, bytes]:
    """The browser's search files (see catalogue/export.py), cards rendered as the
    search page renders them in each language, with links under `base_url`."""
    engine = app.extensions["catalogue"].engine

    def card(entry, lang: str) -> str:
        g.lang = lang
        return render_template("_card.html", e=entry)

    with app.test_request_context("/", base_url=base_url or "http://localhost/"):
        return export(engine, card, _languages(app))


def export_compare(app, base_url: str | None) -> dict[str, tuple[str, dict[str, bytes]]]:
    """Each entry's column of the comparison table in each language, for the static
    compare page (static/js/compare.js): by language, the folder they go in and the files."""
    site = app.extensions["catalogue"]
    out = {}
    with app.test_request_context("/", base_url=base_url or "http://localhost/"):
        for lang in _languages(app):
            g.lang = lang
            columns = {
                e.slug: render_template("_compare_column.html", e=e).strip().encode()
                for e in site.entries
            }
            out[lang] = fragments("compare", columns)
    return out


def register_static_routes(app) -> None:
    """Routes that exist only in the static build."""

    @app.route("/404.html")
    def not_found_page():
        # Static hosts serve this file for missing pages (see docs/hosting.md).
        return render_template("404.html")

    @app.route("/robots.txt")
    def robots():
        lines = ["User-agent: *", "Allow: /"]
        lines.append(f"Sitemap: {url_for('sitemap', _external=True)}")
        return Response("\n".join(lines) + "\n", mimetype="text/plain")


def write_header_configs(out: Path, prefix: str) -> None:
    """Write the security headers and the 404 page for common static hosts.

    A static host sends no headers of the catalogue's own: these files tell Netlify-style
    hosts (`_headers`), Apache (`.htaccess`) and nginx (`nginx.conf.example`, to copy
    into a server block) what the live server would send.
    """
    from .web import SECURITY_HEADERS

    headers = SECURITY_HEADERS.items()
    (out / "_headers").write_text(
        f"{prefix}*\n" + "".join(f"  {name}: {value}\n" for name, value in headers)
    )
    (out / ".htaccess").write_text(
        f"ErrorDocument 404 {prefix}404.html\n<IfModule mod_headers.c>\n"
        + "".join(f'  Header always set {name} "{value}"\n' for name, value in headers)
        + "</IfModule>\n"
    )
    (out / "nginx.conf.example").write_text(
        f"# Inside the server block that serves this folder at {prefix}\n"
        f"location {prefix} {{\n"
        f"    error_page 404 {prefix}404.html;\n"
        + "".join(f'    add_header {name} "{value}" always;\n' for name, value in headers)
        + "}\n"
    )


class CatalogueFreezer(Freezer):
    def _check_endpoints(self, seen_endpoints):
        # The search API and the content-error page need a server: left out on purpose.
        # Pages a catalogue may not have: pathways (when nothing stacks into a larger
        # credential), and its own colours and logo (when site.toml sets none).
        site = self.app.extensions["catalogue"]
        settings = site.catalogue.site
        empty = {
            name
            for name, present in [
                ("pathway", site.pathways),
                ("theme_css", settings.custom_colours),
                ("logo", settings.logo),
            ]
            if not present
        }
        super()._check_endpoints(seen_endpoints | SKIPPED_ENDPOINTS | empty)


def register_generators(freezer: Freezer) -> None:
    """Tell Frozen-Flask every URL of the site, so nothing depends on being linked."""
    site = freezer.app.extensions["catalogue"]

    languages = site.catalogue.site.interface_languages
    # the `lang` of each language's URLs: none for the default, which lives at the root
    prefixes = [{"lang": ""}] + [{"lang": lang} for lang in languages[1:]]

    @freezer.register_generator
    def pages():
        for endpoint in (
            "api_entries",
            "entries_csv",
            "sitemap",
            "feed",
            "not_found_page",
            "robots",
        ):
            yield endpoint, {}
        for entry in site.entries:
            yield "api_entry", {"slug": entry.slug}
        for lang in prefixes:
            for endpoint in ("home", "search", "browse_index", "compare", "pathways_index"):
                yield endpoint, lang
            for entry in site.entries:
                yield "entry", {"slug": entry.slug, **lang}
            for facet in FACETS:
                for slug in site.browse[facet.name]:
                    yield "browse", {"facet": facet.name, "value": slug, **lang}
            for slug in site.pathways:
                yield "pathway", {"slug": slug, **lang}
        settings = site.catalogue.site
        if settings.custom_colours:
            yield "theme_css", {}
        if settings.logo:
            yield "logo", {"ext": Path(settings.logo).suffix}
        theme = freezer.app.config.get("THEME")
        if theme and (Path(theme) / "static").is_dir():
            for file in sorted((Path(theme) / "static").rglob("*")):
                if file.is_file():
                    yield (
                        "static",
                        {"filename": file.relative_to(Path(theme) / "static").as_posix()},
                    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="build.py", description="Freeze the catalogue.")
    parser.add_argument("--content", default="content")
    parser.add_argument("--out", default="dist")
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--theme", default=None, help="a folder of templates/ and static/")
    args = parser.parse_args(argv)
    if not args.base_url and not load_site(Path(args.content), []).base_url:
        print(
            "build: no --base-url and no base_url in site.toml, so sitemap.xml and feed.atom "
            "give addresses on http://localhost/",
            file=sys.stderr,
        )
    try:
        urls = freeze(
            args.content, args.out, args.base_url, progress=_progress_bar(), theme=args.theme
        )
    except BuildError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    print(f"\nbuilt {len(urls)} pages into {args.out}")
    return 0


def _progress_bar() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    count = 0

    def show(url: str) -> None:
        nonlocal count
        count += 1
        sys.stderr.write(f"\r{count:>6} pages  {url[:60]:<60}")
        sys.stderr.flush()

    return show
