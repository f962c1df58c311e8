"""Index files: the Whoosh index of a list of entries, built, updated and found.

Index builds happen in a temporary folder that is renamed into place and then named in a
pointer file replaced atomically, so a failed or killed build leaves the previous index
serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import whoosh
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema

from ..content.parallel import can_fork, piped_fork
from ..model import Credential
from .analysis import ANALYZER, TEXT_FIELDS, index_terms, index_text, words
from .leases import hold, remove_unused
from .spelling import spelling_words

INDEX_VERSION = "1"  # bump when the schema, the analysis or the spelling words change
VOCABULARY = "vocabulary.json"  # the spelling words, kept in the index folder


def whoosh_schema() -> Schema:
    text = {name: TEXT(analyzer=ANALYZER, phrase=False) for name, _boost in TEXT_FIELDS}
    return Schema(slug=ID(stored=True, unique=True), **text)


def _stable_repr(analyzer) -> str:
    """The analyzer's repr, the same in every process: Python shows a set's items in an
    order that changes with the hash seed, and functions with their memory address."""

    def sort_set(match: re.Match) -> str:
        items = re.findall(r"'[^']*'", match.group(1))
        return "frozenset({" + ", ".join(sorted(items)) + "})"

    text = re.sub(r"frozenset\(\{([^}]*)\}\)", sort_set, repr(analyzer))
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def fingerprint(entries: Iterable[Credential]) -> str:
    """Name an index by what it holds: the entries, the schema and the analysis."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    schema = (tuple(TEXT_FIELDS), _stable_repr(ANALYZER), whoosh.versionstring())
    digest.update(repr(schema).encode())
    for entry in entries:
        digest.update(json.dumps(entry.to_dict(), sort_keys=True).encode())
        digest.update(entry.body_text.encode())
    return digest.hexdigest()[:20]


def build_index(entries: list[Credential], root: Path, name: str | None = None) -> Path:
    """Make sure `root` holds an index of `entries` and return its folder.

    Rebuilt only when the entries changed. The new index is written to a temporary folder,
    renamed into place, and only then named in `root/CURRENT`, replaced atomically.
    `name` is the entries' fingerprint, if the caller has it already. The folder comes
    back leased to this process (see leases.py), so no other command removes it: one
    hold, for the caller to `release` when done with it.
    """
    root.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root)
    name = name or fingerprint(entries)
    target = root / name
    for _ in range(3):
        if hold(target):
            break
        _build(entries, root, name, target)  # not built, or removed as it was found
    else:
        raise OSError(f"cannot keep the index {target}: another process removes it")
    _point_at(root, name)
    return target


def _build(entries: list[Credential], root: Path, name: str, target: Path) -> None:
    """Write the index of `entries` in `target`, unless it is there already."""
    if not (target / "COMPLETE").exists():
        scratch = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
        try:
            ix = whoosh_index.create_in(scratch, whoosh_schema())
            counts: Counter = Counter()
            # One analysis serves both: the spelling words and the index terms (given to
            # Whoosh as lists, which it indexes as they are).
            with ix.writer(procs=1, limitmb=256) as writer:
                for entry in entries:
                    writer.add_document(slug=entry.slug, **_terms(entry, counts))
            ix.close()
            (scratch / VOCABULARY).write_text(json.dumps(spelling_words(counts)))
            (scratch / "COMPLETE").write_text(name)
            if target.exists() and not (target / "COMPLETE").exists():
                shutil.rmtree(target)  # a leftover that never completed
            try:
                os.rename(scratch, target)
            except OSError:
                if not (target / "COMPLETE").exists():
                    raise
                # another process built the same index first; use theirs
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def index_later(entries: list[Credential], root: Path) -> Callable[[], Path]:
    """`build_index(entries, root)` begun in a process of its own, when there is an index
    to build and this process may fork (see content/parallel.py); returns a function that
    waits for it and gives the folder. The build (single-threaded in Whoosh) then runs on
    a core of its own while this process gets on with what needs no index.

    The builder is a detached grandchild that holds none of this process's files (a
    build lock, a pipe whose reader waits for the end of this process's output) but the
    write end of a pipe of its own, whose end tells this process it is done. So a build
    that fails meanwhile ends at once: the builder finishes the index for the next start,
    and ends, leaving no zombie. Whatever becomes of it, the wait ends with the index
    complete: if the builder failed, it is built here, so that costs time, never a wrong
    index. A process forked from this one meanwhile (which waits for no pipe) uses the
    index if it is complete, or builds it too (the first one renamed in is kept)."""
    name = fingerprint(entries)
    target = root / name
    forked = None if (target / "COMPLETE").exists() or not can_fork() else piped_fork()
    if forked is None:  # built already, or no process to build it in: here and now
        folder = build_index(entries, root, name)
        return lambda: folder
    pid, read, write = forked
    if pid == 0:  # the child: fork the builder and end; never run the parent's exits
        try:
            if os.fork() == 0:
                _detach(keep=write)
                build_index(entries, root, name)
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)  # the child ends at once
    owner, built = os.getpid(), []

    def wait() -> Path:
        if not built:
            if os.getpid() == owner:
                with os.fdopen(read, "rb") as done:
                    done.read()  # returns when the builder has ended, whichever way
            # Complete: the builder's, pointed at in CURRENT (pointing at it again here
            # would remove the index it kept as the previous one, which a server may
            # still read); else built here.
            complete = hold(target)
            built.append(target if complete else build_index(entries, root, name))
        return built[0]

    return wait


def _detach(keep: int) -> None:
    """Leave this process's session and close every file but `keep`; 0, 1 and 2 go to
    /dev/null."""
    os.setsid()
    if keep < 3:  # not to be replaced below
        keep = fcntl.fcntl(keep, fcntl.F_DUPFD, 3)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def update_index(
    folder: Path, old: list[Credential], new: list[Credential], root: Path
) -> Path | None:
    """For live reload: a copy of the index in `folder` (of the entries `old`) with only
    what differs in `new` written again. Entries are compared by identity, as the loader's
    file cache returns the same object for a file that did not change. Returns None when
    so much changed (site.toml, say) that a fresh build is as quick and cleaner.

    Whoosh keeps a replaced document's statistics until segments merge, so scores may
    differ in the last digits from a fresh build until the next start; the live index is
    named apart ("live-...") so that a normal start never reuses it.
    """
    before = {e.slug: e for e in old}
    after = {e.slug: e for e in new}
    changed = [e for slug, e in after.items() if before.get(slug) is not e]
    removed = [slug for slug in before if slug not in after]
    if len(changed) + len(removed) > max(5, len(new) // 5):
        return None
    scratch = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
    try:
        shutil.copytree(folder, scratch, dirs_exist_ok=True)
        (scratch / "COMPLETE").unlink(missing_ok=True)
        (scratch / VOCABULARY).unlink(missing_ok=True)  # the old entries' words
        ix = whoosh_index.open_dir(scratch)
        with ix.writer(procs=1) as writer:
            for slug in removed:
                writer.delete_by_term("slug", slug)
            for entry in changed:
                writer.update_document(slug=entry.slug, **_terms(entry, Counter()))
        ix.close()
        name = f"live-{fingerprint(new)}"
        (scratch / "COMPLETE").write_text(name)
        target = root / name
        # The same entries made live elsewhere (a second server on this folder): share it.
        if not (target / "COMPLETE").exists():
            if target.exists():
                remove_unused(target)  # a leftover that never completed
            with contextlib.suppress(OSError):  # another process renamed theirs in first
                os.rename(scratch, target)
        return target  # the engine leases it, or builds afresh if it went meanwhile
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _terms(entry: Credential, counts: Counter) -> dict[str, list[str]]:
    """Each text field's index terms, as ANALYZER gives them; its words go into `counts`."""
    fields = {}
    for name, _ in TEXT_FIELDS:
        found = words(index_text(entry, name))
        counts.update(found)
        fields[name] = index_terms(found)
    return fields


def stored_vocabulary(folder: Path) -> dict[str, int] | None:
    """The spelling words an index build kept in `folder`, or None (a live-reload copy,
    an index built before they were kept, or a file that cannot be read)."""
    try:
        found = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _point_at(root: Path, name: str) -> None:
    pointer = root / f".CURRENT-{os.getpid()}-{threading.get_ident()}"
    pointer.write_text(name)
    previous = current_index(root)
    os.replace(pointer, root / "CURRENT")
    # Keep the index just replaced (a searcher may still read it) and any that a process
    # leases (a server started before, live reload's copies); remove the others.
    keep = {name, previous.name if previous else None}
    for old in root.iterdir():
        if old.is_dir() and old.name not in keep and not old.name.startswith(".build-"):
            remove_unused(old)


def remove_leftovers(root: Path) -> None:
    """Remove the scratch folders and pointer files of builds whose process is gone (a
    build killed outright leaves them; one still running on this machine is left alone)."""
    for item in root.glob(".*"):
        parts = item.name.split("-")
        if item.name.startswith((".build-", ".CURRENT-")) and parts[1].isdigit():
            try:
                os.kill(int(parts[1]), 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue  # someone else's process
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)


def current_index(root: Path) -> Path | None:
    try:
        name = (root / "CURRENT").read_text().strip()
    except OSError:
        return None
    folder = root / name
    return folder if (folder / "COMPLETE").exists() else None
