"""Numbers as the territory's accounts publish them (DESIGN §8): tonnes and GJ to 3 decimals,
per capita to 4, ratios as asked, half up; sums stay exact integers until this last step."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def tonnes(grams: int) -> float:
    """Integer grams as tonnes, 3 decimals."""
    return half_up(Decimal(grams) / 1_000_000, 3)


def gj(kilojoules: int) -> float:
    """Kilojoules as gigajoules, 3 decimals."""
    return half_up(Decimal(kilojoules) / 1_000_000, 3)


def per(numerator: int, denominator: int | None, places: int) -> float | None:
    """numerator / denominator to ``places`` decimals; None when there is nothing to divide by."""
    if not denominator:
        return None
    return half_up(Decimal(numerator) / Decimal(denominator), places)
