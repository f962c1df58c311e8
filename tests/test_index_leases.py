"""Index folders shared by several commands (issue 31, item 2): a second command on the
same content folder (`catalogue build`, `catalogue serve --drafts`) never removes an index
folder a running server uses, so live reload keeps working; and a reload that fails says
so on every page, not only in the terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from catalogue import content
from catalogue.search import SearchEngine, build_index, update_index
from catalogue.web import create_app, live

from .conftest import DEMO, ROOT
from .static_site import catalogue_serve, free_port, start_server

SLUG = "agri-dairy-herd-health-records"


def _remove_elsewhere(folder: Path) -> bool:
    """Ask another process to remove `folder` as a command cleaning up would."""
    code = (
        "import sys; from pathlib import Path; from catalogue.search import remove_unused;"
        "print(remove_unused(Path(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def test_a_leased_index_is_kept_and_an_unleased_one_removed(tmp_path):
    entries = content.load(DEMO).published()
    root = tmp_path / "index"
    folder = build_index(entries, root)  # held for the caller
    live_copy = update_index(folder, entries, entries[:-1], root)
    assert live_copy is not None and live_copy.name.startswith("live-")
    engine = SearchEngine(entries[:-1], root, live_copy)  # an engine holds its own
    # this process uses both: another process may not remove them
    assert not _remove_elsewhere(folder) and (folder / "COMPLETE").exists()
    assert not _remove_elsewhere(live_copy) and (live_copy / "COMPLETE").exists()
    # a second engine on the same folder: closing one keeps the other's lease
    other = SearchEngine(entries[:-1], root, live_copy)
    engine.close()
    assert not _remove_elsewhere(live_copy)
    other.close()  # the last one: now another command may clean it up
    assert _remove_elsewhere(live_copy) and not live_copy.exists()
    # a folder nobody uses goes
    stale = root / "stale"
    shutil.copytree(folder, stale)
    assert _remove_elsewhere(stale) and not stale.exists()


def test_another_build_keeps_the_index_a_server_reads(tmp_path):
    entries = content.load(DEMO).published()
    root = tmp_path / "index"
    ours = update_index(build_index(entries, root), entries, entries[:-2], root)
    engine = SearchEngine(entries[:-2], root, ours)  # a server's, after a live reload
    # another command builds the index of other entries in the same root and cleans up
    code = (
        "import sys; from pathlib import Path; from catalogue import content;"
        "from catalogue.search import build_index;"
        "build_index(content.load(sys.argv[1]).published(True), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(DEMO), str(root)], cwd=ROOT, check=True)
    assert (ours / "COMPLETE").exists()
    assert engine.answer({"q": "dairy"}).total > 0


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def _wait_for(url: str, text: str, seconds: float = 20) -> str:
    end = time.monotonic() + seconds
    while True:
        page = _get(url)
        if text in page or time.monotonic() > end:
            return page
        time.sleep(0.2)


def test_live_reload_survives_a_build_and_a_second_server(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(DEMO, folder)
    entry = folder / "credentials" / f"{SLUG}.md"
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    with catalogue_serve(folder, cache) as (base, proc):
        url = f"{base}credentials/{SLUG}/"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(re.sub(r"(?m)^title: .*$", "title: First Edit", text), "utf-8")
        assert "First Edit" in _wait_for(url, "First Edit")  # now served from a live- copy
        cli = [sys.executable, "-m", "catalogue.cli"]
        subprocess.run(
            [*cli, "build", "--content", str(folder), "--out", str(tmp_path / "dist")],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        port = free_port()
        second = start_server(
            [*cli, "serve", "--drafts", "--content", str(folder), "--port", str(port)],
            f"http://127.0.0.1:{port}/", env,
        )  # fmt: skip
        second.terminate()
        second.communicate(timeout=30)
        entry.write_text(re.sub(r"(?m)^title: .*$", "title: Second Edit", text), "utf-8")
        page = _wait_for(url, "Second Edit")
        assert "Second Edit" in page and "Live reload failed" not in page
        proc.terminate()
        log = proc.communicate(timeout=30)[0]
    assert "reload failed" not in log, log
    # each reload updated the index it had (none was removed under it)
    assert re.findall(r"\((\w+) the index\)", log) == ["updated", "updated"], log


def test_a_failed_reload_shows_on_every_page(tmp_path, monkeypatch):
    folder = tmp_path / "content"
    shutil.copytree(DEMO, folder)
    app = create_app(folder, show_content_errors=True, index_dir=tmp_path / "index")
    watcher = live.enable(app, folder, [], start=False)

    def broken(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "live-0123")

    monkeypatch.setattr(live, "Site", broken)
    entry = folder / "credentials" / f"{SLUG}.md"
    entry.write_text(entry.read_text(encoding="utf-8") + "\nMore.\n", "utf-8")
    assert watcher.check() == ["reload failed: [Errno 2] No such file or directory: 'live-0123'"]
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Live reload failed" in page and "live-0123" in page
    # the next change that loads clears it
    monkeypatch.undo()
    entry.write_text(entry.read_text(encoding="utf-8") + "\nAgain.\n", "utf-8")
    assert watcher.check()[0].startswith("reloaded in")
    assert watcher.failure == ""
