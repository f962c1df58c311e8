"""Live reload for `catalogue serve`: what editors change shows up by itself.

A thread looks at the content folder, the templates, the static files and the theme a few
times a second. When an entry or site.toml changes, the catalogue is loaded again with the
file cache, so only the changed files are read, and the search index is rebuilt from the
entries in memory; the new site then replaces the old one in one step. When a template or
static file changes, Jinja's cache is cleared. Either way, open pages reload themselves:
static/js/live-reload.js waits on /__live-reload until the version it saw changes.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, jsonify, request

from ..i18n import counted
from .app import settings_theme, use_theme
from .state import Site, swap_site

POLL_SECONDS = 0.2
WAIT_SECONDS = 25  # how long a page's request waits for a change before asking again


def snapshot(
    folders: Iterable[Path], files: Iterable[Path] = ()
) -> dict[str, tuple[int, int, int]]:
    """Size, modification and status-change times of every file below `folders`, and of
    `files`. The status-change time moves on every write, even one that keeps the size
    and puts the modification time back (which a tool may do; no one can set it)."""
    out = {}
    for path in [*files, *(p for folder in folders if folder.is_dir() for p in folder.rglob("*"))]:
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file() and not path.name.startswith("."):
            out[str(path)] = (info.st_mtime_ns, info.st_ctime_ns, info.st_size)
    return out


class LiveReload:
    def __init__(self, app: Flask, content_dir: Path, code_dirs: Iterable[Path]):
        self.app = app
        self.content_dir = content_dir
        self.base_dirs = [Path(d) for d in code_dirs]  # and the theme's, when there is one
        theme = app.config.get("THEME")
        self.code_dirs = [*self.base_dirs, *([Path(theme)] if theme else [])]
        self.version = 0
        self.failure = ""  # why the last reload failed, for the pages' banner; "" if it did not
        self.changed = threading.Condition()
        self.content = self._content_snapshot()
        self.code = snapshot(self.code_dirs)

    def _content_snapshot(self):
        found: dict = snapshot(
            [self.content_dir / "credentials", self.content_dir / "pathways"],
            [self.content_dir / "site.toml"],
        )
        # The folders beside them: a theme folder site.toml names may come after it.
        with contextlib.suppress(OSError):
            found["folders"] = sorted(p.name for p in self.content_dir.iterdir() if p.is_dir())
        return found

    def check(self) -> list[str]:
        """Look for changes once; apply them; return what changed (for the log)."""
        content_now = self._content_snapshot()
        code_now = snapshot(self.code_dirs)
        said = []
        if content_now != self.content:
            self.content = content_now
            try:
                said.append(self.reload_content())
                said += self.follow_theme()
                self.failure = ""
            except Exception as exc:  # keep watching, and say so on every page
                self.failure = str(exc) or type(exc).__name__
                said.append(f"reload failed: {self.failure}")
        if code_now != self.code:
            self.code = code_now
            self.app.jinja_env.cache.clear()
            said.append("templates and static files changed")
        if said:
            with self.changed:
                self.version += 1
                self.changed.notify_all()
        return said

    def reload_content(self) -> str:
        started = time.perf_counter()
        old = self.app.extensions["catalogue"]
        new = Site(old.content_dir, old.index_dir, old.drafts, cache=old.cache, previous=old)
        swap_site(self.app, new)
        took = time.perf_counter() - started
        files = new.catalogue.parsed
        names = ", ".join(Path(f).name for f in files[:3]) + (" ..." if len(files) > 3 else "")
        problems = len(new.catalogue.errors)
        how = "updated" if new.engine.folder.name.startswith("live-") else "rebuilt"
        return (
            f"reloaded in {took:.2f} s ({how} the index): read {counted(len(files), 'file')}"
            + (f" ({names})" if files else "")
            + f"; {counted(len(new.entries), 'entry', 'entries')}, {counted(problems, 'error')}"
        )

    def follow_theme(self) -> list[str]:
        """Use the theme site.toml now names, if it changed (a --theme given to the command
        wins); say so."""
        if self.app.extensions.get("theme_given"):
            return []
        theme = settings_theme(self.app.extensions["catalogue"])
        if theme == self.app.config.get("THEME"):
            return []
        use_theme(self.app, theme)
        self.app.jinja_env.cache.clear()
        self.code_dirs = [*self.base_dirs, *([theme] if theme else [])]
        self.code = snapshot(self.code_dirs)
        return [f"now using the theme {theme}" if theme else "no theme now"]

    def run(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            try:
                for line in self.check():
                    print(f"catalogue serve: {line}", file=sys.stderr)
            except Exception as exc:  # keep watching; the editor sees the message
                print(f"catalogue serve: reload failed: {exc}", file=sys.stderr)

    def wait(self, seen: int) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=WAIT_SECONDS)
            return self.version


def version_seen(raw: str) -> int:
    """The version a page says it saw, or -1 for anything but a plain number (str.isdigit
    takes "²", and int() refuses over 4,300 digits)."""
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else -1


def enable(
    app: Flask, content_dir: Path, code_dirs: Iterable[Path], start: bool = True
) -> LiveReload:
    """Watch for changes in a background thread and let pages wait for them (`start=False`
    leaves the watching to the caller's own calls of `check`)."""
    live = LiveReload(app, content_dir, code_dirs)
    app.config["LIVE_RELOAD"] = True
    app.extensions["live_reload"] = live

    @app.route("/__live-reload")
    def live_reload():
        seen = version_seen(request.args.get("since", ""))
        return jsonify({"version": live.wait(seen) if seen == live.version else live.version})

    @app.context_processor
    def live_version():
        return {"live_version": live.version, "live_failure": live.failure}

    if start:
        threading.Thread(target=live.run, name="live-reload", daemon=True).start()
    return live
