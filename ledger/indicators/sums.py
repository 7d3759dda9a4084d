"""The one way to read the flow facts' sums: a table expression for a period (DESIGN §5).

:func:`flows_of` gives SQL that reads like the flow facts (``view_flows``) restricted to a period:
the columns ``occurred_date, kind, filiere, route, process, site_id, other_site_id,
organisation_id, outlet_country, mass_g, reference_g, energy_kj`` (NULL for "none"), summed
where they can be. Whole calendar months of the period come from the monthly sums
(``view_flow_months``, one row per site, month and kind of movement, dated on the month's first
day); the days of a month the period only partly covers come from the facts themselves. So a
figure over months, quarters or years reads rows that grow with sites × months, not with events,
and a figure from a date to a date also reads the facts of its partial months.

A figure as recorded at a time (``as_of``), or over a stretch of the log (positions), reads the
facts only: the sums hold what is recorded now.

Callers add their own conditions on the expression's columns (``occurred_date BETWEEN`` the
period, ``kind``, ``site_id IN (...)``…): the databases push them into both parts, and a
condition on ``site_id`` reads the monthly sums by their primary key (site first). Inside or
outside the territory is for the caller to decide, at query time, from the sites' communes
(``ledger.indicators.views.inside``): nothing stored says it.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from ledger.indicators.periods import Period

FACTS = "view_flows"
COLUMNS = (
    "occurred_date, kind, filiere, route, process, site_id, other_site_id, organisation_id, "
    "outlet_country, mass_g, reference_g, energy_kj"
)
MONTHS_SQL = """SELECT month || '-01' AS occurred_date, kind, NULLIF(filiere, '') AS filiere,
  NULLIF(route, '') AS route, NULLIF(process, '') AS process, site_id,
  NULLIF(other_site_id, '') AS other_site_id, organisation_id,
  CASE WHEN external = 1 THEN '' END AS outlet_country, mass_g, reference_g, energy_kj
  FROM view_flow_months WHERE month BETWEEN '{first}' AND '{last}'"""
DAYS_SQL = (
    "SELECT " + COLUMNS + " FROM view_flows WHERE occurred_date BETWEEN '{start}' AND '{end}'"
)


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first day of the first and of the last calendar month lying wholly in the range."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_day = monthrange(end.year, end.month)[1]
    last = end.replace(day=1) if end.day == last_day else (end.replace(day=1) - timedelta(days=1))
    last = last.replace(day=1)
    if first > last:
        return None
    return first, last


def flows_of(period: Period, positions: tuple[int | None, int | None] = (None, None)) -> str:
    """The table expression of the period's flow facts, summed by month where it can be.

    The dates in the SQL come from ``date`` objects (ISO text), never from what a user wrote.
    """
    if period.horizon is not None or positions != (None, None):
        return FACTS
    months = whole_months(period.start, period.end)
    if months is None:
        return FACTS
    first, last = months
    parts = [MONTHS_SQL.format(first=first.isoformat()[:7], last=last.isoformat()[:7])]
    if period.start < first:
        parts.append(DAYS_SQL.format(start=period.start, end=first - timedelta(days=1)))
    after_last = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    if after_last <= period.end:
        parts.append(DAYS_SQL.format(start=after_last, end=period.end))
    return "(" + "\nUNION ALL\n".join(parts) + ")"
