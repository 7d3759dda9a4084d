"""Reads of territories and declared flows from their aggregates (what was just written)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.representations import iso
from ledger.domain.declared_flow import DeclaredFlow
from ledger.domain.errors import DeclaredFlowNotFound, TerritoryNotFound
from ledger.domain.territory import CODE, Territory


def millionths(units: int) -> float:
    """Grams as tonnes, kJ as GJ (exact: at most 6 decimals)."""
    return float(Decimal(units) / 1_000_000)


class TerritoryQueries(LedgerCore):
    """A territory as described, and a declared flow as corrected."""

    def territory_record(self, code: str) -> dict[str, Any]:
        found = (
            UnitOfWork(self).get(Territory.create_id(code), Territory) if CODE.match(code) else None
        )
        if found is None or found.code != code:
            raise TerritoryNotFound(f"No territory has the code {code!r}.", territory=code)
        return {
            "code": found.code,
            "name": found.name,
            "communes_insee": list(found.communes_insee),
            "parent": found.parent,
            "children": list(found.children),
            "population": dict(found.population),
            "gdp_eur": dict(found.gdp_eur),
            "traced_categories": list(found.traced_categories),
            "version": found.version,
            "recorded_at": iso(found.modified_on),
        }

    def declared_flow_json(self, code: str, flow_id: UUID) -> dict[str, Any]:
        flow = UnitOfWork(self).get(flow_id, DeclaredFlow)
        if flow is None or flow.territory != code:
            raise DeclaredFlowNotFound(f"{code} has no declared flow {flow_id}.")
        facts = flow.facts
        return {
            "id": str(flow.id),
            "territory": flow.territory,
            "version": flow.version,
            "year": facts.year,
            "direction": facts.direction,
            "category": facts.category,
            "mass_t": millionths(facts.mass_g),
            "energy_gj": None if facts.energy_kj is None else millionths(facts.energy_kj),
            "partner": facts.partner,
            "output_to": facts.output_to,
            "energy_carrier": facts.carries_energy,
            "source": facts.source,
            "quality": facts.quality,
            "note": facts.note,
            "recorded_at": iso(flow.modified_on),
        }
