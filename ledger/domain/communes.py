"""Legal populations of communes, as imported (one aggregate per year and department).

The ledger ships INSEE's legal populations as a data file; ``ledger communes import`` records a
newer or other table as events, so the figures that use populations say where theirs came from.
A department's communes of a year travel together: an import that changes nothing writes nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

CommuneRow = list[Any]  # [commune_insee, name, population]


def department_of(commune_insee: str) -> str:
    """The department part of a commune code: 76 for 76384, 2A for 2A004, 971 for 97101."""
    return commune_insee[:3] if commune_insee.startswith("97") else commune_insee[:2]


class CommunePopulations(Aggregate):
    """The populations of one department's communes for one year."""

    class Started(Aggregate.Created):
        year: int
        department: str

    class Imported(Aggregate.Event):
        year: int
        department: str
        source: str
        communes: list[CommuneRow]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: CommunePopulations) -> None:
            aggregate.source = self.source
            aggregate.communes = [list(row) for row in self.communes]

    def __init__(self, year: int, department: str) -> None:
        self.year = year
        self.department = department
        self.source = ""
        self.communes: list[CommuneRow] = []

    @staticmethod
    def create_id(year: int, department: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/communes/{year}/{department}")

    @classmethod
    def start(cls, year: int, department: str) -> CommunePopulations:
        return cls._create(
            cls.Started, id=cls.create_id(year, department), year=year, department=department
        )

    def record(self, source: str, communes: list[CommuneRow], **acted: Any) -> bool:
        """Record the table; the same table again changes nothing (returns False)."""
        rows = sorted([list(row) for row in communes])
        if source == self.source and rows == self.communes:
            return False
        self.trigger_event(
            self.Imported,
            year=self.year,
            department=self.department,
            source=source,
            communes=rows,
            **acted,
        )
        return True
