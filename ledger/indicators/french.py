"""Numbers, money and dates as French readers expect them in the PDF statement (a French
document): 1 234,5 t, 12,3 %, 1 234,56 €. The pages write them in their reader's language
(``ledger.web.desk.formats``)."""

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


def number(value: float | int | Decimal, decimals: int = 1) -> str:
    """``1234.56`` → ``1 234,6`` (half up, narrow no-break spaces between thousands)."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


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
