"""Importing a table of commune populations (INSEE's legal populations, or a newer table)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ledger.application.commands import Actor, Outcome, Ref
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.communes import CommunePopulations, CommuneRow, department_of
from ledger.domain.errors import InvalidInput
from ledger.domain.quantities import check_commune
from ledger.domain.territory import MAX_POPULATION, YEARS
from ledger.domain.text import check_text


class CommuneCommands(LedgerCore):
    """Administrators replace the shipped populations by an imported table."""

    def import_communes(
        self, actor: Actor, year: int, source: str, rows: list[CommuneRow]
    ) -> Outcome:
        """Record a year's populations, one department per aggregate; returns how many
        departments changed (the same table again changes none)."""
        self.require_role(actor)
        if not YEARS[0] <= year <= YEARS[1]:
            raise InvalidInput("year runs from 1900 to 2999.", year=year)
        source_text = check_text(source, "source", 300, required=True) or ""
        by_department: dict[str, list[CommuneRow]] = defaultdict(list)
        for row in rows:
            code, name, population = checked_row(row)
            by_department[department_of(code)].append([code, name, population])
        uow = UnitOfWork(self)
        acted = self.acted(actor)
        changed = 0
        for department, communes in sorted(by_department.items()):
            table = uow.get(CommunePopulations.create_id(year, department), CommunePopulations)
            if table is None:
                table = CommunePopulations.start(year, department)
                uow.add(table)
            changed += table.record(source_text, communes, **acted)
        uow.commit()
        return Outcome(Ref("communes", str(year), changed), status=200, position=uow.last_position)


def checked_row(row: list[Any]) -> tuple[str, str, int]:
    if len(row) != 3:
        raise InvalidInput("A commune row is [commune_insee, name, population].")
    code, name, population = row
    commune = check_commune(str(code))
    label = check_text(str(name), "name", 200, required=True) or ""
    if isinstance(population, bool) or not isinstance(population, int):
        raise InvalidInput("population is a whole number.", commune_insee=commune)
    if not 0 <= population <= MAX_POPULATION:
        raise InvalidInput("population is out of range.", commune_insee=commune)
    return commune, label, population
