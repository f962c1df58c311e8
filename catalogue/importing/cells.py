"""A spreadsheet cell read as a field's value, the way people type it.

Money as `$1,250.00`, `1 250 $`, `Free` or `Gratuit`; durations as `40 hrs` or `8 wks`;
lists split on `;`, `|` or line breaks; dates in ISO form or as Excel dates; `On demand`
for the start; a choice by its value or its label in either language. What comes out is
checked afterwards by the loader itself, so a value that reads but does not fit (a
negative cost) is refused in the loader's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..exports.tabular import FORMULA
from ..fields import Field
from ..fields.kinds import (
    Boolean,
    Choice,
    ChoiceList,
    Date,
    Number,
    Skills,
    Start,
    TextList,
)
from ..fields.occupations import Occupations
from ..i18n import interface_languages, translations
from .columns import folded

FREE_WORDS = {"free", "gratuit", "gratuite", "no cost", "none", "sans frais", "0 $", "$0"}
ON_DEMAND = {"on demand", "on-demand", "a la demande", "anytime", "any time", "self paced",
             "ongoing", "continuous", "en continu"}  # fmt: skip
FREE = {folded(w) for w in FREE_WORDS}
NO_DATES = {folded(w) for w in ON_DEMAND}
TRUE_WORDS = {"true", "yes", "y", "oui", "o", "x", "1", "vrai"}
FALSE_WORDS = {"false", "no", "n", "non", "0", "faux"}
UNITS = {
    "hours": ("h", "hr", "hrs", "hour", "hours", "heure", "heures"),
    "weeks": ("w", "wk", "wks", "week", "weeks", "semaine", "semaines", "sem"),
}
CURRENCY_MARKS = re.compile(
    r"(?i)\b(?:ca|us|c)\$|\$|€|£|\b(?:cad|usd|eur|gbp|euros?)\b|\b(?:us )?dollars?\b"
)
LIST_SPLIT = re.compile(r"\s*(?:;|\||\r?\n)\s*")


class CellError(ValueError):
    """A cell that cannot be read as its field's value; the text says what was expected."""


def neutralised(text: str) -> str:
    """A cell as written before an export guarded it: `'=x` -> `=x`."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA:
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().replace("\r\n", "\n").replace("\r", "\n")
    return neutralised(text)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_cell(f: Field, value: Any, values: Mapping[str, str] | None = None) -> Any:
    """The value of `f` that the cell holds, or CellError. `values` is the map's
    `[values.<field>]` table: cell text -> the field's value."""
    if values and not isinstance(value, int | float | dt.date):
        key = folded(cell_text(value))
        for written, meant in values.items():
            if folded(written) == key:
                value = meant
                break
    kind = f.kind
    if isinstance(kind, Number):
        return number(f, value)
    if isinstance(kind, Boolean):
        return boolean(value)
    if isinstance(kind, Date):
        return date(value)
    if isinstance(kind, Start):
        return start(value)
    if isinstance(kind, Choice):
        return choice(f, value)
    if isinstance(kind, ChoiceList):
        return [choice(f, part) for part in parts(value)]
    if isinstance(kind, Occupations):
        return [occupation(part) for part in parts(value)]
    if isinstance(kind, Skills):
        return [skill(part) for part in parts(value)]
    if isinstance(kind, TextList):
        return parts(value)
    return cell_text(value)


def parts(value: Any) -> list[str]:
    return [p for p in LIST_SPLIT.split(cell_text(value)) if p]


def occupation(text: str) -> str | dict[str, str]:
    """`21112 Agricultural representatives` (as the CSV writes a career) -> code and name."""
    found = re.fullmatch(r"(\d{4,6})\s*[-–:]?\s+(\S.*)", text)
    return {"code": found.group(1), "name": found.group(2)} if found else text


def skill(text: str) -> str | dict[str, str]:
    """`Reading charts <http://...>` (as the CSV writes a skill) -> name and address."""
    found = re.fullmatch(r"(.+?)\s*<(https?://[^\s<>]+)>", text)
    return {"name": found.group(1), "uri": found.group(2)} if found else text


CURRENCY_OF_MARK = [
    (re.compile(r"(?i)\bus\$|\busd\b|\bus dollars?\b"), "USD"),
    (re.compile(r"(?i)\bca\$|\bcad\b|\bc\$"), "CAD"),
    (re.compile(r"€|(?i:\beur\b|\beuros?\b)"), "EUR"),
    (re.compile(r"£|(?i:\bgbp\b)"), "GBP"),
]


def currency_mark(value: Any) -> str | None:
    """The currency a money cell names by its mark (`650 €`, `US$650`), if any: a bare `$`
    names none, being the site's own dollar."""
    if not isinstance(value, str):
        return None
    return next((code for mark, code in CURRENCY_OF_MARK if mark.search(value)), None)


def number(f: Field, value: Any) -> float:
    if isinstance(value, bool):
        raise CellError(f"expected a number such as {f.example}; got '{value}'")
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value)
    if f.name == "cost" and folded(text) in FREE:
        return 0.0
    text = CURRENCY_MARKS.sub("", text).strip()
    found = re.fullmatch(r"([\d.,\s]+?)\s*([a-z]+)", folded(text))
    unit = found.group(2) if found else ""
    if unit:
        if unit not in UNITS.get(f.name, ()):
            raise CellError(f"expected a number such as {f.example}; got '{text}'")
        text = re.sub(r"(?i)[a-zé]+\.?\s*$", "", text)
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")  # 1,250.00
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}", text):
        text = text.replace(".", "").replace(",", ".")  # 1.250,00 (a lone dot is a decimal)
    elif re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # 12,5
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        expected = 'a number or "free"' if f.name == "cost" else f"a number such as {f.example}"
        raise CellError(f"expected {expected}; got '{cell_text(value)}'")
    return float(text)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = folded(cell_text(value))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"expected yes or no; got '{cell_text(value)}'")


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a date cell of Excel's comes as a date; a number is a year or a count, not a date
        raise CellError(f"expected a date as YYYY-MM-DD; got the number {cell_text(value)}")
    text = cell_text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"expected a date as YYYY-MM-DD; got '{text}'") from None


def start(value: Any) -> list[dt.date] | str:
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return [date(value)]
    text = cell_text(value)
    if folded(text) in NO_DATES:
        return "on-demand"
    pieces = [p for p in re.split(r"\s*(?:;|\||,|\r?\n)\s*", text) if p]
    try:
        return sorted({date(p) for p in pieces})
    except CellError:
        raise CellError(
            f"expected On demand or dates as YYYY-MM-DD separated by ';'; got '{text}'"
        ) from None


# Delivery as other systems write it (Credential Engine's terms, `deliveryType:OnlineOnly`
# folded to `onlineonly`, and course calendars' words), by folded spelling.
DELIVERY_WORDS = {
    "online": "online", "online only": "online", "onlineonly": "online", "distance": "online",
    "distance learning": "online", "a distance": "online", "virtual": "online",
    "in person only": "in-person", "inperson": "in-person", "inpersononly": "in-person",
    "in class": "in-person",
    "face to face": "in-person", "on campus": "in-person", "classroom": "in-person",
    "en classe": "in-person", "sur le campus": "in-person", "blended": "hybrid",
    "blended delivery": "hybrid", "blendeddelivery": "hybrid", "mixed": "hybrid",
    "hybride": "hybrid", "comodal": "hybrid",
}  # fmt: skip


def choice(f: Field, value: Any) -> str:
    text = cell_text(value)
    key = folded(text.split(":", 1)[1] if text.startswith("deliveryType:") else text)
    if f.name == "delivery" and key in DELIVERY_WORDS:
        return DELIVERY_WORDS[key]
    # left as typed when nothing matches: the loader says what is expected
    return spellings(f).get(key, text)


_SPELLINGS: dict[tuple, dict[str, str]] = {}


def spellings(f: Field) -> dict[str, str]:
    """Every spelling of each of the field's choices: {folded spelling: choice}."""
    key = (f.name, f.choices, tuple(f.labels.items()))
    if key not in _SPELLINGS:
        found: dict[str, str] = {}
        langs = ("en", *interface_languages())
        for option in f.choices:
            names = {folded(option)}
            label = f.labels.get(option)
            if label:
                names |= {folded(translations(lang).gettext(label)) for lang in langs}
            if f.name == "language":
                names |= language_names(option, langs)
            for name in names:
                found.setdefault(name, option)
        _SPELLINGS[key] = found
    return _SPELLINGS[key]


def language_names(code: str, languages: tuple[str, ...]) -> set[str]:
    from babel import Locale

    names = {folded(code)}
    for lang in languages:
        try:
            names.add(folded(Locale.parse(code).get_display_name(lang)))
        except (ValueError, TypeError):
            continue
    return names
