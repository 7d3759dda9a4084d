"""Work logs: hours per pseudonymous worker, contract and activity, at a site."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from ledger.application.commands import Actor, CorrectWorkLog, Idempotency, LogWork, Outcome, Ref
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.errors import IdAlreadyUsed, InvalidInput, WorkLogNotFound
from ledger.domain.quantities import check_work_date, check_worker_ref, hundredths_of_hours
from ledger.domain.worklog import WorkLog


class WorkCommands(LedgerCore):
    """Supervisors log the hours worked at their organisation's sites."""

    def log_work(
        self,
        actor: Actor,
        cmd: LogWork,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Log hours worked on a date by a pseudonymous worker."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor, "supervisor")
            site = self.site(uow, cmd.site_id)
            self.require_owner(actor, site)
            work_log_id = cmd.id or uuid4()
            if cmd.id is not None and uow.exists(cmd.id):
                existing = uow.get(cmd.id, WorkLog)
                if existing is None or existing.request_digest != request_digest:
                    raise IdAlreadyUsed(f"Id {cmd.id} is already used by something else.")
                return Outcome(Ref("work_log", str(cmd.id), 1), duplicate=True)
            work_log = WorkLog.log(
                work_log_id,
                site_id=site.id,
                site_organisation_id=site.owner_id,
                worker_ref=check_worker_ref(cmd.worker_ref),
                contract=cmd.contract,
                activity=cmd.activity,
                hours_centi=hundredths_of_hours(cmd.hours),
                work_date=check_work_date(cmd.date, self.today()).isoformat(),
                request_digest=request_digest,
                **self.acted(actor),
            )
            uow.add(work_log)
            return Outcome(Ref("work_log", str(work_log_id), 1))

        return self.command("work", None, cmd, idempotency, uow, action)

    def correct_work_log(
        self,
        actor: Actor,
        work_log_id: UUID,
        cmd: CorrectWorkLog,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Correct a work log, giving a reason; the original stays in the history."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, "supervisor")
            work_log = uow.get(work_log_id, WorkLog)
            if work_log is None:
                raise WorkLogNotFound(f"No work log {work_log_id}.")
            self.require_owner(actor, self.site(uow, work_log.site_id))
            if not cmd.reason.strip():
                raise InvalidInput("A correction needs a reason.")
            work_log.correct(
                self.work_changes(cmd), cmd.reason.strip(), **self.acted(actor, self.now())
            )
            return Outcome(Ref("work_log", str(work_log_id), work_log.version))

        return self.command("correct_work", work_log_id, cmd, idempotency, uow, action)

    def work_changes(self, cmd: CorrectWorkLog) -> dict[str, Any]:
        day: date | None = cmd.date
        return {
            "hours_centi": None if cmd.hours is None else hundredths_of_hours(cmd.hours),
            "contract": cmd.contract,
            "activity": cmd.activity,
            "worker_ref": None if cmd.worker_ref is None else check_worker_ref(cmd.worker_ref),
            "work_date": None if day is None else check_work_date(day, self.today()).isoformat(),
        }
