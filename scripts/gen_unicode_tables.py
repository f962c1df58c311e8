"""Write static/js/unicode-tables.js and url-tables.js: the data the browser's search needs.

Run with the project's Python (`.venv/bin/python scripts/gen_unicode_tables.py`). The file holds
Whoosh's `accent_map` exactly, plus the parts of this Python's Unicode database that the
analysis depends on, so the browser gives the same tokens whatever Unicode version it has:

- which characters Python's `re` counts as `\\w` (the tokenizer's word characters);
- what `str.lower()` maps each character to;
- which characters are "case-ignorable" and "cased", as `str.lower()` uses them to choose
  between final and medial sigma;
- which characters `str.isspace()` and `str.isprintable()` accept, and which are decimal
  digits to `float()`, for reading search URLs exactly as the server reads them.

`python scripts/gen_unicode_tables.py --check` exits 1 if the file is out of date.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.support.charset import accent_map

OUT = Path(__file__).resolve().parent.parent / "static" / "js" / "unicode-tables.js"
URL_OUT = OUT.with_name("url-tables.js")
MAX = 0x110000
SIGMA, FINAL_SIGMA = "\u03a3", "\u03c2"
WORD = re.compile(r"\w")


def ranges(pred: Callable[[int], bool]) -> list[tuple[int, int]]:
    """The half-open code point ranges [start, end) for which `pred` holds."""
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(MAX + 1):
        ok = cp < MAX and pred(cp)
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp))
            start = None
    return out


def b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = digits[r] + s
        if not n:
            return s


def encode_ranges(rs: Iterable[tuple[int, int]]) -> str:
    """Ranges as base-36 "gap,length" pairs, each gap counted from the previous end."""
    out, prev = [], 0
    for start, end in rs:
        out += [b36(start - prev), b36(end - start)]
        prev = end
    return ",".join(out)


def lower_runs() -> tuple[str, dict[int, str]]:
    """Single-character lowercase mappings as base-36 runs "gap,count,step,delta".

    A run maps start, start+step, ... (count characters) each to itself plus delta (delta
    written with a leading "-" when negative); gap is counted from the previous run's start.
    Mappings to more than one character are returned separately.
    """
    single: list[tuple[int, int]] = []
    multi: dict[int, str] = {}
    for cp in range(MAX):
        low = chr(cp).lower()
        if low == chr(cp):
            continue
        if len(low) == 1:
            single.append((cp, ord(low) - cp))
        else:
            multi[cp] = low
    runs: list[list[int]] = []  # start, count, step, delta
    for cp, delta in single:
        if runs:
            start, count, step, d = runs[-1]
            if d == delta and count == 1 and cp - start <= 2:
                runs[-1][1:3] = [2, cp - start]
                continue
            if d == delta and cp == start + count * step:
                runs[-1][1] += 1
                continue
        runs.append([cp, 1, 1, delta])
    out, prev = [], 0
    for start, count, step, delta in runs:
        sign = "-" if delta < 0 else ""
        out += [b36(start - prev), b36(count), b36(step), sign + b36(abs(delta))]
        prev = start
    return ",".join(out), multi


def is_case_ignorable(c: str) -> bool:
    # A sigma after a cased letter and c is final iff c is skipped (ignorable) or cased;
    # a sigma before c is final iff c is skipped or not cased; a sigma after c alone is
    # final iff c is cased and not skipped.
    return (
        ("A" + c + SIGMA).lower()[-1] == FINAL_SIGMA
        and ("A" + SIGMA + c).lower()[1] == FINAL_SIGMA
        and (c + SIGMA).lower()[-1] != FINAL_SIGMA
    )


def is_cased_not_ignorable(c: str) -> bool:
    return (c + SIGMA).lower()[-1] == FINAL_SIGMA


def digit_ranges() -> list[tuple[int, int]]:
    rs = ranges(lambda cp: unicodedata.decimal(chr(cp), None) is not None)
    for start, end in rs:  # the browser reads a digit's value as its distance from a zero
        for cp in range(start, end):
            assert unicodedata.decimal(chr(cp)) == (cp - start) % 10, hex(cp)
    return rs


def js_string(s: str) -> str:
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(out) + '"'


def generate() -> str:
    pairs = "".join(chr(k) + v for k, v in sorted(accent_map.items()))
    assert all(k < 0x10000 and len(v) == 1 and ord(v) < 0x10000 for k, v in accent_map.items())
    runs, multi = lower_runs()
    lines = [
        "// Generated by scripts/gen_unicode_tables.py from whoosh.support.charset.accent_map and",
        f"// Python's Unicode {unicodedata.unidata_version} database. Do not edit.",
        "",
        "// Whoosh's accent_map (for str.translate), as a string of (from, to) character pairs.",
        f"export const ACCENT_PAIRS = {js_string(pairs)};",
        "",
        '// Characters matched by Python\'s re `\\w`: base-36 ranges, "gap,length" pairs.',
        f"export const WORD_RANGES = {js_string(encode_ranges(ranges(lambda cp: WORD.match(chr(cp)) is not None)))};",  # noqa: E501
        "",
        '// str.lower() for single characters: base-36 runs "gap,count,step,delta".',
        f"export const LOWER_RUNS = {js_string(runs)};",
        "",
        "// str.lower() mappings to more than one character.",
        "export const LOWER_MULTI = {"
        + ", ".join(f"{k}: {js_string(v)}" for k, v in sorted(multi.items()))
        + "};",
        "",
        "// For the final sigma rule of str.lower(): case-ignorable characters, and cased",
        "// characters that are not case-ignorable (ranges as in WORD_RANGES).",
        f"export const CASE_IGNORABLE_RANGES = {js_string(encode_ranges(ranges(lambda cp: is_case_ignorable(chr(cp)))))};",  # noqa: E501
        f"export const CASED_RANGES = {js_string(encode_ranges(ranges(lambda cp: is_cased_not_ignorable(chr(cp)))))};",  # noqa: E501
        "",
    ]
    return "\n".join(lines)


def generate_url_tables() -> str:
    lines = [
        "// Generated by scripts/gen_unicode_tables.py from Python's Unicode",
        f"// {unicodedata.unidata_version} database. Do not edit.",
        "",
        "// For reading search URLs as the server does: str.isspace(), the characters",
        '// str.isprintable() rejects (base-36 ranges, "gap,length" pairs, as in',
        "// unicode-tables.js) and the decimal digits float() accepts.",
        f"export const SPACE_RANGES = {js_string(encode_ranges(ranges(lambda cp: chr(cp).isspace())))};",  # noqa: E501
        f"export const UNPRINTABLE_RANGES = {js_string(encode_ranges(ranges(lambda cp: not chr(cp).isprintable())))};",  # noqa: E501
        "// Each range of digits starts at a zero.",
        f"export const DIGIT_RANGES = {js_string(encode_ranges(digit_ranges()))};",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    stale = 0
    for out, text in ((OUT, generate()), (URL_OUT, generate_url_tables())):
        if "--check" in argv:
            current = out.read_text(encoding="utf-8") if out.exists() else ""
            if current != text:
                print(f"{out} is out of date; run scripts/gen_unicode_tables.py", file=sys.stderr)
                stale = 1
            continue
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out} ({len(text.encode())} bytes)")
    return stale


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
