"""The spreadsheet import in the browser, /admin/import/ under `catalogue serve`: upload a
file, read what the import would do (the dry run), then confirm. The same `run_import`
as `catalogue import`, with the same checks; only this machine's browser may use it."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask, abort, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from ...importing import FolderBusy, MapError, SheetError, run_import
from ...importing.sheets import MAX_BYTES
from ..cmsapi import LOOPBACK
from ..components import static_build
from ..language import _
from ..state import site
from .admin import API_SETTING

SUFFIXES = (".csv", ".xlsx", ".json", ".jsonld")
UPLOADS: dict[str, Path] = {}  # token -> the folder of an upload awaiting its confirmation
MAX_UPLOADS = 20


def refusal() -> str | None:
    """Why this request may not import: the page answers this machine's browser only, and
    a form another site's page posts carries that site's Origin."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in LOOPBACK:
        return _("The import answers on this computer only (localhost).")
    if request.headers.get("Origin") != request.host_url.rstrip("/"):
        return _("The form must be sent from this page.")
    return None


def kept(upload, folder: Path) -> Path:
    """Save an uploaded file under its own (made safe) name in `folder`."""
    name = secure_filename(upload.filename or "")
    suffix = "." + (upload.filename or "").rsplit(".", 1)[-1].lower()
    if not name.lower().endswith(suffix) or name == suffix.lstrip("."):
        name = "upload" + suffix  # a name of other letters than ASCII's keeps its type
    path = folder / name
    upload.save(path)
    return path


def shown(**values) -> str:
    """The import page. Without live reload: reloading a page a form answered would send
    the form again."""
    return render_template("admin_import.html", no_live_reload=True, **values)


def import_page():
    if not current_app.config.get(API_SETTING) or static_build():
        abort(404)
    if request.method == "GET":
        return shown()
    problem = refusal()
    if problem:
        return shown(problem=problem), 403
    request.max_content_length = MAX_BYTES + 1024 * 1024
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        problem = _("The file is over %(mb)s MB; split it.", mb=MAX_BYTES // 2**20)
        return shown(problem=problem), 413
    token = form.get("token", "")
    update = form.get("update") == "yes"
    if token:
        folder = UPLOADS.get(token)
        if folder is None:
            problem = _("That upload is no longer here; choose the file again.")
            return shown(problem=problem), 410
    else:
        upload = files.get("file")
        if upload is None or not upload.filename:
            problem = _("Choose a file to import.")
            return shown(problem=problem), 422
        if not upload.filename.lower().endswith(SUFFIXES):
            problem = _("Expected a .csv or .xlsx spreadsheet, or CTDL or Open Badges .json.")
            return shown(problem=problem), 422
        while len(UPLOADS) >= MAX_UPLOADS:  # the oldest unconfirmed upload goes
            shutil.rmtree(UPLOADS.pop(next(iter(UPLOADS))), ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="catalogue-import-"))
        kept(upload, folder)
        if files.get("map") and files["map"].filename:
            (folder / "map").mkdir()
            kept(files["map"], folder / "map")
        token = secrets.token_urlsafe(16)
        UPLOADS[token] = folder
    confirmed = form.get("confirm") == "yes"
    sheets = sorted(p for p in folder.iterdir() if p.is_file())
    maps = sorted((folder / "map").glob("*")) if (folder / "map").is_dir() else []
    try:
        report = run_import(
            sheets, site().content_dir, maps[0] if maps else None, update, dry_run=not confirmed
        )
    except FolderBusy:  # the upload is kept: the same form can be sent again
        problem = _("Another save is under way; wait a moment and press the button again.")
        return shown(problem=problem, report=None, token=token, update=update), 409
    except (SheetError, MapError) as exc:
        UPLOADS.pop(token, None)
        shutil.rmtree(folder, ignore_errors=True)
        return shown(problem=str(exc).replace(f"{folder}/", "")), 422
    if confirmed:
        UPLOADS.pop(token, None)
        shutil.rmtree(folder, ignore_errors=True)
    return shown(
        report=report,
        token="" if confirmed else token,
        update=update,
        confirmed=confirmed,
        file_name=sheets[0].name if sheets else "",
    )


def register(app: Flask, page: Callable) -> None:
    """Route the import page, on a server that edits (catalogue serve on loopback)."""
    if app.config.get(API_SETTING):
        app.add_url_rule("/admin/import/", view_func=import_page, methods=["GET", "POST"])
