"""Sets of entries as Python integers, one bit an entry: what filtering and counting use.

Facets, ranges and text matches are each a bitset; a search ANDs and ORs them and counts
bits, which is where the speed is (a Whoosh `groupedby` per request is an order of
magnitude slower).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress


def ranks(items, key) -> list[int]:
    """Return each item's position in the order of `key` (items are 0..n-1 or a list)."""
    items = list(items)
    order = sorted(range(len(items)), key=lambda i: key(items[i]))
    ranks = [0] * len(items)
    for position, i in enumerate(order):
        ranks[i] = position
    return ranks


def inverse(ranks: list[int]) -> list[int]:
    """Invert a permutation: ranks[i] = p becomes order[p] = i."""
    order = [0] * len(ranks)
    for i, position in enumerate(ranks):
        order[position] = i
    return order


_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def flags_of(bits: int) -> bytes:
    """Return one byte per position, 1 where `bits` has the bit set (trailing 0s dropped)."""
    # bin() lists the bits, highest first; reversed and mapped to 0/1 bytes, all in C.
    return bin(bits)[:1:-1].encode("ascii").translate(_DIGITS) if bits else b""


SPARSE = 128  # at most this many members, taking the lowest bit off one at a time is faster


def members(bits: int) -> list[int]:
    """Return the positions of the set bits of `bits`, in order."""
    if bits.bit_count() <= SPARSE:  # a skill's browse page, say: some 2 us a member
        out = []
        while bits:
            low = bits & -bits
            out.append(low.bit_length() - 1)
            bits ^= low
        return out
    flags = flags_of(bits)  # some 0.2 ms at 10,000 entries, however many are set
    return list(compress(range(len(flags)), flags))


def bits_of(positions: Iterable[int], size: int) -> int:
    data = bytearray((size + 7) // 8)
    for p in positions:
        data[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(data, "little")
