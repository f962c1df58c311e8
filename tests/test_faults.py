"""Faults an institution's server and builds must survive: an index rebuild killed at
random points while learners search, two builds at once, and an output folder that cannot
be written (read-only, or full)."""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from catalogue.content import entrycache

from .conftest import ROOT
from .static_site import free_port, start_server

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

CATALOGUE = str(Path(sys.executable).with_name("catalogue"))
KILLS = 20


class Searcher(threading.Thread):
    """Keeps searching, as a learner would, and notes every answer's total (or failure)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.stop, self.seen = url, threading.Event(), []

    def run(self):
        words = ["care", "safety", "data", "welding", "records"]
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:
                    total = json.load(response)["total"]  # the whole catalogue
                query = f"{self.url}?q={random.choice(words)}"
                with urllib.request.urlopen(query, timeout=10) as response:
                    json.load(response)
                self.seen.append((time.monotonic(), response.status, total))
            except Exception as exc:  # a failed request is what this test looks for
                self.seen.append((time.monotonic(), None, repr(exc)))


def count_of(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["total"]


@pytest.fixture()
def catalogue_server(tmp_path):
    content = generate(400, tmp_path / "content", seed=7)
    index = tmp_path / "index"
    subprocess.run(
        [CATALOGUE, "index", "--content", str(content), "--index-dir", str(index)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    env = {**os.environ, "CATALOGUE_CONTENT": str(content), "CATALOGUE_INDEX_DIR": str(index)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    base = f"http://127.0.0.1:{port}/"
    # --preload, as docs/production.md has it: both workers are forked with the catalogue
    # loaded. Without it, a worker still loading when the test added its first entry
    # indexed the content with it and named that index, as any start does, before the
    # test read the pointer it compares against.
    proc = start_server(
        [str(gunicorn), "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "catalogue.wsgi:app"],
        base, env,
    )  # fmt: skip
    yield content, index, base
    proc.terminate()
    output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def test_a_killed_index_rebuild_is_never_served(catalogue_server):
    """Twenty rebuilds, each after one more entry is added, each killed at a random point
    (SIGKILL: no clean-up runs). The server must answer every request, and only ever
    with the count of an index that was whole: the one it started with, or one a rebuild
    finished before it was killed."""
    content, index, base = catalogue_server
    api = base + "api/search.json"
    old = count_of(api)
    searcher = Searcher(api)
    searcher.start()
    rebuild = [CATALOGUE, "index", "--content", str(content), "--index-dir", str(index)]
    template = sorted((content / "credentials").glob("*.md"))[0].read_text()

    def add_entry(n: int) -> None:
        text = template.replace("title: ", f"title: Added {n} ", 1)
        (content / "credentials" / f"zz-added-{n}.md").write_text(text)

    # how long a rebuild takes until its index is whole and named (not counting the
    # interpreter's exit), into a folder the server does not read, but with the cache of
    # parsed entries the rebuilds below find in the index folder
    add_entry(0)
    spare = index.parent / "spare"
    spare.mkdir(mode=0o700)
    for kept in index.glob(f"{entrycache.PREFIX}*"):
        shutil.copy2(kept, spare)
    started = time.monotonic()
    proc = subprocess.Popen([*rebuild[:-1], str(spare)], stdout=subprocess.DEVNULL)
    while not (spare / "CURRENT").exists():
        assert proc.poll() is None
        time.sleep(0.005)
    duration = time.monotonic() - started
    proc.wait()

    rng = random.Random(20)
    whole = {old: 0.0}  # count -> when the rebuild that made it started
    killed, mid_write, points = 0, 0, []
    for n in range(KILLS):
        if n:
            add_entry(n)
        pointer = (index / "CURRENT").read_text()
        started = time.monotonic()
        proc = subprocess.Popen(rebuild, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        point = rng.uniform(0.05, 0.8) * duration
        time.sleep(point)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
            mid_write += any(index.glob(f".build-{proc.pid}-*"))
        proc.wait()
        points.append(round(point, 2))
        if (index / "CURRENT").read_text() != pointer:  # it was whole before the kill
            whole[old + n + 1] = started
        assert count_of(api) in whole

    final = old + KILLS
    # the server may serve the last index as soon as it is named, before the rebuild exits
    whole[final] = time.monotonic()
    subprocess.run(rebuild, check=True, capture_output=True)
    deadline = time.monotonic() + 20
    while count_of(api) != final:  # every worker picks it up within seconds
        assert time.monotonic() < deadline, "the rebuilt index was not served"
        time.sleep(0.2)
    time.sleep(2.5)
    searcher.stop.set()
    searcher.join(timeout=15)

    assert [s for s in searcher.seen if s[1] != 200] == []  # not one failed request
    assert len(searcher.seen) > 50
    # every count served was a whole index's, and none before its rebuild began
    assert all(total in whole and t >= whole[total] for t, _, total in searcher.seen)
    assert all(total == final for _, _, total in searcher.seen[-5:])
    # most rebuilds were killed, and some while the index was being written
    assert killed >= 15 and mid_write >= 3, (killed, mid_write, points, duration)
    # and the last build cleared what the killed ones left
    assert not [p.name for p in index.iterdir() if p.name.startswith((".build-", ".CURRENT-"))]


def build_command(content: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out)]


def run_build(content: Path, out: Path, *, prefix=(), **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, *build_command(content, out)], capture_output=True, text=True, **options
    )


def test_two_builds_at_once_the_second_says_why_it_cannot_run(tmp_path):
    content = generate(150, tmp_path / "content", seed=3)
    out = tmp_path / "dist"
    first = subprocess.Popen(
        build_command(content, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lock = tmp_path / ".dist.build-lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().startswith("process")):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = run_build(content, out)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines()[-1] == (
        f"build: another build into {out} is running (process {first.pid}); wait for it "
        "to finish, or build into another folder"
    )
    _, errors = first.communicate(timeout=300)
    assert first.returncode == 0, errors
    assert (out / "index.html").is_file()
    assert run_build(content, out).returncode == 0  # the lock went with the first build


def test_a_read_only_output_folder_is_refused_with_a_message(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "data" / "search", content)
    parent = tmp_path / "www"
    parent.mkdir(mode=0o555)
    # root writes anywhere; without CAP_DAC_OVERRIDE it may not
    prefix = ["setpriv", "--bounding-set=-dac_override", "--"] if os.geteuid() == 0 else []
    try:
        result = run_build(content, parent / "dist", prefix=prefix)
    finally:
        parent.chmod(0o755)
    assert failed_with(result).startswith(
        f"build: cannot write the site to {parent / 'dist'} (Permission denied"
    )
    assert list(parent.iterdir()) == []


def failed_with(result) -> str:
    """The one line a failed build ended with: exit status 1 and no traceback."""
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def _limit_file_size():
    # Writes past 200 KB fail with "File too large", as they would on a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_a_full_disk_leaves_the_last_good_site(tmp_path):
    content = generate(200, tmp_path / "content", seed=5)
    out = tmp_path / "dist"
    assert run_build(content, out).returncode == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    (content / "credentials" / sorted(os.listdir(content / "credentials"))[0]).unlink()
    result = run_build(content, out, preexec_fn=_limit_file_size)
    assert failed_with(result).startswith(f"build: cannot write the site to {out} (File too large")
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # the old site, whole
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".catalogue-build-")]
    assert leftovers == []


def test_every_process_names_the_same_index(tmp_path):
    """Workers, restarts and `catalogue index` find one another's index only if each
    process gives the same content the same name, whatever its hash seed."""
    script = (
        "from catalogue.content import load; from catalogue.search import fingerprint; "
        f"print(fingerprint(load({str(ROOT / 'content')!r}).published()))"
    )
    names = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
        for seed in (1, 2, 3)
    }
    assert len(names) == 1
