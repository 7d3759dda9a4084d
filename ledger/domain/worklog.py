"""Work logs: hours worked on a date by a pseudonymous worker, for the jobs indicators."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.aggregates import PlainCreated, create
from ledger.domain.errors import InvalidInput, NothingToCorrect

CONTRACTS = ("insertion", "employee", "volunteer", "trainee")
ACTIVITIES = ("collection", "sorting", "transport", "processing", "other")
NO_ID = UUID(int=0)


def check_contract_and_activity(contract: str, activity: str) -> None:
    """Contract and activity come from fixed lists (they feed the Refashion statement)."""
    if contract not in CONTRACTS:
        raise InvalidInput(f"contract must be one of {', '.join(CONTRACTS)}.", contract=contract)
    if activity not in ACTIVITIES:
        raise InvalidInput(f"activity must be one of {', '.join(ACTIVITIES)}.", activity=activity)


class WorkLog(Aggregate):
    """Hours one (pseudonymous) worker worked at a site on a date. Never a name."""

    class Logged(PlainCreated):
        site_id: UUID
        site_organisation_id: UUID
        worker_ref: str
        contract: str
        activity: str
        hours_centi: int
        work_date: str
        organisation_id: UUID
        token_id: str
        request_digest: str

        def apply(self, aggregate: WorkLog) -> None:
            aggregate.site_id = self.site_id
            aggregate.site_organisation_id = self.site_organisation_id
            aggregate.worker_ref = self.worker_ref
            aggregate.contract = self.contract
            aggregate.activity = self.activity
            aggregate.hours_centi = self.hours_centi
            aggregate.work_date = self.work_date
            aggregate.request_digest = self.request_digest

    class Corrected(Aggregate.Event):
        changes: dict[str, Any]
        previous: dict[str, Any]
        reason: str
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: WorkLog) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Self:
        """The library's ``_create``, in fewer steps (``ledger.domain.aggregates``)."""
        made: Self = create(cls, event_class, id=id, **kwargs)
        return made

    def __init__(self) -> None:
        # Set by ``Logged.apply`` as the work log is created (``ledger.domain.aggregates``).
        self.site_id = NO_ID
        self.site_organisation_id = NO_ID
        self.worker_ref = ""
        self.contract = ""
        self.activity = ""
        self.hours_centi = 0
        self.work_date = ""
        self.request_digest = ""

    @classmethod
    def log(cls, work_log_id: UUID, **fields: Any) -> WorkLog:
        """Log hours (values checked by the caller)."""
        check_contract_and_activity(fields["contract"], fields["activity"])
        return cls._create(cls.Logged, id=work_log_id, **fields)

    def correct(self, changes: dict[str, Any], reason: str, **acted: Any) -> None:
        """Correct hours, contract, activity, worker or date; the original stays in the history."""
        changes = {k: v for k, v in changes.items() if v is not None and getattr(self, k) != v}
        if not changes:
            raise NothingToCorrect("A correction must change at least one field.")
        check_contract_and_activity(
            changes.get("contract", self.contract), changes.get("activity", self.activity)
        )
        previous = {name: getattr(self, name) for name in changes}
        self.trigger_event(
            self.Corrected, changes=changes, previous=previous, reason=reason, **acted
        )
