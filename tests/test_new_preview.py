"""`catalogue new` and its preview (issue 31, items 8 and 10): a title whose file exists is
refused before any other question; the preview address it prints works, and a draft's
address on a server that hides drafts says it is a draft and how to see it."""

from __future__ import annotations

import re
import shutil

import pytest

from catalogue import cli, newentry
from catalogue.web import create_app

from .conftest import DATA
from .test_cli import fill


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(DATA / "search", folder)
    return folder


def test_a_title_given_whose_file_exists_is_refused_before_any_question(
    content, monkeypatch, capsys
):
    (content / "credentials" / "data-literacy.md").write_text("---\ntitle: X\n---\n")

    def no_questions(prompt: str) -> str:
        raise AssertionError(f"asked {prompt!r} for a title that cannot be written")

    monkeypatch.setattr("builtins.input", no_questions)
    args = cli.build_parser().parse_args(["new", "Data Literacy", "--content", str(content)])
    assert newentry.run(args, interactive=True) == 1
    assert "data-literacy.md already exists" in capsys.readouterr().err


def test_a_title_typed_whose_file_exists_is_asked_again_first(content):
    (content / "credentials" / "data-literacy.md").write_text("---\ntitle: X\n---\n")
    asked, said = [], []
    answers = iter(["Data Literacy", "Data Literacy Two"])

    def ask(prompt: str) -> str:
        asked.append(prompt)
        if len(asked) > 2:
            raise EOFError  # stop once the title is settled
        return next(answers)

    with pytest.raises(EOFError):
        newentry.ask_all({}, ask, said.append, lambda t: newentry.title_problem(content, t))
    title_prompt = newentry.questions()[0].prompt
    assert asked[:2] == [f"{title_prompt}: "] * 2
    assert said == [f"  {content / 'credentials' / 'data-literacy.md'} already exists; "
                    "not overwritten (give another title, or edit it)"]  # fmt: skip


def test_the_printed_preview_works_and_a_hidden_draft_says_how_to_see_it(content, tmp_path, capsys):
    assert cli.main(["new", "Data Literacy", "--content", str(content), "--no-input"]) == 0
    out = capsys.readouterr().out
    # the command names this content folder and shows drafts
    assert f"catalogue serve --drafts --content {content}, then" in out
    assert f"catalogue serve --drafts --content {content} --port 5001" in out
    path = re.search(r"http://127\.0\.0\.1:5000(/credentials/[^/]+/)", out).group(1)
    # as written, with questions left for later: its address lists what to fix
    index = tmp_path / "index"
    served = create_app(content, index_dir=index, show_content_errors=True).test_client()
    page = served.get(path).get_data(as_text=True)
    assert "This entry has errors to fix" in page
    assert "data-literacy.md:4: summary: is empty" in page
    fill(content / "credentials" / "data-literacy.md")
    # on a server with --drafts, the address is the draft's page
    drafts = create_app(content, drafts=True, index_dir=index, show_content_errors=True)
    assert drafts.test_client().get(path).status_code == 200
    # on the server the README starts (no --drafts): a page that says what to do
    served = create_app(content, index_dir=index, show_content_errors=True).test_client()
    response = served.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This entry is a draft" in page and "data-literacy.md" in page
    assert "<code>catalogue serve --drafts</code>" in page
    assert "withdrawn" not in page and "errors to fix" not in page
    # in production (no content errors shown) a draft is not revealed
    public = create_app(content, index_dir=index).test_client().get(path)
    assert public.status_code == 404
    assert "draft" not in public.get_data(as_text=True).lower()
    assert "withdrawn" in public.get_data(as_text=True)
