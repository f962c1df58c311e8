"""Leases on index folders: a folder a process reads is never removed under it.

Several commands share one index root per content folder (`catalogue serve`, a second
`serve --drafts`, `catalogue build`, `catalogue index`), and each removes the index
folders it no longer needs. A process that uses a folder holds a shared `flock` on the
folder's LEASE file for as long as it uses it; a folder is removed only by a process that
can take that lock exclusively, and removed while it holds it. Locks end with the process
that held them, however it ends, so nothing is ever left locked.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from pathlib import Path

LEASE = "LEASE"

_held: dict[str, list[int]] = {}  # folder -> [its open LEASE file, the holds on it]
_guard = threading.Lock()


def hold(folder: Path) -> bool:
    """Lease `folder` for this process, once more: each hold is ended by one `release`,
    and the lock by the last. Returns False, holding nothing, when the folder is not a
    complete index (or is gone)."""
    key = str(Path(folder).absolute())
    with _guard:
        if key in _held:
            _held[key][1] += 1
            return True
        try:
            fd = os.open(Path(folder) / LEASE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        # Waits while another process removes the folder; then finds it gone below.
        fcntl.flock(fd, fcntl.LOCK_SH)
        if not (Path(folder) / "COMPLETE").exists():
            os.close(fd)
            return False
        _held[key] = [fd, 1]
        return True


def release(folder: Path) -> None:
    """End one hold of this process on `folder`; the last one ends the lease."""
    key = str(Path(folder).absolute())
    with _guard:
        lease = _held.get(key)
        if lease is None:
            return
        lease[1] -= 1
        if lease[1] > 0:
            return
        del _held[key]
    os.close(lease[0])


def held(folder: Path) -> bool:
    """Whether this process leases `folder`."""
    return str(Path(folder).absolute()) in _held


def remove_unused(folder: Path) -> bool:
    """Remove `folder` unless a process (this one included) leases it; say if it went."""
    if held(folder):
        return False
    try:
        fd = os.open(Path(folder) / LEASE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # no LEASE can be made: not an index folder as this module makes them
        if Path(folder).is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:
        # COMPLETE first: a process waiting for a lease then sees the folder as gone.
        (Path(folder) / "COMPLETE").unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)
    return True
