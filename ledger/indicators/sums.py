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
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.indicators.periods import Period
from ledger.projections.db import ViewDatabase
from ledger.projections.flow_sums import INSIDE_DAYS, INSIDE_MONTHS, INSIDE_SITES_TABLE
from ledger.projections.registry import INSIDE_SITES

FACTS = "view_flows"
COLUMNS = (
    "occurred_date, kind, filiere, route, process, site_id, other_site_id, organisation_id, "
    "outlet_country, mass_g, reference_g, energy_kj"
)
MONTHS_SQL = """SELECT CASE WHEN month = '{first}' THEN '{start}' ELSE month || '-01' END
  AS occurred_date, kind, NULLIF(filiere, '') AS filiere,
  NULLIF(route, '') AS route, NULLIF(process, '') AS process, site_id,
  NULLIF(other_site_id, '') AS other_site_id, organisation_id,
  CASE WHEN external = 1 THEN '' END AS outlet_country, mass_g, reference_g, energy_kj
  FROM view_flow_months WHERE month BETWEEN '{first_month}' AND '{last}'"""
DAYS_SQL = (
    "SELECT " + COLUMNS + " FROM view_flows WHERE occurred_date BETWEEN '{start}' AND '{end}'"
)


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first day of the first and of the last calendar month lying wholly in the range."""
    first = start if start.day == 1 else next_month(start)
    last_day = monthrange(end.year, end.month)[1]
    last = end.replace(day=1) if end.day == last_day else (end.replace(day=1) - timedelta(days=1))
    last = last.replace(day=1)
    if first > last:
        return None
    return first, last


@dataclass(frozen=True)
class Split:
    """How a period is read: its whole months (the first days of the first and of the last)
    from sums, and the days of the months it covers only partly from the facts."""

    months: tuple[date, date]
    days: tuple[tuple[date, date], ...]


def split_of(
    period: Period,
    positions: tuple[int | None, int | None] = (None, None),
    db: ViewDatabase | None = None,
) -> Split | None:
    """The period's whole months and partial days (None: read from the facts alone, a figure
    as recorded at a time or over positions, or a period within one month).

    With ``db``, a month the period covers only partly still counts as whole when none of its
    facts lie outside the period (one probe of the facts' date index each)."""
    if period.horizon is not None or positions != (None, None):
        return None
    start, end = period.start, period.end
    if db is not None:
        start, end = widened(db, start, end)
    months = whole_months(start, end)
    if months is None:
        return None
    first, last = months
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    after_last = next_month(last)
    if after_last <= end:
        days.append((after_last, end))
    return Split(months, tuple(days))


def day_parts(split: Split, part_where: str = "") -> list[str]:
    """The SELECTs of the facts of a split's partial days, each with ``part_where``."""
    also = f" AND {part_where}" if part_where else ""
    return [DAYS_SQL.format(start=start, end=end) + also for start, end in split.days]


SUMMARY_COLUMNS = (
    "kind, filiere, route, process, site_inside, other_inside, has_other, external, "
    "mass_g, reference_g, energy_kj"
)


def summary_of(db: ViewDatabase, period: Period) -> tuple[str, list[str]] | None:
    """The table expression of the period's part of the territory's summaries, and its
    parameters: whole months by month, the days of partial months by day; the columns
    ``month`` (``YYYY-MM``) and ``SUMMARY_COLUMNS``, ``''`` for "none".

    None: read the monthly sums and the facts instead, for a figure as recorded at a time, or
    when the summaries do not follow the territory's sites of the caller's snapshot."""
    if period.horizon is not None or not inside_summary_current(db):
        return None
    split = split_of(period, db=db)
    parts: list[str] = []
    params: list[str] = []
    if split is not None:
        parts.append(
            f"SELECT month, {SUMMARY_COLUMNS} FROM {INSIDE_MONTHS} WHERE month BETWEEN ? AND ?"
        )
        params += [split.months[0].isoformat()[:7], split.months[1].isoformat()[:7]]
    for start, end in split.days if split is not None else [(period.start, period.end)]:
        parts.append(
            f"SELECT SUBSTR(day, 1, 7) AS month, {SUMMARY_COLUMNS} FROM {INSIDE_DAYS} "
            "WHERE day BETWEEN ? AND ?"
        )
        params += [start.isoformat(), end.isoformat()]
    return "(" + "\nUNION ALL\n".join(parts) + ")", params


def inside_summary_current(db: ViewDatabase) -> bool:
    """Whether the territory's summaries (``flow_sums.SUMMARIES``) were brought up to date
    with the territory's sites of the caller's snapshot (else: read the monthly sums)."""
    kept = f"SELECT site_id FROM {INSIDE_SITES_TABLE}"
    statement = (
        f"SELECT 1 FROM ({kept} EXCEPT {INSIDE_SITES}) gone "
        f"UNION ALL SELECT 1 FROM ({INSIDE_SITES} EXCEPT {kept}) came LIMIT 1"
    )
    return not db.query(statement)


def flows_of(
    period: Period,
    positions: tuple[int | None, int | None] = (None, None),
    db: ViewDatabase | None = None,
    part_where: str = "",
) -> str:
    """The table expression of the period's flow facts, summed by month where it can be.

    With ``db``, a month the period covers only partly still reads its monthly sums when none of
    its facts lie outside the period (one probe of the facts' date index each): a period that
    ends today, or starts before the first fact, then costs no more than whole months. Month
    rows are dated on the month's first day, or on the period's first day for a first month so
    widened, so that a caller's ``occurred_date BETWEEN`` the period keeps them.
    The dates in the SQL come from ``date`` objects (ISO text), never from what a user wrote.

    ``part_where``: a condition the caller also puts on the expression, repeated in each of its
    parts (the monthly sums and the facts of partial months), so that each is read by the index
    it names (the territory's sites by the sums' key, site first, and by the facts'
    ``(site_id, occurred_date)``) on either database, whatever its planner makes of a condition
    outside a ``UNION ALL``: without it SQLite read every monthly sum of the nation for a period
    with a partial month (2 s at the national scale). It is code, never user input.
    """
    split = split_of(period, positions, db)
    if split is None:
        return FACTS
    first, last = split.months
    month_sql = MONTHS_SQL.format(
        first=period.start.isoformat()[:7],
        start=period.start.isoformat(),
        first_month=first.isoformat()[:7],
        last=last.isoformat()[:7],
    )
    also = f" AND {part_where}" if part_where else ""
    parts = [month_sql + also, *day_parts(split, part_where)]
    return "(" + "\nUNION ALL\n".join(parts) + ")"


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def widened(
    db: ViewDatabase, start: date, end: date, table: str = FACTS, column: str = "occurred_date"
) -> tuple[date, date]:
    """The range stretched to its months' bounds where no row lies in the stretch."""
    month_start = start.replace(day=1)
    if month_start < start and not any_row(db, table, column, month_start, start - timedelta(1)):
        start = month_start
    month_end = next_month(end) - timedelta(days=1)
    if end < month_end and not any_row(db, table, column, end + timedelta(1), month_end):
        end = month_end
    return start, end


def any_row(db: ViewDatabase, table: str, column: str, first: date, last: date) -> bool:
    """Whether any row of ``table`` is dated on these days (read by its date index)."""
    statement = f"SELECT 1 FROM {table} WHERE {column} BETWEEN ? AND ? LIMIT 1"
    return bool(db.query(statement, (first.isoformat(), last.isoformat())))


WORK_COLUMNS = "organisation_id, site_id, contract, activity, hours_centi, work_date"
WORK_MONTHS_SQL = """SELECT organisation_id, site_id, contract, activity, hours_centi,
  CASE WHEN month = '{first}' THEN '{start}' ELSE month || '-01' END AS work_date
  FROM view_work_months WHERE month BETWEEN '{first_month}' AND '{last}'"""
WORK_DAYS_SQL = (
    "SELECT " + WORK_COLUMNS + " FROM view_work_logs WHERE work_date BETWEEN '{start}' AND '{end}'"
)


def work_of(
    period: Period,
    positions: tuple[int | None, int | None] = (None, None),
    db: ViewDatabase | None = None,
) -> str:
    """The work logs' rows of the period (``organisation_id, site_id, contract, activity,
    hours_centi, work_date``), summed by month where they can be, as :func:`flows_of` does for
    the flow facts (``view_work_months`` for whole months, the rows for partial ones)."""
    if period.horizon is not None or positions != (None, None):
        return "view_work_logs"
    start, end = period.start, period.end
    if db is not None:
        start, end = widened(db, start, end, "view_work_logs", "work_date")
    months = whole_months(start, end)
    if months is None:
        return "view_work_logs"
    first, last = months
    parts = [
        WORK_MONTHS_SQL.format(
            first=period.start.isoformat()[:7],
            start=period.start.isoformat(),
            first_month=first.isoformat()[:7],
            last=last.isoformat()[:7],
        )
    ]
    if start < first:
        parts.append(WORK_DAYS_SQL.format(start=start, end=first - timedelta(days=1)))
    after_last = next_month(last)
    if after_last <= end:
        parts.append(WORK_DAYS_SQL.format(start=after_last, end=end))
    return "(" + "\nUNION ALL\n".join(parts) + ")"
