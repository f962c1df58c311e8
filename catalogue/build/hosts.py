"""The files static hosts read beside the pages: headers and the 404 page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from ..web.security import SECURITY_HEADERS, headers_for


def root_path(base_url: str | None) -> str:
    """The path the site lives under, with a slash at each end: "/" or "/micro/"."""
    return urlsplit(base_url or "/").path.rstrip("/") + "/"


def write_header_configs(out: Path, prefix: str, policies: dict[str, str] | None = None) -> None:
    """Write the security headers and the 404 page for common static hosts.

    A static host sends no headers of the catalogue's own: these files tell Netlify-style
    hosts (`_headers`), Apache (`.htaccess`) and nginx (`nginx.conf.example`, to copy
    into a server block) what the live server would send. `policies` gives the folders
    whose pages have a Content-Security-Policy of their own ("admin/", "fr/embed/"): the
    editor's, and the embed's, which comes with no X-Frame-Options so that other sites
    may frame it.
    """
    folders = {folder: headers_for(policy) for folder, policy in (policies or {}).items()}
    (out / "_headers").write_text(netlify_headers(out, prefix, folders))
    apache_folders = "".join(
        f'  <If "%{{REQUEST_URI}} =~ m#^{prefix}{folder}#">\n'
        + "".join(
            f'    Header always set {name} "{value}"\n'
            for name, value in headers.items()
            if SECURITY_HEADERS.get(name) != value
        )
        + "".join(
            f"    Header always unset {name}\n" for name in SECURITY_HEADERS if name not in headers
        )
        + "  </If>\n"
        for folder, headers in folders.items()
    )
    (out / ".htaccess").write_text(
        f"ErrorDocument 404 {prefix}404.html\n"
        # Apache's own list of types lacks .jsonld (the ELM files)
        "AddType application/ld+json .jsonld\n<IfModule mod_headers.c>\n"
        + "".join(
            f'  Header always set {name} "{value}"\n' for name, value in SECURITY_HEADERS.items()
        )
        + apache_folders
        + "</IfModule>\n"
    )
    nginx_headers = lambda indent, headers: "".join(  # noqa: E731
        f'{indent}add_header {name} "{value}" always;\n' for name, value in headers.items()
    )
    # a location with add_header of its own inherits none of the outer ones: all are given
    nginx_folders = "".join(
        f"    location {prefix}{folder} {{\n{nginx_headers(' ' * 8, headers)}    }}\n"
        for folder, headers in folders.items()
    )
    (out / "nginx.conf.example").write_text(
        f"# Inside the server block that serves this folder at {prefix}\n"
        f"location {prefix} {{\n"
        f"    error_page 404 {prefix}404.html;\n"
        # nginx's mime.types lacks .jsonld (the ELM files)
        f"    location ~ \\.jsonld$ {{ default_type application/ld+json; }}\n"
        + nginx_headers(" " * 4, SECURITY_HEADERS)
        + nginx_folders
        + "}\n"
    )


def netlify_headers(out: Path, prefix: str, folders: dict[str, dict[str, str]]) -> str:
    """The `_headers` file, given each folder's own headers (see `write_header_configs`).
    Such hosts send every rule's headers that match a path, so a header that some folder
    has otherwise is given per file and folder, along the path to each such folder: the
    strict value to every other, the folder's own value (or none) to the folder."""

    def block(path: str, items) -> str:
        return f"{path}\n" + "".join(f"  {name}: {value}\n" for name, value in items)

    if not folders:
        return block(f"{prefix}*", SECURITY_HEADERS.items())
    varying = [
        name
        for name, value in SECURITY_HEADERS.items()
        if any(headers.get(name) != value for headers in folders.values())
    ]
    common = [(name, value) for name, value in SECURITY_HEADERS.items() if name not in varying]
    strict = [(name, SECURITY_HEADERS[name]) for name in varying]

    def others(folder: Path, path: str) -> list[str]:
        """The paths under `path` that are not, and hold none of, the folders."""
        paths = [f"{prefix}{path}"]  # the folder's own page
        for child in sorted(folder.iterdir()):
            below = f"{path}{child.name}/"
            if below in folders:
                continue
            if child.is_dir() and any(f.startswith(below) for f in folders):
                paths += others(child, below)
            else:
                paths.append(
                    f"{prefix}{below}*" if child.is_dir() else f"{prefix}{path}{child.name}"
                )
        return paths

    return (
        block(f"{prefix}*", common)
        + "".join(block(path, strict) for path in others(out, ""))
        + "".join(
            block(
                f"{prefix}{folder}*", [(name, headers[name]) for name in varying if name in headers]
            )
            for folder, headers in folders.items()
        )
    )
