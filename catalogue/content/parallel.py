"""Parse many entry files on two cores: half in a forked child, half here.

Reading and rendering is pure Python, so threads would not help; a child forked for the
occasion gets the files' bytes and the settings for free, parses its half and sends the
results back through a pipe. Only a first load of many files (a cold start) is worth it,
and only from a process with one thread: a fork copies no other thread, and a lock one of
them held would stay held in the child. Whatever goes wrong in the child (it dies, its
answer cannot be read), its half is parsed here instead: the result never differs.
"""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

from ..model import Credential
from .entry import parse_file
from .errors import ContentError
from .settings import Site

WORTH_IT = 400  # fewer files than this are parsed here: a fork costs more than it saves

Parsed = tuple[Credential | None, list[ContentError]]


def parse_files(jobs: list[tuple[Path, bytes | None]], site: Site) -> list[Parsed]:
    """`parse_file` of each (file, its bytes) in `jobs`, in order."""
    if len(jobs) < WORTH_IT or not can_fork():
        return [parse_file(file, site, raw) for file, raw in jobs]
    middle = len(jobs) // 2
    theirs = _fork(lambda: [parse_file(file, site, raw) for file, raw in jobs[middle:]])
    mine = [parse_file(file, site, raw) for file, raw in jobs[:middle]]
    rest = theirs()
    if rest is None or len(rest) != len(jobs) - middle:
        rest = [parse_file(file, site, raw) for file, raw in jobs[middle:]]
    return mine + rest


def can_fork() -> bool:
    """Whether work may go to a forked child: on a machine of more than one core, from a
    process with one thread (a fork copies no other thread, and a lock one of them held
    would stay held in the child)."""
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and threading.current_thread() is threading.main_thread()
    )


def piped_fork() -> tuple[int, int, int] | None:
    """A pipe, then os.fork(): (pid, read end, write end), the pid 0 in the child; None,
    with nothing left open, when either cannot be made."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        return os.fork(), read_end, write_end
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None


def _fork(work):
    """Start `work()` in a child; return a function that waits for its result (None if
    the child failed)."""
    forked = piped_fork()
    if forked is None:
        return lambda: None
    pid, read_end, write_end = forked
    if pid == 0:  # the child: work, answer, and leave without running the parent's exits
        status = 1
        try:
            os.close(read_end)
            answer = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(answer)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def wait():
        try:
            with os.fdopen(read_end, "rb") as answer:
                data = answer.read()
            _, status = os.waitpid(pid, 0)
            return pickle.loads(data) if status == 0 else None
        except Exception:  # a child that died half-way: parse its share here
            return None

    return wait
