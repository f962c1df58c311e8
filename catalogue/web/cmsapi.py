"""The local backend of the editor at /admin/: Decap CMS's proxy protocol (`POST /api/v1`
with `{action, params}`, as decap-server speaks it), answered from the content folder.

Only `catalogue serve` on a loopback address turns it on. Beyond decap-server, it refuses
requests from other origins and other host names, saves an entry only if the loader finds
no error in it (the file on disk is then untouched), writes each file in one move, and
never reads or writes outside the collection and media folders.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from pathlib import PurePosixPath

from ..content.errors import CONTROL, undecodable
from ..content.store import ContentStore, FolderBusy, StoreError, writing
from ..exports.decap import ENTRIES, MEDIA, PATHWAYS

COLLECTIONS = (ENTRIES, PATHWAYS)  # the folders of Markdown files the editor works on

LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
MAX_BODY = 20 * 1024 * 1024  # a media file's base64 with room to spare
MEDIA_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")
MAX_DEPTH = 32  # JSON nesting: Decap's deepest request is some six levels


class Refused(ValueError):
    """A request answered 422 with `{"error": <its text>}`."""


def refusal(request, origin: str) -> tuple[int, str] | None:
    """Why a request to the API may not be carried out (status, message), or None.
    Another site's page can make a browser POST here, but not with our Origin, nor with a
    JSON body unless a CORS preflight allows it, which this server never does. (Programs
    on this machine can say what they like: loopback keeps out web pages, not local users.)"""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in LOOPBACK:
        return 403, f"the editor's backend answers on localhost only, not {request.host}"
    if request.headers.get("Origin") != origin:
        return 403, "requests must come from the editor's own page"
    if request.mimetype != "application/json":
        return 415, "expected a JSON body (Content-Type: application/json)"
    if (request.content_length or 0) > MAX_BODY:
        return 413, f"the request is over {MAX_BODY // 1024 // 1024} MB"
    return None


def read_body(data: bytes) -> object:
    """The request's JSON, refusing what no editor sends and no answer could repeat: bytes
    that are not UTF-8 JSON, nesting deeper than MAX_DEPTH (which would exhaust the stack),
    and lone surrogates (which JSON can spell, and neither UTF-8 nor a file name holds)."""
    deep = f"malformed request: JSON nested deeper than {MAX_DEPTH} levels"
    try:
        body = json.loads(data)
    except RecursionError:
        raise Refused(deep) from None
    except ValueError as exc:  # not UTF-8, or not JSON
        raise Refused(f"malformed request: not JSON ({exc})") from None
    stack: list[tuple[object, str, int]] = [(body, "the body", 1)]
    while stack:  # a loop, not recursion: the depth is what is being checked
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(deep)
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if depth > 1 else str(key)
                stack += [(key, name, depth), (item, name, depth + 1)]
        elif isinstance(value, list):
            stack += [(item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value)]
        elif isinstance(value, str) and undecodable(value) is not None:
            place = printable(where)[:200]
            raise Refused(f"malformed request: {place}: a lone surrogate is not text")
    return body


def printable(message: str) -> str:
    """`message` with anything UTF-8 cannot hold written as an escape: a refusal may quote
    a name read from the disk."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def entry_item(relative: str, data: bytes | None) -> dict:
    text = None if data is None else data.decode("utf-8", errors="replace")
    sha = None if data is None else hashlib.sha256(data).hexdigest()
    return {"data": text, "file": {"path": relative, "id": sha}}


def media_item(relative: str, data: bytes) -> dict:
    return {
        "id": hashlib.sha256(data).hexdigest(),
        "content": base64.b64encode(data).decode(),
        "encoding": "base64",
        "path": relative,
        "name": PurePosixPath(relative).name,
    }


def text_param(params: dict, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise Refused(f'"params.{name}" is required')
    return value


def refuse_repeats(moves: list[tuple[str, str, str]]) -> None:
    """Refuse a save that names one slug twice (the loader would call one a duplicate)."""
    seen: dict[tuple[str, str], str] = {}
    for _, new, _ in moves:
        path = PurePosixPath(new)
        key = (path.parent.as_posix(), path.stem.casefold())
        if key in seen:
            raise Refused(f"{new}: {seen[key]} in the same save has the slug '{path.stem}'")
        seen[key] = new


def deletion(asked: list[str], deleted: list[str]) -> dict:
    """The answer to a deletion: what was deleted, and what was not there to delete."""
    missing = [relative for relative in dict.fromkeys(asked) if relative not in deleted]
    said = [f"deleted {', '.join(deleted)}"] if deleted else ["nothing deleted"]
    if missing:
        said.append(f"no such file: {', '.join(missing)}")
    return {"message": "; ".join(said), "deleted": deleted, "missing": missing}


def pending(moves: list[tuple[str, str, str]], new: str) -> dict[str, str | None]:
    """The files a save writes besides `new`, as they will be: text, or None if removed."""
    gone: dict[str, str | None] = {old: None for old, to, _ in moves if to != old}
    return gone | {to: raw for _, to, raw in moves if to != new}


class Backend:
    """The actions, each taking the request's params and giving the answer's JSON."""

    def __init__(self, store: ContentStore):
        self.store = store
        self.actions: dict[str, Callable[[dict], object]] = {
            "info": self.info,
            "entriesByFolder": self.entries_by_folder,
            "entriesByFiles": self.entries_by_files,
            "getEntry": self.get_entry,
            "persistEntry": self.persist_entry,
            "deleteFile": self.delete_file,
            "deleteFiles": self.delete_files,
            "getMedia": self.get_media,
            "getMediaFile": self.get_media_file,
            "persistMedia": self.persist_media,
        }

    def within(self, relative: object, folder: str, suffixes: tuple[str, ...]) -> str:
        """`relative` if it names a file directly in `folder` (no link out of it, no hidden
        name) ending with one of `suffixes` (entries: exactly .md, as the loader reads)."""
        relative = str(relative)
        path = PurePosixPath(relative)
        name = path.name if folder in COLLECTIONS else path.name.lower()
        if (
            "\\" in relative
            or CONTROL.search(relative)  # a line break in a name would break every list
            or path.parent.as_posix() != folder
            or name.startswith(".")
            or not name.endswith(suffixes)
        ):
            raise Refused(f"{relative}: the editor works on {folder}/*{'|'.join(suffixes)} only")
        inside = self.store.resolve(folder).resolve()
        if not self.store.resolve(relative).resolve().is_relative_to(inside):
            raise Refused(f"{relative}: leads outside {folder}/")
        return relative

    def document(self, relative: object) -> str:
        """`relative` if it names a Markdown file directly in one of the collections."""
        folder = PurePosixPath(str(relative)).parent.as_posix()
        return self.within(relative, folder if folder in COLLECTIONS else ENTRIES, (".md",))

    def answer_body(self, data: bytes) -> tuple[int, object]:
        """The status and JSON answer to a request's raw body."""
        try:
            body = read_body(data)
        except Refused as exc:
            return 422, {"error": str(exc)}
        return self.answer(body)

    def answer(self, body) -> tuple[int, object]:
        """The status and JSON answer to a request body, as read by `read_body`."""
        try:
            if not isinstance(body, dict) or not isinstance(body.get("action"), str):
                raise Refused('"action" is required')
            action = self.actions.get(body["action"])
            if action is None:
                raise Refused(f"Unknown action {body['action']}")
            params = body.get("params")
            if action != self.info:
                if not isinstance(params, dict):
                    raise Refused('"params" is required')
                text_param(params, "branch")
            return 200, action(params or {})
        except (Refused, StoreError) as exc:
            return 422, {"error": printable(str(exc))}
        except FolderBusy as exc:
            return 409, {"error": str(exc)}
        except (UnicodeError, TypeError, AttributeError) as exc:  # a value of the wrong shape
            return 422, {"error": printable(f"malformed request: {exc}")}
        except OSError as exc:  # the disk, not the request: a file being saved is still whole
            return 503, {"error": printable(f"the content folder refused: {exc.strerror or exc}")}

    def info(self, params: dict) -> dict:
        return {
            "repo": self.store.root.resolve().name,
            "publish_modes": ["simple"],
            "type": "local_fs",
        }

    def entries_by_folder(self, params: dict) -> list[dict]:
        folder = text_param(params, "folder").strip("/")
        if folder not in COLLECTIONS:
            raise Refused(f"{folder}: the editor works on {' and '.join(COLLECTIONS)} only")
        return [entry_item(r, self.store.read(r)) for r in self.listed(folder, (".md",))]

    def listed(self, folder: str, suffixes: tuple[str, ...]) -> list[str]:
        """The files of `folder` a request could name: each passes `within`, the one
        check of every action (so a listing follows no link that a read would refuse)."""
        found = []
        for path in self.store.list(folder, "", 1):
            try:
                found.append(self.within(self.store.relative(path), folder, suffixes))
            except (Refused, StoreError):
                continue
        return found

    def entries_by_files(self, params: dict) -> list[dict]:
        files = params.get("files")
        if not isinstance(files, list):
            raise Refused('"params.files" is required')
        out = []
        for file in files:
            if not isinstance(file, dict):
                raise Refused('"params.files" must hold {path} objects')
            relative = self.document(file.get("path", ""))
            out.append(entry_item(relative, self.store.read(relative)))
        return out

    def get_entry(self, params: dict) -> dict:
        relative = self.document(text_param(params, "path"))
        return entry_item(relative, self.store.read(relative))

    def persist_entry(self, params: dict) -> dict:
        files = params.get("dataFiles") or ([params["entry"]] if params.get("entry") else [])
        if not isinstance(files, list) or not files:
            raise Refused('"params" must contain at least one of [entry, dataFiles]')
        creating = bool((params.get("options") or {}).get("newEntry"))
        with writing(self.store.root):  # what is checked here still holds when it lands
            moves = [self.move_of(file) for file in files]
            refuse_repeats(moves)
            for old, new, raw in moves:
                if creating or new != old or self.store.read(new) is None:
                    self.refuse_taken(new, None if creating else old)
                self.refuse_problems(new, raw, pending(moves, new))
            for asset in params.get("assets") or []:
                self.persist_media({"asset": asset})
            for old, new, raw in moves:
                self.store.write(new, raw.encode("utf-8"))
                if new != old:
                    self.store.delete(old)
        return {"message": "entry persisted"}

    def move_of(self, file: object) -> tuple[str, str, str]:
        """A file of a save as (its path, its new path, its text), checked for shape."""
        if not isinstance(file, dict) or not isinstance(file.get("raw"), str) or not file["raw"]:
            raise Refused('"params.dataFiles[0].raw" is not allowed to be empty')
        old = self.document(file.get("path", ""))
        new = self.document(file.get("newPath") or old)
        if PurePosixPath(old).parent != PurePosixPath(new).parent:
            raise Refused(f"{old}: stays in its folder")
        return old, new, file["raw"]

    def refuse_problems(self, new: str, raw: str, others: dict[str, str | None]) -> None:
        """Refuse a file `catalogue check` would find an error in; nothing is written."""
        if new.startswith(ENTRIES):
            problems = self.store.entry_problems(new, raw, others)
        else:
            problems = self.store.pathway_problems(new, raw)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise Refused("; ".join(map(str, errors)))

    def refuse_taken(self, new: str, old: str | None) -> None:
        """Refuse a new or renamed file whose slug another file of its folder has: the loader
        reads every folder below credentials/, and on some disks case does not tell names
        apart."""
        slug = PurePosixPath(new).stem.casefold()
        for path in self.store.list(PurePosixPath(new).parent.as_posix(), ".md", depth=8):
            relative = self.store.relative(path)
            if path.stem.casefold() == slug and relative != old:
                raise Refused(f"{new}: {relative} already has the slug '{path.stem}'")

    def delete_file(self, params: dict) -> dict:
        return self.delete_files({"paths": [text_param(params, "path")]})

    def delete_files(self, params: dict) -> dict:
        paths = params.get("paths")
        if not isinstance(paths, list) or not paths:
            raise Refused('"params.paths" does not contain 1 required value(s)')
        with writing(self.store.root):
            checked = [self.deletable(str(p)) for p in paths]
            deleted = [relative for relative in checked if self.store.delete(relative)]
        return deletion(checked, deleted)

    def deletable(self, relative: str) -> str:
        if PurePosixPath(relative).parent.as_posix() == MEDIA:
            return self.within(relative, MEDIA, MEDIA_TYPES)
        relative = self.document(relative)
        if relative.startswith(ENTRIES + "/"):  # not from under a pathway that names it
            naming = self.store.pathways_naming(PurePosixPath(relative).stem)
            if naming:
                raise Refused(
                    f"{relative} is not deleted: {' and '.join(naming)} "
                    f"{'names' if len(naming) == 1 else 'name'} it, and would go off the site "
                    "with it; take it out of the pathway first"
                )
        return relative

    def get_media(self, params: dict) -> list[dict]:
        folder = text_param(params, "mediaFolder").strip("/")
        if folder != MEDIA:
            raise Refused(f"{folder}: media are kept in {MEDIA}/")
        return [media_item(r, self.store.read(r) or b"") for r in self.listed(MEDIA, MEDIA_TYPES)]

    def get_media_file(self, params: dict) -> dict:
        relative = self.within(text_param(params, "path"), MEDIA, MEDIA_TYPES)
        data = self.store.read(relative)
        if data is None:
            raise Refused(f"{relative}: no such file")
        return media_item(relative, data)

    def persist_media(self, params: dict) -> dict:
        asset = params.get("asset")
        if not isinstance(asset, dict):
            raise Refused('"params.asset" is required')
        if asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise Refused('"params.asset.content" must be base64')
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused('"params.asset.content" must be base64') from exc
        if not data:
            raise Refused('"params.asset.content" is not allowed to be empty')
        with writing(self.store.root):
            relative = self.within(asset.get("path", ""), MEDIA, MEDIA_TYPES)
            self.store.write(relative, data)
        return media_item(relative, data)
