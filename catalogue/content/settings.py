"""Site settings from `site.toml` in the content folder."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath

from ..facets import FACETS_BY_NAME
from ..fields.occupations import OCCUPATION_SCHEMES
from ..i18n import SOURCE_LANGUAGE, interface_languages
from .countries import ALPHA3
from .errors import ContentError
from .organisations import Organisation, load_organisations
from .tomlread import read_toml, table_line


@dataclass(frozen=True)
class Policy:
    """Framework-check thresholds; an institution sets its own in `[policy]`."""

    min_hours: float = 5
    max_hours: float = 300
    max_weeks: float = 11
    require_partner: bool = True
    require_framework: bool = True
    min_assessment_words: int = 8


@dataclass(frozen=True)
class Colours:
    """The interface's colours, as `#rrggbb`; an institution sets its own in `[colours]`."""

    brand: str = "#0f5c6e"  # links, buttons, selected filters (white text sits on it)
    brand_dark: str = "#0a4351"  # hover, the home page banner
    brand_soft: str = "#e3f1f4"  # tags and highlights (brand_dark text sits on it)
    accent: str = "#b4491b"  # the home page's search button (white text sits on it)


@dataclass(frozen=True)
class Cms:
    """Editing through a git host, in `[cms]`: the static site's /admin/ then signs editors
    in to it, and their saves become commits (or pull requests, with the workflow)."""

    backend: str = ""  # github, gitlab or gitea; empty: /admin/ only under `catalogue serve`
    repo: str = ""  # owner/name
    branch: str = "main"
    content_path: str = "content"  # the content folder's path in the repository
    editorial_workflow: bool = False  # drafts and reviews as pull (merge) requests
    base_url: str = ""  # GitHub: the OAuth service; GitLab, Gitea: the server (own hosting)
    app_id: str = ""  # GitLab and Gitea: the OAuth application's id
    api_root: str = ""  # the host's API, when it is not the public one


CMS_BACKENDS = ("github", "gitlab", "gitea")


@dataclass(frozen=True)
class SearchSettings:
    """`[search]`: what the live server keeps of the searches learners make."""

    # a JSON-lines file in the content folder that the live server appends each search to
    # (docs/search.md); empty: no log
    log: str = ""
    log_max_mb: int = 10  # past this the log is rotated: searches.jsonl.1, .2 ... .5


@dataclass(frozen=True)
class Site:
    name: str = "Micro-credential catalogue"
    tagline: str = "Short, assessed, industry-endorsed learning."
    organisation: str = ""
    base_url: str = ""
    notice: str = ""
    currency: str = "CAD"
    language: str = "en"  # the language of entries that do not name theirs
    languages: tuple[str, ...] = ()  # the interface's languages, the first at the site's root
    country: str = "CA"  # ISO 3166 code: how money, numbers and dates are written
    contact: str = ""  # an e-mail address or a web address, shown in the footer
    logo: str = ""  # an image in the content folder, shown beside the name
    theme: str = ""  # a folder of templates/ and static/ that override the defaults
    facets: tuple[str, ...] = ()  # which filters show, in this order; empty means all
    occupation_scheme: str = "NOC 2021"  # the scheme of the `occupations` field's codes
    # the pages that may show /embed/ in a frame, as origins (https://college.example);
    # empty: any page
    embed_origins: tuple[str, ...] = ()
    policy: Policy = field(default_factory=Policy)
    colours: Colours = field(default_factory=Colours)
    cms: Cms = field(default_factory=Cms)
    search: SearchSettings = field(default_factory=SearchSettings)
    # what registries need of issuers and partners: [organisations."Name"] tables
    organisations: dict[str, Organisation] = field(default_factory=dict)
    # the name, tagline, notice and organisation in other languages: a [fr] table, say
    translated: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def custom_colours(self) -> bool:
        return self.colours != Colours()

    def in_language(self, lang: str) -> Site:
        """These settings with the texts written for `lang` in its table, if any."""
        texts = self.translated.get(lang)
        return replace(self, **texts) if texts else self

    @property
    def interface_languages(self) -> tuple[str, ...]:
        """The languages offered, the default first: `languages`, else the entries'
        `language` where the interface has it, else English."""
        if self.languages:
            return self.languages
        return (self.language,) if self.language in interface_languages() else (SOURCE_LANGUAGE,)


def _known(cls) -> dict[str, type]:
    return {f.name: f.type for f in fields(cls)}


TABLES = {"policy": Policy, "colours": Colours, "cms": Cms, "search": SearchSettings}
TRANSLATED = ("name", "tagline", "notice", "organisation")  # what a [fr] table may set
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
HEX = re.compile(r"#[0-9a-fA-F]{6}")


# (text colour, background, what it is): pairs the interface draws text in.
CONTRASTS = (
    ("white", "brand", "white text on brand"),
    ("white", "brand_dark", "white text on brand_dark"),
    ("white", "accent", "white text on accent"),
    ("brand_dark", "brand_soft", "brand_dark text on brand_soft"),
)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours given as #rrggbb (or "white")."""

    def luminance(colour: str) -> float:
        colour = "#ffffff" if colour == "white" else colour
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _line_of(text: str, key: str, table: str = "") -> int:
    """The line where `key` is set in the TOML `text` (inside `[table]` if given), else 1."""
    lines = text.splitlines()
    start = 0
    if table:
        header = re.compile(rf"\s*\[{re.escape(table)}\]\s*(#.*)?$")
        start = next((i + 1 for i, line in enumerate(lines) if header.match(line)), 0)
    pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if table and lines[i].lstrip().startswith("[") and i >= start:
            break
        if pattern.match(lines[i]):
            return i + 1
    return 1


def _check_table(table: dict, cls, where: str, path: str, errors: list, text: str = "") -> dict:
    """Keep the keys of `table` that `cls` knows and have the right type; report the rest."""
    kept = {}
    known = [f.name for f in fields(cls) if f.name not in (*TABLES, "translated", "organisations")]
    line = lambda key: _line_of(text, key, where.rstrip("."))  # noqa: E731
    defaults = cls()
    # at the top, the tables may be misspelt too ([colors])
    tables = [] if where else [*TABLES, "organisations", *interface_languages()]
    for key, value in table.items():
        if key not in known:
            if isinstance(value, dict) and tables:
                hint = difflib.get_close_matches(key, tables, n=1)
                extra = f"; did you mean [{hint[0]}]?" if hint else f"; known: {', '.join(tables)}"
                errors.append(
                    ContentError(path, table_line(text, key), key, f"unknown table [{key}]{extra}")
                )
                continue
            hint = difflib.get_close_matches(key, known + tables, n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(known)}"
            at = line(key) if where else table_line(text, key)
            errors.append(ContentError(path, at, f"{where}{key}", f"unknown setting{extra}"))
            continue
        expected = type(getattr(defaults, key))
        if expected is tuple:  # a list of strings
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
            name = "a list of names"
        else:
            ok = isinstance(value, expected) or (expected is float and isinstance(value, int))
            name = expected.__name__
        if isinstance(value, bool) and expected is not bool:
            ok = False
        if not ok:
            errors.append(
                ContentError(path, line(key), f"{where}{key}", f"expected {name}; got {value!r}")
            )
            continue
        kept[key] = value
    return kept


def load_site(content_dir: Path, errors: list[ContentError], last_good: Site | None = None) -> Site:
    """Read `site.toml`; report problems into `errors` and fall back to defaults for what
    is wrong. A line TOML cannot read is left out; with `last_good` (the settings a
    running server has), a file that cannot be read whole keeps those instead."""
    path = content_dir / "site.toml"
    if not path.exists():
        return Site()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(ContentError(str(path), 1, None, f"cannot read settings: {exc}"))
        return last_good or Site()
    data, whole = read_toml(text, str(path), errors)
    if not whole and last_good is not None:
        return last_good
    tables = {}
    for name, cls in TABLES.items():
        table = data.pop(name, {})
        if not isinstance(table, dict):
            errors.append(
                ContentError(str(path), _line_of(text, name), name, f"expected a [{name}] table")
            )
            table = {}
        tables[name] = cls(**_check_table(table, cls, f"{name}.", str(path), errors, text))
    organisations = load_organisations(data.pop("organisations", {}), str(path), text, errors)
    translated = {}
    for lang in interface_languages():
        table = data.pop(lang, None)
        if table is None:
            continue
        if not isinstance(table, dict):
            errors.append(
                ContentError(str(path), _line_of(text, lang), lang, f"expected a [{lang}] table")
            )
            continue
        kept = {}
        for key, value in table.items():
            where = (str(path), _line_of(text, key, lang), f"{lang}.{key}")
            if key not in TRANSLATED:
                errors.append(
                    ContentError(
                        *where, f"unknown setting; a [{lang}] table may set {', '.join(TRANSLATED)}"
                    )  # fmt: skip
                )
            elif not isinstance(value, str):
                errors.append(ContentError(*where, f"expected text; got {value!r}"))
            else:
                kept[key] = value
        translated[lang] = kept
    site = _check_table(data, Site, "", str(path), errors, text)
    problem = lambda key, message: errors.append(  # noqa: E731
        ContentError(str(path), _line_of(text, key), key, message)
    )
    for key, value in vars(tables["colours"]).items():
        if not HEX.fullmatch(value):
            errors.append(
                ContentError(
                    str(path),
                    _line_of(text, key, "colours"),
                    f"colours.{key}",
                    f"expected a colour such as #0f5c6e; got {value!r}",
                )  # fmt: skip
            )
            tables["colours"] = replace(tables["colours"], **{key: getattr(Colours(), key)})
    for fore, back, what in CONTRASTS:
        pick = lambda name: name if name == "white" else getattr(tables["colours"], name)  # noqa: E731
        ratio = contrast(pick(fore), pick(back))
        if ratio < 4.5:
            key = fore if fore != "white" else back
            errors.append(
                ContentError(
                    str(path),
                    _line_of(text, key, "colours"),
                    f"colours.{key}",
                    f"{what} has a contrast of {ratio:.1f}:1; text needs 4.5:1 to be read "
                    "easily (WCAG AA)",
                    severity="warning",
                )  # fmt: skip
            )
    if "facets" in site:
        unknown = [f for f in site["facets"] if f not in FACETS_BY_NAME]
        if unknown:
            problem("facets", f"unknown filter {unknown[0]!r}; known: {', '.join(FACETS_BY_NAME)}")
            del site["facets"]
        elif len(set(site["facets"])) != len(site["facets"]):
            problem("facets", "a filter is named twice")
            del site["facets"]
    if "languages" in site:
        offered = interface_languages()
        unknown = [lang for lang in site["languages"] if lang not in offered]
        if unknown:
            problem(
                "languages",
                f"no interface in {unknown[0]!r}; the interface comes in {', '.join(offered)}",
            )
            site["languages"] = tuple(lang for lang in site["languages"] if lang in offered)
        if len(set(site["languages"])) != len(site["languages"]):
            problem("languages", "a language is named twice")
            site["languages"] = tuple(dict.fromkeys(site["languages"]))
    if "country" in site and site["country"].upper() not in ALPHA3:
        problem(
            "country",
            f"expected an ISO 3166 two-letter country code such as CA; got {site['country']!r}",
        )
        del site["country"]
    if site.get("logo"):
        logo = content_dir / site["logo"]
        if logo.suffix.lower() not in LOGO_TYPES:
            problem("logo", f"expected an image ({', '.join(LOGO_TYPES)}); got {site['logo']!r}")
            del site["logo"]
        elif not logo.is_file() or not logo.resolve().is_relative_to(content_dir.resolve()):
            problem("logo", f"no file {site['logo']!r} in the content folder")
            del site["logo"]
    tables["cms"] = _check_cms(
        tables["cms"],
        lambda key, message: errors.append(
            ContentError(str(path), _line_of(text, key, "cms"), f"cms.{key}", message)
        ),
    )
    log = tables["search"].log
    if log and (PurePosixPath(log).is_absolute() or ".." in PurePosixPath(log).parts):
        errors.append(
            ContentError(
                str(path), _line_of(text, "log", "search"), "search.log",
                f"expected a file name in the content folder, such as searches.jsonl; got {log!r}",
            )  # fmt: skip
        )
        tables["search"] = replace(tables["search"], log="")
    if tables["search"].log_max_mb < 1:
        tables["search"] = replace(tables["search"], log_max_mb=SearchSettings.log_max_mb)
    if "occupation_scheme" in site and site["occupation_scheme"] not in OCCUPATION_SCHEMES:
        known = ", ".join(OCCUPATION_SCHEMES)
        problem("occupation_scheme", f"expected one of {known}; got {site['occupation_scheme']!r}")
        del site["occupation_scheme"]
    if "embed_origins" in site:
        good = tuple(
            o
            for o in site["embed_origins"]
            if re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?|\*", o)
        )
        for origin in site["embed_origins"]:
            if origin not in good:
                problem(
                    "embed_origins",
                    f"expected origins such as https://college.example (no path); got {origin!r}",
                )
        # the good ones; if none is, no page may frame the embed (not: any page)
        site["embed_origins"] = good or ("'none'",)
    if site.get("theme") and not (content_dir / site["theme"]).is_dir():
        problem("theme", f"no folder {site['theme']!r} in the content folder")
        del site["theme"]
    return Site(**site, **tables, organisations=organisations, translated=translated)


def _check_cms(cms: Cms, problem) -> Cms:
    """The [cms] settings if they name a usable git host; otherwise none, with the reason."""
    if not cms.backend:
        return cms
    if cms.backend not in CMS_BACKENDS:
        problem("backend", f"expected one of {', '.join(CMS_BACKENDS)}; got {cms.backend!r}")
    elif not re.fullmatch(r"[\w.-]+(/[\w.-]+)+", cms.repo):
        problem("repo", f"expected the repository as owner/name; got {cms.repo!r}")
    elif cms.backend == "gitea" and cms.editorial_workflow:
        problem("editorial_workflow", "Decap CMS offers no editorial workflow on Gitea")
    elif cms.backend in ("gitlab", "gitea") and not cms.app_id:
        problem("app_id", f"{cms.backend} signs editors in with an OAuth application: give its id")
    else:
        return cms
    return Cms()
