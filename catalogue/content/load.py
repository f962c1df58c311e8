"""Read a content folder into a Catalogue: the good entries plus every problem found.

`load()` never raises on bad content. Each problem becomes a ContentError that names the
file, the line (taken from the YAML nodes) and the field; one bad file never stops the
others. entry.py reads one file, frontmatter.py its fields, checks.py the framework checks.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Credential
from . import entrycache
from .errors import NOT_UTF8, ContentError, undecodable
from .parallel import parse_files
from .pathwayfiles import PathwayFile, read_pathways
from .settings import Site, load_site

OUTSIDE_LINK = "link leads outside the content folder and is not followed; copy the file in instead"


@dataclass
class Catalogue:
    """Every entry that loaded, and every error and warning found on the way."""

    root: Path
    site: Site
    entries: list[Credential] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)  # the files read by this load
    warnings: list[ContentError] = field(default_factory=list)
    pathway_files: list[PathwayFile] = field(default_factory=list)  # pathways/*.md

    def published(self, drafts: bool = False) -> list[Credential]:
        """Return the entries to show: drafts only when asked for."""
        return [e for e in self.entries if drafts or not e.draft]

    def get(self, slug: str) -> Credential | None:
        return next((e for e in self.entries if e.slug == slug), None)


# What load() keeps between calls: each file's entry and problems, by the SHA-256 of its
# bytes (size and change time are not enough: an edit can keep both).
FileCache = dict[str, tuple[str, "Credential | None", list[ContentError]]]


def load(
    path: str | os.PathLike = "content",
    cache: FileCache | None = None,
    stored: str | os.PathLike | None = None,
    last_good: Site | None = None,
) -> Catalogue:
    """Load the content folder at `path` (holding `site.toml` and `credentials/`).

    With a `cache` (a dict kept between calls, as `catalogue serve` keeps it), a file whose
    bytes are as before is not parsed again; `parsed` lists those that were. With
    `stored`, a private folder (see entrycache.py), what was parsed is also kept there for
    the next run. Everything is parsed again when site.toml changes, since entries depend
    on its settings. With `last_good` (the settings a running server has), a site.toml
    that cannot be read whole keeps those (see `load_site`).
    """
    root = Path(path)
    catalogue = Catalogue(root=root, site=Site())
    context = entrycache.context_key(_read(root / "site.toml") or b"")
    if cache is not None and cache.get("site.toml", (None,))[0] != context:
        cache.clear()
        cache["site.toml"] = (context, None, [])
    problems: list[ContentError] = []
    catalogue.site = load_site(root, problems, last_good)
    if last_good is not None and catalogue.site is last_good:
        stored = None  # entries read with settings other than the file's: not for next start
    for problem in problems:
        (catalogue.warnings if problem.severity == "warning" else catalogue.errors).append(problem)
    folder = root / "credentials"
    if not folder.is_dir():
        catalogue.errors.append(
            ContentError(
                str(folder),
                0,
                None,
                "no such folder; entries go in credentials/ inside the content folder",
            )
        )
        return catalogue
    kept, stale = entrycache.read_records(Path(stored), context) if stored else ({}, set())
    records: dict[str, entrycache.Record] = {}
    seen: dict[str, str] = {}
    files = _markdown_files(folder, catalogue.errors)
    found: dict[str, entrycache.Record] = {}  # what the caches hold, and what was parsed
    todo: list[tuple[Path, bytes | None, str | None]] = []
    for file in files:
        raw = _read(file)
        digest = hashlib.sha256(raw).hexdigest() if raw is not None else None
        hit = cache.get(str(file)) if cache is not None else None
        if hit is None or hit[0] != digest:
            hit = kept.get(str(file))
        if hit is not None and digest is not None and hit[0] == digest:
            found[str(file)] = hit
        else:
            todo.append((file, raw, digest))
    parsed = parse_files([(file, raw) for file, raw, _ in todo], catalogue.site)
    for (file, _, digest), (entry, problems) in zip(todo, parsed, strict=True):
        found[str(file)] = (digest, entry, problems)
        catalogue.parsed.append(str(file))
        stale.add(entrycache.shard_of(str(file)))
    for file in files:
        digest, entry, problems = found[str(file)]
        if digest is not None:
            records[str(file)] = (digest, entry, problems)
            if cache is not None:
                cache[str(file)] = (digest, entry, problems)
        for problem in problems:
            (catalogue.errors if problem.severity == "error" else catalogue.warnings).append(
                problem
            )
        if entry is None:
            continue
        if entry.slug in seen:
            catalogue.errors.append(
                ContentError(
                    str(file),
                    1,
                    None,
                    f"duplicate slug '{entry.slug}': {seen[entry.slug]} has the same file "
                    "name; rename one of them",
                )
            )
            continue
        seen[entry.slug] = str(file)
        catalogue.entries.append(entry)
    if stored:
        stale.update(entrycache.shard_of(gone) for gone in set(kept) - set(records))
        entrycache.write_records(Path(stored), context, records, stale)
    catalogue.errors += duplicate_ctids(catalogue.entries)
    catalogue.warnings += duplicate_titles(catalogue.entries)
    # every entry file counts, one with errors too: its own errors say what to fix
    catalogue.pathway_files, problems = read_pathways(
        root / "pathways", {f.name[:-3] for f in files}
    )
    catalogue.errors += problems
    if cache is not None:  # forget files that are gone
        for key in set(cache) - {str(f) for f in files} - {"site.toml"}:
            del cache[key]
    catalogue.entries.sort(key=lambda e: e.slug)
    return catalogue


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:
        return None  # parse_file says why


def _markdown_files(folder: Path, errors: list[ContentError]) -> list[Path]:
    """List the .md files below `folder`, refusing links that lead outside it and names
    that are not text (each is an error; the other files are read)."""
    top = folder.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            sub = Path(dirpath, name)
            if _not_text(sub, errors):
                dirnames.remove(name)
                continue
            if sub.is_symlink():
                dirnames.remove(name)
                if not sub.resolve().is_relative_to(top):
                    errors.append(ContentError(str(sub), 0, None, OUTSIDE_LINK))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(".md"):
                continue
            file = Path(dirpath, name)
            if _not_text(file, errors):
                continue
            if file.is_symlink() and not file.resolve().is_relative_to(top):
                errors.append(ContentError(str(file), 0, None, OUTSIDE_LINK))
                continue
            found.append(file)
    return found


def _not_text(path: Path, errors: list[ContentError]) -> bool:
    shown = undecodable(path)
    if shown is not None:
        errors.append(ContentError(shown, 0, None, NOT_UTF8))
    return shown is not None


SAME_CTID = (
    "{other} has the same CTID; each entry needs its own (remove the field to have one derived)"
)


def duplicate_ctids(entries: list[Credential]) -> list[ContentError]:
    """A CTID names one credential in the Registry: an entry copied from another must not
    keep the other's."""
    first: dict[str, str] = {}
    errors = []
    for entry in sorted(entries, key=lambda e: e.path):
        if not entry.ctid:
            continue
        if entry.ctid in first:
            errors.append(
                ContentError(
                    entry.path,
                    entry.lines.get("ctid", 1),
                    "ctid",
                    SAME_CTID.format(other=first[entry.ctid]),
                )
            )
        else:
            first[entry.ctid] = entry.path
    return errors


SAME_TITLE = (
    "'{title}' is also the title of {other}; learners, and the editor's pathway picker, "
    "cannot tell the two apart: give each its own title"
)


def duplicate_titles(entries: list[Credential]) -> list[ContentError]:
    """Warn of an entry whose title another entry already has (in any case or spacing):
    the editor at /admin/ saves it as `<slug>-1.md` without a word."""
    first: dict[str, str] = {}
    warnings = []
    for entry in sorted(entries, key=lambda e: e.slug):  # `x-1` after `x`
        key = " ".join(entry.title.casefold().split())
        if key in first:
            message = SAME_TITLE.format(title=entry.title, other=first[key])
            line = entry.lines.get("title", 1)
            warnings.append(ContentError(entry.path, line, "title", message, "warning"))
        else:
            first[key] = entry.path
    return warnings
