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
) -> tuple[Period, str]:
    """The period asked for, or the default with a warning when it cannot be understood."""
    try:
        if period:
            return parse_period(period), ""
        if start and end:
            return parse_dates(start, end), ""
    except InvalidPeriod as error:  # the page still answers, with the default period
        return default_period(today), f"Période non comprise ({error.message}) : 12 derniers mois."
    return default_period(today), ""
