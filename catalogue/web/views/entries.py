"""Entry pages, the comparison table, and the entries as data (JSON, CSV)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)

from ...exports.jsonld import course_jsonld
from ...exports.tabular import credentials_csv
from ...exports.workbook import credentials_xlsx
from ..components import (
    COMPARE_ROWS,
    MAX_COMPARE,
    compare_column,
    static_build,
)
from ..language import _, current_lang
from ..state import site, static_settings
from .registries import publisher


def entry(slug: str):
    item = site().by_slug.get(slug)
    if item is None:
        if current_app.config["SHOW_CONTENT_ERRORS"]:
            # An editor's preview of a draft on a server that hides drafts, or of a file
            # with errors: say why, and what to do. Only where content errors show
            # (catalogue serve), never to the public.
            catalogue = site().catalogue
            draft = catalogue.get(slug)
            broken = [e for e in catalogue.errors if Path(e.path).name == f"{slug}.md"]
            if draft is not None or broken:
                return render_template("404.html", draft=draft, broken=broken), 404
        abort(404)
    return render_template("entry.html", entry=item, jsonld=course_jsonld(item, publisher()))


def api_entries():
    return jsonify({"credentials": [e.to_dict() for e in site().entries]})


def api_entry(slug: str):
    item = site().by_slug.get(slug)
    if item is None:
        return jsonify({"error": f"no credential '{slug}'"}), 404
    return jsonify(item.to_dict())


def entries_csv():
    return Response(
        credentials_csv(site().entries),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=credentials.csv"},
    )


def entries_xlsx():
    return Response(
        credentials_xlsx(site().entries, _),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=credentials.xlsx"},
    )


def compare():
    s = site()
    chosen = [c for c in dict.fromkeys(request.args.getlist("c")[:50]) if c in s.by_slug]
    return render_template(
        "compare.html",
        columns=[compare_column(s.by_slug[c]) for c in chosen[:MAX_COMPARE]],
        dropped=len(chosen) > MAX_COMPARE,
        rows=[_(row) for row in COMPARE_ROWS],
        compare_columns=static_settings().compare_columns.get(current_lang())
        if static_build()
        else None,
    )


def register(app: Flask, page: Callable) -> None:
    """Route this family's pages (`page` routes one under each language prefix too)."""
    page("/credentials/<slug>/")(entry)
    app.add_url_rule("/api/credentials.json", view_func=api_entries)
    app.add_url_rule("/api/credentials/<slug>.json", view_func=api_entry)
    app.add_url_rule("/credentials.csv", view_func=entries_csv)
    page("/credentials.xlsx")(entries_xlsx)  # headings in each interface language
    page("/compare/")(compare)
