import json
import os
import re
import shutil
import subprocess
import sys

from catalogue import cli
from catalogue.content import load, slugify
from catalogue.fields import documents as schema

from .conftest import DEMO, ROOT


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_demo_catalogue_checks_clean():
    result = run("check", str(DEMO))
    assert result.returncode == 0, result.stdout
    assert re.fullmatch(
        r"\d+ entries \(\d+ drafts\), 0 errors, \d+ warnings", result.stdout.splitlines()[-1]
    )
    assert "Traceback" not in result.stderr


def test_demo_catalogue_shape(demo_catalogue):
    entries = demo_catalogue.entries
    assert len(entries) >= 60
    assert not demo_catalogue.errors
    assert {e.delivery for e in entries} == {"online", "in-person", "hybrid"}
    assert any(e.cost == 0 for e in entries) and any(e.cost > 0 for e in entries)
    assert {"en", "fr"} <= {lang for e in entries for lang in e.language}
    assert any(e.on_demand for e in entries) and any(not e.on_demand for e in entries)
    assert any(e.stacks_into for e in entries)
    assert any(e.assessment_only for e in entries)
    assert any(e.draft for e in entries)
    assert min(e.hours for e in entries) >= 5 and max(e.hours for e in entries) <= 300
    for entry in entries:
        words = len(entry.body_text.split())
        assert 150 <= words <= 400, (entry.slug, words)


def test_check_exit_codes(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEMO, content)
    warned = run("check", str(content))
    assert warned.returncode == 0
    strict = run("check", "--strict", str(content))
    assert strict.returncode == (1 if load(content).warnings else 0)
    bad = content / "credentials" / "broken.md"
    bad.write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    result = run("check", str(content))
    assert result.returncode == 1
    assert f"{bad}:1: summary: required field is missing" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"{len(load(content).entries)} entries")


def test_check_reports_every_error_in_one_run(tmp_path):
    folder = tmp_path / "credentials"
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: no\n---\n", encoding="utf-8")
    (folder / "two.md").write_text("", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert (
        f'{folder / "one.md"}:2: title: YAML reads no as false; put the text in quotes: "no"'
        in result.stdout
    )
    assert f"{folder / 'two.md'}:1: file is empty" in result.stdout


def test_new_writes_a_fillable_draft_and_refuses_to_overwrite(tmp_path):
    (tmp_path / "credentials").mkdir()
    result = run("new", "Sécurité des données: niveau 1", "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "credentials" / "securite-des-donnees-niveau-1.md"
    assert result.stdout.splitlines()[0] == f"Wrote {path}"
    assert "Still to fill in: summary, issuer, delivery" in result.stdout
    assert f"http://127.0.0.1:5000/credentials/{path.stem}/" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert 'title: "Sécurité des données: niveau 1"' in text
    for field in schema.FIELDS:
        assert f"{field.name}:" in text, field.name
    catalogue = load(tmp_path)
    # Required fields are left empty for the editor: check names each one.
    missing = {e.field for e in catalogue.errors}
    assert missing == {f.name for f in schema.FIELDS if f.required and f.name != "title"}
    before = path.read_text(encoding="utf-8")
    again = run("new", "Sécurité des données: niveau 1", "--content", str(tmp_path))
    assert again.returncode == 1
    assert "already exists; not overwritten" in again.stderr
    assert path.read_text(encoding="utf-8") == before


def fill(path) -> None:
    """Answer what `catalogue new --no-input` left empty, as an editor would."""
    text = path.read_text(encoding="utf-8")
    for name, value in [
        ("summary", "Read charts."),
        ("issuer", "Cedar Ridge College"),
        ("delivery", "online"),
        ("hours", "10"),
        ("weeks", "2"),
        ("cost", "0"),
        ("skills", "[Reading charts]"),
        ("assessment", "A project report on a real data set, marked by staff."),
    ]:
        text = text.replace(f"\n{name}:\n", f"\n{name}: {value}\n")
    path.write_text(text, encoding="utf-8")


def test_new_entry_filled_in_loads_as_a_draft(tmp_path):
    (tmp_path / "credentials").mkdir()
    cli.main(["new", "Data Literacy", "--content", str(tmp_path)])
    fill(tmp_path / "credentials" / "data-literacy.md")
    catalogue = load(tmp_path)
    assert [str(e) for e in catalogue.errors] == []
    assert catalogue.entries[0].draft is True
    assert catalogue.published() == []


def test_slugify():
    assert slugify("  Électricité & Véhicules — Niveau 2 ") == "electricite-vehicules-niveau-2"
    assert len(slugify("word " * 40)) <= 80


def test_schema_command_is_valid_json_and_matches_the_field_table(tmp_path):
    result = run("schema")
    data = json.loads(result.stdout)
    assert data["additionalProperties"] is False
    assert set(data["properties"]) == {f.name for f in schema.FIELDS}
    assert data["required"] == [f.name for f in schema.FIELDS if f.required]
    assert data["properties"]["delivery"]["enum"] == ["online", "in-person", "hybrid"]
    out = tmp_path / "schema.json"
    assert run("schema", "--out", str(out)).returncode == 0
    assert json.loads(out.read_text()) == data


DRAFT_07_KEYWORDS = {
    "$schema", "title", "description", "type", "properties", "required", "items", "enum",
    "additionalProperties", "minLength", "maxLength", "pattern", "minimum",
    "exclusiveMinimum", "minItems", "oneOf", "format", "examples", "uniqueItems", "const",
}  # fmt: skip


def test_schema_is_draft_07_that_editors_validators_accept():
    data = schema.json_schema()
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"

    def keywords(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties":
                    for sub in value.values():
                        yield from keywords(sub)
                    yield key
                    continue
                yield key
                if key != "examples":
                    yield from keywords(value)
        elif isinstance(node, list):
            for item in node:
                yield from keywords(item)

    assert set(keywords(data)) <= DRAFT_07_KEYWORDS


def test_schema_accepts_every_demo_entry(demo_catalogue):
    # A light structural check without a JSON Schema library: every field of every demo
    # entry is one the schema declares, and every required one is there.
    props = schema.json_schema()["properties"]
    for entry in demo_catalogue.entries:
        data = entry.to_dict()
        for name in schema.json_schema()["required"]:
            assert data[name] not in (None, "", []), (entry.slug, name)
        assert set(props) <= set(data)


def test_field_reference_is_in_step_with_the_table():
    assert (ROOT / "docs" / "fields.md").read_text(encoding="utf-8") == schema.fields_markdown()


def test_generated_catalogues_are_valid(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    catalogue = load(generate(300, tmp_path / "gen"))
    assert [str(e) for e in catalogue.errors] == []
    assert len(catalogue.entries) == 300


def test_check_output_can_be_cut_short(monkeypatch):
    # `catalogue check | head -1`: the reader goes away; no traceback, exit 1.
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w", buffering=1) as broken:
        monkeypatch.setattr(sys, "stdout", broken)
        assert cli.main(["check", str(DEMO)]) == 1


ANSWERS = {
    "summary": "Read, question and present data at work.",
    "issuer": "Cedar Ridge College",
    "delivery": "online",
    "hours": "20",
    "weeks": "4",
    "cost": "0",
    "skill": ["Reading charts", "Asking questions of data"],
    "assessment": "A portfolio of three short analyses, marked against a rubric.",
}


def test_new_with_options_writes_a_valid_entry(tmp_path):
    (tmp_path / "credentials").mkdir()
    (tmp_path / "site.toml").write_text('base_url = "https://college.example/micro/"\n')
    options = []
    for name, value in ANSWERS.items():
        for v in value if isinstance(value, list) else [value]:
            options += [f"--{name}", v]
    result = run("new", "Data Literacy", "--content", str(tmp_path), *options)
    assert result.returncode == 0, result.stderr
    assert "Still to fill in" not in result.stdout
    assert "https://college.example/micro/credentials/data-literacy/" in result.stdout
    catalogue = load(tmp_path)
    assert catalogue.errors == []
    (entry,) = catalogue.entries
    assert (entry.title, entry.issuer, entry.delivery) == (
        "Data Literacy",
        *[ANSWERS["issuer"], ANSWERS["delivery"]],
    )
    assert (entry.hours, entry.weeks, entry.cost) == (20, 4, 0)
    assert [s.name for s in entry.skills] == ANSWERS["skill"]
    assert entry.draft


def test_new_refuses_a_bad_option_with_the_check_message(tmp_path):
    (tmp_path / "credentials").mkdir()
    result = run("new", "X", "--content", str(tmp_path), "--delivery", "onlin", "--hours", "9")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "catalogue new: --delivery: expected one of online, in-person, hybrid; got 'onlin' "
        "(did you mean 'online'?)"
    )
    assert not list((tmp_path / "credentials").iterdir())
    result = run("new", "--content", str(tmp_path), "--no-input")
    assert result.returncode == 2 and "give a title" in result.stderr


def test_new_asks_on_a_terminal_and_explains_bad_answers(tmp_path):
    """Through a real pseudo-terminal: every question asked, a wrong answer asked again."""
    import pty

    (tmp_path / "credentials").mkdir()
    answers = [
        "Data Literacy",
        ANSWERS["summary"],
        ANSWERS["issuer"],
        "by carrier pigeon",  # wrong: asked again
        "online",
        "1,200",  # wrong: explained
        "20",
        "4",
        "0",
        ", ".join(ANSWERS["skill"]),
        ANSWERS["assessment"],
    ]
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "new", "--content", str(tmp_path)],
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    transcript = b""

    def read(until_prompt: bool) -> None:
        nonlocal transcript
        while not (until_prompt and transcript.endswith(b": ")):
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the command ended and closed the terminal
                return
            if not chunk:
                return
            transcript += chunk

    for answer in answers:
        read(until_prompt=True)
        os.write(leader, answer.encode() + b"\n")
    read(until_prompt=False)
    proc.wait(timeout=30)
    os.close(leader)
    text = transcript.decode().replace("\r\n", "\n")
    assert proc.returncode == 0, text
    assert text.count("Delivery (online, in-person or hybrid): ") == 2
    assert "  expected one of online, in-person, hybrid; got 'by carrier pigeon'" in text
    assert text.count("Learning hours: ") == 2
    assert "  write numbers without separators: 1200, not 1,200" in text
    assert f"Wrote {tmp_path / 'credentials' / 'data-literacy.md'}" in text
    catalogue = load(tmp_path)
    assert catalogue.errors == []
    (entry,) = catalogue.entries
    assert (entry.delivery, entry.hours, entry.weeks) == ("online", 20, 4)
    assert [s.name for s in entry.skills] == ANSWERS["skill"]
