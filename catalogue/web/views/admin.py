"""The editor at /admin/: Decap CMS, its config.yml, its files, and the local backend it
saves through under `catalogue serve` (docs/editing.md, "Editing in the browser")."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from ...content.store import ContentStore
from ...exports.decap import DATED, api_origins, config_yaml, decap_config
from .. import decap
from ..cmsapi import MAX_BODY, Backend, refusal
from ..components import static_build
from ..state import site

API_SETTING = "CMS_API"  # app.config: answer the local backend (catalogue serve, loopback)
ADMIN_ENDPOINTS = frozenset({"admin", "admin_config", "admin_file"})


def editing() -> str:
    """How the editor saves: "local" through this server, "git" through [cms]'s host, or
    "" when it cannot (then there is no /admin/)."""
    if current_app.config.get(API_SETTING) and not static_build():
        return "local"
    return "git" if site().catalogue.site.cms.backend else ""


def admin():
    how = editing()
    if not how:
        abort(404)
    return render_template(
        "admin.html",
        installed=decap.installed(),
        version=decap.VERSION,
        local=how == "local",
        dated=DATED,
    )


def admin_config():
    how = editing()
    if not how:
        abort(404)
    cms = None if how == "local" else site().catalogue.site.cms
    config = decap_config(
        cms,
        proxy_url=url_for("cms_api") if how == "local" else "",
        site_url=url_for("home", lang="", _external=True).rstrip("/"),
    )
    return Response(config_yaml(config), mimetype="text/yaml")


def admin_file(filename: str):
    if not editing() or filename not in decap.bundle_files():
        abort(404)
    return send_from_directory(decap.bundle_dir(), filename, max_age=3600)


def cms_api():
    origin = request.host_url.rstrip("/")
    refused = refusal(request, origin)
    if refused:
        status, message = refused
        return jsonify({"error": message}), status
    # A body sent in chunks has no Content-Length: read no more than the limit of it.
    request.max_content_length = MAX_BODY
    try:
        if len(request.get_data()) >= MAX_BODY:
            raise RequestEntityTooLarge()
    except RequestEntityTooLarge:
        return jsonify({"error": f"the request is over {MAX_BODY // 2**20} MB"}), 413
    status, answer = Backend(ContentStore(site().content_dir)).answer_body(request.get_data())
    return jsonify(answer), status


def admin_csp() -> str:
    """The editor page's policy: Decap compiles its schemas (eval), styles itself inline
    and shows uploads as blob: images; and it talks to the git host, if there is one."""
    cms = site().catalogue.site.cms
    host = " " + " ".join(api_origins(cms)) if cms.backend and editing() == "git" else ""
    return (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: https:; connect-src 'self' blob:{host}; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def register(app: Flask, page: Callable) -> None:
    """Route the editor; its backend only where `catalogue serve` asked for it."""
    app.add_url_rule("/admin/", view_func=admin)
    app.add_url_rule("/admin/config.yml", view_func=admin_config)
    app.add_url_rule("/admin/<filename>", view_func=admin_file)
    if app.config.get(API_SETTING):
        app.add_url_rule("/api/v1", view_func=cms_api, methods=["POST"])

    @app.after_request
    def editor_policy(response: Response) -> Response:
        if request.endpoint in ADMIN_ENDPOINTS and response.status_code == 200:
            response.headers["Content-Security-Policy"] = admin_csp()
        return response
