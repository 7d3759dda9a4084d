"""Numbers, money and dates as French readers expect them: 1 234,5 t, 12,3 %, 1 234,56 €."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

THIN_SPACE = "\u202f"  # the narrow no-break space between thousands (and before units)
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ROUTE_NAMES = {
    "reuse": "Réemploi",
    "recycling": "Recyclage",
    "csr": "CSR",
    "energy": "Valorisation énergétique",
    "disposal": "Élimination",
    "loss": "Pertes",
    "unsorted": "Non trié",
}
FILIERE_NAMES = {"textile": "Textiles usagés", "wood": "Bois-énergie", "flax": "Lin"}


def number(value: float | int | Decimal, decimals: int = 1) -> str:
    """``1234.56`` → ``1 234,6`` (half up, narrow no-break spaces between thousands)."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def tonnes(kilograms: float, decimals: int = 1) -> str:
    return f"{number(kilograms / 1000, decimals)}{THIN_SPACE}t"


def euros(cents: int) -> str:
    return f"{number(Decimal(cents) / 100, 2)}{THIN_SPACE}€"


def percent(fraction: float | None, decimals: int = 1) -> str:
    if fraction is None:
        return "—"
    return f"{number(fraction * 100, decimals)}{THIN_SPACE}%"


def long_date(day: date) -> str:
    """``1er juillet 2026``."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def tonnes_short(kilograms: float) -> str:
    """Tonnes with as many decimals as a reader needs: 1 234 t, 56,3 t, 0,412 t."""
    return f"{tonnes_figure(kilograms)}{THIN_SPACE}t"


def tonnes_figure(kilograms: float) -> str:
    """The number of :func:`tonnes_short`, without its unit (for tables headed in tonnes)."""
    size = abs(kilograms)
    if size == 0:
        return "0"
    return number(kilograms / 1000, 0 if size >= 100_000 else 1 if size >= 1000 else 3)
