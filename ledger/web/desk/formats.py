"""Numbers, masses and dates as a reader of each language writes them.

French: a comma before the decimals and a narrow no-break space between thousands ("1 234,5
kg"); English: "1,234.5 kg". Masses drop the zeros after the last significant decimal (the
ledger weighs to the gram), shares are written as percentages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
THOUSANDS = {"fr": "\u202f", "en": ","}
DECIMAL = {"fr": ",", "en": "."}
MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
}  # fmt: skip


def number(
    value: float | int | Decimal | None, decimals: int = 0, lang: str = "fr", trim: bool = False
) -> str:
    """``value`` rounded half up to ``decimals``, with the language's separators; ``trim``
    drops trailing zeros of the decimals. None is a dash."""
    if value is None:
        return "—"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if exact < 0 else ""
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = THOUSANDS[lang].join(groups)
    return sign + text + (DECIMAL[lang] + fraction if fraction else "")


def kg(value: float | int | Decimal | None, lang: str = "fr") -> str:
    """A mass in kilograms, to the gram at most: "390,5 kg"."""
    return "—" if value is None else f"{number(value, 3, lang, trim=True)}\u00a0kg"


def tonnes(value_kg: float | int | Decimal | None, lang: str = "fr", decimals: int = 3) -> str:
    """A mass given in kilograms, written in tonnes: "12,345 t"."""
    if value_kg is None:
        return "—"
    return f"{number(Decimal(str(value_kg)) / 1000, decimals, lang, trim=True)}\u00a0t"


def percent(share: float | Decimal | None, lang: str = "fr", decimals: int = 1) -> str:
    """A share (0.1534) as a percentage ("15,3 %" in French, "15.3%" in English)."""
    if share is None:
        return "—"
    figure = number(Decimal(str(share)) * 100, decimals, lang)
    return f"{figure}\u00a0%" if lang == "fr" else f"{figure}%"


def long_date(day: date | None, lang: str = "fr") -> str:
    """ "14 septembre 2026" / "14 September 2026"."""
    if day is None:
        return "—"
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {MONTHS[lang][day.month - 1]} {day.year}"


def moment(value: datetime | str | None, lang: str = "fr") -> str:
    """A time in Paris: "14 septembre 2026, 08:30"."""
    if value is None or value == "":
        return "—"
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    local = when.astimezone(PARIS) if when.tzinfo else when
    joiner = ", " if lang == "en" else " à "
    return f"{long_date(local.date(), lang)}{joiner}{local:%H:%M}"
