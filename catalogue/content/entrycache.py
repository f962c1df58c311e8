"""What was read and rendered, kept between runs: each entry file's entry and problems,
by the file's content.

Reading and rendering 10,000 entries takes some ten seconds; unpickling them about one.
A record is used only for a file whose bytes hash to the same SHA-256 as when it was
made, and only under the same context: site.toml's bytes, the field table, the code of
this package and of the field plugins, and the versions of Python and of the Markdown,
sanitising and YAML libraries. Anything else, a file that cannot be read, a cut-off
write, another version's format, is treated as absent: the entries are read again and
the cache written anew. Never an error.

The cache is pickled, so it is only read from a folder that no other user can write (the
index folder in the user's own cache, by default). Records are spread over SHARDS files
so that an edit rewrites one small file, not the whole cache; each file is written to a
temporary name and moved into place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from ..fields import FIELDS

FORMAT = 1  # bump when what a record holds changes shape
SHARDS = 32
PREFIX = "entries-"  # entries-00.pickle ... in the cache folder
PACKAGE = Path(__file__).resolve().parent.parent  # catalogue/
CODE = ("", "content", "fields")  # the folders of the package whose modules read an entry
LIBRARIES = ("markdown", "nh3", "pyyaml")  # what reads and renders an entry

# A record: (sha256 of the file's bytes, the entry or None, its problems), by file path.
Record = tuple[str, object, list]

_code: dict[int, str] = {}  # the code digest, by field-table version


def context_key(site_toml: bytes) -> str:
    """What every entry depends on besides its own bytes, as a digest."""
    version = FIELDS.version
    if version not in _code:
        _code.clear()
        _code[version] = _code_digest()
    digest = hashlib.sha256(_code[version].encode())
    digest.update(site_toml)
    return digest.hexdigest()


def _code_digest() -> str:
    """The package's source, the plugins' source, the field table and library versions."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:3]}".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} -".encode())
    sources = [file for folder in CODE for file in sorted((PACKAGE / folder).glob("*.py"))]
    for row in FIELDS:
        digest.update(repr(_plain(row)).encode())
        module = sys.modules.get(type(row.kind).__module__)
        if module is not None and getattr(module, "__file__", None):
            sources.append(Path(module.__file__))
    for plugin in filter(None, os.environ.get("CATALOGUE_PLUGINS", "").split(",")):
        module = sys.modules.get(plugin.strip())
        if module is not None and getattr(module, "__file__", None):
            sources.append(Path(module.__file__))
    for source in sources:
        digest.update(
            str(source.relative_to(PACKAGE) if source.is_relative_to(PACKAGE) else source).encode()
        )
        try:
            digest.update(hashlib.sha256(source.read_bytes()).digest())
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()


def _plain(value: object, depth: int = 0) -> object:
    """A value's parts that say what it means, the same in every process (no addresses)."""
    if depth > 6 or isinstance(value, (str, int, float, bool, type(None))):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return (type(value).__qualname__, _plain(parts, depth + 1))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _plain(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    parts = vars(value) if hasattr(value, "__dict__") else {}
    return (type(value).__module__, type(value).__qualname__, _plain(parts, depth + 1))


def shard_of(path: str) -> int:
    # surrogateescape: a name that is not UTF-8 still has its bytes, and so a shard
    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()[0] % SHARDS


def shard_file(folder: Path, shard: int) -> Path:
    return folder / f"{PREFIX}{shard:02d}.pickle"


def private(folder: Path) -> bool:
    """Whether `folder` is this user's and no one else can write in it."""
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def read_records(folder: Path, context: str) -> tuple[dict[str, Record], set[int]]:
    """The records kept in `folder` under `context`, and the shards that held none (absent,
    unreadable, of another context or format)."""
    records: dict[str, Record] = {}
    missing = set(range(SHARDS))
    if not private(folder):
        return records, missing
    for shard in range(SHARDS):
        found = _read_shard(shard_file(folder, shard), context)
        if found is not None:
            records.update(found)
            missing.discard(shard)
    return records, missing


def _read_shard(file: Path, context: str) -> dict[str, Record] | None:
    try:
        info = file.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None
        with open(file, "rb") as stream:
            data = _Unpickler(stream).load()
    except Exception:  # absent, cut off, tampered with, of another version: read the files
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("context") != context
        or not isinstance(data.get("records"), dict)
    ):
        return None
    return data["records"]


class _Unpickler(pickle.Unpickler):
    """Builds only what entries are made of (this package's classes, dates, and the
    classes of the fields' kinds): a cache file that names anything else is refused
    rather than run."""

    def find_class(self, module: str, name: str):
        kinds = {type(row.kind).__module__ for row in FIELDS}
        if module == "datetime" or module.split(".")[0] == "catalogue" or module in kinds:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an entry")


def write_records(
    folder: Path, context: str, records: Mapping[str, Record], shards: Iterable[int]
) -> None:
    """Write the given shards of `records`; a folder that cannot be written is left as is
    (the cache is an optimisation: the next start reads the files again)."""
    shards = set(shards)
    if not shards or not private(folder):
        return
    by_shard: dict[int, dict[str, Record]] = {shard: {} for shard in shards}
    for path, record in records.items():
        shard = shard_of(path)
        if shard in by_shard:
            by_shard[shard][path] = record
    for shard, part in sorted(by_shard.items()):
        target = shard_file(folder, shard)
        # named as index builds name their scratch files, so that what a killed process
        # left behind is removed by the next build (search.remove_leftovers)
        scratch = folder / f".build-{os.getpid()}-{threading.get_ident()}-{target.name}"
        data = {"format": FORMAT, "context": context, "records": part}
        try:
            with open(scratch, "wb") as stream:
                pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(scratch, target)
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            scratch.unlink(missing_ok=True)
            return


def clear(folder: Path) -> None:
    """Remove the cache files from `folder`."""
    for shard in range(SHARDS):
        shard_file(folder, shard).unlink(missing_ok=True)
