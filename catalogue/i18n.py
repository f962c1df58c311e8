"""The interface's languages: translations, and money, numbers and dates per locale.

The interface is written in English in the templates and the code; other languages come
from gettext catalogues, `catalogue/translations/<lang>/LC_MESSAGES/messages.po`, read
with Babel when first needed (no compiled .mo files to keep in step). Babel also supplies
the locale data (CLDR) for money and dates: "$1,250" and "3 March 2026" in English,
"1 250 $" and "3 mars 2026" in French.

Strings that live in Python tables (facet and value labels, sort names, table rows) are
marked with `N_` so that `pybabel extract -k N_` finds them, and translated where they are
shown. Entries themselves are not translated: each is in its own language.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_decimal_symbol
from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCE_LANGUAGE = "en"  # the language the templates and code are written in


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark a string for translation where it is declared; it is translated when shown."""
    return text


def interface_languages() -> tuple[str, ...]:
    """The languages the interface can be shown in: English and every catalogue."""
    found = sorted(p.parts[-3] for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of one interface language, read from its .po file."""
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == SOURCE_LANGUAGE or not po.is_file():
        return NullTranslations()
    with po.open("rb") as f:
        catalogue = read_po(f, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled)


@functools.cache
def locale(lang: str, country: str) -> Locale:
    """The CLDR locale for a language in the institution's country (fr + CA: fr_CA),
    or the language alone where CLDR has no such pair."""
    pair = f"{lang}_{country.upper()}" if country else lang
    if localedata.exists(pair):
        return Locale.parse(pair)
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


@dataclass(frozen=True)
class MoneyFormat:
    """How a locale writes an amount of one currency, in the pieces the browser needs
    too (static/js/search-ui.js formats the cost filter's chip with them)."""

    prefix: str
    suffix: str
    group: str
    decimal: str

    def __call__(self, value: float) -> str:
        """Whole amounts without cents (1,250), others with two decimals (12.50)."""
        digits = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        digits = digits.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)
        return f"{self.prefix}{digits}{self.suffix}"


@functools.cache
def money_format(where: Locale, currency: str) -> MoneyFormat:
    """Read the pieces off the locale's own rendering of 1,234,567.89."""
    try:
        text = format_currency(1234567.89, currency, locale=where, currency_digits=False)
    except (ValueError, KeyError):  # a currency CLDR does not know: its code after the amount
        return MoneyFormat("", f"\u00a0{currency}", ",", ".")
    first, last = text.index("1"), text.rindex("9")
    middle = text[first : last + 1]
    group = middle[1 : middle.index("234")]
    decimal = middle[middle.index("567") + 3 : -2]
    return MoneyFormat(text[:first], text[last + 1 :], group, decimal)


@dataclass(frozen=True)
class Formats:
    """Money, numbers and dates as one interface language writes them."""

    lang: str
    where: Locale

    def money(self, value: float, currency: str, free: str) -> str:
        return free if value == 0 else money_format(self.where, currency)(value)

    def number(self, value: float) -> str:
        """40.0 as "40", 12.5 as "12.5" in English and "12,5" in French (no grouping, as
        the browser writes numbers in chips)."""
        text = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
        return text.replace(".", get_decimal_symbol(self.where))

    def count(self, n: int) -> str:
        """A count of entries, grouped: "2,435" in English, "2 435" in French."""
        return format_decimal(n, locale=self.where)

    def long_date(self, day) -> str:
        return format_date(day, "d MMMM y", locale=self.where)

    def short_date(self, day) -> str:
        return format_date(day, "d MMM y", locale=self.where)


def formats(lang: str, country: str) -> Formats:
    return Formats(lang, locale(lang, country))


def plural_table(lang: str) -> list[int]:
    """The plural form gettext picks for 0 to 199, for the browser: enough for the rules
    of every language, which look at n, n % 10 and n % 100 (the browser uses entry
    100 + n % 100 from 200 on)."""
    plural = getattr(translations(lang), "plural", lambda n: int(n != 1))
    return [plural(n) for n in range(200)]


def language_name(lang: str) -> str:
    """A language's name in that language, as a switch to it shows it: "Français"."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` and the word for it, for the commands' English output: "1 error", "2 errors"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
