"""A site's week of work hours as a timesheet: rows of (worker, contract, activity), a cell
per day, and what saving a filled sheet writes.

Saving compares each cell with the work logs as they stand and writes only the difference: a
work log for a new cell, a correction for a cell whose hours changed, nothing for the others,
all in one transaction (a refused cell writes nothing at all). Every command carries its own
idempotency key, the form's key and the cell, so a form sent twice writes once even when the two
sendings cross. A cell whose hours someone changed after the form was opened is not overwritten:
the sheet says so and shows the hours as they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from ledger.application.commands import Actor, CorrectWorkLog, Idempotency, LogWork
from ledger.application.core import UnitOfWork
from ledger.application.ledger import Ledger
from ledger.domain.errors import ConcurrentChange, InvalidInput, LedgerError
from ledger.domain.quantities import WORKER_REF, hundredths_of_hours
from ledger.domain.worklog import ACTIVITIES, CONTRACTS
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


@dataclass(frozen=True)
class Problem:
    """What is wrong in a sheet, where: a row (and a day), or the whole sheet (row -1)."""

    key: str  # words: work.sheet.problem.<key>
    row: int = -1
    day: int = -1
    values: tuple[tuple[str, str], ...] = ()


class SheetRefused(Exception):
    """The sheet cannot be saved as it is; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


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


@dataclass(frozen=True)
class CellChange:
    """What saving writes for one cell."""

    row: RowKey
    day: date
    hours: Decimal
    work_log_id: str | None = None  # the log corrected; None logs new hours


@dataclass
class Plan:
    changes: list[CellChange]
    problems: list[Problem]


def plan_week(
    rows: list[SheetRow], logs: list[Logged], week: Week, today: date, reason: str
) -> Plan:
    """Each cell against the logs as they stand: new hours, changed hours, or problems."""
    cells: dict[tuple[RowKey, date], list[Logged]] = {}
    for log in logs:
        cells.setdefault((log.row, log.work_date), []).append(log)
    plan = Plan([], [])
    seen: set[RowKey] = set()
    for n, row in enumerate(rows):
        if row.blank:
            continue
        if not row_checked(n, row, seen, plan):
            continue
        for d, day in enumerate(week.days):
            if row.shared[d]:
                continue  # a cell of several logs is corrected in the list of logs
            cell_change(n, d, row, day, cells.get((row.key, day), []), today, plan)
    if any(c.work_log_id for c in plan.changes) and not reason.strip():
        plan.problems.append(Problem("reason"))
    return plan


def row_checked(n: int, row: SheetRow, seen: set[RowKey], plan: Plan) -> bool:
    """Who the row is about: a pseudonym, a contract and an activity of the lists, once."""
    if not row.worker_ref:
        plan.problems.append(Problem("worker_missing", n))
        return False
    if not WORKER_REF.fullmatch(row.worker_ref):
        plan.problems.append(Problem("worker_ref", n, values=(("worker_ref", row.worker_ref),)))
        return False
    if row.contract not in CONTRACTS or row.activity not in ACTIVITIES:
        plan.problems.append(Problem("contract", n))
        return False
    if row.key in seen:
        plan.problems.append(Problem("repeated", n, values=(("worker_ref", row.worker_ref),)))
        return False
    seen.add(row.key)
    return True


def cell_change(
    n: int, d: int, row: SheetRow, day: date, found: list[Logged], today: date, plan: Plan
) -> None:
    try:
        typed = read_hours(row.hours[d])
        centi = None if typed is None else hundredths_of_hours(typed)
    except (ValueError, LedgerError):
        plan.problems.append(Problem("hours", n, d))
        return
    if centi is not None and day > today:
        plan.problems.append(Problem("future", n, d))
        return
    if len(found) > 1:
        return
    now = found[0].hours_centi if found else None
    if centi == now:
        return  # as it stands (a form sent again lands here)
    if str(now or "") != row.was[d]:
        values = (("hours", "—" if now is None else hours_text(now)),)
        plan.problems.append(Problem("changed", n, d, values))
        row.was[d] = str(now or "")  # sent again, the sheet applies what was typed
        return
    if centi is None:
        plan.problems.append(Problem("emptied", n, d))
        return
    hours = Decimal(centi) / 100
    plan.changes.append(CellChange(row.key, day, hours, found[0].work_log_id if found else None))


def save_week(
    ledger: Ledger,
    actor: Actor,
    site_id: UUID,
    plan: Plan,
    form_key: str,
    reason: str,
) -> int:
    """Write the plan in one transaction; returns how many events were written."""
    if plan.problems:
        raise SheetRefused(plan.problems)
    uow = UnitOfWork(ledger)
    for change in plan.changes:
        worker_ref, contract, activity = change.row
        cell = f"{form_key[:40]}|{site_id}|{worker_ref}|{contract}|{activity}|{change.day}"
        if change.work_log_id is None:
            cmd = LogWork(site_id, worker_ref, contract, activity, change.hours, change.day)
            ledger.log_work(actor, cmd, Idempotency(f"{cell}|log", actor.organisation_id), uow)
        else:
            log_id = UUID(change.work_log_id)
            version = ledger.work_log_json(log_id)["version"]
            key = Idempotency(f"{cell}|v{version}", actor.organisation_id)
            fix = CorrectWorkLog(reason.strip(), hours=change.hours)
            ledger.correct_work_log(actor, log_id, fix, key, uow)
    try:
        return uow.commit()
    except IntegrityError:
        raise ConcurrentChange(
            "Someone saved this week at the same moment; open it again to see it as it stands."
        ) from None
