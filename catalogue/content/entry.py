"""One entry file: its name, bytes, front matter and Markdown body, to a Credential."""

from __future__ import annotations

import re
from pathlib import Path

from ..fields import FIELDS
from ..fields.occupations import code_problem
from ..model import Credential
from .checks import framework_checks
from .errors import ContentError
from .frontmatter import parse_front_matter
from .markdown import body_limits, render_markdown
from .settings import Site

MAX_FILE_BYTES = 64 * 1024
# Used with fullmatch only: `$` would also match before a final newline ("abc\n").
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def parse_file(
    file: Path, site: Site | None = None, raw: bytes | None = None, render: bool = True
) -> tuple[Credential | None, list[ContentError]]:
    """Parse one entry file (whose bytes are `raw`, when the caller has read them). Return
    the entry (None if it has errors) and its problems. `render` False leaves the body's
    HTML empty, for a caller that only wants the problems (rendering finds none)."""
    site = site or Site()
    where = str(file)
    problems: list[ContentError] = []

    def error(line: int, field_name: str | None, message: str) -> tuple[None, list]:
        problems.append(ContentError(where, line, field_name, message))
        return None, problems

    slug = file.name[:-3]
    if not SLUG_RE.fullmatch(slug):
        return error(
            0,
            None,
            f"file name '{file.name}' does not make a valid slug: use lowercase "
            "letters, digits and hyphens (at most 80), e.g. data-literacy.md",
        )
    try:
        front, body, close = read_document(file, "an entry", raw)
    except DocumentError as exc:
        return error(exc.line, None, exc.message)
    values, field_problems = parse_front_matter(front, where, offset=2)
    problems.extend(field_problems)
    body_html, body_text = "", ""
    body_problem = body_limits(body)
    if body_problem:
        problems.append(ContentError(where, close + 2, "body", body_problem))
    elif render:
        body_html, body_text = render_markdown(body)
    if values is None or any(p.severity == "error" for p in problems):
        return None, problems
    for spec in FIELDS:
        if spec.default and spec.name not in values:
            values[spec.name] = spec.kind.setting(getattr(site, spec.default))
    field_lines = values.pop("_lines")
    entry = Credential(
        slug=slug, path=where, body=body, body_html=body_html, body_text=body_text, **values
    )
    entry.lines = field_lines
    for occupation in entry.occupations:
        wrong = code_problem(occupation, site.occupation_scheme)
        if wrong:
            problems.append(ContentError(where, occupation.line, "occupations", wrong))
    if any(p.severity == "error" for p in problems):
        return None, problems
    entry.checks = framework_checks(entry, site.policy)
    for check in entry.checks:
        if not check.ok:
            problems.append(
                ContentError(
                    where, field_lines.get(check.field, 1), check.field, check.detail, "warning"
                )
            )
    return entry, problems


class DocumentError(ValueError):
    """A file that is not a document of front matter and body: its line and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def read_document(file: Path, what: str, raw: bytes | None = None) -> tuple[str, str, int]:
    """A Markdown file's front matter, its body, and the index of the line closing the
    front matter; DocumentError if it cannot be read as one (`what` names the kind of
    file in the message). `raw` is the file's bytes, when the caller has read them."""
    if raw is None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise DocumentError(0, f"cannot read file: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(
            1,
            f"file is {-(-len(raw) // 1024)} KB; the limit is {MAX_FILE_BYTES // 1024} KB: "
            "shorten the description",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark from a Windows editor: harmless, drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            line,
            f"not UTF-8 (byte 0x{raw[exc.start]:02X}); save the file with UTF-8 encoding",
        ) from None
    if "\x00" in text:
        raise DocumentError(
            text[: text.index("\x00")].count("\n") + 1,
            "contains a NUL character; is this a binary file?",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(
            1,
            f"file is empty; {what} starts with a '---' line, its fields, "
            "a closing '---' line, then the description",
        )
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise DocumentError(1, "the first line must be '---', opening the front matter")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        raise DocumentError(
            1,
            "front matter opened on line 1 is never closed: add a '---' line after the last field",
        )
    front = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1 :])
    return front, body, close
