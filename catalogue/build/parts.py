"""Freeze the site in parts, one process a part, each on a core of its own.

The app is loaded once; each part is a forked copy of the process that freezes every
n-th URL the generators give (in their order, each URL once) into the same scratch
folder, pages through Frozen-Flask and each entry's data files straight from their
views (datafiles.py), and tells the parent, line by line, what it wrote. The parent shows progress,
puts the URLs back in the one-process order, and fails the build when a part fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import selectors
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from pathlib import Path

from flask.testing import FlaskClient
from flask_frozen import Freezer, FrozenFlaskWarning, MissingURLGeneratorWarning

from .datafiles import DATA_ENDPOINTS, write_data_files, write_file

PARTS_AT_MOST = 4  # a build is mostly rendering: more processes than this gain little


def part_count() -> int:
    """How many parts a build runs in: one per core this process may use (at most
    PARTS_AT_MOST)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # systems without affinity (macOS)
        cores = os.cpu_count() or 1
    return max(1, min(cores, PARTS_AT_MOST))


class PartFailed(Exception):
    """A part of the build that stopped, with what it said (or how it ended)."""


class PageClient(FlaskClient):
    """The test client Frozen-Flask asks each page of, without a cookie jar: it makes a
    new client a page, so no cookie could carry over, and matching the jar against each
    request's URL was 2% of a build."""

    def __init__(self, *args, **kwargs):
        kwargs["use_cookies"] = False
        super().__init__(*args, **kwargs)


class Share:
    """One part's share of the freezer's URLs: of what its generators give, counting each
    (endpoint, values) once, every `parts`-th from the `part`-th (from 0). Pages are
    left to Frozen-Flask; the files of DATA_ENDPOINTS are set aside for
    `write_data_files`. Each URL written is known by its place in the generators' order
    (`index`), which puts the parts' URLs back in the one-process order."""

    def __init__(self, freezer: Freezer, part: int = 0, parts: int = 1):
        self.freezer = freezer
        self.part, self.parts = part, parts
        self.generators = list(freezer.url_generators)
        self.data: list[tuple[int, tuple[str, dict]]] = []
        self.index = -1  # the place of the URL Frozen-Flask was given last
        freezer.url_generators = [self.pages]
        freezer.app.test_client_class = PageClient

    def items(self) -> Iterator[tuple[int, object]]:
        """This part's (place, item), an item as a generator gave it."""
        seen = set()
        for generator in self.generators:
            for item in generator():
                if isinstance(item, Mapping):  # Frozen-Flask: the generator names the endpoint
                    item = (generator.__name__, item)
                key = item if isinstance(item, str) else (item[0], tuple(sorted(item[1].items())))
                if key in seen:
                    continue
                if len(seen) % self.parts == self.part:
                    yield len(seen), item
                seen.add(key)

    def pages(self) -> Iterator:
        for index, item in self.items():
            if not isinstance(item, str) and item[0] in DATA_ENDPOINTS and len(item) == 2:
                self.data.append((index, item))
                continue
            # Frozen-Flask builds each URL before it asks for the next: a page it yields
            # is the one of the item given last (a URL it has built already, none)
            self.index = index
            yield item

    def freeze(self, files: Mapping[str, bytes] | None = None) -> Iterator[tuple[int, str]]:
        """Write this part's files, and its share of `files` ({path in the site: bytes},
        written as they are, not yielded); yield the place and URL of each page."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", FrozenFlaskWarning)
            # check_endpoints does this check, knowing which pages are left out on purpose
            warnings.simplefilter("ignore", MissingURLGeneratorWarning)
            for page in self.freezer.freeze_yield():
                yield self.index, page.url
            urls = write_data_files(self.freezer, (item for _index, item in self.data))
            for (index, _item), url in zip(self.data, urls, strict=True):
                yield index, url
        made: set[Path] = set()
        for name, data in islice((files or {}).items(), self.part, None, self.parts):
            write_file(self.freezer.root / name, data, made)


def freeze_pages(
    freezer: Freezer,
    parts: int,
    progress: Callable[[str], None] | None,
    endpoints: set[str],
    files: Mapping[str, bytes] | None = None,
) -> list[str]:
    """Freeze every page the freezer's generators give, in `parts` processes (in this one
    when `parts` is 1), and write `files` ({path in the site: bytes}) shared out among
    them; return the URLs of the pages written, in the generators' order. `endpoints` is
    the set the generators fill with the endpoints they gave URLs to: each part's is added
    to it. Raise PartFailed (or the OSError) when a part fails: what it wrote stays in the
    scratch folder."""
    if parts <= 1:
        written = []
        for index, url in Share(freezer).freeze(files):
            written.append((index, url))
            if progress:
                progress(url)
        return [url for _index, url in sorted(written)]
    sys.stdout.flush()
    sys.stderr.flush()
    children = {}  # the read end of each part's pipe -> (part, pid)
    try:
        for part in range(parts):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the part: freeze its share, tell the parent, never return
                os.close(read)
                pipe = os.fdopen(write, "w", encoding="utf-8")
                _run_part(freezer, part, parts, endpoints, files, pipe)
            os.close(write)
            children[read] = (part, pid)
        written, failure = _follow(children, progress, endpoints)
    finally:
        ended = {}
        for read, (part, pid) in children.items():
            os.close(read)
            ended[part] = os.waitpid(pid, 0)[1]
    if failure:
        raise failure
    for part, status in ended.items():
        if status:  # killed, say, before it could say why
            raise PartFailed(f"part {part + 1} of {parts} {_ending(status)}")
    return [url for _index, url in sorted(written)]


def _said(exc: BaseException) -> str:
    """What a process that failed tells its parent: the exception's type and the first
    line of its message, for the build's one-line error."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"was stopped by {name} (out of memory?) before it finished"
    return f"ended with status {os.waitstatus_to_exitcode(status)} before it finished"


def _run_part(freezer: Freezer, part: int, parts: int, endpoints: set[str], files, pipe) -> None:
    """Freeze one part and report on `pipe`: ["url", place, url] a file, then ["done",
    endpoints], or ["failed", message] (["oserror", errno, strerror, filename])."""
    code = 1
    try:
        share = Share(freezer, part, parts)
        # the other parts write into the same folder: none may delete what it did not write
        freezer.app.config["FREEZER_REMOVE_EXTRA_FILES"] = False
        for index, url in share.freeze(files):
            pipe.write(json.dumps(["url", index, url]) + "\n")
        pipe.write(json.dumps(["done", sorted(endpoints)]) + "\n")
        code = 0
    except OSError as exc:
        pipe.write(json.dumps(["oserror", exc.errno, exc.strerror, exc.filename]) + "\n")
    except BaseException as exc:  # noqa: BLE001 (whatever stops a part is told to the parent)
        pipe.write(json.dumps(["failed", _said(exc)]) + "\n")
    finally:
        try:
            pipe.flush()
        finally:
            os._exit(code)  # never run the parent's clean-up code in a child


def _follow(
    children: dict, progress: Callable[[str], None] | None, endpoints: set[str]
) -> tuple[list[tuple[int, str]], Exception | None]:
    """Read the parts' reports until each has closed its pipe: the place and URL of each
    file written, and the first failure (OSError or PartFailed), if any."""
    written: list[tuple[int, str]] = []
    pending = {read: b"" for read in children}  # what was read of a line not yet ended
    failure = None
    selector = selectors.DefaultSelector()
    for read in children:
        selector.register(read, selectors.EVENT_READ)
    while pending:
        for key, _ in selector.select():
            read = key.fd
            part = children[read][0]
            chunk = os.read(read, 1 << 16)
            if not chunk:
                selector.unregister(read)
                del pending[read]
                continue
            *lines, pending[read] = (pending[read] + chunk).split(b"\n")
            for line in lines:
                message = json.loads(line)
                if message[0] == "url":
                    written.append((message[1], message[2]))
                    if progress:
                        progress(message[2])
                elif message[0] == "done":
                    endpoints.update(message[1])
                elif failure is None:
                    if message[0] == "oserror":
                        failure = OSError(*message[1:3], message[3])
                    else:
                        failure = PartFailed(
                            f"part {part + 1} of {len(children)} failed: {message[1]}"
                        )
                    _stop_others(children, part)
    selector.close()
    return written, failure


def _stop_others(children: dict, failed: int) -> None:
    """One part failed: the build fails, so the others need not go on."""
    for part, pid in children.values():
        if part != failed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def in_child(work: Callable[[], object], nice: int = 0) -> Callable[[], object]:
    """Start `work` in a forked copy of this process, on a core of its own while this one
    goes on; return the function that waits for it and returns what it returned (which
    must pickle), or raises PartFailed saying how it failed. Wait for it exactly once.
    `nice` lowers the child's priority by that much: for work that may wait while more
    processes than cores run, and others are on the way to what the build waits for."""
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 1
        try:
            if nice:
                os.nice(nice)
            with os.fdopen(write, "wb") as pipe:
                try:
                    result = ("done", work())
                except BaseException as exc:  # noqa: BLE001 (told to the parent)
                    result = ("failed", _said(exc))
                pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # never run the parent's clean-up code in a child
    os.close(write)

    def wait() -> object:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        status = os.waitpid(pid, 0)[1]
        if not data:
            raise PartFailed(f"a helper process {_ending(status)}")
        what, result = pickle.loads(data)
        if what == "failed":
            raise PartFailed(f"a helper process failed: {result}")
        return result

    return wait
