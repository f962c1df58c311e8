"""One writer at a time in a content folder, across threads and processes.

Whatever checks a content folder and then writes to it (the editor's saves and uploads,
an import) does both inside `writing(content_dir)`: a check made there still holds when
the write lands, since no other writer can come between. The lock is an exclusive
`flock` on the folder itself (no lock file is left behind), taken once per thread; the
same thread may nest `writing` (an entry's save that also stores its images).

    with writing(content_dir):
        if not taken(slug):
            write(slug, text)

A writer that cannot have the folder within `timeout` seconds gets `FolderBusy`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

try:
    import fcntl
except ImportError:  # Windows: threads of this process are still kept in turn
    fcntl = None  # type: ignore[assignment]

WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02


class FolderBusy(Exception):
    """Another writer held the content folder for longer than the caller would wait."""


@dataclass
class _Holder:
    lock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0  # how deeply the thread that holds `lock` has nested `writing`
    fd: int | None = None  # the folder, open and flocked while depth > 0


_guard = threading.Lock()
_holders: dict[str, _Holder] = {}


@contextmanager
def writing(content_dir: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold the content folder for writing: no other thread or process that asks for it
    gets it until the block ends. Raise FolderBusy after `timeout` seconds of waiting
    (WAIT_SECONDS by default)."""
    timeout = WAIT_SECONDS if timeout is None else timeout
    key = os.path.realpath(content_dir)
    with _guard:
        holder = _holders.setdefault(key, _Holder())
    deadline = time.monotonic() + timeout
    if not holder.lock.acquire(timeout=max(timeout, 0)):
        raise FolderBusy(_busy(timeout))
    try:
        if holder.depth == 0:
            holder.fd = _flock(key, deadline, timeout)
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0 and holder.fd is not None:
                os.close(holder.fd)  # which lets the flock go
                holder.fd = None
    finally:
        holder.lock.release()


def _flock(folder: str, deadline: float, timeout: float) -> int | None:
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise FolderBusy(_busy(timeout)) from None
            time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise


def _busy(timeout: float) -> str:
    return (
        f"another save or import was writing to the content folder for over {timeout:g} s; "
        "try again in a moment"
    )
