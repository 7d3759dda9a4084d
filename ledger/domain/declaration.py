"""A statement sent to the eco-organism: its figures frozen, and how far the log had been read.

Declaring makes later changes visible: facts recorded after ``through_position`` that fall in a
declared period (late syncs, corrections) are listed in the organisation's next statements
instead of silently changing what was declared and paid.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import Conflict


class AlreadyDeclared(Conflict):
    """An organisation declares a period once; later changes go into the next statements."""

    code = "already_declared"


class Declaration(Aggregate):
    """One organisation's statement of one period, as declared."""

    class Declared(Aggregate.Created):
        scheme: str  # "refashion": the sorting-support statement
        declarant_id: UUID  # the sorting operator whose statement it is
        period: str
        period_start: str
        period_end: str
        through_position: int  # the views' position the figures were read at
        chain_head: str | None
        figures: dict[str, Any]  # grams, cents and hundredths of hours: exact integers
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Declaration) -> None:
            aggregate.declarant_id = self.declarant_id
            aggregate.period = self.period
            aggregate.period_start = self.period_start
            aggregate.period_end = self.period_end
            aggregate.through_position = self.through_position
            aggregate.chain_head = self.chain_head
            aggregate.figures = dict(self.figures)

    def __init__(self) -> None:
        self.declarant_id: UUID | None = None
        self.period = ""
        self.period_start = ""
        self.period_end = ""
        self.through_position = 0
        self.chain_head: str | None = None
        self.figures: dict[str, Any] = {}

    @staticmethod
    def create_id(scheme: str, declarant_id: UUID, period: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/declarations/{scheme}/{declarant_id}/{period}")

    @classmethod
    def declare(cls, scheme: str, declarant_id: UUID, period: str, **fields: Any) -> Declaration:
        return cls._create(
            cls.Declared,
            id=cls.create_id(scheme, declarant_id, period),
            scheme=scheme,
            declarant_id=declarant_id,
            period=period,
            **fields,
        )
