"""Reading and writing files of a content folder for the editor at /admin/: every path is
checked to stay inside the folder, every write replaces the file in one move, and an entry
is checked by the loader before it is written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath

from .entry import parse_file
from .errors import ContentError
from .load import SAME_CTID
from .pathwayfiles import read_pathway, read_pathways
from .settings import load_site


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
        `extension`, sorted; hidden files and links out of the folder are left out."""
        top = self.resolve(folder)
        found = []
        if not top.is_dir():
            return found
        for path in sorted(top.rglob("*")):
            inside = path.relative_to(top).parts
            if len(inside) > max(depth, 1) or any(p.startswith(".") for p in inside):
                continue
            if path.is_file() and path.name.endswith(extension):
                if path.resolve().is_relative_to(self.top):
                    found.append(path)
        return found

    def write(self, relative: str, data: bytes) -> None:
        """Replace the file (or create it) in one move: a half-written file never shows."""
        path = self.resolve(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.resolve().is_relative_to(self.top):
            raise StoreError(f"{relative}: leads outside the content folder")
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(scratch, path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise

    def delete(self, relative: str) -> None:
        path = self.resolve(relative)
        if path.is_symlink() or path.is_file():
            path.unlink()

    def entry_problems(self, relative: str, text: str) -> list[ContentError]:
        """What `catalogue check` would say of `text` saved as the entry `relative`: its
        errors and warnings, at the lines of `text`, named by `relative`; and an error if
        another entry has its CTID."""
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
            folder = PurePosixPath(relative).parts[0]
            for other in self.list(folder, ".md", depth=8):
                if self.relative(other) == relative:
                    continue
                if entry.ctid in other.read_text(encoding="utf-8", errors="replace"):
                    found, _ = parse_file(other, site)
                    if found is not None and found.ctid == entry.ctid:
                        message = SAME_CTID.format(other=self.relative(other))
                        line = entry.lines.get("ctid", 1)
                        problems.append(ContentError(relative, line, "ctid", message))
                        break
        return problems

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
