"""Every read the territory's accounts make of the batches view, in one place.

The batches view (``ledger.projections.batches``) keeps one flow fact per movement of a batch
(``view_flows``: kind, site, other site, material, mass, energy, times) and pre-aggregated sums of
them. The accounts need, for a calendar year, those facts summed by what decides an EW-MFA flow:
the kind of movement, the material (its category and origin), the two places, whether an outlet is
abroad, and the route. Inside or outside is decided later, per territory, from the sites' communes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.projections.db import ViewDatabase

TRACED_KINDS = ("collected", "received", "dispatched", "valorised")


@dataclass(frozen=True)
class FlowGroup:
    """The year's flow facts that look alike to the EW-MFA rules, summed."""

    kind: str
    material: str
    site_id: str
    other_site_id: str | None
    external: bool  # valorised at an outlet outside the ledger's sites (abroad, or unnamed)
    route: str | None
    mass_g: int
    energy_kj: int


def year_bounds(year: int) -> tuple[str, str]:
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def flow_groups(db: ViewDatabase, year: int, horizon: str | None = None) -> list[FlowGroup]:
    """The year's facts of the traced kinds, summed by kind, material, sites, outlet and route;
    only those recorded by ``horizon`` (UTC text) when one is given."""
    marks = ", ".join("?" * len(TRACED_KINDS))
    params: list[Any] = [*year_bounds(year), *TRACED_KINDS]
    recorded = ""
    if horizon is not None:
        recorded, params = " AND recorded_at <= ?", [*params, horizon]
    rows = db.query(
        "SELECT kind, material, site_id, other_site_id, "
        "CASE WHEN outlet_country IS NULL THEN 0 ELSE 1 END, route, "
        "SUM(mass_g), SUM(COALESCE(energy_kj, 0)) FROM view_flows "
        f"WHERE occurred_date BETWEEN ? AND ? AND kind IN ({marks}){recorded} "
        "GROUP BY kind, material, site_id, other_site_id, "
        "CASE WHEN outlet_country IS NULL THEN 0 ELSE 1 END, route",
        params,
    )
    return [
        FlowGroup(
            str(kind),
            str(material),
            str(site),
            other,
            bool(external),
            route,
            int(mass or 0),
            int(energy or 0),
        )
        for kind, material, site, other, external, route, mass, energy in rows
    ]


def transfers(db: ViewDatabase, year: int, filiere: str | None) -> list[tuple[str, str, str, int]]:
    """Dispatches of the year between two sites: (from site, to site, filière, grams)."""
    params: list[Any] = list(year_bounds(year))
    condition = ""
    if filiere is not None:
        condition, params = " AND filiere = ?", [*params, filiere]
    rows = db.query(
        "SELECT site_id, other_site_id, filiere, SUM(mass_g) FROM view_flow_days "
        f"WHERE occurred_date BETWEEN ? AND ? AND kind = 'dispatched'{condition} "
        "GROUP BY site_id, other_site_id, filiere",
        params,
    )
    return [(str(a), str(b), str(f), int(g)) for a, b, f, g in rows if b]


def collections_by_place(
    db: ViewDatabase, year: int, filiere: str, horizon: str | None = None
) -> list[tuple[str, str | None, int]]:
    """The year's collections of a filière: (site, commune the collection came from when the
    collector said so, grams), corrections included."""
    params: list[Any] = [*year_bounds(year), filiere]
    recorded = ""
    if horizon is not None:
        recorded, params = " AND f.recorded_at <= ?", [*params, horizon]
    rows = db.query(
        "SELECT f.site_id, c.commune_insee, SUM(f.mass_g) FROM view_flows f "
        "LEFT JOIN view_collection_sources c ON c.batch_id = f.batch_id "
        "WHERE f.occurred_date BETWEEN ? AND ? AND f.kind = 'collected' "
        f"AND f.filiere = ?{recorded} GROUP BY f.site_id, c.commune_insee",
        params,
    )
    return [(str(site), commune, int(grams or 0)) for site, commune, grams in rows]
