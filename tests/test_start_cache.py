"""Starts that keep no one waiting: what was read and rendered is kept by each file's
content (never by its size or time), the index keeps its spelling words, the fast
analysis is Whoosh's, and gunicorn workers forked from a preloaded app follow rebuilds."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.content import entry as entry_module
from catalogue.content import entrycache, load
from catalogue.fields import Field, extra_field
from catalogue.fields.kinds import Text
from catalogue.search import SearchEngine, build_index
from catalogue.search.analysis import ANALYZER, TEXT_FIELDS, WORDS, index_terms, index_text, words
from catalogue.search.indexfiles import VOCABULARY
from catalogue.search.spelling import Spelling
from catalogue.web import create_app
from catalogue.web.live import LiveReload

from .conftest import DEMO, ROOT
from .static_site import gunicorn_serve

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

SLUG = "agri-dairy-herd-health-records"
CATALOGUE = str(Path(sys.executable).with_name("catalogue"))


@pytest.fixture()
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(DEMO, folder)
    return folder


@pytest.fixture()
def renders(monkeypatch) -> list[str]:
    """Every Markdown body rendered from now on."""
    seen: list[str] = []
    real = entry_module.render_markdown

    def counting(text: str):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(entry_module, "render_markdown", counting)
    return seen


def same_size_same_time(path: Path, old: str, new: str) -> None:
    """Change `old` to `new` (as long) in the file, then put its modification time back:
    what a tool that restores times does, and what size and time cannot see."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode())
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns)


def shards(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{entrycache.PREFIX}*.pickle"))


def test_a_second_load_renders_nothing_and_gives_the_same_entries(content, tmp_path, renders):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    first = load(content, stored=cache)
    assert len(renders) == len(first.entries) > 0 and shards(cache)
    renders.clear()
    second = load(content, stored=cache)
    assert renders == [] and second.parsed == []
    assert [e.to_dict() for e in second.entries] == [e.to_dict() for e in first.entries]
    assert [e.lines for e in second.entries] == [e.lines for e in first.entries]
    assert second.errors == first.errors and second.warnings == first.warnings
    load(content)  # without the cache, everything is rendered
    assert len(renders) == len(first.entries)


def test_an_edit_rewrites_one_shard_only(content, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    load(content, stored=cache)
    before = {p.name: p.stat().st_mtime_ns for p in shards(cache)}
    time.sleep(0.01)
    file = content / "credentials" / f"{SLUG}.md"
    file.write_text(file.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    load(content, stored=cache)
    after = {p.name: p.stat().st_mtime_ns for p in shards(cache)}
    assert [n for n in after if after[n] != before.get(n)] == [
        entrycache.shard_file(cache, entrycache.shard_of(str(file))).name
    ]


def test_a_change_with_the_same_size_and_time_is_read_again(content, tmp_path, renders):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    memory: dict = {}
    load(content, cache=memory, stored=cache)
    file = content / "credentials" / f"{SLUG}.md"
    same_size_same_time(file, "Dairy Herd Health Records", "Dairy Herd Wealth Records")
    renders.clear()
    for again in (load(content, stored=cache), load(content, cache=memory)):
        assert again.get(SLUG).title == "Dairy Herd Wealth Records"
        assert again.parsed == [str(file)]
    assert len(renders) == 2


def test_live_reload_sees_a_change_with_the_same_size_and_time(content, tmp_path):
    app = create_app(content, index_dir=tmp_path / "index")
    live = LiveReload(app, content, [])
    assert live.check() == []
    same_size_same_time(
        content / "credentials" / f"{SLUG}.md",
        "Dairy Herd Health Records",
        "Dairy Herd Wealth Records",
    )
    said = live.check()
    assert said and "read 1 file" in said[0], said
    assert app.extensions["catalogue"].by_slug[SLUG].title == "Dairy Herd Wealth Records"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"format": entrycache.FORMAT})[:-5],  # cut off
        pickle.dumps(["a", "list"]),
        pickle.dumps({"format": entrycache.FORMAT + 1, "context": "", "records": {}}),
        pickle.dumps({"format": entrycache.FORMAT, "context": "another", "records": {}}),
        b"\x80\x04\x95" + b"\xff" * 40,  # a pickle header, then garbage
        b"cos\nsystem\n(S'echo never run'\ntR.",  # a pickle that would run a command
    ],
)
def test_a_damaged_cache_is_read_as_absent_and_written_anew(content, tmp_path, damage, capfd):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    expected = [e.to_dict() for e in load(content, stored=cache).entries]
    for shard in shards(cache):
        shard.write_bytes(damage)
    again = load(content, stored=cache)
    assert [e.to_dict() for e in again.entries] == expected
    assert len(again.parsed) == len(list((content / "credentials").glob("*.md")))
    printed = capfd.readouterr()
    assert "Traceback" not in printed.err and "never run" not in printed.out + printed.err
    assert load(content, stored=cache).parsed == []  # whole again


def test_catalogue_index_with_a_damaged_cache_says_nothing_of_it(content, tmp_path):
    index = tmp_path / "index"
    run = [CATALOGUE, "index", "--content", str(content), "--index-dir", str(index)]
    subprocess.run(run, check=True, capture_output=True)
    for shard in shards(index):
        shard.write_bytes(b"\x80\x05garbage")
    done = subprocess.run(run, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "garbage" not in done.stderr
    assert done.stdout.startswith("indexed ")


def test_a_cache_others_can_write_is_never_read(content, tmp_path, renders):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    load(content, stored=cache)
    renders.clear()
    cache.chmod(0o777)
    assert len(load(content, stored=cache).parsed) > 0 and renders
    cache.chmod(0o700)
    file = content / "credentials" / f"{SLUG}.md"
    entrycache.shard_file(cache, entrycache.shard_of(str(file))).chmod(0o666)
    renders.clear()
    again = load(content, stored=cache)
    assert renders and str(file) in again.parsed  # that shard's entries were read again


def test_a_change_to_site_toml_reads_every_entry_again(content, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    before = load(content, stored=cache)
    settings_file = content / "site.toml"
    text = settings_file.read_text(encoding="utf-8")
    assert "min_hours = 5\n" in text
    settings_file.write_text(text.replace("min_hours = 5\n", "min_hours = 500\n"), "utf-8")
    after = load(content, stored=cache)
    assert len(after.parsed) == len(list((content / "credentials").glob("*.md")))

    def failed(catalogue) -> int:
        return sum(not c.ok for e in catalogue.entries for c in e.checks)

    assert failed(after) >= failed(before) + len(after.entries) // 2


def test_a_change_to_the_field_table_is_another_context():
    before = entrycache.context_key(b"same settings")
    row = Field("internal_code", Text(), False, "An internal code.", "X-1")
    with extra_field(row):
        during = entrycache.context_key(b"same settings")
    assert len({before, during, entrycache.context_key(b"other settings")}) == 3
    assert entrycache.context_key(b"same settings") == before


def test_the_fast_analysis_is_whooshs():
    texts = [index_text(e, name) for e in load(DEMO).entries for name, _ in TEXT_FIELDS]
    texts += ["e.g. U.S.A. 3.5 l'été *wild* card x Ǆemal ǅ İstanbul ﬁle", ""]
    for text in texts:  # English and French, accents, numbers, dotted words
        assert words(text) == [t.text for t in WORDS(text)], text
        assert index_terms(words(text)) == [t.text for t in ANALYZER(text)], text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_the_fast_analysis_is_whooshs_on_any_text(text):
    assert words(text) == [t.text for t in WORDS(text)]
    assert index_terms(words(text)) == [t.text for t in ANALYZER(text)]


def test_the_index_keeps_the_spelling_words_it_found(tmp_path):
    entries = load(DEMO).entries
    folder = build_index(entries, tmp_path / "index")
    kept = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
    fresh = Spelling(entries).vocabulary
    assert list(kept.items()) == list(fresh.items()) and len(fresh) > 100
    engine = SearchEngine(entries, tmp_path / "index")
    assert list(engine.vocabulary.items()) == list(fresh.items())
    engine.close()
    (folder / VOCABULARY).write_text("{not json", encoding="utf-8")  # read as absent
    engine = SearchEngine(entries, tmp_path / "index", folder)
    assert list(engine.vocabulary.items()) == list(fresh.items())
    engine.close()


def api_total(base: str) -> int:
    with urllib.request.urlopen(base + "api/search.json", timeout=10) as response:
        return json.load(response)["total"]


def test_preloaded_workers_follow_a_rebuilt_index(tmp_path):
    """gunicorn --preload loads the catalogue once and forks the workers from it; each
    worker still serves what `catalogue index` rebuilds (its follower runs in the worker,
    not the master, whose threads a fork would not carry over)."""
    folder = generate(60, tmp_path / "content", seed=3)
    index = tmp_path / "index"
    rebuild = [CATALOGUE, "index", "--content", str(folder), "--index-dir", str(index)]
    subprocess.run(rebuild, check=True, capture_output=True)
    settings_env = {
        "CATALOGUE_CONTENT": str(folder),
        "CATALOGUE_INDEX_DIR": str(index),
        "GUNICORN_CMD_ARGS": f"--preload --pid {tmp_path / 'pid'}",
    }
    with gunicorn_serve(settings_env, workers=2, threads=1) as base:
        master = int((tmp_path / "pid").read_text())
        assert {api_total(base) for _ in range(6)} == {60}
        template = sorted((folder / "credentials").glob("*.md"))[0].read_text("utf-8")
        (folder / "credentials" / "zz-added.md").write_text(
            template.replace("title: ", "title: Added ", 1), "utf-8"
        )
        subprocess.run(rebuild, check=True, capture_output=True)
        deadline = time.monotonic() + 30
        seen: list[int] = []
        while seen[-8:] != [61] * 8:  # enough answers in a row that both workers say so
            assert time.monotonic() < deadline, seen[-20:]
            seen.append(api_total(base))
            time.sleep(0.05)
        assert int((tmp_path / "pid").read_text()) == master


def script_answer(script: str, *args) -> dict:
    """What `script` prints as JSON, run with `args` in a Python process of its own: one
    whose only thread is its main one, so that it may fork (see content/parallel.py),
    which a test run with servers in other threads may not."""
    run = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(run.stdout)


TWO_CORES = """
import json, sys
from catalogue.content import load, parallel
content = sys.argv[1]
one = load(content)
parallel.WORTH_IT = 10  # the demo's 64 files are split
forked = []
real_fork = parallel._fork
parallel._fork = lambda work: forked.append(1) or real_fork(work)
two = load(content)
parallel._fork = lambda work: lambda: None  # a child that died
died = load(content)
same = lambda a, b: [e.to_dict() for e in a.entries] == [e.to_dict() for e in b.entries]
print(json.dumps({
    "forked": forked,
    "entries": len(one.entries),
    "same": same(two, one),
    "lines": [e.lines for e in two.entries] == [e.lines for e in one.entries],
    "problems": two.errors == one.errors and two.warnings == one.warnings,
    "died": same(died, one),
}))
"""


def test_parsing_on_two_cores_gives_what_one_core_gives(content):
    """In a process of its own: the load forks only when it is the process's one thread,
    which a test run with servers in other threads is not."""
    result = script_answer(TWO_CORES, content)
    assert result["forked"] == [1] and result["entries"] > 50
    assert result["same"] and result["lines"] and result["problems"] and result["died"]


INDEX_LATER = """
import json, os, sys
from pathlib import Path
from catalogue.content import load
from catalogue.search import SearchEngine, indexfiles
content, scratch = sys.argv[1], Path(sys.argv[2])
entries = load(content).entries
owner, forks = os.getpid(), []
real_fork, real_build = os.fork, indexfiles.build_index
older = real_build(entries[1:], scratch / "later")  # the index a server serves, say
os.fork = lambda: forks.append(1) or real_fork()
later = SearchEngine(entries, scratch / "later", later=True)
lazy = "text" not in later.__dict__
named = later.folder.name == indexfiles.fingerprint(entries)
kept = older.is_dir() and (scratch / "later" / "CURRENT").read_text() == later.folder.name
# a process forked from this one (not the builder's parent) finds the same index
pid = real_fork()
if pid == 0:
    os._exit(0 if later.folder.name == indexfiles.fingerprint(entries) else 1)
other = os.waitpid(pid, 0)[1] == 0
now = SearchEngine(entries, scratch / "now")
# a server's engine reads its index at once: workers forked after share what it read
eager = {"text", "spelling"} <= now.__dict__.keys()
def failing(entries, root, name=None):  # the builder dies: the parent builds it
    if os.getpid() != owner:
        raise RuntimeError("killed")
    return real_build(entries, root, name)
indexfiles.build_index = failing
died = SearchEngine(entries, scratch / "died", later=True)
queries = ["care", "data safety", "plan", "wound", "install electrical"]
answers = lambda engine: [
    [e.slug for e in engine.answer({"q": q}).entries] for q in queries
]
print(json.dumps({
    "forks": len(forks),
    "lazy": lazy,
    "named": named,
    "kept": kept,
    "eager": eager,
    "other": other,
    "same": answers(later) == answers(now) == answers(died),
    "found": sum(len(a) for a in answers(now)),
    "vocabulary": later.vocabulary == now.vocabulary == died.vocabulary,
    "again": SearchEngine(entries, scratch / "later", later=True).folder == later.folder,
}))
"""


def test_an_index_built_in_a_child_is_the_index_built_here(tmp_path):
    """The static build's index, begun in a forked child (SearchEngine's `later`), answers
    as one built in the process and leaves the index it replaces (a server's) in place; a
    builder that dies is made up for, and an index already built is not begun again (two
    children forked from this process in all, none for the third engine)."""
    result = script_answer(INDEX_LATER, DEMO, tmp_path)
    assert result == {
        "forks": 2, "lazy": True, "named": True, "kept": True, "eager": True, "other": True,
        "same": True,
        "found": result["found"],
        "vocabulary": True, "again": True,
    }  # fmt: skip
    assert result["found"] > 10


DETACHED = """
import fcntl, json, os
from catalogue.search.indexfiles import _detach
read, write = os.pipe()
# numbers above any the child opens itself: a file of the parent's (a build lock, say)
# and the pipe's other end
held = fcntl.fcntl(os.open(os.devnull, os.O_RDONLY), fcntl.F_DUPFD, 50)
read = fcntl.fcntl(read, fcntl.F_DUPFD, 60)
pid = os.fork()
if pid == 0:
    _detach(keep=write)
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
    os.write(write, json.dumps({"fds": fds, "leader": os.getsid(0) == os.getpid()}).encode())
    os._exit(0)
os.close(write)
said = json.loads(os.read(read, 10_000))
os.waitpid(pid, 0)
print(json.dumps({**said, "held": held, "read": read, "write": write}))
"""


def test_the_index_builder_holds_none_of_the_builds_files():
    """The builder index_later starts outlives a build that fails: it must not keep the
    build's lock file open, nor the pipes its output goes to."""
    said = script_answer(DETACHED)
    assert said["leader"] and said["write"] in said["fds"]
    assert said["held"] not in said["fds"] and said["read"] not in said["fds"]
