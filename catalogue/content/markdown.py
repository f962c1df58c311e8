"""Markdown to safe HTML: render with Python-Markdown, then sanitise with nh3.

Python-Markdown passes raw HTML, event handlers (also those attr_list adds) and
javascript: links straight through, so nothing it outputs is trusted until nh3 has
cleaned it.
"""

from __future__ import annotations

import html
import threading

import markdown
import nh3

# Python-Markdown slows down badly on some inputs well inside the file-size limit: its
# inline parser is quadratic in '[' (3,000 took 1.5 s here), and the def_list extension
# took 49 s on 64 KB of "a\n: ". Bodies are capped, and def_list is left out.
MAX_BRACKETS = 200
MAX_BODY_CHARS = 20_000
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs as much as converting a body; keep one per thread
    # (an instance is not safe to share between threads).
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return _local.md


def body_limits(text: str) -> str | None:
    """Say why a body is too big to render, or return None when it is fine."""
    if len(text) > MAX_BODY_CHARS:
        return f"the description is {len(text)} characters; at most {MAX_BODY_CHARS} are allowed"
    if text.count("[") > MAX_BRACKETS:
        return (
            f"the description has {text.count('[')} '[' characters; at most "
            f"{MAX_BRACKETS} are allowed"
        )
    return None


def render_markdown(text: str) -> tuple[str, str]:
    """Return (safe HTML, plain text) for a Markdown body."""
    raw = _converter().reset().convert(text)
    safe = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    plain = html.unescape(nh3.clean(safe, tags=set()))
    return safe, " ".join(plain.split())
