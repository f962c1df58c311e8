"""What learners searched for: the live server's search log, and `catalogue searches`.

With `[search] log = "searches.jsonl"` in site.toml, the server appends one line per
search made on /search/ (the first page of results only, so that paging through one
search counts it once): the words as typed (lower case, spaces tidied), the filters and
ranges, how many entries were found, the interface language and the day. Nothing about
the person: no address, no cookie, no browser, no time of day. Each line is written with
one `write` to a file opened for appending, which the operating system keeps whole when
several server processes write at once; past `log_max_mb` the file is renamed to
`.1` (and `.1` to `.2`, up to `.5`) under a lock, so no line is lost or cut.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

KEEP = 5  # rotated files kept beside the log
MAX_WORDS = 200  # characters of the query kept


def entry(q: str, filters: dict, ranges: dict, total: int, lang: str, day: dt.date) -> dict:
    """One search as the log keeps it."""
    return {
        "date": day.isoformat(),
        "lang": lang,
        "q": " ".join(q.lower().split())[:MAX_WORDS],
        "filters": {k: sorted(v) for k, v in sorted(filters.items()) if v},
        "ranges": dict(sorted(ranges.items())),
        "total": total,
    }


def append(path: Path, record: dict, max_bytes: int) -> None:
    """Add one line to the log at `path`, rotating it first if it has grown past
    `max_bytes`. A log that cannot be written is left alone: a search never fails for it."""
    line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    try:
        if path.exists() and path.stat().st_size >= max_bytes:
            rotate(path, max_bytes)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError:
        return


def rotate(path: Path, max_bytes: int) -> None:
    """Rename the log to `.1` (and older ones one further), once, whichever process
    gets here first: the others find the new, small log when they hold the lock."""
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists() or path.stat().st_size < max_bytes:
            return
        for n in range(KEEP - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))


# The report ---------------------------------------------------------------------------


@dataclass
class Summary:
    searches: int
    empty: int  # searches that found nothing
    first: str
    last: str
    words: Counter
    no_result: Counter
    filters: Counter
    unreadable: int


def files_of(path: Path) -> list[Path]:
    """The log and its rotated files, oldest first."""
    rotated = [path.with_name(f"{path.name}.{n}") for n in range(KEEP, 0, -1)]
    return [p for p in (*rotated, path) if p.exists()]


def records(paths: Iterable[Path]) -> Iterator[dict | None]:
    """Each line of the files as a record; None for a line that is not one."""
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    record = json.loads(line)
                except ValueError:
                    yield None
                    continue
                yield record if isinstance(record, dict) else None


def summarise(path: Path, since: dt.date | None = None) -> Summary:
    words, no_result, filters = Counter(), Counter(), Counter()
    searches = empty = unreadable = 0
    first = last = ""
    for record in records(files_of(path)):
        try:
            day = str(record["date"])
            total = int(record["total"])
            q = str(record.get("q", ""))
            chosen = dict(record.get("filters", {}))
            ranges = dict(record.get("ranges", {}))
        except (TypeError, KeyError, ValueError):
            unreadable += 1
            continue
        if since and day < since.isoformat():
            continue
        searches += 1
        first = min(first or day, day)
        last = max(last, day)
        if q:
            words[q] += 1
        if total == 0:
            empty += 1
            no_result[q or described(chosen, ranges)] += 1
        for name, values in chosen.items():
            for value in values if isinstance(values, list) else [values]:
                filters[f"{name}={value}"] += 1
        for name, value in ranges.items():
            filters[f"{name}={value}"] += 1
    return Summary(searches, empty, first, last, words, no_result, filters, unreadable)


def described(filters: dict, ranges: dict) -> str:
    parts = [
        f"{k}={v}" for k, vs in filters.items() for v in (vs if isinstance(vs, list) else [vs])
    ]
    parts += [f"{k}={v}" for k, v in ranges.items()]
    return "(filters only: " + ", ".join(parts) + ")" if parts else "(everything)"


def report(summary: Summary, top: int = 20) -> str:
    """The summary as marketing staff read it."""
    s = summary
    if not s.searches:
        return "No searches in the log for that time.\n"
    share = 100 * s.empty / s.searches
    out = [
        f"{s.searches:,} searches from {s.first} to {s.last}; {s.empty:,} ({share:.1f}%) "
        "found nothing.",
    ]
    for title, counter in (
        ("Most searched for", s.words),
        ("Searched for and not found (write entries for these?)", s.no_result),
        ("Filters most used", s.filters),
    ):
        out += ["", title]
        out += [f"{n:7,}  {text}" for text, n in counter.most_common(top)] or ["        none"]
    if s.unreadable:
        out += ["", f"{s.unreadable} lines of the log could not be read and were left out."]
    return "\n".join(out) + "\n"
