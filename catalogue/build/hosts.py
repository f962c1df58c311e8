"""The files static hosts read beside the pages: headers, the 404 page, compact scripts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from ..web import SECURITY_HEADERS


def root_path(base_url: str | None) -> str:
    """The path the site lives under, with a slash at each end: "/" or "/micro/"."""
    return urlsplit(base_url or "/").path.rstrip("/") + "/"


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


def write_header_configs(out: Path, prefix: str, editor_policy: str | None = None) -> None:
    """Write the security headers and the 404 page for common static hosts.

    A static host sends no headers of the catalogue's own: these files tell Netlify-style
    hosts (`_headers`), Apache (`.htaccess`) and nginx (`nginx.conf.example`, to copy
    into a server block) what the live server would send. With `editor_policy`, the
    editor at admin/ gets that Content-Security-Policy instead of the strict one.
    """
    headers = SECURITY_HEADERS.items()
    (out / "_headers").write_text(netlify_headers(out, prefix, editor_policy))
    admin = f"{prefix}admin/"
    apache_editor = (
        f'  <If "%{{REQUEST_URI}} =~ m#^{admin}#">\n'
        f'    Header always set Content-Security-Policy "{editor_policy}"\n  </If>\n'
        if editor_policy
        else ""
    )
    (out / ".htaccess").write_text(
        f"ErrorDocument 404 {prefix}404.html\n"
        # Apache's own list of types lacks .jsonld (the ELM files)
        "AddType application/ld+json .jsonld\n<IfModule mod_headers.c>\n"
        + "".join(f'  Header always set {name} "{value}"\n' for name, value in headers)
        + apache_editor
        + "</IfModule>\n"
    )
    nginx_headers = lambda indent, policy: "".join(  # noqa: E731
        f'{indent}add_header {name} "{policy if name == CSP_HEADER else value}" always;\n'
        for name, value in headers
    )
    nginx_editor = (
        f"    location {admin} {{\n{nginx_headers(' ' * 8, editor_policy)}    }}\n"
        if editor_policy
        else ""
    )
    (out / "nginx.conf.example").write_text(
        f"# Inside the server block that serves this folder at {prefix}\n"
        f"location {prefix} {{\n"
        f"    error_page 404 {prefix}404.html;\n"
        # nginx's mime.types lacks .jsonld (the ELM files)
        f"    location ~ \\.jsonld$ {{ default_type application/ld+json; }}\n"
        + nginx_headers(" " * 4, SECURITY_HEADERS[CSP_HEADER])
        + nginx_editor
        + "}\n"
    )


CSP_HEADER = "Content-Security-Policy"


def netlify_headers(out: Path, prefix: str, editor_policy: str | None) -> str:
    """The `_headers` file. Such hosts send every rule's headers that match a path, so
    with the editor the strict policy is given per top-level file and folder but admin/."""

    def block(path: str, items) -> str:
        return f"{path}\n" + "".join(f"  {name}: {value}\n" for name, value in items)

    if not editor_policy:
        return block(f"{prefix}*", SECURITY_HEADERS.items())
    strict = [(CSP_HEADER, SECURITY_HEADERS[CSP_HEADER])]
    rest = [(name, value) for name, value in SECURITY_HEADERS.items() if name != CSP_HEADER]
    paths = [prefix] + [
        f"{prefix}{p.name}/*" if p.is_dir() else f"{prefix}{p.name}"
        for p in sorted(out.iterdir())
        if p.name != "admin"
    ]
    return (
        block(f"{prefix}*", rest)
        + "".join(block(path, strict) for path in paths)
        + block(f"{prefix}admin/*", [(CSP_HEADER, editor_policy)])
    )
