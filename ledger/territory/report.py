"""The accounts representation of DESIGN §8: read the views once, then compute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import TerritoryNotFound, YearOutsideTerritoryData
from ledger.domain.ewmfa import CATEGORIES
from ledger.indicators.views import views_position
from ledger.projections.base import utc_text
from ledger.projections.db import ViewDatabase
from ledger.territory.accounts import (
    KEYS,
    Scope,
    build_categories,
    category_figures,
    derived,
    energy_account,
    intensity,
    sources,
    totals,
    traced_by_filiere,
    warnings,
)
from ledger.territory.batch_flows import flow_groups
from ledger.territory.boundaries import Territories, TerritoryState, territories_at
from ledger.territory.declared import DeclaredGroup, declared_groups
from ledger.territory.heating import heating_source
from ledger.territory.numbers import gj, tonnes
from ledger.territory.sites import places, site_places
from ledger.territory.traced import TracedFlow, inside_sites, traced_flows

VIEWS = ("batches", "registry", "territories")


@dataclass(frozen=True)
class Reading:
    """What the accounts of a territory and year read from the views, in one snapshot."""

    territory: TerritoryState
    territories: Territories
    year: int
    declared: list[DeclaredGroup]
    traced: list[TracedFlow]
    position: int
    as_of: datetime | None


def horizon_text(as_of: datetime | None) -> str | None:
    return None if as_of is None else utc_text(as_of)


def known(territories: Territories, code: str, year: int) -> TerritoryState:
    territory = territories.get(code)
    if territory is None:
        raise TerritoryNotFound(f"No territory has the code {code!r}.", territory=code)
    if str(year) not in territory.population:
        raise YearOutsideTerritoryData(
            f"{code} has no population for {year}.", year=year, years=sorted(territory.population)
        )
    return territory


def read(
    db: ViewDatabase, catalogue: Catalogue, code: str, year: int, as_of: datetime | None = None
) -> Reading:
    """Everything the accounts need, as recorded by ``as_of`` (None: now)."""
    horizon = horizon_text(as_of)
    with db.snapshot():
        territories = territories_at(db, horizon)
        territory = known(territories, code, year)
        codes = [code, *(d.code for d in territories.descendants(code))]
        declared = declared_groups(db, codes, year, horizon)
        groups = flow_groups(db, catalogue, year, horizon)
        sites = site_places(db)
        position = views_position(db, *VIEWS)
    inside = inside_sites(places(sites), territory.communes)
    traced = traced_flows(groups, inside, catalogue)
    return Reading(territory, territories, year, declared, traced, position, as_of)


def accounts(reading: Reading) -> dict[str, Any]:
    """The EW-MFA accounts of a territory and year."""
    territory, year = reading.territory, reading.year
    scope = Scope(territory, reading.territories)
    categories = build_categories(scope, reading.declared, reading.traced)
    mass, energy = totals(categories)
    population = territory.population.get(str(year))
    gdp = territory.gdp_eur.get(str(year))
    traced_codes = {code for code, c in categories.items() if c.traced_used}
    total = {f"{key}_t": tonnes(mass[key]) for key in KEYS} | derived(mass, "_t", tonnes)
    total |= {f"{key}_gj": gj(energy[key]) for key in KEYS} | derived(energy, "_gj", gj)
    return {
        "territory": territory.code,
        "name": territory.name,
        "year": year,
        "as_of": None if reading.as_of is None else reading.as_of.isoformat(),
        "population": population,
        "gdp_eur": gdp,
        "parent": territory.parent,
        "children": [child.code for child in reading.territories.children(territory.code)],
        "traced_categories": list(territory.traced_categories),
        "categories": {
            code: {"name": CATEGORIES[code], **category_figures(c)}
            for code, c in categories.items()
        },
        "totals": total,
        **intensity(mass, population, gdp),
        "energy": energy_account(categories),
        "traced_by_filiere": traced_by_filiere(reading.traced),
        "sources": sources(scope, reading.declared, reading.traced, traced_codes),
        "heating_values_source": heating_source(),
        "warnings": warnings(scope, reading.declared),
        "position": reading.position,
    }
