"""What saving a filled timesheet writes.

Saving compares each cell with the work logs as they stand and writes only the difference: a
work log for a new cell, a correction for a cell whose hours changed, nothing for the others,
all in one transaction (a refused cell writes nothing at all). Every command carries its own
idempotency key, the form's key and the cell, so a form sent twice writes once even when the two
sendings cross. A cell whose hours someone changed after the form was opened is not overwritten:
the sheet says so and shows the hours as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from ledger.application.commands import Actor, CorrectWorkLog, Idempotency, LogWork
from ledger.application.core import UnitOfWork
from ledger.application.ledger import Ledger
from ledger.domain.errors import ConcurrentChange, LedgerError
from ledger.domain.quantities import WORKER_REF, hundredths_of_hours
from ledger.domain.worklog import ACTIVITIES, CONTRACTS
from ledger.web.desk.work_week import Logged, RowKey, SheetRow, Week, hours_text, read_hours


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
