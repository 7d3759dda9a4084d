"""The timesheet as values for ``desk/work_timesheet.html``: the days, each row's cells with
their totals, what is wrong where, and the week's logs, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.domain.quantities import hundredths_of_hours
from ledger.projections.db import ViewDatabase
from ledger.web.desk import formats
from ledger.web.desk.context import Desk
from ledger.web.desk.work_save import Problem
from ledger.web.desk.work_week import Logged, SheetRow, Week, read_hours

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Cell:
    name: str
    value: str
    was: str
    disabled: bool
    invalid: bool
    label: str


@dataclass(frozen=True)
class Row:
    index: int
    row: SheetRow
    cells: list[Cell]
    total: str
    invalid: bool


@dataclass(frozen=True)
class LogLine:
    work_log_id: str
    worker_ref: str
    contract: str
    activity: str
    day: str
    hours: str
    hours_field: str
    recorded: str


def fresh_views(desk: Desk) -> ViewDatabase:
    """The views, once they hold every acknowledged write (a page after a save shows it)."""
    views = desk.request.app.state.views
    views.wait_for(desk.ledger.event_log.max_position())
    db: ViewDatabase = views.db
    return db


def centi_of(text: str) -> int:
    """A cell's hundredths of hours if it reads as hours, else 0 (totals skip the rest)."""
    try:
        typed = read_hours(text)
        return 0 if typed is None else hundredths_of_hours(typed)
    except (ValueError, LedgerError):
        return 0


def hours_shown(centi: int, lang: str) -> str:
    return formats.number(Decimal(centi) / 100, 2, lang, trim=True)


def sheet_values(
    desk: Desk, week: Week, rows: list[SheetRow], problems: list[Problem], logs: list[Logged]
) -> dict[str, Any]:
    today, lang = desk.ledger.today(), desk.lang
    days = [
        (day, desk.t(f"work.day.{key}"), day > today)
        for key, day in zip(DAY_KEYS, week.days, strict=True)
    ]
    bad_cells = {(p.row, p.day) for p in problems}
    shown, day_totals = [], [0] * 7
    for n, row in enumerate(rows):
        cells = []
        for d, (day, day_name, future) in enumerate(days):
            cells.append(
                Cell(
                    f"r{n}.d{d}",
                    row.hours[d],
                    row.was[d],
                    future or row.shared[d],
                    (n, d) in bad_cells,
                    f"{row.worker_ref or desk.t('work.sheet.new_row')} · {day_name} "
                    f"{formats.long_date(day, lang)}",
                )
            )
            day_totals[d] += centi_of(row.hours[d])
        total = sum(centi_of(h) for h in row.hours)
        shown.append(Row(n, row, cells, hours_shown(total, lang), (n, -1) in bad_cells))
    return {
        "days": [(formats.long_date(day, lang), name, future) for day, name, future in days],
        "rows": shown,
        "day_totals": [hours_shown(c, lang) for c in day_totals],
        "week_total": hours_shown(sum(day_totals), lang),
        "problems": [problem_text(desk, p, rows, days) for p in problems],
        "logs": [log_line(desk, log) for log in logs],
        "previous_week": week.shifted(-1).label,
        "next_week": week.shifted(1).label if week.shifted(1).monday <= today else None,
        "week_title": desk.t(
            "work.sheet.week_of",
            start=formats.long_date(week.monday, lang),
            end=formats.long_date(week.sunday, lang),
        ),
    }


def problem_text(
    desk: Desk, problem: Problem, rows: list[SheetRow], days: list[tuple[date, str, bool]]
) -> str:
    text = desk.t(f"work.sheet.problem.{problem.key}", **dict(problem.values))
    if problem.row < 0:
        return text
    where = rows[problem.row].worker_ref
    if problem.key == "worker_ref" or not where:  # the reference itself is in the text
        where = desk.t("work.sheet.row", number=problem.row + 1)
    if problem.day >= 0:
        day, name, _ = days[problem.day]
        where += f", {name} {formats.long_date(day, desk.lang)}"
    return f"{where} : {text}" if desk.lang == "fr" else f"{where}: {text}"


def log_line(desk: Desk, log: Logged) -> LogLine:
    hours = hours_shown(log.hours_centi, desk.lang)
    return LogLine(
        log.work_log_id,
        log.worker_ref,
        desk.t(f"contract.{log.contract}"),
        desk.t(f"activity.{log.activity}"),
        formats.long_date(log.work_date, desk.lang),
        hours,
        hours.replace("\u202f", ""),
        formats.moment(log.recorded_at, desk.lang),
    )
