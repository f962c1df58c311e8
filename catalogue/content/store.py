"""Reading and writing files of a content folder for the editor at /admin/: every path is
checked to stay inside the folder, every write replaces the file in one move, and an entry
is checked by the loader before it is written. A writer checks and writes inside
`writing(content_dir)` (writelock.py), so that no other writer comes between the two."""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .entry import parse_file
from .errors import ContentError, undecodable
from .load import SAME_CTID
from .pathwayfiles import read_pathway, read_pathways
from .settings import load_site
from .writelock import FolderBusy, writing

__all__ = ["ContentStore", "FolderBusy", "StoreError", "writing"]


NAME_MAX = 255  # bytes in one file name, on the usual file systems


def replace_file(path: Path, data: bytes, sync: bool = True) -> None:
    """Write `path` through a scratch file beside it, renamed over it: readers see the old
    file or the new one, never half of one. The file keeps its mode; a new one gets what
    `open()` would give it (the umask's). `sync` False leaves flushing to the disk to the
    caller (an import of many files flushes once, at the end)."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 as open() asks: the kernel takes the umask off (mkstemp would give 0o600)
    handle = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            if path.is_file():
                os.fchmod(file.fileno(), stat.S_IMODE(path.stat().st_mode))
            file.write(data)
            if sync:
                file.flush()
                os.fsync(file.fileno())
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise


class StoreError(ValueError):
    """A request the store refuses; its text says why, in one line."""


class ContentStore:
    """The files of the content folder at `root`, addressed by paths relative to it
    (`credentials/data-literacy.md`), as the editor's requests name them."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.top = self.root.resolve()

    def resolve(self, relative: str) -> Path:
        """The file `relative` names, refusing any path that leads out of the folder: an
        absolute path, `..`, or a link whose target lies outside."""
        if not isinstance(relative, str) or not relative or "\0" in relative:
            raise StoreError("expected a path inside the content folder")
        parts = PurePosixPath(relative.replace("\\", "/"))
        if parts.is_absolute() or ".." in parts.parts or ":" in parts.parts[0]:
            raise StoreError(f"{relative}: must be a path inside the content folder")
        if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in parts.parts):
            shown = relative if len(relative) <= 80 else relative[:80] + "..."
            raise StoreError(f"{shown}: a name may be at most {NAME_MAX} bytes")
        path = self.root.joinpath(*parts.parts)
        if not path.resolve().is_relative_to(self.top):
            raise StoreError(f"{relative}: leads outside the content folder")
        return path

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self, relative: str) -> bytes | None:
        """The file's bytes, or None if there is no such file."""
        path = self.resolve(relative)
        return path.read_bytes() if path.is_file() else None

    def list(self, folder: str, extension: str = "", depth: int = 1) -> list[Path]:
        """The files below `folder` (at most `depth` levels down) whose names end with
        `extension`, sorted; hidden files, links out of the folder and names that are not
        text (which no request could name; `catalogue check` reports them) are left out."""
        top = self.resolve(folder)
        found = []
        if not top.is_dir():
            return found
        for path in sorted(top.rglob("*")):
            inside = path.relative_to(top).parts
            if len(inside) > max(depth, 1) or any(p.startswith(".") for p in inside):
                continue
            if undecodable(path) is not None:
                continue
            if (
                path.is_file()
                and path.name.endswith(extension)
                and path.resolve().is_relative_to(self.top)
            ):
                found.append(path)
        return found

    def write(self, relative: str, data: bytes) -> None:
        """Replace the file (or create it) in one move: a half-written file never shows.
        The file keeps its mode; a new one gets what `open()` would give it (the umask's)."""
        path = self.resolve(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.resolve().is_relative_to(self.top):
            raise StoreError(f"{relative}: leads outside the content folder")
        replace_file(path, data)

    def delete(self, relative: str) -> bool:
        """Remove the file; say whether there was one."""
        path = self.resolve(relative)
        if path.is_symlink() or path.is_file():
            path.unlink()
            return True
        return False

    def entry_problems(
        self, relative: str, text: str, pending: Mapping[str, str | None] | None = None
    ) -> list[ContentError]:
        """What `catalogue check` would say of `text` saved as the entry `relative`: its
        errors and warnings, at the lines of `text`, named by `relative`; and an error if
        another entry has its CTID. `pending` holds the other files the same save writes
        (relative path: text, or None for one it removes), as they will be."""
        name = PurePosixPath(relative).name
        site = load_site(self.root, [])
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / name
            path.write_text(text, encoding="utf-8")
            entry, problems = parse_file(path, site)
        problems = [
            ContentError(relative, p.line, p.field, p.message, p.severity) for p in problems
        ]
        if entry is not None and entry.ctid:
            other = self._ctid_holder(relative, entry.ctid, site, pending or {})
            if other is not None:
                line = entry.lines.get("ctid", 1)
                message = SAME_CTID.format(other=other)
                problems.append(ContentError(relative, line, "ctid", message))
        return problems

    def _ctid_holder(
        self, relative: str, ctid: str, site, pending: Mapping[str, str | None]
    ) -> str | None:
        """The other entry that has `ctid`, on disk or in `pending`, or None."""
        folder = PurePosixPath(relative).parts[0]
        texts = {self.relative(p): None for p in self.list(folder, ".md", depth=8)}
        texts |= {k: v for k, v in pending.items() if PurePosixPath(k).parts[0] == folder}
        for other, text in texts.items():
            if other == relative:
                continue
            raw = text.encode("utf-8") if text is not None else None
            if raw is None and other not in pending:
                raw = self.read(other)
            if raw is None or ctid.encode() not in raw:
                continue
            found, _ = parse_file(self.resolve(other), site, raw)
            if found is not None and found.ctid == ctid:
                return other
        return None

    def pathway_problems(self, relative: str, text: str) -> list[ContentError]:
        """What `catalogue check` would say of `text` saved as the pathway `relative`."""
        entries = {p.name[:-3] for p in self.list("credentials", ".md", depth=8)}
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "pathways"
            folder.mkdir()
            (folder / PurePosixPath(relative).name).write_text(text, encoding="utf-8")
            _, problems = read_pathways(folder, entries)
        return [ContentError(relative, p.line, p.field, p.message, p.severity) for p in problems]

    def pathways_naming(self, slug: str) -> list[str]:
        """The pathways (`pathways/x.md (Title)`) that require the entry `slug` or offer it
        as an elective: deleting it would take each of them off the site."""
        naming = []
        for path in self.list("pathways", ".md", 1):
            pathway, _ = read_pathway(path)
            if pathway is None:
                continue
            refs = pathway.requires + (pathway.electives.options if pathway.electives else [])
            if any(ref.slug == slug for ref in refs):
                naming.append(f"{self.relative(path)} ({pathway.title})")
        return naming
