"""Two saves at once (issue 30, item 7): each checks and writes while holding the content
folder, so of two saves that cannot both stand exactly one lands and the other is told
why; across threads and across processes. The check is slowed down here so that, without
the lock, both saves would pass it before either wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from catalogue.content import store as store_module
from catalogue.content import writelock
from catalogue.content.store import ContentStore, FolderBusy, writing
from catalogue.web import create_app

from . import test_cms
from .conftest import ROOT

content = test_cms.content  # the fixture: a copy of tests/data/search
ORIGIN = test_cms.ORIGIN

CTID = "ce-0f8b2c1e-6a0d-4c4e-9a3b-2d1e5f7a9c01"
SLOW = 0.4  # seconds the check takes here: far longer than a write


def entry(content: Path, title: str, ctid: str = "") -> str:
    raw = (content / "credentials" / "alpha-data.md").read_text()
    raw = raw.replace("Data Literacy for Managers", title)
    return raw.replace("---\n", f"---\nctid: {ctid}\n", 1) if ctid else raw


def body(path: str, raw: str, new: bool = True, more: tuple = ()) -> bytes:
    files = [{"path": path, "raw": raw}, *({"path": p, "raw": r} for p, r in more)]
    options = {"commitMessage": "Save", "newEntry": new}
    params = {"branch": "main", "dataFiles": files, "assets": [], "options": options}
    return json.dumps({"action": "persistEntry", "params": params}).encode()


@pytest.fixture()
def slow_check(monkeypatch):
    checked = store_module.ContentStore.entry_problems

    def slowly(self, *args, **kwargs):
        time.sleep(SLOW)
        return checked(self, *args, **kwargs)

    monkeypatch.setattr(store_module.ContentStore, "entry_problems", slowly)


def race(app, bodies: list[bytes]) -> list[tuple[int, dict]]:
    """Post the bodies at the same moment, each from its own thread."""
    start = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def send(i: int) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1", data=bodies[i], content_type="application/json", headers={"Origin": ORIGIN}
        )
        answers[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def one_wins(answers, message: str) -> int:
    """The index of the save that landed, checking that the other was refused with
    `message`."""
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 422], answers
    loser = next(a for s, a in answers if s == 422)
    assert message in loser["error"], loser
    return next(i for i, (s, _) in enumerate(answers) if s == 200)


@pytest.fixture()
def app(content, tmp_path):
    return create_app(content, index_dir=tmp_path / "index", cms_api=True)


def test_two_new_entries_with_one_slug_one_lands(app, content, slow_check):
    texts = [entry(content, "First Title"), entry(content, "Second Title")]
    answers = race(app, [body("credentials/new-one.md", t) for t in texts])
    winner = one_wins(answers, "credentials/new-one.md already has the slug 'new-one'")
    assert (content / "credentials" / "new-one.md").read_text() == texts[winner]


def test_two_entries_with_one_ctid_one_lands(app, content, slow_check):
    answers = race(
        app,
        [
            body("credentials/first.md", entry(content, "First Title", CTID)),
            body("credentials/second.md", entry(content, "Second Title", CTID)),
        ],
    )
    winner = one_wins(answers, "has the same CTID")
    names = ["first.md", "second.md"]
    assert (content / "credentials" / names[winner]).exists()
    assert not (content / "credentials" / names[1 - winner]).exists()


def test_one_save_may_not_give_one_ctid_to_two_entries(app, content):
    client = app.test_client()
    data = body(
        "credentials/first.md",
        entry(content, "First Title", CTID),
        more=[("credentials/second.md", entry(content, "Second Title", CTID))],
    )
    response = client.post(
        "/api/v1", data=data, content_type="application/json", headers={"Origin": ORIGIN}
    )
    assert response.status_code == 422
    assert response.get_json()["error"].startswith(
        "credentials/first.md:2: ctid: credentials/second.md has the same CTID"
    )
    twice = body("credentials/first.md", entry(content, "A"), more=[("credentials/First.md", "x")])
    response = client.post(
        "/api/v1", data=twice, content_type="application/json", headers={"Origin": ORIGIN}
    )
    assert response.status_code == 422 and "in the same save has the slug" in response.text
    assert not (content / "credentials" / "first.md").exists()
    assert not (content / "credentials" / "second.md").exists()


def test_an_update_that_makes_a_new_file_is_checked_as_one(app, content):
    (content / "credentials" / "archive").mkdir()
    shutil.copy(content / "credentials" / "beta-safety.md", content / "credentials" / "archive")
    data = body("credentials/beta-safety.md", entry(content, "X"), new=False)
    (content / "credentials" / "beta-safety.md").unlink()
    response = app.test_client().post(
        "/api/v1", data=data, content_type="application/json", headers={"Origin": ORIGIN}
    )
    assert response.status_code == 422
    assert "credentials/archive/beta-safety.md already has the slug" in response.text
    assert not (content / "credentials" / "beta-safety.md").exists()


# Across processes: two `catalogue serve`s (or a serve and an import) on one folder.

SAVER = """
import json, sys, time
from pathlib import Path
from catalogue.content import store
from catalogue.web import create_app

content, index, path, title, ready, go, slow = sys.argv[1:]
checked = store.ContentStore.entry_problems
def slowly(self, *args, **kwargs):
    time.sleep(float(slow))
    return checked(self, *args, **kwargs)
store.ContentStore.entry_problems = slowly
raw = (Path(content) / "credentials" / "alpha-data.md").read_text().replace(
    "Data Literacy for Managers", title)
options = {"commitMessage": "Save", "newEntry": True}
params = {"branch": "m", "dataFiles": [{"path": path, "raw": raw}], "options": options}
client = create_app(content, index_dir=index, cms_api=True).test_client()
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.005)
response = client.post("/api/v1", json={"action": "persistEntry", "params": params},
                       headers={"Origin": "http://localhost"})
print(json.dumps([response.status_code, response.get_json()]))
"""


def test_two_processes_saving_one_slug_one_lands(content, tmp_path):
    go = tmp_path / "go"
    procs = []
    for i, title in enumerate(["First Title", "Second Title"]):
        args = [str(content), str(tmp_path / f"index-{i}"), "credentials/new-one.md", title,
                str(tmp_path / f"ready-{i}"), str(go), str(SLOW)]  # fmt: skip
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", SAVER, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                env={**os.environ},
            )
        )
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.02)
    go.touch()
    answers = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        answers.append(tuple(json.loads(out)))
    winner = one_wins(answers, "credentials/new-one.md already has the slug 'new-one'")
    title = ["First Title", "Second Title"][winner]
    assert f"title: {title}" in (content / "credentials" / "new-one.md").read_text()


def test_the_lock_is_held_across_processes_and_nests_in_a_thread(content, monkeypatch):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(content)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with pytest.raises(FolderBusy, match="try again in a moment"), writing(content, 0.3):
            pass
        assert 0.3 <= time.monotonic() - started < 2
        # the editor, meanwhile, says so and writes nothing
        monkeypatch.setattr(writelock, "WAIT_SECONDS", 0.3)
        client = create_app(content, index_dir=content.parent / "index", cms_api=True).test_client()
        response = client.post(
            "/api/v1", data=body("credentials/new-one.md", entry(content, "New")),
            content_type="application/json", headers={"Origin": ORIGIN},
        )  # fmt: skip
        assert response.status_code == 409
        assert response.get_json()["error"] == (
            "another save or import was writing to the content folder for over 0.3 s; "
            "try again in a moment"
        )
        assert not (content / "credentials" / "new-one.md").exists()
    finally:
        holder.kill()
        holder.communicate()
    with writing(content, 1), writing(content, 1):  # the same thread may nest it
        ContentStore(content).write("credentials/x.md", b"x")
    with writing(content, 1):  # and it was let go
        pass


HOLDER = """
import sys, time
from catalogue.content.store import writing
with writing(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(60)
"""
