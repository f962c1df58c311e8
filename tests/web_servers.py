"""Debian's nginx and Apache, run by the tests as the docs set them up: each a process of
its own, on 127.0.0.1 and a free port, with its configuration, logs and pid file in a
folder of the test's (never the system's services, which are left alone).

- `doc_block` takes a server block out of docs/hosting.md or docs/production.md, so what
  the tests run is what the docs print.
- `run_nginx` and `run_apache` wrap such a block in the least of a main configuration
  (what /etc/nginx/nginx.conf and /etc/apache2/apache2.conf would hold) and start it.

Run as root (as in CI), both servers hand requests to `www-data`, as Debian's do: the
site's folder must be readable by everyone, as a web server's folder is. Given `as_user`,
a test run as root starts the server itself as that user instead, as a user without root
would (who cannot hand requests to www-data).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError

from .static_site import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# What docs/hosting.md asks for (headers, deflate and its filter), and what Debian enables
# by default that serving files needs.
APACHE_LOAD = ("mpm_event", "authz_core", "mime", "dir", "alias", "filter", "deflate", "headers")


def doc_block(doc: str, first_line: str) -> str:
    """The indented code block of docs/`doc` that starts with `first_line`, dedented."""
    lines = (ROOT / "docs" / doc).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("    ") and line.strip().startswith(first_line):
            if i and lines[i - 1].startswith("    "):
                continue  # the middle of a block
            block = []
            for line in lines[i:]:
                if line and not line.startswith("    "):
                    break
                block.append(line)
            return textwrap.dedent("\n".join(block)).strip() + "\n"
    raise AssertionError(f"docs/{doc} has no code block starting {first_line!r}")


def _missing(program: Path, package: str) -> None:
    if not program.exists():
        raise RuntimeError(
            f"{program} is missing: these tests need Debian's {package} package. "
            f"Run bash scripts/test, which installs it, or apt-get install {package}."
        )


def _as_root() -> bool:
    return os.geteuid() == 0


def _user_command(command: list[str], folder: Path, as_user: str | None) -> list[str]:
    """`command` run as `as_user` (when run as root), who is given `folder`."""
    if not as_user or not _as_root():
        return command
    for path in [folder, *folder.rglob("*")]:
        shutil.chown(path, as_user)
    return ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", *command]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{proc.args[0]} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


@contextmanager
def _running(command: list[str], port: int, folder: Path, log: Path) -> Iterator[None]:
    with open(folder / "output.log", "w") as output:
        proc = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(port, proc, log if log.exists() else folder / "output.log")
            yield
        finally:
            proc.terminate()  # both stop their workers and exit on SIGTERM
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def run_nginx(
    server_block: str, folder: Path, as_user: str | None = None
) -> Iterator[tuple[str, Path]]:
    """nginx serving `server_block` (whose `listen 80;` is made a free port on
    127.0.0.1) from its own configuration in `folder`: yield the server's address
    ("http://127.0.0.1:<port>") and its error log."""
    _missing(NGINX, "nginx")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    block = server_block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert f"127.0.0.1:{port}" in block, server_block
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user www-data www-data;\n" if _as_root() and not as_user else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 128; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n{temp}\n"
        + textwrap.indent(block, "    ")
        + "}\n"
    )
    log = folder / "error.log"
    # -e: the log of nginx's start, before it reads its configuration
    command = [str(NGINX), "-c", str(conf), "-p", str(folder), "-e", str(log)]
    command = _user_command(command, folder, as_user)
    with _running(command, port, folder, log):
        yield f"http://127.0.0.1:{port}", log


@contextmanager
def run_apache(
    virtual_host: str,
    folder: Path,
    modules: tuple[str, ...] = APACHE_LOAD,
    as_user: str | None = None,
) -> Iterator[tuple[str, Path]]:
    """Apache serving `virtual_host` (whose `*:80` is made a free port on 127.0.0.1) from
    its own configuration in `folder`, with Debian's `modules`: yield the server's address
    and its error log."""
    _missing(APACHE, "apache2")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    host = virtual_host.replace("*:80", f"127.0.0.1:{port}")
    assert f"127.0.0.1:{port}" in host, virtual_host
    log = folder / "error.log"
    conf = folder / "apache2.conf"
    conf.write_text(
        f'ServerRoot "{folder}"\nServerName 127.0.0.1\nDefaultRuntimeDir "{folder}"\n'
        f'PidFile "{folder / "apache2.pid"}"\nMutex file:{folder} default\n'
        f'Listen 127.0.0.1:{port}\nErrorLog "{log}"\nLogLevel warn\n'
        + ("User www-data\nGroup www-data\n" if _as_root() and not as_user else "")
        + "".join(
            f"LoadModule {name}_module {APACHE_MODULES / f'mod_{name}.so'}\n" for name in modules
        )
        + "TypesConfig /etc/mime.types\nDirectoryIndex index.html\n"
        "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n" + host
    )
    command = _user_command([str(APACHE), "-f", str(conf), "-DFOREGROUND"], folder, as_user)
    with _running(command, port, folder, log):
        yield f"http://127.0.0.1:{port}", log


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET `url` as it comes (not decompressed, no redirect followed): the status, the
    headers (names in lower case) and the body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=10) as response:
            status, head, body = response.status, response.headers, response.read()
    except HTTPError as error:
        with error:
            status, head, body = error.code, error.headers, error.read()
    return status, {name.lower(): value for name, value in head.items()}, body
