"""Numbers as the figures publish them (DESIGN §7): kg to 3 decimals, shares to 4, hours to 2,
GJ to 3, all half up; tonnes exact to the gram. Sums stay exact integers until this last step."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FTE_HOURS = 1607  # a French legal working year


def half_up(value: Decimal, places: int) -> float:
    """Round half up to ``places`` decimals, as a JSON number."""
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def kg(grams: int) -> float:
    """Integer grams as kilograms (exact: 3 decimals)."""
    return half_up(Decimal(grams) / 1000, 3)


def tonnes(grams: int) -> float:
    """Integer grams as tonnes, exact to the gram (6 decimals)."""
    return half_up(Decimal(grams) / 1_000_000, 6)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact ratio, or None when there is nothing to divide by."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def share(numerator: int, denominator: int) -> float | None:
    """A fraction with 4 decimals, or None when the denominator is zero."""
    value = ratio(numerator, denominator)
    return None if value is None else half_up(value, 4)


def hours(centi: int) -> float:
    """Hundredths of hours as hours (2 decimals)."""
    return half_up(Decimal(centi) / 100, 2)


def fte(centi: int) -> float:
    """Full-time-equivalent years (hours / 1607), 2 decimals, whatever the period."""
    return half_up(Decimal(centi) / 100 / FTE_HOURS, 2)


def gj(kilojoules: int) -> float:
    """Kilojoules as gigajoules (3 decimals)."""
    return half_up(Decimal(kilojoules) / 1_000_000, 3)


def cents(grams: int, euros_per_tonne: Decimal) -> int:
    """Support in integer cents for a mass at a rate in €/t, rounded half up once."""
    exact = Decimal(grams) * euros_per_tonne * 100 / 1_000_000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
