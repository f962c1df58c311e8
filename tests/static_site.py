"""Helpers for testing a frozen build the way a visitor meets it: over HTTP, in a browser.

- `serve_folder` serves a build under a URL sub-path, like a static host would.
- `launch_chromium` starts Debian's Chromium (installed by scripts/test) through Playwright;
  Playwright's own browser downloads are never used.
- `linkchecker` runs LinkChecker (installed with the `test` extra) over a served site.

Serve a build by hand with `.venv/bin/python -m tests.static_site dist`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import posixpath
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--no-proxy-server",  # only 127.0.0.1 is ever visited
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium's background connections on a closed network get its
    # page connections refused.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


class _SiteHandler(BaseHTTPRequestHandler):
    """Serve `root` at `prefix`, the way the static hosts in docs/hosting.md are set up."""

    root: Path
    prefix: str
    extra_headers: Mapping[str, str]
    timeout = 10  # seconds a connection may sit idle, so shutting down never hangs

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: test output is for failures

    def _respond(self, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path + "/" == self.prefix:
            return self._send(HTTPStatus.MOVED_PERMANENTLY, location=self.prefix)
        if not path.startswith(self.prefix):
            return self._send(HTTPStatus.NOT_FOUND, body=b"Not under the site's prefix\n")
        relative = posixpath.normpath(path[len(self.prefix) :] or ".")
        parts = [] if relative == "." else relative.split("/")
        if relative.startswith("/") or any(p == ".." or p.startswith(".") for p in parts):
            return self._not_found(with_body)
        file = self.root.joinpath(*parts)
        if file.is_dir():
            if not path.endswith("/"):
                return self._send(HTTPStatus.MOVED_PERMANENTLY, location=path + "/")
            file = file / "index.html"
        if not file.is_file():
            return self._not_found(with_body)
        self._send(HTTPStatus.OK, file.read_bytes(), _content_type(file), with_body)

    def _not_found(self, with_body: bool) -> None:
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found\n"
        self._send(HTTPStatus.NOT_FOUND, body, _content_type(page), with_body)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes = b"",
        content_type: str = "text/plain; charset=utf-8",
        with_body: bool = True,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        # LinkChecker waits 0.1 to 0.6 s between requests to one host unless told it may not.
        self.send_header("LinkChecker", "unthrottled")
        headers = self.extra_headers
        if hasattr(headers, "for_path"):  # a host's rules: the headers of this path
            headers = headers.for_path(unquote(urlsplit(self.path).path))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser hanging up early
            super().handle_error(request, client_address)


def _content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")


@contextmanager
def serve_folder(
    folder: str | Path,
    prefix: str = "/microcredentials/",
    headers: Mapping[str, str] | None = None,
    port: int = 0,
) -> Iterator[str]:
    """Serve `folder` over HTTP at `prefix` on 127.0.0.1; yield the site's base URL.

    Like a static host: a folder serves its index.html, a missing file under the prefix
    gets the folder's 404.html with status 404, anything outside the prefix a plain 404.
    `headers` are sent with every response, or with `netlify_headers` those of each path.
    Port 0 picks a free one.
    """
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type(
        "SiteHandler",
        (_SiteHandler,),
        {
            "root": Path(folder).resolve(),
            "prefix": prefix,
            "extra_headers": headers if hasattr(headers, "for_path") else dict(headers or {}),
        },
    )
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="serve_folder", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def netlify_headers(folder: str | Path, path: str | None = None) -> SiteHeaders:
    """The headers a build's `_headers` file asks Netlify-style hosts to send for `path`,
    by default the site's home page (which has those of every page without a policy of
    its own). Handed to `serve_folder`, each response gets those of its own path."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in (Path(folder) / "_headers").read_text(encoding="utf-8").splitlines():
        if line[:1].isspace() and ":" in line:
            name, value = line.split(":", 1)
            rules[-1][1][name.strip()] = value.strip()
        elif line.strip():
            rules.append((line.strip(), {}))
    home = rules[0][0].rstrip("*") if rules else "/"
    return SiteHeaders(rules, home if path is None else path)


class SiteHeaders(dict):
    """The headers of one path under a `_headers` file's rules; `for_path` another's."""

    def __init__(self, rules: list[tuple[str, dict[str, str]]], path: str):
        self.rules = rules
        super().__init__(self._matching(path))

    def _matching(self, path: str) -> dict[str, str]:
        headers: dict[str, str] = {}
        for pattern, values in self.rules:
            if path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1])):
                headers.update(values)
        return headers

    def for_path(self, path: str) -> dict[str, str]:
        return self._matching(path)


def launch_chromium(playwright, **options):
    """A headless Playwright Browser running Debian's Chromium (/usr/bin/chromium).

    Playwright's browser downloads are not reachable from CI, so the browser always comes
    from Debian; scripts/test installs it. `options` go to `chromium.launch`.
    """
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium package. "
            "Run bash scripts/test, which installs it, or apt-get install chromium."
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options
    )


@dataclass
class LinkCheck:
    """What LinkChecker made of a site: its exit code, and one row per URL it met."""

    command: list[str]
    returncode: int
    rows: list[dict[str, str]]  # LinkChecker's CSV columns: url, parentname, result, valid...
    stderr: str

    @property
    def fetched(self) -> dict[str, str]:
        """URL -> result ("200 OK", "404 Not Found", ...) of every URL actually requested."""
        return {row["url"]: row["result"] for row in self.rows if row["result"] != "filtered"}

    @property
    def failures(self) -> list[dict[str, str]]:
        return [row for row in self.rows if row["valid"] != "True"]

    def report(self) -> str:
        lines = [f"{r['url']} (from {r['parentname']}): {r['result']}" for r in self.failures]
        return "\n".join([" ".join(self.command), *lines, self.stderr])


def linkchecker(base_url: str, workdir: str | Path, timeout: float = 300) -> LinkCheck:
    """Run LinkChecker over the site at `base_url`: every internal link, recursively.

    Offline: links outside `base_url` are only syntax-checked (no --check-extern). It is
    kept from the user's settings (its config and data folders are in `workdir`) and from
    proxies. Every URL is logged (--verbose) as CSV, so callers can see what was checked.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "linkcheckerrc"
    # serve_folder sends the `LinkChecker` header that lifts the default 10 requests a second.
    config.write_text("[checking]\nmaxrequestspersecond=1000\n")
    command = [
        str(Path(sys.executable).with_name("linkchecker")),
        f"--config={config}",
        "--no-status",
        "--no-warnings",
        "--verbose",
        "--output=csv/utf-8",
        "--threads=4",
        "--timeout=30",
        base_url,
    ]
    env = {name: value for name, value in os.environ.items() if not name.lower().endswith("_proxy")}
    env.update(XDG_CONFIG_HOME=str(workdir), XDG_DATA_HOME=str(workdir))
    result = subprocess.run(
        command,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=timeout,
        cwd=workdir,
    )
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    return LinkCheck(command, result.returncode, rows, result.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a frozen build at a sub-path.")
    parser.add_argument("folder", nargs="?", default="dist")
    parser.add_argument("--prefix", default="/microcredentials/")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    headers = netlify_headers(folder) if (folder / "_headers").exists() else None
    with serve_folder(folder, args.prefix, headers, args.port) as url:
        print(f"Serving {folder} at {url} (Ctrl+C stops)")
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    command: list[str], url: str, env: dict, timeout: float = 300, cwd: Path | None = None
):
    """Start a server process (in folder `cwd`) and wait until `url` answers; return it.

    Its output (stdout and stderr together) is kept for the caller's `communicate()`.
    Raises RuntimeError with that output if it stops or does not answer in time.
    """
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                output = proc.communicate()[0]
                raise RuntimeError(f"{command[0]} did not start:\n{output}") from None
            time.sleep(0.2)


@contextmanager
def catalogue_serve(content: Path, cache: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`catalogue serve` over the content folder `content` on a free port, as an editor runs
    it: yield its address and process; on the way out, stop it (unless the caller did, to
    read its output) and refuse a traceback in what it printed."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    proc = start_server(
        [sys.executable, "-m", "catalogue.cli", "serve", "--content", str(content), "--port",
         str(port)],
        base, {**os.environ, "XDG_CACHE_HOME": str(cache)},
    )  # fmt: skip
    try:
        yield base, proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            log = proc.communicate(timeout=30)[0]
            assert "Traceback" not in log, log


@contextmanager
def serve_app(app) -> Iterator[str]:
    """The Flask `app` served over HTTP on a free 127.0.0.1 port in a thread, as
    `catalogue serve` answers a browser: yield its base URL; on the way out, stop it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="serve_app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def gunicorn_serve(settings: dict[str, str], workers: int, threads: int) -> Iterator[str]:
    """The catalogue under gunicorn on a free port, as in production (`catalogue.wsgi:app`
    with the CATALOGUE_* `settings`): yield its address; on the way out, stop it and
    refuse a traceback in what it printed."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    base = f"http://127.0.0.1:{port}/"
    proc = start_server(
        [str(gunicorn), "--workers", str(workers), "--threads", str(threads), "--bind",
         f"127.0.0.1:{port}", "catalogue.wsgi:app"],
        base, {**os.environ, **settings},
    )  # fmt: skip
    try:
        yield base
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def write_search_files(app, folder: Path) -> Path:
    """Write the browser's search files, but the cards, from `app` into `folder` as a
    build lays them out; return the facet part (the engine finds the rest beside it)."""
    from catalogue.build import export_search

    for name, data in export_search(app, None).items():
        if not name.startswith("cards-"):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    return next(folder.glob("facets.*.json"))


def card_files(folder: Path) -> list[tuple[Path, str]]:
    """Each card file in a cards folder of the search files, in entry order, with the card
    it holds (its phrases put back from the folder's phrase book)."""
    from catalogue.exports.phrases import PHRASES, expanded

    book = json.loads((folder / PHRASES).read_text(encoding="utf-8"))
    files = sorted(folder.glob("*.html"), key=lambda p: int(p.stem))
    return [(file, expanded(file.read_text(encoding="utf-8"), book)) for file in files]
