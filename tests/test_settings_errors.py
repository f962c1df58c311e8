"""Mistakes in site.toml (issue 31, item 9, and the counts printed): one bad value costs
that value only; a running server keeps its last good settings and says so on every page;
the message says how to fix it; `catalogue check` prints it first; a misspelt table is
named at its own line with the table meant; counts are written "1 error", "2 errors"."""

from __future__ import annotations

import re
import shutil

import pytest

from catalogue import cli
from catalogue.content import load
from catalogue.content.tomlread import quote_hint
from catalogue.web import create_app, live

from .conftest import DATA, DEMO

BAD_BRAND = "\n[colours]\nbrand = #7a1f5c\n"


@pytest.fixture()
def demo(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEMO, content)
    return content


def settings_file(content) -> str:
    return str(content / "site.toml")


def test_one_unquoted_value_costs_that_value_only(demo):
    good = load(demo)
    with (demo / "site.toml").open("a", encoding="utf-8") as f:
        f.write(BAD_BRAND)
    line = (demo / "site.toml").read_text(encoding="utf-8").count("\n")
    catalogue = load(demo)
    assert [str(e) for e in catalogue.errors] == [
        f"{settings_file(demo)}:{line}: cannot read settings: Invalid value "
        f'(at line {line}, column 9); put the value in quotes: brand = "#7a1f5c"'
    ]
    # everything else in the file still holds: languages, notice, organisations
    site = catalogue.site
    assert site.languages == ("en", "fr") and site.notice == good.site.notice
    assert site.organisations == good.site.organisations
    assert len(catalogue.entries) == len(good.entries)


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("brand = #7a1f5c", '; put the value in quotes: brand = "#7a1f5c"'),
        ("name = Northfield College", '; put the value in quotes: name = "Northfield College"'),
        ("country = CA", '; put the value in quotes: country = "CA"'),
        ("min_hours = 5", ""),
        ("require_partner = true", ""),
        ('facets = ["delivery"', ""),
        ("[colours", ""),
    ],
)
def test_the_quote_hint_only_where_quotes_are_the_fix(line, hint):
    assert quote_hint(line) == hint


def test_a_running_server_keeps_its_last_good_settings(demo, tmp_path):
    (demo / "site.toml").write_text(
        (demo / "site.toml").read_text(encoding="utf-8") + '\n[colours]\nbrand = "#7a1f5c"\n',
        encoding="utf-8",
    )
    app = create_app(demo, index_dir=tmp_path / "index", show_content_errors=True)
    watcher = live.enable(app, demo, [], start=False)
    client = app.test_client()
    assert "site.toml has" not in client.get("/").get_data(as_text=True)
    text = (demo / "site.toml").read_text(encoding="utf-8")
    (demo / "site.toml").write_text(text.replace('"#7a1f5c"', "#7a1f5c"), encoding="utf-8")
    watcher.check()
    home = client.get("/").get_data(as_text=True)
    assert "site.toml has 1 error</strong>" in home
    assert "Sample data: every institution" in home  # the notice
    assert client.get("/fr/").status_code == 200  # the languages
    assert "--brand: #7a1f5c;" in client.get("/site/theme.css").get_data(as_text=True)
    # the error page names the line and the fix; no entry is said to be hidden
    assert "content errors" not in home and "content error<" not in home
    errors = client.get("/content-errors/").get_data(as_text=True)
    assert "put the value in quotes: brand = &#34;#7a1f5c&#34;" in errors
    # in French too
    assert "site.toml a 1 erreur" in client.get("/fr/").get_data(as_text=True)
    # fixed: the banner goes
    (demo / "site.toml").write_text(text, encoding="utf-8")
    watcher.check()
    assert "site.toml has" not in client.get("/").get_data(as_text=True)


def test_check_prints_the_settings_error_first(demo, capsys):
    assert cli.main(["check", str(demo)]) == 0
    before = capsys.readouterr().out.splitlines()
    with (demo / "site.toml").open("a", encoding="utf-8") as f:
        f.write(BAD_BRAND)
    assert cli.main(["check", str(demo)]) == 1
    after = capsys.readouterr().out.splitlines()
    assert "put the value in quotes" in after[0]
    # no knock-on warnings: the rest of the settings were read
    assert after[1:-1] == before[:-1]
    assert after[-1].endswith(", 1 error, " + before[-1].split(", ")[-1])


def test_a_misspelt_table_is_named_at_its_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "search", content)
    (content / "site.toml").write_text(
        'name = "X"\n\n[colors]\nbrand = "#5b2a86"\n\n[polcy]\nmin_hours = 3\ncolor = "x"\n'
    )
    path = settings_file(content)
    assert [str(e) for e in load(content).errors] == [
        f"{path}:3: colors: unknown table [colors]; did you mean [colours]?",
        f"{path}:6: polcy: unknown table [polcy]; did you mean [policy]?",
    ]
    (content / "site.toml").write_text('name = "X"\ncolours = "red"\ncolor = "x"\n')
    messages = [str(e) for e in load(content).errors]
    assert f"{path}:2: colours: expected a [colours] table" in messages
    assert f"{path}:3: color: unknown setting; did you mean 'colours'?" in messages


def test_counts_say_one_error_not_one_errors(tmp_path, capsys):
    content = tmp_path / "content"
    (content / "credentials").mkdir(parents=True)
    one = DATA / "valid" / "credentials" / "plain-entry.md"
    shutil.copy(one, content / "credentials" / one.name)
    text = one.read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^hours: .*$", "hours: lots", text)
    assert broken != text
    (content / "credentials" / "broken.md").write_text(broken, encoding="utf-8")
    cli.main(["check", str(content)])
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("1 entry (0 drafts), ") and ", 1 error, " in summary, summary
