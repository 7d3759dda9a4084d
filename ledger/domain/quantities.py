"""Masses, hours and times as the ledger stores them: integers and timezone-aware datetimes.

Masses travel as kilograms with at most 3 decimals and are stored as integer grams; hours as
integer hundredths; moisture as integer basis points (hundredths of a percent). No float is ever
stored in an event.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ledger.domain.errors import InvalidInput, InvalidMass, InvalidTime, InvalidWorkLog

MAX_BATCH_GRAMS = 40_000_000  # 40 t: more than any truck carries in one batch
FUTURE_TOLERANCE = timedelta(minutes=5)  # phones' clocks drift
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # nothing the ledger traces happened before
MAX_NUMBER_CHARACTERS = 20  # a number is read from at most this many characters
MAX_MAGNITUDE = 15  # and lies within 10^-15 .. 10^15 before any arithmetic
# A worker's pseudonym, never a name: "W-0042", "ICIAD-17". Upper-case letters, digits, "-" and
# "_", at least one digit, no word of more than five letters ("FATIMA_BENALI-1987" is refused).
WORKER_REF = re.compile(r"^(?=[^0-9]*[0-9])(?!.*[A-Z]{6})[A-Z0-9][A-Z0-9_-]{0,31}$")
WORKER_REF_RULE = (
    "worker_ref is a pseudonym such as W-0042 or ICIAD-17, never a name: 1 to 32 upper-case "
    "letters, digits, '-' or '_', with at least one digit and no word longer than 5 letters."
)
COMMUNE_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

Number = Decimal | int | float | str


def as_decimal(value: Number, what: str) -> Decimal:
    """Read a JSON number exactly (a float goes through its shortest repr, 412.5 stays 412.5).

    Read from at most 20 characters and refused beyond 10^15 before any arithmetic: a tiny
    request must not make the ledger compute with a number of a million digits."""
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a number.", field=what)
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise InvalidInput(
            f"{what} is written with more than {MAX_NUMBER_CHARACTERS} characters.", field=what
        )
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(f"{what} must be a number.", field=what) from None
    if not number.is_finite():
        raise InvalidInput(f"{what} must be a finite number.", field=what)
    if number and not -MAX_MAGNITUDE <= number.adjusted() <= MAX_MAGNITUDE:
        raise InvalidInput(f"{what} is out of range.", field=what)
    return number


def grams_from_kg(value: Number, what: str = "mass_kg") -> int:
    """Kilograms (at most 3 decimals, more than 0, at most 40 t) as integer grams."""
    kg = as_decimal(value, what)
    exponent = kg.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        raise InvalidMass(
            f"{what} has more than 3 decimals: weigh to the gram at most.", field=what
        )
    grams = int(kg * 1000)
    if grams <= 0:
        raise InvalidMass(f"{what} must be more than 0 kg.", field=what)
    if grams > MAX_BATCH_GRAMS:
        raise InvalidMass(f"{what} exceeds 40 t, the most one batch may weigh.", field=what)
    return grams


def optional_grams_from_kg(value: Number | None, what: str = "mass_kg") -> int | None:
    """Like :func:`grams_from_kg`, passing ``None`` through."""
    return None if value is None else grams_from_kg(value, what)


def non_negative_grams(value: Number, what: str) -> int:
    """Kilograms that may be zero (a declared loss) as integer grams."""
    kg = as_decimal(value, what)
    exponent = kg.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        raise InvalidMass(f"{what} has more than 3 decimals.", field=what)
    if kg < 0:
        raise InvalidMass(f"{what} cannot be negative.", field=what)
    return int(kg * 1000)


def kg(grams: int) -> float:
    """Integer grams as kilograms for JSON (exact: 3 decimals)."""
    return grams / 1000


def moisture_basis_points(value: Number | None) -> int | None:
    """Wet-basis moisture in percent (0 to 100, 2 decimals) as basis points."""
    if value is None:
        return None
    pct = as_decimal(value, "moisture_pct")
    if not Decimal(0) <= pct < Decimal(100):
        raise InvalidInput("moisture_pct must be at least 0 and below 100.", field="moisture_pct")
    return int((pct * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hundredths_of_hours(value: Number) -> int:
    """Hours in (0, 24] by steps of 0.25, as integer hundredths."""
    hours = as_decimal(value, "hours")
    if not Decimal(0) < hours <= Decimal(24) or (hours * 4) % 1 != 0:
        raise InvalidWorkLog("hours must be more than 0, at most 24, in steps of 0.25.")
    return int(hours * 100)


def check_occurred_at(occurred_at: datetime, now: datetime, what: str = "occurred_at") -> datetime:
    """Refuse a naive time, one before 2000, or one more than 5 minutes ahead of the ledger's
    clock: whatever is accepted has a place on every view's calendar."""
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidTime(f"{what} must carry a timezone, e.g. 2026-09-14T08:30:00+02:00.")
    wall = occurred_at.replace(tzinfo=None)  # compared as wall clock first: no overflow
    if wall < datetime(2000, 1, 2) and (wall < datetime(2000, 1, 1) or occurred_at < EARLIEST):
        raise InvalidTime(f"{what} is before 2000-01-01.", **{what: occurred_at.isoformat()})
    if wall.year > now.year + 1:
        raise InvalidTime(f"{what} is in the future.", **{what: occurred_at.isoformat()})
    if occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidTime(
            f"{what} is more than 5 minutes in the future.",
            occurred_at=occurred_at.isoformat(),
            now=now.isoformat(),
        )
    return occurred_at


def check_work_date(day: date, today: date) -> date:
    """A work log's date cannot be in the future, nor before 2000."""
    if day < EARLIEST.date():
        raise InvalidWorkLog("A work log's date cannot be before 2000-01-01.", date=day.isoformat())
    if day > today:
        raise InvalidWorkLog("A work log's date cannot be in the future.", date=day.isoformat())
    return day


def check_worker_ref(worker_ref: str) -> str:
    """A pseudonymous reference, never a name (``WORKER_REF``)."""
    if not WORKER_REF.fullmatch(worker_ref):
        raise InvalidWorkLog(WORKER_REF_RULE)
    return worker_ref


def check_commune(commune_insee: str) -> str:
    """An INSEE commune code: 5 digits, or 2A/2B and 3 digits (Corsica)."""
    if not COMMUNE_INSEE.match(commune_insee):
        raise InvalidInput(
            "commune_insee must be 5 characters: digits, or 2A/2B then 3 digits.",
            commune_insee=commune_insee,
        )
    return commune_insee
