"""What learners searched for: the live server's search log ([search] log in site.toml),
safe with several server processes, and `catalogue searches` reading it."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import shutil
from collections import Counter

import pytest

from catalogue.cli import main
from catalogue.content import load_site
from catalogue.web import create_app, searchlog

from .conftest import DATA


@pytest.fixture()
def logged(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    settings = content / "site.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        f'languages = ["en", "fr"]\n{text}\n[search]\nlog = "searches.jsonl"\n', encoding="utf-8"
    )
    app = create_app(content, index_dir=tmp_path / "index")
    return content, app.test_client()


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_first_page_of_a_search_is_kept_and_nothing_about_the_person(logged):
    content, client = logged
    headers = {"User-Agent": "Secret/1.0", "Cookie": "id=42", "X-Forwarded-For": "203.0.113.9"}
    client.get("/search/?q=Data++Literacy&delivery=online&cost_max=500", headers=headers)
    client.get("/search/?q=data+literacy&delivery=online&cost_max=500&page=2")  # paging
    client.get("/fr/search/?q=zzzzqqq")
    client.get("/search/")  # no words, no filters: not a search
    client.get("/api/search.json?q=data")  # scripts, not learners
    log = content / "searches.jsonl"
    today = dt.date.today().isoformat()
    first, second = lines(log)
    assert first == {
        "date": today, "lang": "en", "q": "data literacy",
        "filters": {"delivery": ["online"]}, "ranges": {"cost_max": 500.0},
        "total": first["total"],
    }  # fmt: skip
    assert first["total"] > 0
    assert second == {"date": today, "lang": "fr", "q": "zzzzqqq", "filters": {}, "ranges": {},
                      "total": 0}  # fmt: skip
    text = log.read_text()
    assert "Secret" not in text and "203.0.113" not in text and "42" not in text


def test_a_log_outside_the_content_folder_is_refused_at_its_line(tmp_path):
    (tmp_path / "site.toml").write_text('[search]\nlog = "../../etc/searches.jsonl"\n')
    errors = []
    site = load_site(tmp_path, errors)
    assert site.search.log == ""
    assert [(e.line, e.field) for e in errors] == [(2, "search.log")]
    assert "expected a file name in the content folder" in errors[0].message


def _write_many(path, n, max_bytes):
    for i in range(n):
        record = searchlog.entry(f"query {i} " + "x" * 200, {}, {}, i % 3, "en", dt.date.today())
        searchlog.append(path, record, max_bytes)


def test_several_processes_write_and_rotate_without_losing_or_cutting_a_line(tmp_path):
    path = tmp_path / "searches.jsonl"
    workers = [
        multiprocessing.get_context("fork").Process(target=_write_many, args=(path, 400, 100_000))
        for _ in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    files = searchlog.files_of(path)
    assert 3 <= len(files) <= searchlog.KEEP  # rotated, and no file dropped yet
    kept = list(searchlog.records(files))
    assert None not in kept  # every line whole
    counts = Counter(r["q"].split()[1] for r in kept)
    assert len(kept) == 1600 and set(counts.values()) == {4}  # nothing lost
    # a rotated file stops near the limit (a few lines of other processes may pass it)
    assert all(100_000 <= p.stat().st_size < 100_000 + 4 * 300 for p in files[:-1])


def test_catalogue_searches_reports_from_a_real_log(logged, capsys):
    content, client = logged
    for q in ("data", "data", "psw", "psw", "psw", "electric car"):
        client.get(f"/search/?q={q}")
    client.get("/search/?delivery=online")
    with open(content / "searches.jsonl", "a") as f:
        f.write("not json\n")
    assert main(["searches", str(content / "searches.jsonl"), "--top", "3"]) == 0
    out = capsys.readouterr().out
    today = dt.date.today().isoformat()
    written = (content / "searches.jsonl").read_text().splitlines()[:-1]
    found = [r for r in map(json.loads, written) if r["total"]]
    assert out.splitlines()[0] == (
        f"7 searches from {today} to {today}; {7 - len(found)} "
        f"({100 * (7 - len(found)) / 7:.1f}%) found nothing."
    )
    assert "      3  psw" in out and "      2  data" in out
    assert "Searched for and not found (write entries for these?)" in out
    assert "      1  delivery=online" in out
    assert "1 lines of the log could not be read and were left out." in out
    assert main(["searches", str(content / "searches.jsonl"), "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == "No searches in the log for that time.\n"
    assert main(["searches", str(content / "none.jsonl")]) == 2
    assert main(["searches", str(content / "searches.jsonl"), "--since", "soon"]) == 2
