"""Label codes: short, human-typable, self-checking identifiers printed on bale labels.

Format
------
A code is 9 symbols of the Crockford base32 alphabet (``0-9 A-Z`` without ``I L O U``):
8 random data symbols followed by 1 check symbol from the *same* alphabet. It is displayed
in three groups of three, ``XXX-XXX-XXX`` (e.g. ``7K4-M9Q-PRX``): groups of three are the
easiest to read aloud, keep in short-term memory and retype. Hyphens, spaces and case are
not significant; ``I``/``L`` are read as ``1`` and ``O`` as ``0`` (Crockford aliases), so
the characters people confuse map to the same code. ``U`` is not used (as in Crockford).
The data part gives 32**8 = 2**40 (about 1.1e12) codes.

Check algorithm
---------------
Each symbol value is an element of GF(32) = GF(2)[x] / (x^5 + x^2 + 1) (5 bits).  With
``a = x`` (a primitive element, of order 31) and symbols ``v_0 .. v_8`` (``v_8`` the check),
a valid code satisfies::

    sum_{i=0..7} a^(i+1) * v_i  +  v_8  ==  0        (addition in GF(32) is XOR)

so the check is ``v_8 = sum a^(i+1) v_i``.  The weights ``a^1 .. a^8, a^0`` are distinct and
nonzero.  Hence:

* a single substitution ``v_i -> v_i + e`` (``e != 0``) changes the sum by ``w_i * e != 0``;
* swapping positions ``i`` and ``j`` with ``v_i != v_j`` changes it by
  ``(w_i + w_j) * (v_i + v_j)``, nonzero because ``w_i != w_j`` and a field has no zero
  divisors.

Every single-character error and every transposition (adjacent or not, including one
involving the check symbol) is therefore detected.  The tests verify this exhaustively.
"""

from __future__ import annotations

import random
import secrets

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "DATA_LENGTH",
    "InvalidLabelCode",
    "check_character",
    "compact",
    "generate_codes",
    "is_valid",
    "normalize",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 8
CODE_LENGTH = DATA_LENGTH + 1
GROUP = 3

_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Crockford decoding aliases: the letters people confuse with digits.
_ALIASES = {"I": "1", "L": "1", "O": "0"}
# Separators people type or that word processors substitute for a hyphen.
_SEPARATORS = frozenset(" \t\n\r-\u2010\u2011\u2012\u2013\u2014\u2212_.")

_POLY = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


def _gf_mul(a: int, b: int) -> int:
    """Multiply two GF(32) elements (carry-less product reduced modulo ``_POLY``)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLY
    return product


def _powers(count: int) -> tuple[int, ...]:
    powers = [1]
    for _ in range(count - 1):
        powers.append(_gf_mul(powers[-1], 0b10))
    return tuple(powers)


# Weight of data position i is a^(i+1); the check symbol has weight a^0 = 1.
_WEIGHTS = _powers(DATA_LENGTH + 1)[1:]
# Precomputed products so that checking a code is 8 table look-ups and XORs.
_PRODUCTS = tuple(tuple(_gf_mul(w, v) for v in range(32)) for w in _WEIGHTS)


class InvalidLabelCode(ValueError):
    """Raised when a text cannot be a label code; the message is meant for humans."""


def _clean(text: str) -> str:
    """Uppercase, drop separators and apply aliases; reject characters outside the alphabet."""
    symbols: list[str] = []
    for char in text.upper():
        if char in _SEPARATORS:
            continue
        char = _ALIASES.get(char, char)
        if char not in _VALUE:
            if char == "U":
                hint = "the letter U is never used in label codes"
            else:
                hint = "label codes use only digits and the letters A-Z except I, L, O and U"
            raise InvalidLabelCode(f"{char!r} cannot appear in a label code: {hint}.")
        symbols.append(char)
    return "".join(symbols)


def _checksum(symbols: str) -> str:
    total = 0
    for products, symbol in zip(_PRODUCTS, symbols, strict=True):
        total ^= products[_VALUE[symbol]]
    return ALPHABET[total]


def _display(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def check_character(data: str) -> str:
    """Return the check symbol for 8 data symbols (separators, case and aliases allowed)."""
    symbols = _clean(data)
    if len(symbols) != DATA_LENGTH:
        raise InvalidLabelCode(
            f"A label code has {DATA_LENGTH} data characters before its check character "
            f"(got {len(symbols)})."
        )
    return _checksum(symbols)


def normalize(text: str) -> str:
    """Return the canonical display form (``XXX-XXX-XXX``) of a typed or scanned code.

    Case, spaces and hyphens are ignored and Crockford aliases are applied. Raises
    :class:`InvalidLabelCode` with a message for the operator when the text has the wrong
    length, contains a character that is not in the alphabet, or fails the check character
    (which means a character was mistyped).
    """
    symbols = _clean(text)
    if len(symbols) != CODE_LENGTH:
        raise InvalidLabelCode(
            f"A label code has {CODE_LENGTH} characters, like 7K4-M9Q-PRX (got {len(symbols)})."
        )
    if _checksum(symbols[:DATA_LENGTH]) != symbols[DATA_LENGTH]:
        raise InvalidLabelCode(
            f"{_display(symbols)} is not a valid label code: a character was probably "
            "mistyped or two were swapped."
        )
    return _display(symbols)


def compact(text: str) -> str:
    """Return the validated code without separators (the form used in label URLs)."""
    return normalize(text).replace("-", "")


def is_valid(text: str) -> bool:
    """Tell whether ``text`` normalises to a label code with a correct check character."""
    try:
        normalize(text)
    except InvalidLabelCode:
        return False
    return True


def generate_codes(count: int, rng: random.Random | None = None) -> list[str]:
    """Return ``count`` distinct random codes in display form.

    Codes are drawn with :mod:`secrets` unless a seeded ``rng`` is given (tests, demos).
    """
    if count < 0:
        raise ValueError(f"count must be >= 0 (got {count})")
    bits = 5 * DATA_LENGTH
    draw = secrets.randbits if rng is None else rng.getrandbits
    codes: dict[str, None] = {}  # a dict keeps insertion order, unlike a set
    while len(codes) < count:
        value = draw(bits)
        data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(DATA_LENGTH))
        codes[_display(data + _checksum(data))] = None
    return list(codes)
