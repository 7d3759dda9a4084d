"""Collection against potential ("gisements peu exploités"), commune by commune (DESIGN §8).

A collection counts in the commune it came from when the collector said so
(``source_commune_insee``, at its collected mass), else in its site's commune. The potential is
the commune's legal population times the filière's potential per inhabitant (a data table with
its source); the gap is what is left to collect. Communes are ranked by gap, the largest first.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import NoPotential, TerritoryNotFound
from ledger.projections.db import ViewDatabase
from ledger.territory.batch_flows import collections_by_place
from ledger.territory.boundaries import TerritoryState, territories_at
from ledger.territory.communes import CommuneTable, commune_table, potentials
from ledger.territory.numbers import half_up
from ledger.territory.report import horizon_text
from ledger.territory.sites import SitePlace, site_places


def collected_by_commune(
    db: ViewDatabase,
    sites: dict[str, SitePlace],
    year: int,
    filiere: str,
    materials: list[str],
    horizon: str | None,
) -> dict[str, int]:
    grams: dict[str, int] = defaultdict(int)
    for site_id, source, mass in collections_by_place(db, year, filiere, materials, horizon):
        site = sites.get(site_id)
        commune = source or (site.commune_insee if site else None)
        if commune:
            grams[commune] += mass
    return grams


def containers_by_commune(sites: dict[str, SitePlace]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for site in sites.values():
        if site.kind == "collection_point" and site.commune_insee:
            found[site.commune_insee] += 1
    return found


def potential_of(filiere: str) -> dict[str, Any]:
    table = potentials()
    if filiere not in table:
        raise NoPotential(
            f"No potential per inhabitant is known for {filiere}.",
            filiere=filiere,
            known=sorted(table),
        )
    found: dict[str, Any] = table[filiere]
    return found


def commune_rows(
    territory: TerritoryState,
    table: CommuneTable,
    grams: dict[str, int],
    containers: dict[str, int],
    per_inhabitant: Decimal,
) -> list[dict[str, Any]]:
    rows = []
    for code in sorted(territory.communes):
        commune = table.communes.get(code)
        population = commune.population if commune else None
        collected = Decimal(grams.get(code, 0)) / 1000
        potential = None if population is None else per_inhabitant * population
        count = containers.get(code, 0)
        rows.append(
            {
                "commune_insee": code,
                "name": commune.name if commune else None,
                "population": population,
                "collected_kg": half_up(collected, 3),
                "kg_per_inhabitant": half_up(collected / population, 3) if population else None,
                "potential_kg": None if potential is None else half_up(potential, 3),
                "gap_kg": None if potential is None else half_up(potential - collected, 3),
                "containers": count,
                "containers_per_1000": half_up(Decimal(count) * 1000 / population, 2)
                if population
                else None,
                "latitude": commune.latitude if commune else None,
                "longitude": commune.longitude if commune else None,
            }
        )
    rows.sort(key=ranking)
    return rows


def ranking(row: dict[str, Any]) -> tuple[bool, float, str]:
    """The largest gap first; communes without a population last."""
    gap = row["gap_kg"]
    return gap is None, -float(gap or 0), str(row["commune_insee"])


def collection_by_commune(
    db: ViewDatabase,
    catalogue: Catalogue,
    code: str,
    year: int,
    filiere: str,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """The ranked table of a territory's communes for a year and filière."""
    potential = potential_of(filiere)
    per_inhabitant = Decimal(potential["kg_per_inhabitant"])
    horizon = horizon_text(as_of)
    with db.snapshot():
        territory = territories_at(db, horizon).get(code)
        if territory is None:
            raise TerritoryNotFound(f"No territory has the code {code!r}.", territory=code)
        sites = site_places(db)
        materials = [m.code for m in catalogue.all() if m.filiere == filiere]
        grams = collected_by_commune(db, sites, year, filiere, materials, horizon)
        table = commune_table(db, year)
    rows = commune_rows(territory, table, grams, containers_by_commune(sites), per_inhabitant)
    outside = sum(g for commune, g in grams.items() if commune not in territory.communes)
    return {
        "territory": code,
        "year": year,
        "filiere": filiere,
        "rows": rows,
        "potential_kg_per_inhabitant": float(per_inhabitant),
        "source": potential["source"],
        "population_year": table.population_year,
        "population_source": table.source,
        "collected_outside_kg": half_up(Decimal(outside) / 1000, 3),
    }
