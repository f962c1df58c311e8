"""Read a content folder into a Catalogue: the good entries plus every problem found.

`load()` never raises on bad content. Each problem becomes a ContentError that names the
file, the line (taken from the YAML nodes) and the field. The YAML is composed into nodes
and never constructed by PyYAML: values are converted here, from the text the editor
wrote, so YAML 1.1 surprises (`no` as false, `012` as 10, impossible dates) are caught and
explained instead of passing silently or raising.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import ContentError
from .i18n import N_
from .model import FIELDS, FIELDS_BY_NAME, Check, Credential, Field, Skill, number_label
from .render import body_limits, render_markdown
from .site import Policy, Site, load_site

MAX_FILE_BYTES = 64 * 1024
MAX_DEPTH = 20
MAX_NUMBER = 1_000_000
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
TOO_DEEP = f"lists nested more than {MAX_DEPTH} deep; look for a stray '[' or '{{'"
ALIASES = (
    "anchors and aliases (& and *) are not allowed in front matter; "
    "put text that starts with & or * in quotes"
)
OUTSIDE_LINK = "link leads outside the content folder and is not followed; copy the file in instead"
# Characters YAML refuses (controls) or counts as line breaks where editors do not
# (U+0085, U+2028, U+2029), which would shift every line number after them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ODD_CHAR = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Catalogue:
    """Every entry that loaded, and every error and warning found on the way."""

    root: Path
    site: Site
    entries: list[Credential] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)  # the files read by this load
    warnings: list[ContentError] = field(default_factory=list)

    def published(self, drafts: bool = False) -> list[Credential]:
        """Return the entries to show: drafts only when asked for."""
        return [e for e in self.entries if drafts or not e.draft]

    def get(self, slug: str) -> Credential | None:
        return next((e for e in self.entries if e.slug == slug), None)


class FieldError(Exception):
    """A value that does not fit its field; `node` locates it."""

    def __init__(self, message: str, node: yaml.Node | None = None):
        super().__init__(message)
        self.message = message
        self.node = node


# What load() keeps between calls: each file's size and change time, entry and problems.
FileCache = dict[str, tuple[tuple[int, int], "Credential | None", list[ContentError]]]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, -1)
    return (info.st_mtime_ns, info.st_size)


def load(path: str | os.PathLike = "content", cache: FileCache | None = None) -> Catalogue:
    """Load the content folder at `path` (holding `site.toml` and `credentials/`).

    With a `cache` (a dict kept between calls, as `catalogue serve` keeps it), a file whose
    size and change time are as before is not read again; `parsed` lists those that were.
    Everything is read again when site.toml changes, since entries depend on its settings.
    """
    root = Path(path)
    catalogue = Catalogue(root=root, site=Site())
    if cache is not None:
        settings_stamp = _stamp(root / "site.toml")
        if cache.get("site.toml", (None,))[0] != settings_stamp:
            cache.clear()
            cache["site.toml"] = (settings_stamp, None, [])
    problems: list[ContentError] = []
    catalogue.site = load_site(root, problems)
    for problem in problems:
        (catalogue.warnings if problem.severity == "warning" else catalogue.errors).append(problem)
    folder = root / "credentials"
    if not folder.is_dir():
        catalogue.errors.append(
            ContentError(
                str(folder),
                0,
                None,
                "no such folder; entries go in credentials/ inside the content folder",
            )
        )
        return catalogue
    seen: dict[str, str] = {}
    files = _markdown_files(folder, catalogue.errors)
    for file in files:
        stamp = _stamp(file) if cache is not None else None
        hit = cache.get(str(file)) if cache is not None else None
        if hit is not None and hit[0] == stamp:
            entry, problems = hit[1], hit[2]
        else:
            entry, problems = parse_file(file, catalogue.site)
            catalogue.parsed.append(str(file))
            if cache is not None:
                cache[str(file)] = (stamp, entry, problems)
        for problem in problems:
            (catalogue.errors if problem.severity == "error" else catalogue.warnings).append(
                problem
            )
        if entry is None:
            continue
        if entry.slug in seen:
            catalogue.errors.append(
                ContentError(
                    str(file),
                    1,
                    None,
                    f"duplicate slug '{entry.slug}': {seen[entry.slug]} has the same file "
                    "name; rename one of them",
                )
            )
            continue
        seen[entry.slug] = str(file)
        catalogue.entries.append(entry)
    if cache is not None:  # forget files that are gone
        for key in set(cache) - {str(f) for f in files} - {"site.toml"}:
            del cache[key]
    catalogue.entries.sort(key=lambda e: e.slug)
    return catalogue


def _markdown_files(folder: Path, errors: list[ContentError]) -> list[Path]:
    """List the .md files below `folder`, refusing links that lead outside it."""
    top = folder.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            sub = Path(dirpath, name)
            if sub.is_symlink():
                dirnames.remove(name)
                if not sub.resolve().is_relative_to(top):
                    errors.append(ContentError(str(sub), 0, None, OUTSIDE_LINK))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(".md"):
                continue
            file = Path(dirpath, name)
            if file.is_symlink() and not file.resolve().is_relative_to(top):
                errors.append(ContentError(str(file), 0, None, OUTSIDE_LINK))
                continue
            found.append(file)
    return found


def parse_file(
    file: Path, site: Site | None = None
) -> tuple[Credential | None, list[ContentError]]:
    """Parse one entry file. Return the entry (None if it has errors) and its problems."""
    site = site or Site()
    where = str(file)
    problems: list[ContentError] = []

    def error(line: int, field_name: str | None, message: str) -> tuple[None, list]:
        problems.append(ContentError(where, line, field_name, message))
        return None, problems

    slug = file.name[:-3]
    if not SLUG_RE.match(slug):
        return error(
            0,
            None,
            f"file name '{file.name}' does not make a valid slug: use lowercase "
            "letters, digits and hyphens (at most 80), e.g. data-literacy.md",
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return error(0, None, f"cannot read file: {exc.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        return error(
            1,
            None,
            f"file is {-(-len(raw) // 1024)} KB; the limit is {MAX_FILE_BYTES // 1024} KB: "
            "shorten the description",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark from a Windows editor: harmless, drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return error(
            line,
            None,
            f"not UTF-8 (byte 0x{raw[exc.start]:02X}); save the file with UTF-8 encoding",
        )
    if "\x00" in text:
        return error(
            text[: text.index("\x00")].count("\n") + 1,
            None,
            "contains a NUL character; is this a binary file?",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return error(
            1,
            None,
            "file is empty; an entry starts with a '---' line, its fields, "
            "a closing '---' line, then the description",
        )
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return error(1, None, "the first line must be '---', opening the front matter")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        return error(
            1,
            None,
            "front matter opened on line 1 is never closed: add a '---' line after the last field",
        )
    front = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1 :])
    values, field_problems = parse_front_matter(front, where, offset=2)
    problems.extend(field_problems)
    body_html, body_text = "", ""
    body_problem = body_limits(body)
    if body_problem:
        problems.append(ContentError(where, close + 2, "body", body_problem))
    else:
        body_html, body_text = render_markdown(body)
    if values is None or any(p.severity == "error" for p in problems):
        return None, problems
    values.setdefault("currency", site.currency)
    values.setdefault("language", [site.language])
    field_lines = values.pop("_lines")
    entry = Credential(
        slug=slug, path=where, body=body, body_html=body_html, body_text=body_text, **values
    )
    entry.checks = framework_checks(entry, site.policy)
    for check in entry.checks:
        if not check.ok:
            problems.append(
                ContentError(
                    where, field_lines.get(check.field, 1), check.field, check.detail, "warning"
                )
            )
    return entry, problems


def parse_front_matter(
    front: str, where: str, offset: int
) -> tuple[dict | None, list[ContentError]]:
    """Convert front-matter text to field values; line numbers are shifted by `offset`."""
    problems: list[ContentError] = []

    def line_of(node: yaml.Node | None) -> int:
        return node.start_mark.line + offset if node is not None else offset - 1

    odd = _ODD_CHAR.search(front)
    if odd:
        return None, [
            ContentError(
                where,
                front[: odd.start()].count("\n") + offset,
                None,
                f"an invisible or control character (U+{ord(odd.group()):04X}); delete it",
            )
        ]
    try:
        deep = _too_deep(front)
        root = None if deep else yaml.compose(front, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line, message = _yaml_problem(exc, front)
        return None, [
            ContentError(where, offset - 1 if line is None else line + offset, None, message)
        ]
    except RecursionError:
        return None, [ContentError(where, offset - 1, None, TOO_DEEP)]
    except yaml.YAMLError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [
            ContentError(where, offset - 1, None, f"front matter is not valid YAML: {message}")
        ]
    if deep:
        return None, [ContentError(where, line_of(deep), None, TOO_DEEP)]
    if root is None:
        return None, [
            ContentError(
                where,
                offset - 1,
                None,
                "front matter is empty; required fields: "
                + ", ".join(f.name for f in FIELDS if f.required),
            )
        ]
    if not isinstance(root, MappingNode):
        got = _KIND_WORDS.get(type(root), "text")
        return None, [
            ContentError(
                where, line_of(root), None, f"front matter must be 'field: value' lines; got {got}"
            )
        ]
    shape = _shape_problem(root)
    if shape:
        node, message = shape
        return None, [ContentError(where, line_of(node), None, message)]

    values: dict = {}
    lines: dict[str, int] = {}
    hinted: set[str] = set()
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or key_node.tag != _TAG + "str":
            problems.append(
                ContentError(where, line_of(key_node), None, "a field name must be plain text")
            )
            continue
        if key in lines:
            problems.append(
                ContentError(
                    where,
                    line_of(key_node),
                    _one_line(key),
                    f"appears twice (first on line {lines[key]}); keep one",
                )
            )
            continue
        lines[key] = line_of(key_node)
        spec = FIELDS_BY_NAME.get(key)
        if spec is None:
            hint = difflib.get_close_matches(key, FIELDS_BY_NAME, n=1, cutoff=0.6)
            hinted.update(hint)
            problems.append(
                ContentError(
                    where,
                    line_of(key_node),
                    _one_line(key),
                    "unknown field"
                    + (f"; did you mean '{hint[0]}'?" if hint else "; see docs/fields.md"),
                )
            )
            continue
        try:
            values[key] = CONVERTERS[spec.kind](value_node, spec)
        except FieldError as exc:
            problems.append(
                ContentError(where, line_of(exc.node or value_node), key, _one_line(exc.message))
            )
    for spec in FIELDS:
        if spec.required and spec.name not in lines and spec.name not in hinted:
            problems.append(ContentError(where, offset - 1, spec.name, "required field is missing"))
    values["_lines"] = lines
    return values, problems


def _too_deep(front: str) -> yaml.Event | None:
    """Return the event that nests past MAX_DEPTH, reading events only.

    libyaml's composer recurses in C: some 25,000 nested '[' (well inside the size
    limit) crash the whole process, so depth is checked before anything is composed.
    """
    depth = 0
    for event in yaml.parse(front, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError, front: str) -> tuple[int | None, str]:
    """Return the line (0-based, in `front`) an editor should look at, and what to do."""
    context = exc.context or ""
    problem = exc.problem or context or "cannot be read"
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else None
    lines = front.split("\n")
    text = lines[line] if line is not None and line < len(lines) else ""
    if "quoted scalar" in context and exc.context_mark:
        return exc.context_mark.line, "a quote opened on this line is never closed; close it"
    if "tab" in problem or "\t" in text[: len(text) - len(text.lstrip())]:
        return line, "a tab character; YAML needs spaces for indentation"
    ends = [i for i, text in enumerate(lines[: (line or 0) + 1]) if text.rstrip() == "..."]
    if ends or "expected a single document" in context:
        return (ends[0] if ends else line), (
            "a second YAML document; the front matter must be one block of fields: "
            "delete the '...' or '---' line"
        )
    if "alias" in problem + context or "anchor" in context:
        return line, ALIASES
    if "nesting depth" in problem:  # libyaml's own limit, met while scanning ahead (6.0.4+)
        return line, TOO_DEEP
    return line, (
        f"front matter is not valid YAML: {problem}; check the indentation, and put text "
        "that contains ': ' or starts with @ * & ` % [ { in quotes"
    )


def _one_line(text: str) -> str:
    """Escape line breaks and control characters a value may bring into a message."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _shape_problem(root: yaml.Node) -> tuple[yaml.Node, str] | None:
    """Refuse aliases (repeated nodes) and deep nesting before any value is read."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return node, ALIASES
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return node, TOO_DEEP
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
    return None


# Converters: YAML node -> checked value -------------------------------------------------

_KIND_WORDS = {MappingNode: "'key: value' pairs", SequenceNode: "a list"}


def _text(node: yaml.Node, spec: Field | None = None) -> str:
    if not isinstance(node, ScalarNode):
        raise FieldError(f"expected text; got {_KIND_WORDS[type(node)]}", node)
    if node.tag == _TAG + "null":
        raise FieldError("is empty", node)
    if node.tag == _TAG + "bool":
        raise FieldError(
            f"YAML reads {node.value} as {_bool_word(node.value)}; put the text in "
            f'quotes: "{node.value}"',
            node,
        )
    value = node.value.strip()
    if not value:
        raise FieldError("is empty", node)
    if spec and spec.max_length and len(value) > spec.max_length:
        raise FieldError(f"is {len(value)} characters; at most {spec.max_length} are allowed", node)
    return value


def _bool_word(raw: str) -> str:
    return "true" if raw.lower() in ("yes", "y", "true", "on") else "false"


def _text_list(node: yaml.Node, spec: Field) -> list[str]:
    if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
        return []
    items = node.value if isinstance(node, SequenceNode) else [node]
    return _distinct([(_text(item, spec), item) for item in items])


def _distinct(pairs: list[tuple[object, yaml.Node]]) -> list:
    """Return the values in order; a value listed twice is an error (it would count twice)."""
    seen: set = set()
    for value, node in pairs:
        key = value.name if isinstance(value, Skill) else value
        if key in seen:
            raise FieldError(f"lists '{key}' twice; keep one", node)
        seen.add(key)
    return [value for value, _ in pairs]


def _choice(node: yaml.Node, spec: Field) -> str:
    value = _text(node).lower()
    if value not in spec.choices:
        hint = difflib.get_close_matches(value, spec.choices, n=1)
        raise FieldError(
            f"expected one of {', '.join(spec.choices)}; got '{node.value}'"
            + (f" (did you mean '{hint[0]}'?)" if hint else ""),
            node,
        )
    return value


def _number(node: yaml.Node, spec: Field) -> float:
    raw = _text(node)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        raise FieldError(
            f"write numbers without separators: {raw.replace(',', '')}, not {raw}", node
        )
    if re.fullmatch(r"0\d+(\.\d*)?", raw):
        raise FieldError(
            f"'{raw}' has a leading zero, which YAML reads as an octal number; "
            f"write {raw.lstrip('0') or '0'}",
            node,
        )
    if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
        raise FieldError(f"expected a number such as {spec.example}; got '{raw}'", node)
    value = float(raw)
    if spec.minimum is not None and (
        value < spec.minimum or (spec.exclusive_minimum and value == spec.minimum)
    ):
        bound = "more than" if spec.exclusive_minimum else "at least"
        raise FieldError(f"must be {bound} {number_label(spec.minimum)}; got {raw}", node)
    if value > MAX_NUMBER:
        raise FieldError(f"must be at most {MAX_NUMBER}; got {raw}", node)
    return value


def _bool(node: yaml.Node, spec: Field) -> bool:
    raw = node.value.lower() if isinstance(node, ScalarNode) else None
    if raw in ("true", "yes", "on"):
        return True
    if raw in ("false", "no", "off"):
        return False
    shown = node.value if isinstance(node, ScalarNode) else _KIND_WORDS[type(node)]
    raise FieldError(f"expected true or false; got '{shown}'", node)


def _date(node: yaml.Node, spec: Field | None = None) -> dt.date:
    raw = _text(node)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise FieldError(f"expected a date as YYYY-MM-DD; got '{raw}'", node)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"{raw} is not a real date", node) from None


def _currency(node: yaml.Node, spec: Field) -> str:
    raw = _text(node)
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise FieldError(f"expected a three-letter ISO 4217 code such as CAD; got '{raw}'", node)
    return raw.upper()


def _start(node: yaml.Node, spec: Field) -> list[dt.date] | None:
    if isinstance(node, ScalarNode) and node.value.strip().lower() == "on-demand":
        return None
    if isinstance(node, MappingNode):
        raise FieldError("expected on-demand or a list of dates (YYYY-MM-DD)", node)
    items = node.value if isinstance(node, SequenceNode) else [node]
    if not items:
        raise FieldError("expected on-demand or a list of dates (YYYY-MM-DD)", node)
    for item in items:
        if not isinstance(item, ScalarNode) or not re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", item.value.strip()
        ):
            shown = f"'{item.value}'" if isinstance(item, ScalarNode) else _KIND_WORDS[type(item)]
            raise FieldError(
                f"expected on-demand or a list of dates as YYYY-MM-DD; got {shown}", item
            )
    return sorted(_date(item) for item in items)


def _language(node: yaml.Node, spec: Field) -> list[str]:
    items = node.value if isinstance(node, SequenceNode) else [node]
    if not items:
        raise FieldError(f"expected one of {', '.join(spec.choices)} or a list of them", node)
    return list(dict.fromkeys(_choice(item, spec) for item in items))


def _url(node: yaml.Node, spec: Field | None = None) -> str:
    raw = _text(node)
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", raw):
        raise FieldError(f"expected an http or https address; got '{raw[:80]}'", node)
    return raw


def _skills(node: yaml.Node, spec: Field) -> list[Skill]:
    items = node.value if isinstance(node, SequenceNode) else [node]
    skills: list[tuple[Skill, yaml.Node]] = []
    for item in items:
        if isinstance(item, MappingNode):
            parts = {}
            for key, value in item.value:
                name = key.value if isinstance(key, ScalarNode) else None
                if name not in ("name", "uri"):
                    shown = f"'{name}'" if name is not None else _KIND_WORDS[type(key)]
                    raise FieldError(f"a skill has 'name' and 'uri'; got {shown}", key)
                parts[name] = _url(value) if name == "uri" else _text(value)
            if "name" not in parts:
                raise FieldError("a skill written as a mapping needs a 'name'", item)
            skills.append((Skill(parts["name"], parts.get("uri")), item))
        else:
            skills.append((Skill(_text(item)), item))
    if not skills:
        raise FieldError("list at least one skill", node)
    return _distinct(skills)


CONVERTERS = {
    "text": _text,
    "text-list": _text_list,
    "choice": _choice,
    "number": _number,
    "bool": _bool,
    "date": _date,
    "currency": _currency,
    "start": _start,
    "language": _language,
    "url": _url,
    "skills": _skills,
}


# Each framework check's line, with the numbers of the site's policy filled in where shown.
CHECK_LABELS = {
    "issuer": N_("Issued by an institution"),
    "assessment": N_("Summative assessment described"),
    "skills": N_("Skills mapped to a framework"),
    "partner": N_("Endorsed by an industry or employer partner"),
    "hours": N_("%(low)s to %(high)s learning hours"),
    "weeks": N_("%(weeks)s weeks or less"),
}


def framework_checks(entry: Credential, policy: Policy) -> list[Check]:
    """Check an entry against the micro-credential framework and the site's policy."""
    words = len(entry.assessment.split())
    mapped = bool(entry.framework) or any(s.uri for s in entry.skills)
    hours, weeks = number_label(entry.hours), number_label(entry.weeks)
    lo, hi = number_label(policy.min_hours), number_label(policy.max_hours)
    numbers = {
        "hours": {"low": policy.min_hours, "high": policy.max_hours},
        "weeks": {"weeks": policy.max_weeks},
    }

    def check(key: str, ok: bool, detail: str, field: str) -> Check:
        values = numbers.get(key, {})
        label = CHECK_LABELS[key] % {k: number_label(v) for k, v in values.items()}
        return Check(key, label, ok, detail, field, values)

    return [
        check("issuer", bool(entry.issuer), "an issuer is required", "issuer"),
        check(
            "assessment",
            words >= policy.min_assessment_words,
            f"describe the summative assessment in at least {policy.min_assessment_words} "
            f"words; it has {words}",
            "assessment",
        ),
        check(
            "skills",
            mapped or not policy.require_framework,
            "name the competency framework they map to: add a framework field, or a uri per skill",
            "skills",
        ),
        check(
            "partner",
            bool(entry.partners) or not policy.require_partner,
            "no endorsing partner is listed",
            "partners",
        ),
        check(
            "hours",
            policy.min_hours <= entry.hours <= policy.max_hours,
            f"{hours} hours is outside the {lo} to {hi} the framework expects",
            "hours",
        ),
        check(
            "weeks",
            entry.weeks <= policy.max_weeks,
            f"{weeks} weeks is longer than the {number_label(policy.max_weeks)} the framework "
            "expects",
            "weeks",
        ),
    ]
