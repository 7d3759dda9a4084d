"""QR matrices for labels, built with ``qrcode`` but with a fast mask selection.

``qrcode`` chooses the data mask by laying the data out 8 times and scoring each layout in
pure Python, about 10 ms per symbol: 10 s of a 1,000-label sheet. Here the data is laid
out once (with mask 0); since a mask only XORs the data modules with a fixed pattern, the 8
candidates are obtained by XOR on whole rows held as integers, their format information is
rewritten, and the ISO/IEC 18004 penalty (same rules and weights as ``qrcode``) is scored
with bitwise operations and regular expressions. The result is identical to what
``qrcode`` produces for the chosen mask (the tests check it for all 8 masks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise, product

import qrcode
from qrcode import util as qr_util

__all__ = ["EC_LEVELS", "QRMatrix", "penalty", "qr_matrix"]

# Format-information indicators of the error-correction levels (ISO/IEC 18004 table 12).
EC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_LONG_RUN = re.compile(r"0{5,}|1{5,}")
_BOOL_DIGITS = bytes.maketrans(b"\x00\x01", b"01")  # bytes([False, True]) -> b"01"


@dataclass(frozen=True)
class QRMatrix:
    """A QR symbol without quiet zone: ``rows[r]`` has bit ``size - 1 - c`` set when the
    module at row ``r``, column ``c`` is dark."""

    size: int
    rows: tuple[int, ...]
    version: int
    mask: int

    def is_dark(self, row: int, col: int) -> bool:
        """Tell whether the module at (``row``, ``col``) is dark."""
        return bool(self.rows[row] >> (self.size - 1 - col) & 1)

    def runs(self) -> list[tuple[int, int, int]]:
        """Return the horizontal runs of dark modules as ``(row, first_col, length)``.

        Drawing runs instead of single modules divides the number of shapes by ~2.5.
        """
        found: list[tuple[int, int, int]] = []
        for r, bits in enumerate(self.rows):
            text = format(bits, f"0{self.size}b")
            found.extend((r, m.start(), m.end() - m.start()) for m in re.finditer("1+", text))
        return found


def _bits(size: int, cells: list[tuple[int, int]]) -> tuple[int, ...]:
    rows = [0] * size
    for r, c in cells:
        rows[r] |= 1 << (size - 1 - c)
    return tuple(rows)


@cache
def _reserved(version: int) -> tuple[int, ...]:
    """Modules that are not data: finders, separators, timing, alignment, format, version."""
    n = version * 4 + 17
    cells = [(r, c) for r in range(8) for c in range(8)]
    cells += [(r, n - 1 - c) for r in range(8) for c in range(8)]
    cells += [(n - 1 - r, c) for r in range(8) for c in range(8)]
    cells += [(6, i) for i in range(n)] + [(i, 6) for i in range(n)]
    centres = qr_util.pattern_position(version)
    for r, c in product(centres, centres):
        if (r < 8 and c < 8) or (r < 8 and c > n - 9) or (r > n - 9 and c < 8):
            continue  # would overlap a finder pattern: ISO leaves these out
        cells += [(r + dr, c + dc) for dr in range(-2, 3) for dc in range(-2, 3)]
    cells += [(8, i) for i in range(9)] + [(i, 8) for i in range(9)]
    cells += [(8, n - 1 - i) for i in range(8)] + [(n - 1 - i, 8) for i in range(8)]
    if version >= 7:
        cells += [(r, n - 11 + c) for r in range(6) for c in range(3)]
        cells += [(n - 11 + r, c) for r in range(3) for c in range(6)]
    return _bits(n, cells)


@cache
def _mask_pattern(version: int, mask: int) -> tuple[int, ...]:
    """Data modules flipped by ``mask`` (reserved modules excluded)."""
    n = version * 4 + 17
    flip = qr_util.mask_func(mask)
    pattern = _bits(n, [(r, c) for r in range(n) for c in range(n) if flip(r, c)])
    return tuple(p & ~res for p, res in zip(pattern, _reserved(version), strict=True))


@cache
def _format_info(version: int, ec: int, mask: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(area, dark modules) of the two copies of the format information, plus the dark
    module, placed as in ISO/IEC 18004 section 7.9 (and ``qrcode``'s ``setup_type_info``)."""
    n = version * 4 + 17
    bits = qr_util.BCH_type_info((ec << 3) | mask)
    vertical = [(i if i < 6 else i + 1 if i < 8 else n - 15 + i, 8) for i in range(15)]
    horizontal = [(8, n - 1 - i if i < 8 else 15 - i if i < 9 else 14 - i) for i in range(15)]
    dark = [cell for i in range(15) if bits >> i & 1 for cell in (vertical[i], horizontal[i])]
    return _bits(n, [*vertical, *horizontal, (n - 8, 8)]), _bits(n, [*dark, (n - 8, 8)])


def penalty(rows: tuple[int, ...] | list[int], size: int) -> int:
    """ISO/IEC 18004 mask penalty (N1 runs, N2 blocks, N3 finder-like, N4 balance)."""
    lines = [format(bits, f"0{size}b") for bits in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    # One string for all rows and columns: the separator stops runs and patterns at line
    # ends, and the regex engine does the scanning in C.
    text = "|".join(lines)
    runs = _LONG_RUN.findall(text)
    score = sum(map(len, runs)) - 2 * len(runs)
    # Neither pattern can overlap itself, so the (non-overlapping) str.count is exact.
    score += 40 * (text.count("10111010000") + text.count("00001011101"))
    pair_mask = (1 << (size - 1)) - 1
    for top, bottom in pairwise(rows):
        same = ~(top ^ bottom) & ~(top ^ (top >> 1)) & ~(bottom ^ (bottom >> 1)) & pair_mask
        score += 3 * same.bit_count()
    dark = sum(bits.bit_count() for bits in rows)
    # Same float arithmetic as qrcode's level-4 rule, so scores are comparable.
    score += 10 * int(abs(dark / size**2 * 100 - 50) / 5)
    return score


def qr_matrix(data: str, ec: str = "H", mask: int | None = None) -> QRMatrix:
    """Encode ``data`` in the smallest QR version for level ``ec``.

    The mask is the one with the lowest penalty unless ``mask`` (0-7) forces one.
    """
    if mask is not None and mask not in range(8):
        raise ValueError(f"mask must be 0-7 (got {mask})")
    level = EC_LEVELS[ec]
    code = qrcode.QRCode(error_correction=level, border=0, mask_pattern=0)
    code.add_data(data)
    code.make(fit=True)
    version: int = code.version
    n = version * 4 + 17
    masked0 = [int(bytes(row).translate(_BOOL_DIGITS), 2) for row in code.modules]
    # Undo mask 0 to get the raw data layout (format bits are overwritten below anyway).
    raw = [row ^ flip for row, flip in zip(masked0, _mask_pattern(version, 0), strict=True)]
    best: QRMatrix | None = None
    best_score = 0
    for candidate in range(8) if mask is None else (mask,):
        area, dark = _format_info(version, level, candidate)
        rows = tuple(
            ((row ^ flip) & ~fmt_area) | fmt_dark
            for row, flip, fmt_area, fmt_dark in zip(
                raw, _mask_pattern(version, candidate), area, dark, strict=True
            )
        )
        score = penalty(rows, n) if mask is None else 0
        if best is None or score < best_score:
            best, best_score = QRMatrix(n, rows, version, candidate), score
    assert best is not None
    return best
