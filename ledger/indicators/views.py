"""What the indicators share about the views: the territory's sites, positions, filters."""

from __future__ import annotations

from typing import Any

from ledger.indicators.periods import Period
from ledger.indicators.sums import flows_of as flows_of  # the one reader of the sums
from ledger.projections.db import ViewDatabase
from ledger.projections.registry import INSIDE_SITES as INSIDE_SITES  # the territory's sites

ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")


def inside(column: str) -> str:
    """SQL that is true when the site in ``column`` lies inside the territory."""
    return f"{column} IN ({INSIDE_SITES})"


def views_position(db: ViewDatabase, *names: str) -> int:
    """The position every named view has reached (read in the caller's snapshot)."""
    marks = ", ".join("?" * len(names))
    rows = db.query(f"SELECT position FROM view_positions WHERE name IN ({marks})", names)
    return min((int(row[0]) for row in rows), default=0)


class Filters:
    """Optional ``column = ?`` conditions, in the order they are added."""

    def __init__(self, *always: str) -> None:
        self.conditions = list(always)
        self.params: list[Any] = []

    def add(self, condition: str, *params: Any) -> Filters:
        self.conditions.append(condition)
        self.params.extend(params)
        return self

    def recorded(self, period: Period, column: str = "recorded_at") -> Filters:
        """Only the facts recorded by the period's horizon, when it has one."""
        if period.horizon is not None:
            self.add(f"{column} <= ?", period.horizon)
        return self

    def between_positions(self, after: int | None, through: int | None) -> Filters:
        """Only the facts recorded after the position ``after`` and up to ``through``."""
        if after is not None:
            self.add("position > ?", after)
        if through is not None:
            self.add("position <= ?", through)
        return self

    def equal(self, column: str, value: Any) -> Filters:
        if value is not None:
            self.add(f"{column} = ?", str(value))
        return self

    @property
    def where(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1 = 1"
