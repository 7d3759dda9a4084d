"""A site's week of work hours as a timesheet: the week, the work logs as they stand, and the
rows of (worker, contract, activity) with a cell per day, as shown or as posted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.domain.errors import InvalidInput
from ledger.projections.db import ViewDatabase

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
MAX_ROWS = 60
RowKey = tuple[str, str, str]  # worker_ref, contract, activity
LOGS_OF_WEEK = """
SELECT w.work_log_id, w.worker_ref, w.contract, w.activity, w.work_date, w.hours_centi,
       w.recorded_at, w.position
FROM view_work_logs w
WHERE w.site_id = ? AND w.organisation_id = ? AND w.work_date BETWEEN ? AND ?
  AND w.hours_centi > 0
  AND w.position = (SELECT MAX(x.position) FROM view_work_logs x
                    WHERE x.work_log_id = w.work_log_id)
ORDER BY w.worker_ref, w.contract, w.activity, w.work_date, w.position
"""


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday."""

    monday: date

    @classmethod
    def parse(cls, text: str | None, today: date) -> Week:
        """``2026-W49``; nothing is this week; anything else is ``invalid_input``."""
        if not text:
            return cls.of(today)
        match = WEEK.match(text.strip())
        try:
            if match is None:
                raise ValueError(text)
            return cls(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            raise InvalidInput("A week is written 2026-W49.", week=text) from None

    @classmethod
    def of(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.weekday()))

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shifted(self, weeks: int) -> Week:
        return Week(self.monday + timedelta(weeks=weeks))


@dataclass(frozen=True)
class Logged:
    """A work log as it stands now (corrections applied)."""

    work_log_id: str
    worker_ref: str
    contract: str
    activity: str
    work_date: date
    hours_centi: int
    recorded_at: str

    @property
    def row(self) -> RowKey:
        return (self.worker_ref, self.contract, self.activity)


def logs_of_week(db: ViewDatabase, organisation_id: str, site_id: str, week: Week) -> list[Logged]:
    """The work logs of a site whose date, as corrected, lies in the week."""
    params = (site_id, organisation_id, week.monday.isoformat(), week.sunday.isoformat())
    return [
        Logged(str(i), str(w), str(c), str(a), date.fromisoformat(str(d)), int(h), str(r))
        for i, w, c, a, d, h, r, _ in db.query(LOGS_OF_WEEK, params)
    ]


@dataclass
class SheetRow:
    """One row of the sheet as shown or as posted: who, and the hours typed for each day."""

    worker_ref: str = ""
    contract: str = "insertion"
    activity: str = "sorting"
    hours: list[str] = field(default_factory=lambda: [""] * 7)  # as typed
    was: list[str] = field(default_factory=lambda: [""] * 7)  # as the form showed them (centi)
    fixed: bool = False  # a row of logged hours: who it is cannot change here
    shared: list[bool] = field(default_factory=lambda: [False] * 7)  # several logs in the cell

    @property
    def key(self) -> RowKey:
        return (self.worker_ref, self.contract, self.activity)

    @property
    def blank(self) -> bool:
        return not self.worker_ref and not any(h.strip() for h in self.hours)


def sheet_of_logs(logs: list[Logged], week: Week) -> list[SheetRow]:
    """The week's logs as rows, a row per (worker, contract, activity)."""
    rows: dict[RowKey, SheetRow] = {}
    sums: dict[tuple[RowKey, int], list[int]] = {}
    for log in logs:
        row = rows.setdefault(log.row, SheetRow(*log.row, fixed=True))
        sums.setdefault((log.row, (log.work_date - week.monday).days), []).append(log.hours_centi)
    for (key, day), found in sums.items():
        row = rows[key]
        row.was[day] = str(sum(found))
        row.hours[day] = hours_text(sum(found))
        row.shared[day] = len(found) > 1
    return list(rows.values())


def hours_text(centi: int) -> str:
    """Hundredths of hours as typed in a cell: 750 → "7.5" (the page localises the point)."""
    return f"{Decimal(centi) / 100:f}".rstrip("0").rstrip(".")


def read_hours(text: str) -> Decimal | None:
    """A cell's hours: "7,5", "7.5" or "7:30"; empty is None. Unreadable raises ValueError."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    if ":" in text:
        if not re.fullmatch(r"\d{1,2}:[0-5]\d", text):
            raise ValueError(text)
        whole, _, minutes = text.partition(":")
        return Decimal(int(whole)) + Decimal(int(minutes)) / 60
    if not re.fullmatch(r"\d{1,2}(\.\d{1,4})?", text):
        raise ValueError(text)
    return Decimal(text)


def posted_rows(form: dict[str, Any]) -> list[SheetRow]:
    """The rows of a posted sheet (``r0.worker_ref``, ``r0.d0``…, ``r0.was0``…)."""

    def value(name: str) -> str:
        found = form.get(name, "")
        return found.strip()[:64] if isinstance(found, str) else ""

    count = min(int(value("rows")) if value("rows").isdigit() else 0, MAX_ROWS)
    rows = []
    for n in range(count):
        prefix = f"r{n}."
        rows.append(
            SheetRow(
                worker_ref=value(prefix + "worker_ref"),
                contract=value(prefix + "contract") or "insertion",
                activity=value(prefix + "activity") or "sorting",
                hours=[value(f"{prefix}d{d}") for d in range(7)],
                was=[value(f"{prefix}was{d}") for d in range(7)],
                fixed=value(prefix + "fixed") == "1",
                shared=[f"{prefix}d{d}" not in form for d in range(7)],
            )
        )
    return rows
