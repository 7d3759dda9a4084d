"""Commands about territories and their declared flows: plain typed values, as the API sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class DescribeTerritory:
    """Define or change a territory of DESIGN §8 (its whole description)."""

    code: str
    name: str
    communes_insee: list[str]
    parent: str | None = None
    population: dict[str, int] = field(default_factory=dict)
    gdp_eur: dict[str, int] = field(default_factory=dict)
    traced_categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeclareFlow:
    """A yearly flow of a territory from a statistical source."""

    year: int
    direction: str
    category: str
    mass_t: Decimal
    source: str
    quality: str
    energy_gj: Decimal | None = None
    partner: str | None = None
    output_to: str | None = None
    energy_carrier: bool | None = None
    note: str | None = None
    id: UUID | None = None


@dataclass(frozen=True)
class CorrectFlow:
    """A correction of a declared flow: the version it corrects, why, and the new values."""

    corrects_version: int
    reason: str
    changes: dict[str, Any] = field(default_factory=dict)  # DeclareFlow's field names
