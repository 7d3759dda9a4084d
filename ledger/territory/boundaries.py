"""Territories as the ledger knew them at a time: boundary, parent, people, traced categories."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from ledger.domain.ewmfa import covers
from ledger.domain.territory import MAIN
from ledger.projections.db import ViewDatabase


@dataclass(frozen=True)
class TerritoryState:
    """One territory's description at a time."""

    code: str
    name: str
    communes: frozenset[str]
    parent: str | None
    population: dict[str, int]
    gdp_eur: dict[str, int]
    traced_categories: tuple[str, ...]
    version: int
    recorded_at: str

    def traces(self, category: str) -> bool:
        """Whether the ledger's batches cover this category here (a code covers its sub-codes)."""
        return any(covers(code, category) for code in self.traced_categories)

    def contains(self, other: TerritoryState) -> bool:
        return other.communes <= self.communes


@dataclass(frozen=True)
class Territories:
    """Every territory known at a time, by code."""

    by_code: dict[str, TerritoryState]

    def get(self, code: str) -> TerritoryState | None:
        return self.by_code.get(code)

    def descendants(self, code: str) -> list[TerritoryState]:
        """Children, their children, and so on (a parent names its children's parent)."""
        found: list[TerritoryState] = []
        frontier = [code]
        while frontier:
            parent = frontier.pop()
            for state in self.by_code.values():
                if state.parent == parent and state not in found and state.code != code:
                    found.append(state)
                    frontier.append(state.code)
        return sorted(found, key=lambda s: s.code)

    def children(self, code: str) -> list[TerritoryState]:
        return sorted((s for s in self.by_code.values() if s.parent == code), key=lambda s: s.code)

    @cached_property
    def codes(self) -> list[str]:
        return sorted(self.by_code)


def territories_at(db: ViewDatabase, horizon: str | None = None) -> Territories:
    """Each territory's last version recorded by ``horizon`` (UTC text; None: now)."""
    condition, params = ("WHERE recorded_at <= ?", [horizon]) if horizon else ("", [])
    rows = db.query(
        "SELECT code, version, name, parent, communes, population, gdp_eur, traced, recorded_at "
        f"FROM view_territory_versions {condition} ORDER BY code, version",
        params,
    )
    latest = {}
    for code, version, name, parent, communes, population, gdp, traced, recorded in rows:
        latest[str(code)] = TerritoryState(
            code=str(code),
            name=str(name or ""),
            communes=frozenset(json.loads(communes or "[]")),
            parent=parent,
            population=json.loads(population or "{}"),
            gdp_eur=json.loads(gdp or "{}"),
            traced_categories=tuple(json.loads(traced or "[]")),
            version=int(version),
            recorded_at=str(recorded),
        )
    return Territories(latest)


def main_first(codes: list[str]) -> list[str]:
    return sorted(codes, key=lambda code: (code != MAIN, code))
