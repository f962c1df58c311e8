"""Send random and hostile bodies to the editor's backend (`POST /api/v1`) and check that
no answer is a 5xx and that nothing outside the editor's folders changes.

    .venv/bin/python bench/fuzz_api.py                       # 20,000 bodies, on a copy of the demo
    .venv/bin/python bench/fuzz_api.py 5000 --content DIR --seed 3

`fuzz_bodies(n, seed, entries)` returns `n` request bodies (bytes): random JSON of every
shape; each action with random parameters; paths in every spelling (traversal, absolute,
backslashes, hidden names, line breaks and other control characters, lone surrogates,
random Unicode, very long names, odd suffixes); saves of real entries mutated line by line
(with and without `newEntry`, renames, two files, CTIDs); media uploads, valid and not;
deletions; JSON nested up to 100,000 levels; bytes that are not UTF-8; truncated and empty
bodies. The same `n`, seed and entries give the same bodies.

The script posts them through Flask's test client, as the editor's page would (its
Origin, a JSON content type), to `create_app(<a copy of the content>, cms_api=True)`;
prints the status codes by action and the times (p50, p99, max); and exits 1 if any
answer is a 5xx (naming each, with its traceback), any answer is not JSON, or a file
outside credentials/, pathways/ and media/ changed (site.toml, a file beside the folder).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import got_request_exception

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz import ODD_CHARS, _unicode, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
ORIGIN = "http://localhost"
EDITED = ("credentials", "pathways", "media")  # what the editor may change
ACTIONS = [
    "info", "entriesByFolder", "entriesByFiles", "getEntry", "persistEntry", "deleteFile",
    "deleteFiles", "getMedia", "getMediaFile", "persistMedia",
]  # fmt: skip
BOGUS_ACTIONS = ["", "INFO", "getentry", "__proto__", "constructor", "persistEntry ", "\ud800"]
PARAM_KEYS = [
    "branch", "path", "paths", "folder", "mediaFolder", "extension", "depth", "files",
    "dataFiles", "entry", "asset", "assets", "options", "newPath", "slug", "raw", "cursor",
]  # fmt: skip
FOLDERS = ["credentials/", "pathways/", "media/", "", "credentials/sub/", "../", "/", "./",
           "credentials/../", "credentials//", "C:/", "\\\\server\\", "media/../credentials/",
           "Credentials/", "credentials\\", "%2e%2e/", "content/credentials/"]  # fmt: skip
SUFFIXES = [".md", ".png", ".MD", ".Md", ".md\n", "", ".toml", ".md.", ".md ", ".jpg", ".svg",
            ".html", ".md\x00.png", ".fr.md", ".PNG", "/", ".md/x"]  # fmt: skip
NAMES = ["site", ".hidden", "..", ".", "a", "abc\n", "x" * 300, "con", "nul", "-", "\u202e",
         "data-literacy", "new-one", "média", "sub/x", "..\\..\\x"]  # fmt: skip


def _text(rng: random.Random) -> str:
    return _unicode(rng, rng.choice([1, 3, 8, 30]))


def _value(rng: random.Random, depth: int = 0) -> object:
    """A random JSON value, a few levels deep."""
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return rng.choice(
            [None, True, False, 0, -1, 1e308, 2**70, 0.5, "", "x", _text(rng), rng.random()]
        )
    if roll < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = [rng.choice(PARAM_KEYS) if rng.random() < 0.6 else _text(rng) for _ in range(4)]
    return {k: _value(rng, depth + 1) for k in keys[: rng.randrange(5)]}


def _path(rng: random.Random, entries: list[str]) -> str:
    roll = rng.random()
    if roll < 0.25 and entries:
        return rng.choice(entries)
    if roll < 0.4:
        name = rng.choice(NAMES)
    elif roll < 0.75:
        name = _text(rng)
    else:
        name = rng.choice(["", "x"]) + rng.choice(ODD_CHARS) + rng.choice(["", "y"])
    return rng.choice(FOLDERS) + name + rng.choice(SUFFIXES)


def _entry(rng: random.Random, texts: list[str]) -> str:
    """A real entry's text, changed here and there."""
    lines = rng.choice(texts).split("\n")
    for _ in range(rng.choice([0, 0, 0, 1, 2, 3])):
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.25:
            del lines[i]
        elif roll < 0.5:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif roll < 0.75:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)] + _text(rng)
        else:
            lines.insert(1, f"ctid: ce-{rng.choice(['0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01', 'x'])}")
    return "\n".join(lines)


def _asset(rng: random.Random, entries: list[str]) -> dict:
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
    content = base64.b64encode(data).decode()
    if rng.random() < 0.2:
        content = content[: rng.randrange(len(content) + 1)] + rng.choice(["!", "=", "\u00e9"])
    path = f"media/{_text(rng)}.png" if rng.random() < 0.3 else _path(rng, entries)
    return {"path": path, "content": content, "encoding": rng.choice(["base64"] * 4 + ["x"])}


def _params(rng: random.Random, action: str, entries: list[str], texts: list[str]) -> dict:
    path = lambda: _path(rng, entries)  # noqa: E731
    params: dict = {"branch": "main"} if rng.random() < 0.9 else {}
    if action == "persistEntry":
        files = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            plausible = rng.choice([*entries[:3], f"credentials/fuzz-{rng.randrange(30)}.md"])
            at = plausible if rng.random() < 0.6 else path()
            file = {"path": at, "raw": _entry(rng, texts) if rng.random() < 0.8 else _text(rng)}
            if rng.random() < 0.2:
                file["newPath"] = path()
            files.append(file)
        params["dataFiles"] = files
        params["options"] = {"commitMessage": "x", "newEntry": rng.random() < 0.5}
        params["assets"] = [_asset(rng, entries)] if rng.random() < 0.1 else []
    elif action == "persistMedia":
        params["asset"] = _asset(rng, entries)
    elif action in ("deleteFiles", "entriesByFiles"):
        paths = [path() for _ in range(rng.randrange(1, 4))]
        if action == "deleteFiles":
            params["paths"] = paths
        else:
            params["files"] = [{"path": p} for p in paths]
    elif action in ("getEntry", "getMediaFile", "deleteFile"):
        params["path"] = path()
    elif action == "entriesByFolder":
        params["folder"] = rng.choice(["credentials", "pathways", "media", "", "..", _text(rng)])
        params["extension"] = rng.choice(["md", ".md", "toml", "", _text(rng)])
    elif action == "getMedia":
        params["mediaFolder"] = rng.choice(["media", "/media/", "credentials", "..", _text(rng)])
    for _ in range(rng.choice([0, 0, 0, 1, 2])):  # a stray key, or a known key of a wrong type
        params[rng.choice(PARAM_KEYS) if rng.random() < 0.7 else _text(rng)] = _value(rng)
    return params


def _encode(rng: random.Random, body: object) -> bytes:
    """JSON as a client might write it: escaped or not (a lone surrogate, written raw,
    becomes bytes that are not UTF-8)."""
    if rng.random() < 0.5:
        return json.dumps(body).encode()
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _broken(rng: random.Random, good: bytes) -> bytes:
    roll = rng.random()
    if roll < 0.2:
        depth = rng.choice([31, 32, 33, 64, 1000, 5000, 100_000])
        return (
            (b"[" * depth + b"]" * depth)
            if rng.random() < 0.5
            else (b'{"a":' * depth + b"1" + b"}" * depth)
        )
    if roll < 0.4:
        return good[: rng.randrange(len(good) + 1)]
    if roll < 0.55:
        i = rng.randrange(len(good) + 1)
        return good[:i] + rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00"]) + good[i:]
    if roll < 0.65:
        return rng.choice([b"", b"null", b"[]", b'"info"', b"1e999", b"NaN", b"{}", b" "])
    if roll < 0.75:
        return good.decode("latin-1").encode("utf-16")  # another encoding of the same text
    if roll < 0.85:  # a big text in an ordinary request
        return json.dumps({"action": "info", "pad": "x" * rng.choice([10**5, 10**6])}).encode()
    return json.dumps(_value(rng)).encode()


def fuzz_bodies(n: int, seed: int, entries: list[str], texts: list[str]) -> list[bytes]:
    """`n` request bodies; `entries` are real paths (credentials/x.md), `texts` real entries."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(n):
        action = rng.choice(ACTIONS) if rng.random() < 0.92 else rng.choice(BOGUS_ACTIONS)
        body: object = {"action": action, "params": _params(rng, action, entries, texts)}
        if rng.random() < 0.05:
            body = _value(rng)
        good = _encode(rng, body)
        bodies.append(_broken(rng, good) if rng.random() < 0.15 else good)
    return bodies


@dataclass
class Answer:
    body: bytes
    status: int
    seconds: float
    json: object
    error: str | None  # the traceback of an exception the app turned into a 500


class Poster:
    """Posts bodies to the app as the editor's page would, keeping each exception."""

    def __init__(self, app):
        app.testing = False  # an exception gives the 500 a real server would
        self.app = app
        self.client = app.test_client(use_cookies=False)
        self.caught: list[str] = []
        got_request_exception.connect(self._caught, app)

    def _caught(self, sender, exception, **extra) -> None:
        self.caught.append("".join(traceback.format_exception(exception)))

    def __call__(self, body: bytes) -> Answer:
        self.caught.clear()
        start = time.perf_counter()
        response = self.client.post(
            "/api/v1", data=body, content_type="application/json", headers={"Origin": ORIGIN}
        )
        seconds = time.perf_counter() - start
        try:
            data = json.loads(response.get_data())
        except ValueError:
            data = None
        error = self.caught[0] if self.caught else None
        return Answer(body, response.status_code, seconds, data, error)

    def close(self) -> None:
        got_request_exception.disconnect(self._caught, self.app)


def problem(answer: Answer) -> str | None:
    """What is wrong with an answer, or None: a 5xx, or an answer that is not JSON, or a
    refusal without its reason. (503 is the disk refusing, which a fuzz never causes.)"""
    if answer.status >= 500:
        return f"status {answer.status}" + (f"\n{answer.error}" if answer.error else "")
    if answer.json is None:
        return f"status {answer.status}, not JSON"
    if answer.status != 200 and not (
        isinstance(answer.json, dict) and isinstance(answer.json.get("error"), str)
    ):
        return f"status {answer.status} without an error message"
    return None


def fingerprint(top: Path) -> dict[str, str]:
    """Every file below `top` but the index and the editor's folders, by its SHA-256."""
    out = {}
    for path in sorted(top.rglob("*")):
        parts = path.relative_to(top).parts
        editable = parts[0] == "content" and len(parts) > 2 and parts[1] in EDITED
        if path.is_file() and parts[0] != "index" and not editable:
            out["/".join(parts)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def action_of(body: bytes) -> str:
    try:
        action = json.loads(body).get("action")
    except (ValueError, AttributeError, RecursionError):
        return "(not a request)"
    return action if action in ACTIONS else "(another action)"


def show(body: bytes, limit: int = 300) -> str:
    text = repr(body)
    return text if len(text) <= limit else f"{text[:limit]} ... ({len(body):,} bytes)"


def run(n: int, seed: int, content: Path, progress: bool = False) -> tuple[list, list, dict]:
    """Fuzz a copy of `content`: each answer's (action, status, seconds), the bad answers (index,
    answer, why), and what changed outside the editor's folders (name: "changed", "added"
    or "removed")."""
    from catalogue.web import create_app

    with tempfile.TemporaryDirectory() as scratch:
        top = Path(scratch)
        folder = top / "content"
        shutil.copytree(content, folder, symlinks=True)
        (top / "outside.md").write_text("a file beside the content folder\n")
        entries = sorted(f"credentials/{p.name}" for p in (folder / "credentials").glob("*.md"))
        texts = [(folder / e).read_text(encoding="utf-8") for e in entries[:20]]
        bodies = fuzz_bodies(n, seed, entries, texts)
        before = fingerprint(top)
        app = create_app(folder, index_dir=top / "index", cms_api=True)
        app.logger.disabled = True  # a 500 is listed below, with its traceback, once
        post = Poster(app)
        answers, bad = [], []
        try:
            for i, body in enumerate(bodies):
                answer = post(body)
                why = problem(answer)
                if why:
                    bad.append((i, answer, why))
                # (action, status, seconds): the bodies and answers would fill memory
                answers.append((action_of(body), answer.status, answer.seconds))
                if progress and (i + 1) % 2000 == 0:
                    print(f"  {i + 1:,} sent", file=sys.stderr, flush=True)
        finally:
            post.close()
            app.extensions["catalogue"].engine.close()
        after = fingerprint(top)
        changed = {k: "changed" for k in before if k in after and before[k] != after[k]}
        changed |= {k: "removed" for k in before if k not in after}
        changed |= {k: "added" for k in after if k not in before}
    return answers, bad, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=20000, help="how many bodies")
    parser.add_argument("--content", type=Path, default=DEMO, help="content folder (copied)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    answers, bad, changed = run(args.n, args.seed, args.content, progress=True)
    took = time.perf_counter() - start
    print(f"{len(answers):,} bodies (seed {args.seed}, {args.content}) in {took:.1f} s")
    statuses = Counter(status for _, status, _ in answers)
    print("status codes:", ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items())))
    by_action = Counter((action, status) for action, status, _ in answers)
    print("  by action:", ", ".join(f"{a} {s}: {v:,}" for (a, s), v in sorted(by_action.items())))
    times = [seconds * 1000 for _, _, seconds in answers]
    print(
        f"time per request: p50 {percentile(times, 50):.1f} ms, "
        f"p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms"
    )
    for name, how in sorted(changed.items()):
        print(f"  {how} outside the editor's folders: {name}")
    if not bad and not changed:
        print("no 5xx, every answer JSON, nothing outside credentials/, pathways/, media/ changed")
        return 0
    print(f"{len(bad)} FAILED (fuzz_bodies({args.n}, {args.seed}, ...)[i] gives each body):")
    shown: set[str] = set()
    for i, answer, why in bad:
        print(f"  [{i}] {why.splitlines()[0]}: {show(answer.body)}")
        if answer.error and answer.error.splitlines()[-1] not in shown:
            shown.add(answer.error.splitlines()[-1])
            print("    " + answer.error.rstrip().replace("\n", "\n    "))
    return 1


if __name__ == "__main__":
    sys.exit(main())
