"""The security headers every response carries, and the policy of a page other sites may
show in a frame (the embed at /embed/)."""

from __future__ import annotations

import re

from flask import (
    Flask,
    Response,
)

CSP_HEADER = "Content-Security-Policy"
FRAME_HEADER = "X-Frame-Options"


def content_policy(frame_ancestors: str = "'none'") -> str:
    """The Content-Security-Policy of the catalogue's pages; `frame_ancestors` says which
    pages may show them in a frame (none, unless a page says otherwise)."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; "
        f"frame-ancestors {frame_ancestors}"
    )


CSP = content_policy()

SECURITY_HEADERS = {
    CSP_HEADER: CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    FRAME_HEADER: "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_FRAME_ANCESTORS = re.compile(r"(?:^|;)\s*frame-ancestors\s+([^;]*)", re.IGNORECASE)


def embed_policy(origins: tuple[str, ...] | list[str]) -> str:
    """The policy of a page other sites may frame: the strict one, with frame-ancestors
    the origins site.toml's `embed_origins` lists (any page when it lists none)."""
    origins = list(dict.fromkeys(origins))
    return content_policy("*" if not origins or "*" in origins else " ".join(origins))


def frame_ancestors(policy: str | None) -> str | None:
    """The frame-ancestors sources of a Content-Security-Policy, or None if it has none."""
    found = _FRAME_ANCESTORS.search(policy or "")
    return found.group(1).strip() if found else None


def headers_for(policy: str | None) -> dict[str, str]:
    """The security headers of a page whose Content-Security-Policy is `policy` (the
    strict one when None): a page that lets other pages frame it gets no
    X-Frame-Options, which would forbid what its frame-ancestors allows."""
    headers = dict(SECURITY_HEADERS)
    if policy is not None:
        headers[CSP_HEADER] = policy
        sources = frame_ancestors(policy)
        if sources is not None and sources.lower() != "'none'":
            del headers[FRAME_HEADER]
    return headers


def register(app: Flask) -> None:
    """Send the security headers with every response."""
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    # A page with a policy of its own (the editor at /admin/, the embed) keeps it, and
    # one that may be framed is not forbidden to be by X-Frame-Options.
    for name, value in headers_for(response.headers.get(CSP_HEADER)).items():
        response.headers.setdefault(name, value)
    return response
