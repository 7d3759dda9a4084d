"""Response bodies of the indicators (DESIGN §4.2): fixed field names, more fields welcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

POSITION = "The position of the views the figure was read from (read in one snapshot)."


class Figures(BaseModel):
    position: int = Field(description=POSITION)


class PeriodFigures(Figures):
    as_of: datetime | None = Field(
        None, description="The recording horizon asked for: figures as the ledger knew them then"
    )


class StockRow(BaseModel):
    site_id: str = Field(description="Where the batches are held, or the site they left.")
    material: str
    mass_kg: float
    batches: int = Field(description="How many batches.")
    state: str = Field(description="held or in_transit")
    holder_id: str
    filiere: str | None
    destination_site_id: str | None = Field(description="Where batches in transit go.")


class StockList(Figures):
    data: list[StockRow]
    count: int
    as_of: datetime | None = Field(None, description="The recording horizon asked for")


class RouteKg(BaseModel):
    reuse: float
    recycling: float
    csr: float
    energy: float
    disposal: float


class Shares(BaseModel):
    reuse: float
    recycling: float
    csr: float
    energy: float
    disposal: float
    loss: float


class Circularity(PeriodFigures):
    sorted_input_kg: float
    outputs_kg: RouteKg = Field(description="By the route of each output's material.")
    loss_kg: float
    shares: Shares = Field(description="Fractions of sorted input, 4 decimals.")
    recycling_rate: float | None = Field(description="recycling / (sorted input − reuse)")
    valorisation_rate: float | None
    unrouted_kg: float = Field(description="Outputs of a material with no route.")
    period: str


class Jobs(PeriodFigures):
    hours_total: float
    hours_by_contract: dict[str, float]
    hours_by_activity: dict[str, float]
    insertion_share_sorting: float | None
    fte: float = Field(description="Full-time-equivalent years: hours / 1607.")
    hours_per_tonne_sorted: float | None
    sorted_input_kg: float
    period: str


class SupportCents(BaseModel):
    sbase: int
    scomp_recycling: int
    scomp_csr: int
    svalo_e: int
    total: int


class SupportRates(BaseModel):
    sbase: float
    scomp_recycling: float
    scomp_csr: float
    svalo_e: float


class RefashionStatement(PeriodFigures):
    model_config = ConfigDict(populate_by_name=True)

    organisation_id: str
    organisation_name: str
    period: str
    from_: str = Field(alias="from")
    to: str
    year: int
    sorted_input_tonnes: float
    tonnes: RouteKg = Field(description="Sorting outputs by route, tonnes (exact to the gram).")
    support_cents: SupportCents
    rates_eur_per_tonne: SupportRates
    recycling_rate: float | None
    recycling_objective: float | None
    recycling_ok: bool | None
    insertion_share: float | None
    insertion_minimum: float
    insertion_ok: bool
    chain_head: str | None = Field(description="Head of the hash chain (null until it exists).")
    declared: DeclarationRef | None = Field(
        None, description="This period's declaration, when it was declared (figures frozen)."
    )
    changes_to_declared_periods: list[DeclaredPeriodChange] = Field(
        default_factory=list,
        description="Facts recorded in earlier declared periods after their declaration "
        "(late syncs, corrections), with their effect on the declared figures.",
    )


class DeclarationRef(BaseModel):
    declaration_id: str
    period: str
    declared_at: str = Field(description="When the ledger recorded the declaration (UTC).")
    through_position: int = Field(description="The log position its figures were read at.")


class DeclaredPeriodChange(DeclarationRef):
    after_position: int = Field(description="Facts recorded after this position are listed.")
    sorted_input_kg: float
    tonnes: RouteKg = Field(description="Change of the outputs by route, tonnes.")
    support_cents: dict[str, int] = Field(description="Change of each support line, cents.")
    sorting_hours: float
    insertion_sorting_hours: float
    events: list[dict[str, Any]] = Field(description="The facts behind the change, in log order.")


class FiliereMetabolism(BaseModel):
    local_collection_kg: float
    imports_kg: float
    exports_kg: float
    valorised_inside_kg: RouteKg
    losses_kg: float
    energy_inside_gj: float
    apparent_consumption_kg: float
    stock_change_kg: float
    exports_by_route_kg: dict[str, float]
    sorted_inside_kg: float


class Metabolism(PeriodFigures):
    model_config = ConfigDict(populate_by_name=True)

    period: str
    from_: str = Field(alias="from")
    to: str
    filieres: dict[str, FiliereMetabolism]
