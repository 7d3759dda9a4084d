"""Request and response bodies of the territory's accounts (DESIGN §8)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from ledger.api.schemas import Body

Text = str


class TerritoryUpsert(Body):
    name: str = Field(min_length=1, max_length=200)
    communes_insee: list[str] = Field(min_length=1, max_length=40_000)
    parent: str | None = Field(default=None, max_length=32, description="The parent's code")
    population: dict[str, int] = Field(default_factory=dict, description='{"2026": 77000}')
    gdp_eur: dict[str, int] = Field(default_factory=dict, description='{"2026": 2500000000}')
    traced_categories: list[str] = Field(
        default_factory=list, max_length=6, description="Top-level EW-MFA codes: MF1 … MF6"
    )


class TerritoryRecord(BaseModel):
    code: str
    name: str
    communes_insee: list[str]
    parent: str | None
    children: list[str] = []
    population: dict[str, int]
    gdp_eur: dict[str, int]
    traced_categories: list[str]
    version: int
    recorded_at: datetime | None = None


class FlowCreate(Body):
    year: int = Field(ge=1900, le=2999)
    direction: str = Field(
        max_length=32,
        description="extraction, import, export, output, balancing_input, balancing_output",
    )
    category: str = Field(max_length=16, description="EW-MFA code, e.g. MF4 or MF1.3")
    mass_t: Decimal = Field(description="Tonnes, 0 or more, at most 6 decimals")
    energy_gj: Decimal | None = Field(default=None, description="Energy content if known")
    partner: str | None = Field(
        default=None,
        max_length=32,
        description="Territory code, country code or rest_of_france",
    )
    output_to: str | None = Field(default=None, max_length=8, description="air, water or land")
    energy_carrier: bool | None = Field(default=None, description="Used for its energy")
    source: Text = Field(max_length=200)
    quality: str = Field(max_length=16, description="measured, estimated or modelled")
    note: Text | None = Field(default=None, max_length=1000)
    id: UUID | None = Field(default=None, description="Client-chosen id (imports)")


class FlowCorrection(Body):
    corrects_version: int = Field(ge=1)
    reason: Text = Field(min_length=1, max_length=500)
    year: int | None = Field(default=None, ge=1900, le=2999)
    direction: str | None = Field(default=None, max_length=32)
    category: str | None = Field(default=None, max_length=16)
    mass_t: Decimal | None = None
    energy_gj: Decimal | None = None
    partner: str | None = Field(default=None, max_length=32)
    output_to: str | None = Field(default=None, max_length=8)
    energy_carrier: bool | None = None
    source: Text | None = Field(default=None, max_length=200)
    quality: str | None = Field(default=None, max_length=16)
    note: Text | None = Field(default=None, max_length=1000)


class FlowPublic(BaseModel):
    id: UUID
    territory: str
    version: int
    year: int
    direction: str
    category: str
    mass_t: float
    energy_gj: float | None
    partner: str | None
    output_to: str | None
    energy_carrier: bool
    source: str
    quality: str
    note: str | None
    recorded_at: datetime | None = None


class Accounts(BaseModel):
    """The EW-MFA accounts of a territory and year (tonnes and GJ to 3 decimals)."""

    territory: str
    name: str
    year: int
    as_of: str | None
    population: int | None
    gdp_eur: int | None
    parent: str | None
    children: list[str]
    traced_categories: list[str]
    categories: dict[str, dict[str, Any]]
    totals: dict[str, float]
    per_capita: dict[str, float | None]
    dmc_kg_per_eur: float | None
    resource_productivity_eur_per_kg: float | None
    energy: dict[str, Any]
    traced_by_filiere: dict[str, dict[str, float]]
    sources: list[dict[str, Any]]
    heating_values_source: str
    warnings: list[dict[str, Any]]
    position: int


class CommuneRow(BaseModel):
    commune_insee: str
    name: str | None
    population: int | None
    collected_kg: float
    kg_per_inhabitant: float | None
    potential_kg: float | None
    gap_kg: float | None
    containers: int
    containers_per_1000: float | None
    latitude: float | None = None
    longitude: float | None = None


class CollectionByCommune(BaseModel):
    territory: str
    year: int
    filiere: str
    rows: list[CommuneRow]
    potential_kg_per_inhabitant: float
    source: str
    population_year: int
    population_source: str
    collected_outside_kg: float
