"""Every way a content file can be broken, and the exact line `catalogue check` prints for it.

`tests/data/invalid/credentials/` holds one file per failure mode, each otherwise a valid
entry, plus a few good entries that must still load. The folder is loaded once, from the
repository root, so paths print exactly as an editor running `catalogue check` sees them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from catalogue.content import ContentError, load, parse_file

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
INVALID = "tests/data/invalid"
VALID = "tests/data/valid"
C = f"{INVALID}/credentials"

# file below credentials/ -> the exact lines printed for it, in order
EXPECTED: dict[str, list[str]] = {
    "skills-plain-string.md": [
        f"{C}/skills-plain-string.md:11: skills: expected a list, one item a line: write "
        "'skills:' and then '  - Reading charts', '  - Cleaning data', '  - Telling a story' "
        "on lines of their own; got 'Reading charts, Cleaning data, Telling a story'",
    ],
    "partners-plain-string.md": [
        f"{C}/partners-plain-string.md:5: partners: expected a list, one item a line: write "
        "'partners:' and then '  - Voltway Fleet Services' on a line of its own; got "
        "'Voltway Fleet Services'",
    ],
    "start-one-date.md": [
        f"{C}/start-one-date.md:11: start: expected a list, one item a line: write 'start:' "
        "and then '  - 2027-01-11' on a line of its own; got '2027-01-11'",
    ],
    "unknown-field.md": [
        f"{C}/unknown-field.md:14: deliverey: unknown field; did you mean 'delivery'?",
    ],
    "missing-required.md": [
        f"{C}/missing-required.md:1: assessment: required field is missing",
    ],
    "title-no.md": [
        f'{C}/title-no.md:2: title: YAML reads no as false; put the text in quotes: "no"',
    ],
    "title-yes.md": [
        f'{C}/title-yes.md:2: title: YAML reads yes as true; put the text in quotes: "yes"',
    ],
    "title-list.md": [
        f"{C}/title-list.md:3: title: expected text; got a list",
    ],
    "ctid-upper-case.md": [
        f"{C}/ctid-upper-case.md:15: ctid: expected ce- and a UUID in lower case, such as "
        "ce-7d5c2a4e-3f1b-4a8c-9e2d-4b6f8a1c3e5d; got 'ce-0F8B2C1E-6A0D-4C4E-9A3B-2D1E5F7A9C01'",
    ],
    "level-bad-choice.md": [
        f"{C}/level-bad-choice.md:15: level: expected one of introductory, intermediate, "
        "advanced; got 'expert'",
    ],
    "delivery-remote.md": [
        f"{C}/delivery-remote.md:7: delivery: expected one of online, in-person, hybrid; "
        "got 'remote'",
    ],
    "date-impossible.md": [
        f"{C}/date-impossible.md:15: updated: 2025-02-30 is not a real date",
    ],
    "date-format.md": [
        f"{C}/date-format.md:15: updated: expected a date as YYYY-MM-DD; got '14/10/2026'",
    ],
    "duplicate-key.md": [
        f"{C}/duplicate-key.md:15: hours: appears twice (first on line 8); keep one",
    ],
    "tab-indent.md": [
        f"{C}/tab-indent.md:12: a tab character; YAML needs spaces for indentation",
    ],
    "latin-1.md": [
        f"{C}/latin-1.md:4: not UTF-8 (byte 0xE8); save the file with UTF-8 encoding",
    ],
    "no-opening-dashes.md": [
        f"{C}/no-opening-dashes.md:1: the first line must be '---', opening the front matter",
    ],
    "unclosed.md": [
        f"{C}/unclosed.md:1: front matter opened on line 1 is never closed: add a '---' line "
        "after the last field",
    ],
    "empty-file.md": [
        f"{C}/empty-file.md:1: file is empty; an entry starts with a '---' line, its fields, "
        "a closing '---' line, then the description",
    ],
    "whitespace-only.md": [
        f"{C}/whitespace-only.md:1: file is empty; an entry starts with a '---' line, its "
        "fields, a closing '---' line, then the description",
    ],
    "empty-front-matter.md": [
        f"{C}/empty-front-matter.md:1: front matter is empty; required fields: title, summary, "
        "issuer, delivery, hours, weeks, cost, skills, assessment",
    ],
    "front-matter-list.md": [
        f"{C}/front-matter-list.md:2: front matter must be 'field: value' lines; got a list",
    ],
    "deep-nesting.md": [
        f"{C}/deep-nesting.md:12: lists nested more than 20 deep; look for a stray '[' or '{{'",
    ],
    "alias-bomb.md": [
        f"{C}/alias-bomb.md:15: anchors and aliases (& and *) are not allowed in front matter; "
        "put text that starts with & or * in quotes",
    ],
    "second-document.md": [
        f"{C}/second-document.md:14: a second YAML document; the front matter must be one "
        "block of fields: delete the '...' or '---' line",
    ],
    "cost-octal.md": [
        f"{C}/cost-octal.md:10: cost: '012' has a leading zero, which YAML reads as an octal "
        "number; write 12",
    ],
    "cost-thousands.md": [
        f"{C}/cost-thousands.md:10: cost: write numbers without separators: 1200, not 1,200",
    ],
    "cost-negative.md": [
        f"{C}/cost-negative.md:10: cost: must be at least 0; got -5",
    ],
    "cost-dollar.md": [
        f"{C}/cost-dollar.md:10: cost: write the number alone, without the currency sign: 650, "
        "not $650 (the currency is the `currency` field)",
    ],
    "hours-zero.md": [
        f"{C}/hours-zero.md:8: hours: must be more than 0; got 0",
    ],
    "weeks-text.md": [
        f"{C}/weeks-text.md:9: weeks: expected a number such as 6; got 'abc'",
    ],
    "url-javascript.md": [
        f"{C}/url-javascript.md:15: url: expected an http or https address; "
        "got 'javascript:alert(1)'",
    ],
    "skill-ftp-uri.md": [
        f"{C}/skill-ftp-uri.md:13: skills: expected an http or https address; "
        "got 'ftp://esco.example/skill/1'",
    ],
    "skill-unknown-key.md": [
        f"{C}/skill-unknown-key.md:13: skills: a skill has 'name' and 'uri'; got 'url'",
    ],
    "summary-too-long.md": [
        f"{C}/summary-too-long.md:3: summary: is 353 characters; at most 300 are allowed",
    ],
    "currency-word.md": [
        f"{C}/currency-word.md:15: currency: expected a three-letter ISO 4217 code such as "
        "CAD; got 'dollars'",
    ],
    "start-sometimes.md": [
        f"{C}/start-sometimes.md:15: start: expected on-demand or a list of dates as "
        "YYYY-MM-DD; got 'sometimes'",
    ],
    "language-de.md": [
        f"{C}/language-de.md:15: language: expected one of en, fr; got 'de'",
    ],
    "assessment-only-maybe.md": [
        f"{C}/assessment-only-maybe.md:15: assessment_only: expected true or false; got 'maybe'",
    ],
    "skill-duplicate.md": [
        f"{C}/skill-duplicate.md:14: skills: lists 'Reading a test report' twice; keep one",
    ],
    "body-too-long.md": [
        f"{C}/body-too-long.md:16: body: the description is 20001 characters; at most 20000 "
        "are allowed",
    ],
    "body-brackets.md": [
        f"{C}/body-brackets.md:16: body: the description has 501 '[' characters; at most 200 "
        "are allowed",
    ],
    "too-large.md": [
        f"{C}/too-large.md:1: file is 68 KB; the limit is 64 KB: shorten the description",
    ],
    # 30,000 unclosed '[': libyaml's composer would crash the process (not just raise)
    "deep-nesting-crash.md": [
        f"{C}/deep-nesting-crash.md:12: lists nested more than 20 deep; look for a stray "
        "'[' or '{'",
    ],
    "unclosed-quote.md": [
        f"{C}/unclosed-quote.md:2: a quote opened on this line is never closed; close it",
    ],
    # U+2028 is a line break to YAML but not to editors: every line number after it would
    # be off by one
    "line-separator.md": [
        f"{C}/line-separator.md:3: an invisible or control character (U+2028); delete it",
    ],
    "colon-in-value.md": [
        f"{C}/colon-in-value.md:3: front matter is not valid YAML: mapping values are not "
        "allowed in this context; check the indentation, and put text that contains ': ' or "
        "starts with @ * & ` % [ { in quotes",
    ],
    "undefined-alias.md": [
        f"{C}/undefined-alias.md:2: anchors and aliases (& and *) are not allowed in front "
        "matter; put text that starts with & or * in quotes",
    ],
    "Bad Name.md": [
        f"{C}/Bad Name.md: file name 'Bad Name.md' does not make a valid slug: use lowercase "
        "letters, digits and hyphens (at most 80), e.g. data-literacy.md",
    ],
    # the same file name in two subfolders: the first (in walk order) wins, the second is named
    "a/same-slug.md": [],
    "b/same-slug.md": [
        f"{C}/b/same-slug.md:1: duplicate slug 'same-slug': {C}/a/same-slug.md has the same "
        "file name; rename one of them",
    ],
    # good entries in the same folder
    "good-one.md": [],
    "good-two.md": [],
}
GOOD_SLUGS = ["good-one", "good-two", "same-slug"]


@pytest.fixture(scope="module")
def invalid():
    with contextlib.chdir(ROOT):
        return load(INVALID)


@pytest.fixture(scope="module")
def valid():
    with contextlib.chdir(ROOT):
        return load(VALID)


def _lines_for(problems: list[ContentError], name: str) -> list[str]:
    return [str(p) for p in problems if p.path == f"{C}/{name}"]


def test_every_data_file_has_an_expectation():
    on_disk = {
        p.relative_to(DATA / "invalid" / "credentials").as_posix()
        for p in (DATA / "invalid" / "credentials").rglob("*.md")
    }
    assert on_disk == set(EXPECTED)
    failure_modes = [name for name, lines in EXPECTED.items() if lines]
    assert len(failure_modes) >= 34


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_file_reports_exact_lines(invalid, name):
    assert _lines_for(invalid.errors, name) == EXPECTED[name]
    assert _lines_for(invalid.warnings, name) == []


@pytest.mark.parametrize("name", sorted(n for n, lines in EXPECTED.items() if lines))
def test_each_message_is_one_line_naming_file_and_line(invalid, name):
    for line in EXPECTED[name]:
        assert "\n" not in line
        assert line.startswith(f"{C}/{name}:")


def test_parse_file_agrees_with_load(invalid):
    # parse_file on its own gives the same lines (all but the folder-level duplicate slug)
    with contextlib.chdir(ROOT):
        for name, lines in EXPECTED.items():
            if name.startswith("b/"):
                continue
            entry, problems = parse_file(Path(C, name), invalid.site)
            assert [str(p) for p in problems] == lines, name
            assert (entry is None) == bool(lines), name


def test_good_entries_still_load(invalid):
    assert [e.slug for e in invalid.entries] == GOOD_SLUGS
    assert invalid.get("good-two").delivery == "hybrid"
    assert invalid.get("same-slug").path == f"{C}/a/same-slug.md"
    assert invalid.warnings == []


def test_all_errors_are_collected_in_one_run(invalid):
    failing = {n for n, lines in EXPECTED.items() if lines}
    reported = {p.path.removeprefix(f"{C}/") for p in invalid.errors}
    assert reported == failing
    assert len(invalid.errors) == sum(len(lines) for lines in EXPECTED.values())
    assert all(p.severity == "error" for p in invalid.errors)


def test_data_files_are_what_they_claim():
    cred = DATA / "invalid" / "credentials"
    with pytest.raises(UnicodeDecodeError):
        (cred / "latin-1.md").read_bytes().decode("utf-8")
    assert (cred / "too-large.md").stat().st_size > 64 * 1024
    assert (cred / "deep-nesting.md").read_text().count("[") >= 5000
    assert (cred / "deep-nesting-crash.md").read_text().count("[") >= 30000
    assert "\u2028" in (cred / "line-separator.md").read_text()
    assert (cred / "body-brackets.md").read_text().count("[") > 500
    assert "\t" in (cred / "tab-indent.md").read_text()
    assert (cred / "empty-file.md").read_bytes() == b""


# The valid folder ------------------------------------------------------------------------

V = f"{VALID}/credentials"


def test_valid_folder_loads_without_errors(valid):
    assert valid.errors == []
    assert [e.slug for e in valid.entries] == ["full-entry", "plain-entry", "windows-bom-crlf"]


def test_full_entry_values(valid):
    entry = valid.get("full-entry")
    assert entry.delivery == "in-person"
    assert entry.currency == "USD"
    assert [d.isoformat() for d in entry.start] == ["2027-01-11", "2027-03-08"]
    assert entry.language == ["en", "fr"]
    assert entry.skills[0].uri == "https://esco.example/skill/1"
    assert entry.draft is True
    assert entry.assessment_only is False


def test_bom_and_crlf_file_loads_with_the_right_lines(valid):
    raw = (DATA / "valid" / "credentials" / "windows-bom-crlf.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # not normalised by git
    entry = valid.get("windows-bom-crlf")
    assert entry.title == "Windows Entry – café"
    assert "\r" not in entry.body
    assert [str(w) for w in valid.warnings] == [
        f"{V}/windows-bom-crlf.md:12: warning: assessment: describe the summative assessment "
        "in at least 8 words; it has 3",
        f"{V}/windows-bom-crlf.md:1: warning: partners: no endorsing partner is listed",
    ]


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b, id="as-is"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="bom"),
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), id="bom-crlf"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="cr"),
    ],
)
def test_line_endings_and_bom_do_not_move_line_numbers(tmp_path, transform):
    source = DATA / "invalid" / "credentials" / "level-bad-choice.md"
    target = tmp_path / "level-bad-choice.md"
    target.write_bytes(transform(source.read_bytes()))
    entry, problems = parse_file(target)
    assert entry is None
    assert [(p.line, p.field) for p in problems] == [(15, "level")]


# Links -----------------------------------------------------------------------------------


def test_links_leading_outside_the_content_folder_are_refused(tmp_path):
    content = tmp_path / "content"
    cred = content / "credentials"
    cred.mkdir(parents=True)
    good = DATA / "invalid" / "credentials" / "good-one.md"
    shutil.copy(good, cred / "good-one.md")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(good, outside / "secret.md")
    try:
        os.symlink(outside / "secret.md", cred / "secret.md")
        os.symlink(outside, cred / "linked", target_is_directory=True)
        os.symlink(cred / "good-one.md", cred / "alias.md")  # inside: followed
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    catalogue = load(content)
    message = "link leads outside the content folder and is not followed; copy the file in instead"
    assert [str(e) for e in catalogue.errors] == [
        f"{cred}/linked: {message}",
        f"{cred}/secret.md: {message}",
    ]
    assert [e.slug for e in catalogue.entries] == ["alias", "good-one"]


def test_missing_credentials_folder_is_an_error_not_a_crash(tmp_path):
    catalogue = load(tmp_path)
    assert catalogue.entries == []
    assert [str(e) for e in catalogue.errors] == [
        f"{tmp_path}/credentials: no such folder; entries go in credentials/ inside the "
        "content folder"
    ]
