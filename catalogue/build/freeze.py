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
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from flask_frozen import Freezer

from ..content import load_site
from ..exports.browser import facet_file
from ..i18n import counted
from ..web import ThemeError, create_app, decap
from ..web.language import url_lang
from ..web.security import embed_policy
from ..web.state import STATIC_BUILD, StaticBuild
from ..web.views.admin import admin_csp
from .hosts import root_path, write_header_configs
from .pages import (
    check_endpoints,
    export_compare,
    export_search,
    register_generators,
    register_static_routes,
    render_rows,
    site_languages,
)
from .parts import PartFailed, freeze_pages, in_child, part_count
from .scripts import ship_scripts

# Frozen-Flask checks each page's type against its file name; not every system's
# mimetypes knows .atom, .jsonld and .yml (the editor's config.yml).
mimetypes.add_type("application/atom+xml", ".atom")
mimetypes.add_type("application/ld+json", ".jsonld")
mimetypes.add_type("text/yaml", ".yml")

MARKER = ".catalogue-build"
SEARCH_DATA = "search-data"  # the folder of the browser's search files
PARTS: int | None = None  # processes a build freezes in; None: one a core (parts.py)


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
    # absolute: Frozen-Flask reads a relative destination from the app's own folder
    out = Path(out).absolute()
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
    # The scratch folder sits beside `out`, so the final move is a rename on one disk.
    scratch_root = Path(tempfile.mkdtemp(prefix=".catalogue-build-", dir=out.parent))
    scratch = scratch_root / "site"
    built = False
    parts = PARTS or part_count()
    for leftover in out.parent.glob(f".{out.name}.previous-*"):  # a removal cut short
        remove_later(leftover)
    try:
        try:
            # The search index and the entries read are kept where `catalogue serve` keeps
            # them (keyed by content, never stale): a build after a build, or after a
            # serve, of the same entries reads and indexes nothing again. An index to
            # build is built on a core of its own while the cards, compare columns and
            # browse rows are rendered (export_search asks for it last).
            app = create_app(content_dir, theme=theme, index_later=True)
        except ThemeError as exc:
            raise BuildError(str(exc)) from None
        cms = app.extensions["catalogue"].catalogue.site.cms
        if cms.backend and not decap.installed():
            raise BuildError(
                f"site.toml's [cms] asks for the editor at /admin/, but Decap CMS "
                f"{decap.VERSION} is not installed: run bash scripts/install"
            )
        app.config.update(
            FREEZER_DESTINATION=str(scratch),
            FREEZER_BASE_URL=base_url,
            FREEZER_REMOVE_EXTRA_FILES=True,
            FREEZER_IGNORE_MIMETYPE_WARNINGS=False,
        )
        # From here on, pages link to browse pages instead of server searches.
        app.config[STATIC_BUILD] = StaticBuild()
        register_static_routes(app)
        data = f"{root_path(base_url)}{SEARCH_DATA}/"

        # the compare columns and the browse rows are rendered in a process of their own
        # meanwhile; the parts, forked later, find the rows rendered. That process gives
        # way to the index build, if one runs: the build waits for the index, not them.
        def pieces():
            return export_compare(app, base_url), render_rows(app, base_url)

        rendered = in_child(pieces, nice=10) if parts > 1 else pieces
        search_files = export_search(app, base_url)
        try:
            columns, rows = rendered()
        except PartFailed as exc:
            raise BuildError(f"{exc}; the folder was left as it was") from None
        app.extensions["catalogue"].cards.update(rows)
        compare_columns = {}
        for lang, (folder, files) in columns.items():
            if files:
                compare_columns[lang] = f"{data}{folder}/"
            search_files.update(files)
        app.config[STATIC_BUILD] = StaticBuild(f"{data}{facet_file(search_files)}", compare_columns)
        # Every URL comes from the generators (a test crawls the build for links to
        # pages it lacks), so Frozen-Flask need not record every url_for call as well.
        freezer = Freezer(app, with_no_argument_rules=False, log_url_for=False)
        frozen: set[str] = set()
        register_generators(freezer, frozen)
        # Each part a process of its own, forked from this one with the site loaded, all
        # writing into the scratch folder; the scratch folder is new, so it holds exactly
        # what this build writes (Frozen-Flask's FREEZER_REMOVE_EXTRA_FILES, kept whole).
        try:
            urls = freeze_pages(
                freezer,
                parts,
                progress,
                frozen,
                {f"{SEARCH_DATA}/{name}": data for name, data in search_files.items()},
            )
        except PartFailed as exc:
            raise BuildError(f"{exc}; the folder was left as it was") from None
        check_endpoints(app, frozen)
        urls.extend(f"/{SEARCH_DATA}/{name}" for name in search_files)
        theme = app.config["THEME"]  # its own scripts are shipped as they are, never joined
        themed = {p.name for p in (Path(theme) / "static" / "js").glob("*.js")} if theme else set()
        ship_scripts(scratch / "static", themed)
        (scratch / MARKER).write_text("Built by `catalogue build`; safe to replace.\n")
        with app.test_request_context("/"):
            policies = {"admin/": admin_csp()} if cms.backend else {}
            embed = embed_policy(app.extensions["catalogue"].catalogue.site.embed_origins)
            langs = [url_lang(lang) for lang in site_languages(app)]
            for lang in langs:
                policies[lang + "/embed/" if lang else "embed/"] = embed
        write_header_configs(
            scratch,
            root_path(base_url),
            policies,
            hashed=(f"{SEARCH_DATA}/",),  # every name in it carries its content's hash
            languages=tuple(f"{lang}/" for lang in langs if lang),
        )
        if out.exists():
            out.rename(scratch_root / "previous")
        shutil.move(str(scratch), str(out))
        built = True
        return urls
    finally:
        if built:  # the last site, moved aside: removed in the background (see remove_later)
            previous = out.parent / f".{out.name}.previous-{scratch_root.name}"
            scratch_root.rename(previous)
            remove_later(previous)
        else:
            shutil.rmtree(scratch_root, ignore_errors=True)


def remove_later(folder: Path) -> None:
    """Remove `folder` in a process of its own that outlives this one: removing the last
    site's 100,000 files at 10,000 entries took some 20 s the build need not wait for.
    The process keeps no file of this one's open (neither the build lock nor a pipe
    someone reads this one's output from). A removal cut short leaves a
    `.<out>.previous-...` folder, which the next build into `out` removes."""
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the first child ends at once; its own child does the work
        return
    try:
        os.setsid()
        if os.fork() == 0:
            os.closerange(0, os.sysconf("SC_OPEN_MAX"))
            os.open(os.devnull, os.O_RDWR)  # 0, then 1 and 2 as copies of it
            os.dup2(0, 1)
            os.dup2(0, 2)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(0)


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
    print(f"\nbuilt {counted(len(urls), 'page')} into {args.out}")
    return 0


def _progress_bar() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    count = 0

    def show(url: str) -> None:
        nonlocal count
        count += 1
        sys.stderr.write(f"\r{count:>6} {'page ' if count == 1 else 'pages'}  {url[:60]:<60}")
        sys.stderr.flush()

    return show
