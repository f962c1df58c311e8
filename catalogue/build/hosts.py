"""The files web servers and static hosts read beside the pages: types, compression,
caching, the 404 pages, the security headers, and the build's own files kept private.

Each file says the same thing to its kind of host (see docs/hosting.md):

- `nginx.conf.example`, included as it is in the `server { }` block whose root holds the
  site's folder;
- `.htaccess`, for Apache with `AllowOverride All` and mod_headers (without which it
  refuses to serve rather than serve without the headers) and mod_deflate;
- `_headers` and `_redirects`, for Netlify-style hosts (Netlify, Cloudflare Pages).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from ..web.security import SECURITY_HEADERS, headers_for

CACHE_HEADER = "Cache-Control"
# HTML and every file whose name does not change with its content: asked again each time
# (answered by a short 304 when unchanged), so a page never points at files a rebuild
# removed. Files named by a hash of their content never change: kept for a year.
REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# The build's own files: for hosts, not visitors.
BUILD_FILES = (".catalogue-build", ".htaccess", "_headers", "_redirects", "nginx.conf.example")
# Types some servers' lists lack (nginx's: all but .atom; Apache's and Netlify's vary).
TYPES = {
    "ics": "text/calendar",
    "csv": "text/csv",
    "jsonld": "application/ld+json",
    "atom": "application/atom+xml",
    "yml": "text/yaml",
}
# What is worth compressing: text (images and fonts are compressed already).
TEXT_TYPES = (
    "text/html text/css text/plain text/xml text/javascript application/javascript "
    "application/json application/ld+json application/atom+xml application/xml "
    "text/calendar text/csv text/yaml image/svg+xml"
)
# Types sent with `charset=utf-8` (nginx's default list has none of these but the HTML).
CHARSET_TYPES = "text/css text/javascript application/javascript text/csv text/calendar text/yaml"


# nginx answers 403 for a folder with no page of its own (credentials/, api/): not found
NOT_FOUND = "403 404 =404"


def root_path(base_url: str | None) -> str:
    """The path the site lives under, with a slash at each end: "/" or "/micro/"."""
    return urlsplit(base_url or "/").path.rstrip("/") + "/"


def write_header_configs(
    out: Path,
    prefix: str,
    policies: dict[str, str] | None = None,
    hashed: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
) -> None:
    """Write the host files of the site built into `out`, which is served at `prefix`.

    `policies` gives the folders whose pages have a Content-Security-Policy of their own
    ("admin/", "fr/embed/"): the editor's, and the embed's, which comes with no
    X-Frame-Options so that other sites may frame it. `hashed` names the folders whose
    every file is named by a hash of its content ("search-data/"), cached for a year;
    everything else is revalidated. `languages` names the folders of the languages other
    than the first ("fr/"), each with a 404 page of its own (`fr/404.html`).
    """
    base = {**SECURITY_HEADERS, CACHE_HEADER: REVALIDATE}
    folders = {
        folder: {**headers_for(policy), CACHE_HEADER: REVALIDATE}
        for folder, policy in (policies or {}).items()
    }
    folders.update({folder: {**base, CACHE_HEADER: IMMUTABLE} for folder in hashed})
    (out / "_headers").write_text(netlify_headers(out, prefix, base, folders))
    (out / "_redirects").write_text(netlify_redirects(prefix, languages))
    (out / ".htaccess").write_text(apache_config(prefix, base, folders, languages))
    (out / "nginx.conf.example").write_text(nginx_config(prefix, base, folders, languages))


def _error_page(prefix: str, path: str, languages: tuple[str, ...]) -> str:
    """The 404 page of the site's `path`: its language's."""
    lang = next((folder for folder in languages if path.startswith(folder)), "")
    return f"{prefix}{lang}404.html"


def apache_config(
    prefix: str,
    base: dict[str, str],
    folders: dict[str, dict[str, str]],
    languages: tuple[str, ...],
) -> str:
    """The `.htaccess` file (see `write_header_configs`)."""
    hidden = "|".join(name.replace(".", r"\.") for name in BUILD_FILES)
    lines = [
        f"# Apache, for the site at {prefix}: needs AllowOverride All, mod_headers and",
        "# mod_deflate (a2enmod headers deflate); see docs/hosting.md.",
        # Debian does not enable mod_headers: every page would go out without its
        # security headers and caching rules, which nobody would notice. Refuse instead.
        "<IfModule !mod_headers.c>",
        f'  Error "The catalogue at {prefix} needs mod_headers for its security headers '
        'and caching: run a2enmod headers and reload Apache (see docs/hosting.md)"',
        "</IfModule>",
        "AddDefaultCharset utf-8",
        *(f"AddType {kind} .{ext}" for ext, kind in TYPES.items()),
        "AddCharset utf-8 " + " ".join(f".{ext}" for ext in ("css", "js", "csv", "ics", "yml")),
        "<IfModule mod_filter.c>",
        "  <IfModule mod_deflate.c>",
        f"    AddOutputFilterByType DEFLATE {TEXT_TYPES}",
        "  </IfModule>",
        "</IfModule>",
        f"ErrorDocument 404 {prefix}404.html",
        # a folder with no page of its own (credentials/, api/): not found, not a listing
        "<If \"-d %{REQUEST_FILENAME} && ! -f '%{REQUEST_FILENAME}/index.html'\">",
        "  Redirect 404",
        "</If>",
        *(
            f'<If "%{{REQUEST_URI}} =~ m#^{prefix}{lang}#">\n'
            f"  ErrorDocument 404 {prefix}{lang}404.html\n</If>"
            for lang in languages
        ),
        f"RedirectMatch 404 ^{prefix}({hidden})$",
        *(f'Header always set {name} "{value}"' for name, value in base.items()),
        # mod_deflate gives a compressed file the ETag `"...-gzip"`, and then never finds
        # it unchanged: every revalidation would send the whole file again
        'RequestHeader edit* If-None-Match "-gzip\\"" "\\""',
    ]
    for folder, headers in folders.items():
        lines.append(f'<If "%{{REQUEST_URI}} =~ m#^{prefix}{folder}#">')
        lines += [
            f'  Header always set {name} "{value}"'
            for name, value in headers.items()
            if base.get(name) != value
        ]
        lines += [f"  Header always unset {name}" for name in base if name not in headers]
        lines.append("</If>")
    return "\n".join(lines) + "\n"


def nginx_config(
    prefix: str,
    base: dict[str, str],
    folders: dict[str, dict[str, str]],
    languages: tuple[str, ...],
) -> str:
    """The `nginx.conf.example` file (see `write_header_configs`)."""

    def add_headers(indent: str, headers: dict[str, str]) -> list[str]:
        return [f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()]

    exts = "|".join(ext for ext in TYPES)
    lines = [
        f"# nginx, for the site at {prefix}: include this file, as it is, in the server {{ }}",
        "# block whose root is the folder holding the site's folder (docs/hosting.md).",
        f"location {prefix} {{",
        "    absolute_redirect off;",  # a folder's redirect keeps the address's host and port
        "    charset utf-8;",
        f"    charset_types text/html text/plain text/xml {CHARSET_TYPES};",
        "    gzip on;",
        "    gzip_vary on;",
        f"    gzip_types {TEXT_TYPES.replace('text/html ', '')};",  # html is always gzipped
        f"    error_page {NOT_FOUND} {prefix}404.html;",
        *add_headers("    ", base),
        # Types nginx's list lacks, for these files only: a `types` block where the
        # pages are would replace the whole list (the pages would be octet-streams).
        f"    location ~ \\.({exts})$ {{",
        "        types { " + " ".join(f"{kind} {ext};" for ext, kind in TYPES.items()) + " }",
        "    }",
        *(f"    location = {prefix}{name} {{ return 404; }}" for name in BUILD_FILES),
        *(
            f"    location {prefix}{lang} {{ error_page {NOT_FOUND} {prefix}{lang}404.html; }}"
            for lang in languages
            if lang not in folders
        ),
    ]
    # a location with add_header of its own inherits none of the outer ones: all are given
    for folder, headers in folders.items():
        lines += [
            f"    location {prefix}{folder} {{",
            f"        error_page {NOT_FOUND} {_error_page(prefix, folder, languages)};",
            *add_headers(" " * 8, headers),
            "    }",
        ]
    return "\n".join([*lines, "}"]) + "\n"


def netlify_redirects(prefix: str, languages: tuple[str, ...]) -> str:
    """The `_redirects` file: each language's 404 page for what is missing under its
    folder, and the build's own files hidden (`!` applies a rule to files that exist).
    Cloudflare Pages ignores 404 rules but serves the nearest folder's 404.html itself."""
    return "".join(
        [f"{prefix}{name}  {prefix}404.html  404!\n" for name in BUILD_FILES]
        + [f"{prefix}{lang}*  {prefix}{lang}404.html  404\n" for lang in languages]
        + [f"{prefix}*  {prefix}404.html  404\n"]
    )


def netlify_headers(
    out: Path, prefix: str, base: dict[str, str], folders: dict[str, dict[str, str]]
) -> str:
    """The `_headers` file, given the site's headers and each folder's own (see
    `write_header_configs`). Such hosts send every rule's headers that match a path, so a
    header that some folder has otherwise is given per file and folder, along the path to
    each such folder: the site's value to every other, the folder's own (or none) to the
    folder."""

    def block(path: str, items) -> str:
        return f"{path}\n" + "".join(f"  {name}: {value}\n" for name, value in items)

    if not folders:
        return block(f"{prefix}*", base.items())
    varying = [
        name
        for name, value in base.items()
        if any(headers.get(name) != value for headers in folders.values())
    ]
    common = [(name, value) for name, value in base.items() if name not in varying]
    strict = [(name, base[name]) for name in varying]

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
