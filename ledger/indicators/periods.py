"""Calendar periods of the figures: inclusive Europe/Paris dates (DESIGN §5).

A period is asked for as ``from`` and ``to`` (inclusive ``YYYY-MM-DD``) or as ``period``: a year
(``2026``), a quarter (``2026-Q3``) or a month (``2026-09``). Anything else is ``invalid_period``.

Those dates say what had happened in the field (occurred by the end of the period). A period can
also carry a recording horizon, ``as_of``: then only the facts the ledger had recorded by that
time count, late syncs and corrections recorded after it excluded (what the ledger knew then).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime

from ledger.domain.errors import InvalidPeriod, InvalidTime
from ledger.projections.base import utc_text

YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar dates, and how it was asked for."""

    start: date
    end: date
    label: str
    as_of: datetime | None = None  # the recording horizon: facts recorded up to then

    def recorded_by(self, as_of: datetime | None) -> Period:
        """The period as the ledger knew it at ``as_of`` (an aware time; None: now)."""
        return replace(self, as_of=None if as_of is None else horizon(as_of))

    @property
    def horizon(self) -> str | None:
        """``as_of`` as the views' ``recorded_at`` text, for ``recorded_at <= ?``."""
        return None if self.as_of is None else utc_text(self.as_of)

    @property
    def bounds(self) -> tuple[str, str]:
        """The range as the views' ``occurred_date`` text, for ``BETWEEN ? AND ?``."""
        return self.start.isoformat(), self.end.isoformat()

    @property
    def year(self) -> int | None:
        """The calendar year the period lies in, if it lies in one."""
        return self.start.year if self.start.year == self.end.year else None


def horizon(as_of: datetime, name: str = "as_of") -> datetime:
    """A time asked for in a query, with its zone (a bare wall-clock time is ambiguous)."""
    if as_of.tzinfo is None:
        raise InvalidTime(
            f"{name} must carry a timezone, e.g. 2026-10-05T14:30:00+02:00.",
            **{name: as_of.isoformat()},
        )
    return as_of


def parse_period(text: str) -> Period:
    """A year, quarter or month: ``2026``, ``2026-Q3``, ``2026-09``."""
    text = text.strip()
    if match := YEAR.match(text):
        year = checked_year(match.group(1), text)
        return Period(date(year, 1, 1), date(year, 12, 31), text)
    if match := QUARTER.match(text):
        year, quarter = checked_year(match.group(1), text), int(match.group(2))
        last_month = 3 * quarter
        end = date(year, last_month, monthrange(year, last_month)[1])
        return Period(date(year, last_month - 2, 1), end, text)
    if match := MONTH.match(text):
        year, month = checked_year(match.group(1), text), int(match.group(2))
        return Period(date(year, month, 1), date(year, month, monthrange(year, month)[1]), text)
    raise InvalidPeriod(
        "period is a year, a quarter or a month: 2026, 2026-Q3 or 2026-09.", period=text
    )


def parse_dates(start_text: str, end_text: str) -> Period:
    """``from`` and ``to``: inclusive calendar dates, the first not after the second."""
    start, end = checked_date(start_text, "from"), checked_date(end_text, "to")
    if start > end:
        raise InvalidPeriod("from must not be after to.", **{"from": start_text, "to": end_text})
    return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")


def resolve_period(period: str | None, start: str | None, end: str | None) -> Period:
    """The period of a request: ``period``, or ``from`` and ``to``, never both."""
    if period is not None:
        if start is not None or end is not None:
            raise InvalidPeriod("Give period, or from and to, not both.")
        return parse_period(period)
    if start is None or end is None:
        raise InvalidPeriod("Give from and to (inclusive dates, YYYY-MM-DD), or period.")
    return parse_dates(start, end)


def checked_year(text: str, period: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidPeriod(f"Years run from {FIRST_YEAR} to {LAST_YEAR}.", period=period)
    return year


def checked_date(text: str, field: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidPeriod(f"{field} is a date: YYYY-MM-DD.", **{field: text}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidPeriod(f"Years run from {FIRST_YEAR} to {LAST_YEAR}.", **{field: text})
    return day
