"""The `catalogue` command: check, new, schema, fields, serve, index, build, searches."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import content, newentry
from .exports.readiness import registry_warnings
from .fields import PluginError, documents, load_plugins
from .i18n import counted


def cmd_check(args: argparse.Namespace) -> int:
    catalogue = content.load(args.dir)
    catalogue.warnings += registry_warnings(catalogue)
    # site.toml first: a mistake there explains the others (organisations not read, say)
    for problem in sorted(
        catalogue.errors + catalogue.warnings,
        key=lambda p: (Path(p.path).name != "site.toml", p.path, p.line, p.severity),
    ):
        print(problem)
    drafts = sum(e.draft for e in catalogue.entries)
    print(
        f"{counted(len(catalogue.entries), 'entry', 'entries')} ({counted(drafts, 'draft')}), "
        f"{counted(len(catalogue.errors), 'error')}, {counted(len(catalogue.warnings), 'warning')}"
    )
    if catalogue.errors or (args.strict and catalogue.warnings):
        return 1
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    return newentry.run(args, interactive=sys.stdin.isatty() and not args.no_input)


def cmd_schema(args: argparse.Namespace) -> int:
    text = documents.json_schema_text()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(args.out)
    else:
        sys.stdout.write(text)
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    sys.stdout.write(documents.fields_markdown())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web import ThemeError, create_app

    # The editor's backend writes to the content folder: only for this machine's browser.
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    try:
        app = create_app(
            content_dir=args.content,
            drafts=args.drafts,
            show_content_errors=True,
            theme=args.theme,
            cms_api=loopback,
        )
    except ThemeError as exc:
        print(f"catalogue serve: {exc}", file=sys.stderr)
        return 2
    from .web import ROOT, live

    live.enable(app, Path(args.content), [ROOT / "templates", ROOT / "static"])  # and the theme
    print(f"Serving {args.content} on http://{args.host}:{args.port}/ (Ctrl+C stops)")
    print("Pages reload by themselves when an entry, site.toml or a template changes.")
    if loopback:
        print(f"Edit entries in the browser at http://{args.host}:{args.port}/admin/")
        print(f"Import a spreadsheet at http://{args.host}:{args.port}/admin/import/")
    else:
        print("The editor at /admin/ saves through this server only on 127.0.0.1 (--host).")
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    """Build the search index of a content folder where a running server finds it."""
    from .content import load
    from .search import build_index
    from .web import default_index_dir

    root = Path(args.index_dir) if args.index_dir else default_index_dir(Path(args.content))
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        print(f"catalogue index: cannot write the index in {root}: {exc.strerror}", file=sys.stderr)
        return 1
    catalogue = load(Path(args.content), stored=root)  # what the server kept, and for it
    for problem in catalogue.errors:
        print(problem, file=sys.stderr)
    entries = catalogue.published(drafts=False)
    try:
        folder = build_index(entries, root)
    except OSError as exc:
        print(f"catalogue index: cannot write the index in {root}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"indexed {counted(len(entries), 'entry', 'entries')} into {folder}")
    return 0


def cmd_searches(args: argparse.Namespace) -> int:
    import datetime as dt

    from .web import searchlog

    path = Path(args.log)
    if not searchlog.files_of(path):
        print(f"catalogue searches: no log at {path} (site.toml's [search] log)", file=sys.stderr)
        return 2
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            print(f"catalogue searches: --since: expected YYYY-MM-DD; got {args.since!r}",
                  file=sys.stderr)  # fmt: skip
            return 2
    sys.stdout.write(searchlog.report(searchlog.summarise(path, since), args.top))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importing import FolderBusy, MapError, SheetError, run_import

    if args.template:
        return write_template(Path(args.template), args.files, Path(args.content))
    if not args.files:
        print("catalogue import: name a file to import (or --template FILE)", file=sys.stderr)
        return 2

    try:
        report = run_import(
            [Path(f) for f in args.files],
            Path(args.content),
            Path(args.map) if args.map else None,
            update=args.update,
            dry_run=args.dry_run,
        )
    except (MapError, SheetError, FolderBusy) as exc:
        print(f"catalogue import: {exc}", file=sys.stderr)
        return 2
    for line in report.lines:
        print(line)
    print(report.summary(args.dry_run) + (" (dry run: nothing written)" if args.dry_run else ""))
    return 1 if report.refused else 0


def write_template(path: Path, extra: list[str], content_dir: Path) -> int:
    """Write the empty workbook to import from, headed in the site's first language."""
    from .exports.workbook import template_xlsx
    from .i18n import translations

    if extra:
        print("catalogue import: --template writes a file; it imports none", file=sys.stderr)
        return 2
    if path.exists():
        print(f"catalogue import: {path} already exists; not overwritten", file=sys.stderr)
        return 1
    lang = content.load_site(content_dir, []).interface_languages[0]
    path.write_bytes(template_xlsx(translations(lang).gettext))
    print(f"Wrote {path}: fill in one row an offering, then: catalogue import {path}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import main as build_main

    argv = ["--content", args.content, "--out", args.out]
    argv += ["--base-url", args.base_url] if args.base_url else []
    return build_main(argv + (["--theme", args.theme] if args.theme else []))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catalogue", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="report every error and warning in a content folder")
    p.add_argument("dir", nargs="?", default="content")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "new",
        help="write a new entry (asks for the essentials on a terminal)",
        description="Write a new draft entry. On a terminal, asks for every value not given "
        "as an option and checks each answer; otherwise writes what the options give and "
        "leaves the rest for catalogue check to name.",
    )
    p.add_argument("title", nargs="?")
    for q in newentry.questions():
        if q.name == "title":  # the positional argument
            continue
        if q.kind.many:
            p.add_argument(
                newentry.option(q), dest=q.name, action="append", default=[], help="repeatable"
            )
        else:
            p.add_argument(newentry.option(q), dest=q.name, help=q.prompt)
    p.add_argument("--content", default="content")
    p.add_argument("--no-input", action="store_true", help="never ask, even on a terminal")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("schema", help="print the JSON Schema of the front matter")
    p.add_argument("--out", help="write it to this file instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("fields", help="print the field reference (docs/fields.md)")
    p.set_defaults(func=cmd_fields)

    p = sub.add_parser("serve", help="serve the catalogue")
    p.add_argument("--content", default="content")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--drafts", action="store_true", help="show draft entries too")
    p.add_argument("--theme", help="a folder of templates/ and static/ that override the defaults")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "index",
        help="rebuild the search index for a running server",
        description="Rebuild the search index of a content folder. A server started with the "
        "same index folder (CATALOGUE_INDEX_DIR) serves the new index once it is whole, "
        "within a few seconds, without a restart; until then, and if the rebuild is "
        "stopped, it serves the previous one.",
    )
    p.add_argument("--content", default="content")
    p.add_argument("--index-dir", help="default: the folder the server uses by default")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser(
        "searches",
        help="report what learners searched for, from the live server's search log",
        description="Summarise a search log (site.toml's [search] log) and its rotated "
        "files: the searches made most, those that found nothing, the filters used most.",
    )
    p.add_argument("log", metavar="LOG", help="the log, e.g. content/searches.jsonl")
    p.add_argument("--since", metavar="DATE", help="only searches on or after YYYY-MM-DD")
    p.add_argument("--top", type=int, default=20, help="lines in each list (default 20)")
    p.set_defaults(func=cmd_searches)

    p = sub.add_parser(
        "import",
        help="read spreadsheets (CSV, XLSX) and registry records (CTDL, Open Badges) into entries",
        description="Read each row of CSV or XLSX files as an entry of the content folder, "
        "checking every cell. A row with a wrong value is refused with its cell named; a row "
        "missing required fields is written as a draft; an existing file is left alone "
        "unless --update is given. See docs/importing.md.",
    )
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--content", default="content")
    p.add_argument("--map", help="a TOML file naming columns and values (docs/importing.md)")
    p.add_argument(
        "--template",
        metavar="FILE",
        help="write an empty workbook to fill in (every column, its help and choices)",
    )
    p.add_argument("--update", action="store_true", help="change existing entries' fields")
    p.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("build", help="freeze the site into static files")
    p.add_argument("--content", default="content")
    p.add_argument("--out", default="dist")
    p.add_argument("--base-url", help="public address, e.g. https://college.example/micro/")
    p.add_argument("--theme", help="a folder of templates/ and static/ that override the defaults")
    p.set_defaults(func=cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        load_plugins()
    except PluginError as exc:
        print(f"catalogue: {exc}", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
