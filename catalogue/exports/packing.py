"""How the browser's search files write lists of whole numbers and strings compactly:
a character or two a number (`packed`), gaps for ascending numbers, front-coded sorted
strings, and several small ids a character for a facet of a few values. The browser's
search-engine.js reads each back; catalogue/exports/browser.py writes the files."""

from __future__ import annotations

from collections.abc import Iterable

# `packed`'s digits: 32 values for a number's last group, 32 for the groups before it
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def packed(numbers: Iterable[int]) -> str:
    """Whole numbers of 0 or more as text, one to a few characters each: a number's bits
    in groups of five, most significant first, each group one character of ALPHABET,
    with 32 added to every group but the last (so 0-31 take one character, up to 1,023
    two). The browser's `unpacked` reads it back."""
    out = []
    for n in numbers:
        groups = [n & 31]
        n >>= 5
        while n:
            groups.append(32 | (n & 31))
            n >>= 5
        out.extend(ALPHABET[g] for g in reversed(groups))
    return "".join(out)


def unpacked(text: str) -> list[int]:
    """The numbers `packed` wrote."""
    digit = {c: i for i, c in enumerate(ALPHABET)}
    out, n = [], 0
    for c in text:
        d = digit[c]
        n = (n << 5) | (d & 31)
        if d < 32:
            out.append(n)
            n = 0
    return out


def gaps(sorted_numbers: Iterable[int]) -> list[int]:
    """Each number as its distance from the one before (the first from 0)."""
    out, last = [], 0
    for n in sorted_numbers:
        out.append(n - last)
        last = n
    return out


def front_coded(values: list[str]) -> list[int | str]:
    """[n0, rest0, n1, rest1, ...]: each value as the length of the prefix it shares with
    the value before it and the rest, lengths in UTF-16 code units as JavaScript counts.
    Sorted lists of skills share long prefixes, so this is a third smaller once gzipped."""
    out: list[int | str] = []
    previous: list[int] = []
    for value in values:
        units = utf16(value)
        n = 0
        while n < min(len(units), len(previous)) and units[n] == previous[n]:
            n += 1
        if n and 0xD800 <= units[n - 1] < 0xDC00:  # never split a surrogate pair
            n -= 1
        out += [n, value[len(utf16_decode(units[:n])) :]]
        previous = units
    return out


def utf16(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def utf16_decode(units: list[int]) -> str:
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le", "surrogatepass")


def ids_per_character(count: int) -> int:
    """How many ids of `count` values one of ALPHABET's 64 characters holds (at most 6)."""
    per = 1
    while per < 6 and max(count, 2) ** (per + 1) <= len(ALPHABET):
        per += 1
    return per


def digits(ids: list[int], count: int, per: int) -> str:
    """`per` ids a character: each run of `per` ids as one number in base `count`, the
    first id its lowest digit (the last run filled with 0s). The browser's `useColumn`
    reads it back."""
    base = max(count, 2)
    out = []
    for start in range(0, len(ids), per):
        n = 0
        for i in reversed(ids[start : start + per]):
            n = n * base + i
        out.append(ALPHABET[n])
    return "".join(out)


def facet_column(per_entry: list[list[int]], count: int) -> dict:
    """Each entry's value ids (of `count` values), packed: one id an entry when every
    entry has exactly one (`single`), else per entry the number of its ids and then the
    ids as gaps. A single column of a few values holds `per` ids a character instead
    (see `digits`): three of delivery's three modes, two of eight fields."""
    if all(len(ids) == 1 for ids in per_entry):
        per = ids_per_character(count)
        if per > 1:
            return {
                "single": True,
                "per": per,
                "ids": digits([ids[0] for ids in per_entry], count, per),
            }
        return {"single": True, "ids": packed(ids[0] for ids in per_entry)}
    sequence: list[int] = []
    for ids in per_entry:
        sequence.append(len(ids))
        sequence += gaps(sorted(ids))
    return {"single": False, "ids": packed(sequence)}
