"""Checking and writing imported entries in bulk: the loader's own checks, run on the text
before it is written, without the per-file costs that suit one save in the editor (a
scratch folder, a scan of every file for a CTID, a disk flush) but not 10,000 rows."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..content import ContentError, load_site, parse_file
from ..content.load import SAME_CTID
from ..content.store import ContentStore, replace_file

CTID_LINE = re.compile(r"(?m)^ctid:[ \t]*['\"]?(ce-[0-9a-fA-F-]{36})")


class Checker:
    """What `catalogue check` would say of an entry's text, and its writing, for one import
    into the content folder of `store`."""

    def __init__(self, store: ContentStore):
        self.store = store
        self.site = load_site(store.root, [])
        self.ctids: dict[str, str] = {}  # CTID -> the entry file that has it
        for path in store.list("credentials", ".md", depth=8):
            found = CTID_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
            if found:
                self.ctids.setdefault(found.group(1).lower(), store.relative(path))
        self.written = 0
        self.folders: dict[str, Path] = {}  # checked once each: credentials/, pathways/

    def entry_problems(self, relative: str, text: str, ctid: str | None) -> list[ContentError]:
        """The errors and warnings of `text` saved as `relative`, and an error if another
        entry has its CTID."""
        name = Path(PurePosixPath(relative).name)
        _, problems = parse_file(name, self.site, text.encode(), render=False)
        problems = [
            ContentError(relative, p.line, p.field, p.message, p.severity) for p in problems
        ]
        other = self.ctids.get(ctid.lower()) if ctid else None
        if other and other != relative:
            problems.append(ContentError(relative, 0, "ctid", SAME_CTID.format(other=other)))
        return problems

    def claim(self, relative: str, ctid: str | None) -> None:
        """Count `relative`'s CTID as taken, written or not (a dry run says what a run would)."""
        if ctid:
            self.ctids.setdefault(ctid.lower(), relative)

    def write(self, relative: str, text: str, ctid: str | None = None) -> None:
        """Replace the file in one move (the disk is flushed once, after the last file)."""
        folder, name = relative.rsplit("/", 1)
        if folder not in self.folders:
            self.folders[folder] = self.store.resolve(folder)
            self.folders[folder].mkdir(parents=True, exist_ok=True)
        path = self.folders[folder] / name
        replace_file(path, text.encode("utf-8"), sync=False)
        self.claim(relative, ctid)
        self.written += 1
