"""A build in parts (one process a part), and pages without their templates' indentation."""

import importlib
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from flask_frozen import Freezer

from catalogue.build import MARKER, BuildError, freeze
from catalogue.build.parts import PartFailed, Share, in_child
from catalogue.web import create_app
from catalogue.web.state import STATIC_BUILD, StaticBuild
from catalogue.web.templating import unindent

from .conftest import DATA

BASE = "https://college.example/microcredentials/"
freeze_module = importlib.import_module("catalogue.build.freeze")  # the package's is a function


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(DATA / "search", folder)
    (folder / "site.toml").write_text(
        (folder / "site.toml").read_text() + '\nlanguages = ["en", "fr"]\n'
    )
    return folder


def build(content, out, parts, monkeypatch):
    monkeypatch.setattr(freeze_module, "PARTS", parts)
    return freeze(content, out, BASE)


def test_two_parts_write_what_one_process_writes(content, tmp_path, monkeypatch):
    one = build(content, tmp_path / "one", 1, monkeypatch)
    two = build(content, tmp_path / "two", 2, monkeypatch)
    assert two == one  # the same URLs, in the same order
    assert len(set(one)) == len(one)
    assert files(tmp_path / "two") == files(tmp_path / "one")
    three = build(content, tmp_path / "three", 3, monkeypatch)
    assert three == one


def test_each_url_goes_to_one_part_once(content, tmp_path):
    app = create_app(content, index_dir=tmp_path / "index")

    def pages():
        yield "home", {}
        yield "home", {}  # twice: still one URL
        yield "search", {}
        yield "/robots.txt"
        yield {"slug": "alpha-data"}

    pages.__name__ = "entry"

    def shares(parts):
        out = []
        for part in range(parts):
            freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False)
            freezer.register_generator(pages)
            out.append(list(Share(freezer, part, parts).items()))
        return out

    everything = [("home", {}), ("search", {}), "/robots.txt", ("entry", {"slug": "alpha-data"})]
    everything = list(enumerate(everything))
    assert shares(1) == [everything]
    assert shares(2) == [everything[0::2], everything[1::2]]


def test_data_files_are_the_servers_answers(content, tmp_path, monkeypatch):
    """Each entry's JSON, Open Badges, CTDL, ELM and calendar files and each browse feed
    are written without Frozen-Flask: byte for byte what the server answers (the build's
    own base URL, no site.toml one)."""
    out = tmp_path / "dist"
    urls = build(content, out, 2, monkeypatch)
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    data = [u for u in urls if u.startswith("/api/credentials/")]
    assert len(data) == 4 * 6
    calendars = [u for u in urls if u.endswith("/dates.ics")]
    feeds = [u for u in urls if u.startswith("/browse/") and u.endswith("/feed.atom")]
    assert calendars and len(feeds) > 10
    for url in data + calendars + feeds:
        answer = client.get(url, base_url=BASE)
        assert answer.status_code == 200
        assert (out / url.lstrip("/")).read_bytes() == answer.get_data(), url


def test_rows_rendered_beforehand_are_the_pages_own(content, tmp_path, monkeypatch):
    """The browse rows rendered beside the compare columns, before the parts start, are
    the rows each browse page would render itself."""
    app = create_app(content, index_dir=tmp_path / "index")
    app.config[STATIC_BUILD] = StaticBuild()  # as the build has it
    rows = freeze_module.render_rows(app, BASE)
    site = app.extensions["catalogue"]
    languages = site.catalogue.site.interface_languages
    assert sorted(rows) == sorted(
        ("row", e.slug, lang, "/microcredentials", True) for e in site.entries for lang in languages
    )
    urls = build(content, tmp_path / "kept", 2, monkeypatch)
    monkeypatch.setattr(freeze_module, "render_rows", lambda *a: {})
    assert build(content, tmp_path / "own", 2, monkeypatch) == urls
    assert files(tmp_path / "own") == files(tmp_path / "kept")


def failing_entry(failing, how):
    """A view of entry pages that fails on one of them."""
    from catalogue.web.views import entries

    real = entries.entry

    def entry(slug):
        if slug == failing:
            how()
        return real(slug)

    return entry


@pytest.mark.parametrize(
    "how, said",
    [
        (lambda: 1 / 0, "failed: ValueError: Unexpected status '500 INTERNAL SERVER ERROR'"),
        (lambda: os.kill(os.getpid(), signal.SIGKILL), "was stopped by SIGKILL"),
    ],
    ids=["error", "killed"],
)
def test_a_failing_part_fails_the_build_and_leaves_the_last_site(
    content, tmp_path, monkeypatch, how, said
):
    out = tmp_path / "dist"
    build(content, out, 2, monkeypatch)
    before = files(out)
    from catalogue.web.views import entries

    monkeypatch.setattr(entries, "entry", failing_entry("beta-safety", how))
    with pytest.raises(BuildError) as failed:
        build(content, out, 2, monkeypatch)
    message = str(failed.value)
    assert message.startswith("part ") and " of 2 " in message, message
    assert said in message and "\n" not in message, message
    assert message.endswith("the folder was left as it was")
    assert files(out) == before
    assert (out / MARKER).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".catalogue-build-")] == []


def test_build_py_says_a_failed_part_in_one_line(content, tmp_path, monkeypatch, capsys):
    from catalogue.build import main
    from catalogue.web.views import entries

    monkeypatch.setattr(freeze_module, "PARTS", 2)
    monkeypatch.setattr(entries, "entry", failing_entry("beta-safety", lambda: 1 / 0))
    assert main(["--content", str(content), "--out", str(tmp_path / "d"), "--base-url", BASE]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err.split("build: ")[-1]
    assert "build: part " in err and "/credentials/beta-safety/" in err


# ---- Whitespace -------------------------------------------------------------------------


def test_unindent_leaves_line_breaks_and_preformatted_text():
    source = (
        "<ul>\n    <li>a</li>  \n\n  <li>b</li>\n</ul>\n"
        "  <p>one <b>two</b> three\n     four</p>\n"
        "  <pre>\n  kept\n    as is</pre>\n"
        '  <textarea rows="2">\n  kept</textarea>\n  {% if x %}\n    <i>y</i>\n  {% endif %}'
    )
    assert unindent(source) == (
        "<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n"
        "<p>one <b>two</b> three\nfour</p>\n"
        "<pre>\n  kept\n    as is</pre>\n"
        '<textarea rows="2">\n  kept</textarea>\n{% if x %}\n<i>y</i>\n{% endif %}'
    )
    assert unindent(source).count("\n") == source.count("\n")  # errors name the same line


def test_pages_keep_the_spaces_and_preformatted_text_of_a_body(content, tmp_path):
    entry = content / "credentials" / "alpha-data.md"
    entry.write_text(
        entry.read_text()
        + "\nRead *a chart*  and **ask** `a  question` of it.\n\n"
        + "    for row in rows:\n        print(row)\n"
    )
    client = create_app(content, index_dir=tmp_path / "index").test_client()
    html = client.get("/credentials/alpha-data/").get_data(as_text=True)
    assert "Read <em>a chart</em>  and <strong>ask</strong> <code>a  question</code> of it." in html
    assert "<pre><code>for row in rows:\n    print(row)\n</code></pre>" in html
    assert "\n  <" not in html.split("<pre>")[0]  # the template's own indentation is gone


def wait_until_removed(pattern: str, folder: Path) -> list[str]:
    """The names matching `pattern` in `folder` once the background removals are done (or
    after 20 s)."""
    for _ in range(200):
        left = [p.name for p in folder.glob(pattern)]
        if not left:
            break
        time.sleep(0.1)
    return left


def test_a_rebuild_removes_the_last_site_in_the_background(content, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    build(content, out, 2, monkeypatch)
    (content / "credentials" / "zeta-grid.md").unlink()
    build(content, out, 2, monkeypatch)
    assert not (out / "credentials" / "zeta-grid").exists()
    # the removal holds no build lock: a third build starts at once
    build(content, out, 2, monkeypatch)
    assert wait_until_removed(".dist.previous-*", tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".catalogue-build-")] == []


def test_a_removal_cut_short_is_finished_by_the_next_build(content, tmp_path, monkeypatch):
    left = tmp_path / ".dist.previous-.catalogue-build-cut"
    (left / "previous" / "credentials").mkdir(parents=True)
    (left / "previous" / "credentials" / "old.html").write_text("old")
    other = tmp_path / ".elsewhere.previous-.catalogue-build-x"  # another folder's
    other.mkdir()
    build(content, tmp_path / "dist", 1, monkeypatch)
    assert wait_until_removed(".dist.previous-*", tmp_path) == []
    assert other.is_dir()


def test_in_child_gives_back_what_the_work_returned_or_how_it_failed():
    pid, data = in_child(lambda: (os.getpid(), b"x" * 100_000))()  # more than a pipe holds
    assert pid != os.getpid() and data == b"x" * 100_000
    with pytest.raises(PartFailed, match=r"^a helper process failed: ZeroDivisionError: "):
        in_child(lambda: 1 / 0)()
    with pytest.raises(PartFailed, match="was stopped by SIGKILL"):
        in_child(lambda: os.kill(os.getpid(), signal.SIGKILL))()
