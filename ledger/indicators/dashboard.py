"""The dashboard's period: the one asked for, or the twelve months up to today.

The page itself is drawn by ``ledger.web.desk.dashboard``.
"""

from __future__ import annotations

from datetime import date

from ledger.domain.errors import InvalidPeriod
from ledger.indicators.periods import Period, parse_dates, parse_period


def default_period(today: date) -> Period:
    """The twelve calendar months up to today (this month so far and the eleven before).

    Whole months: the figures read the monthly sums only (``ledger.indicators.sums``)."""
    month = today.month - 11
    start = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return Period(start, today, f"{start.isoformat()}/{today.isoformat()}")


def chosen_period(
    today: date, period: str | None, start: str | None, end: str | None
) -> tuple[Period, InvalidPeriod | None]:
    """The period asked for, or the default and why the one asked for cannot be read."""
    try:
        if period:
            return parse_period(period), None
        if start and end:
            return parse_dates(start, end), None
    except InvalidPeriod as error:  # the page still answers, with the default period
        return default_period(today), error
    return default_period(today), None
