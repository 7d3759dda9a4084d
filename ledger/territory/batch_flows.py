"""Every read the territory's accounts make of the batches view, in one place.

The batches view (``ledger.projections.batches``) keeps one flow fact per movement of a batch
(``view_flows``: kind, site, other site, material, mass, energy, times) and pre-aggregated sums of
them (``view_flow_months``: by site, month, kind, filière, route, other site, organisation). The
accounts need, for a calendar year, those facts summed by what decides an EW-MFA flow: the kind
of movement, the material (its category, origin and heating value), the two places, whether an
outlet is abroad, and the route. Inside or outside is decided later, per territory, from the
sites' communes.

The sums carry a filière and a route, not a material. Where the catalogue's materials of that
filière and route all count alike (same category, origin and heating value: export and cream
bales, say), the sums are read as one of them; the few groups where they do not (logs and
pallets are both wood for energy, but only logs are felled) are read from the facts. A valorised
batch is taken to leave by its material's route. Figures as recorded at a time read the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.domain.catalogue import ENERGY_ROUTES, Catalogue, Material
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


def year_months(year: int) -> tuple[str, str]:
    return f"{year:04d}-01", f"{year:04d}-12"


def year_days(year: int) -> list[str]:
    first = date(year, 1, 1)
    return [
        (first + timedelta(days=n)).isoformat() for n in range((date(year + 1, 1, 1) - first).days)
    ]


def flow_groups(
    db: ViewDatabase, catalogue: Catalogue, year: int, horizon: str | None = None
) -> list[FlowGroup]:
    """The year's facts of the traced kinds, summed by kind, material, sites, outlet and route;
    as recorded by ``horizon`` (UTC text) when one is given."""
    if horizon is not None:
        return fact_groups(db, year, horizon)
    alike = materials_alike(catalogue)
    groups: list[FlowGroup] = []
    unresolved: set[tuple[str, str, str | None]] = set()
    for kind, filiere, route, site, other, external, mass, energy in summed(db, year):
        material = alike.get((filiere, route or None))
        if material is None:
            unresolved.add((kind, filiere, route or None))
            continue
        groups.append(
            FlowGroup(
                kind, material, site, other or None, bool(external), route or None, mass, energy
            )
        )
    if unresolved:
        found = fact_groups(db, year, None, {kind for kind, _, _ in unresolved})
        groups += [g for g in found if (g.kind, filiere_of(catalogue, g), g.route) in unresolved]
    return groups


def signature(material: Material) -> tuple[object, ...]:
    """What the accounts read of a material: two materials alike here count alike."""
    return (
        material.ewmfa_category,
        material.origin,
        material.route in ENERGY_ROUTES,
        material.lhv_dry_mj_per_kg,
        material.default_moisture_pct,
    )


def materials_alike(catalogue: Catalogue) -> dict[tuple[str, str | None], str]:
    """(filière, route) → a material standing for all of the catalogue's materials of that
    filière and route, when they all count alike."""
    by_key: dict[tuple[str, str | None], list[Material]] = {}
    for material in catalogue.all():
        by_key.setdefault((material.filiere, material.route), []).append(material)
    return {
        key: materials[0].code
        for key, materials in by_key.items()
        if len({signature(m) for m in materials}) == 1
    }


def filiere_of(catalogue: Catalogue, group: FlowGroup) -> str | None:
    return catalogue.get(group.material).filiere if group.material in catalogue else None


def summed(db: ViewDatabase, year: int) -> list[tuple[Any, ...]]:
    """The pre-aggregated sums of the year's facts of the traced kinds ('' for none)."""
    marks = ", ".join("?" * len(TRACED_KINDS))
    rows = db.query(
        "SELECT kind, filiere, route, site_id, other_site_id, external, SUM(mass_g), "
        "SUM(energy_kj) FROM view_flow_months "
        f"WHERE month BETWEEN ? AND ? AND kind IN ({marks}) "
        "GROUP BY kind, filiere, route, site_id, other_site_id, external",
        [*year_months(year), *TRACED_KINDS],
    )
    return [
        (str(k), str(f), str(r), str(s), str(o), int(e), int(g or 0), int(j or 0))
        for k, f, r, s, o, e, g, j in rows
    ]


def fact_groups(
    db: ViewDatabase, year: int, horizon: str | None, kinds: set[str] | None = None
) -> list[FlowGroup]:
    """The same groups from the facts themselves (of some kinds only, when given)."""
    chosen = sorted(kinds) if kinds else list(TRACED_KINDS)
    days = year_days(year)
    # Each day named, not a range: the index on (day, kind) then finds just those kinds' facts.
    params: list[Any] = [*days, *chosen]
    recorded = ""
    if horizon is not None:
        recorded, params = " AND recorded_at <= ?", [*params, horizon]
    rows = db.query(
        "SELECT kind, material, site_id, other_site_id, "
        "CASE WHEN outlet_country IS NULL THEN 0 ELSE 1 END, route, "
        "SUM(mass_g), SUM(COALESCE(energy_kj, 0)) FROM view_flows "
        f"WHERE occurred_date IN ({', '.join('?' * len(days))}) "
        f"AND kind IN ({', '.join('?' * len(chosen))}){recorded} "
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
    params: list[Any] = list(year_months(year))
    condition = ""
    if filiere is not None:
        condition, params = " AND filiere = ?", [*params, filiere]
    rows = db.query(
        "SELECT site_id, other_site_id, filiere, SUM(mass_g) FROM view_flow_months "
        f"WHERE month BETWEEN ? AND ? AND kind = 'dispatched'{condition} "
        "GROUP BY site_id, other_site_id, filiere",
        params,
    )
    return [(str(a), str(b), str(f), int(g)) for a, b, f, g in rows if b and g]  # refused: 0


def collections_by_place(
    db: ViewDatabase, year: int, filiere: str, materials: list[str], horizon: str | None = None
) -> list[tuple[str, str | None, int]]:
    """The year's collections of a filière (of these materials): (site, the commune they came
    from when the collector said so, grams). As recorded now: each site's sums, less what came
    from a named commune (counted there instead, at its collected mass); as recorded at a time:
    the facts, corrections included."""
    if horizon is not None:
        return collected_facts(db, year, filiere, horizon)
    rows = db.query(
        "SELECT site_id, SUM(mass_g) FROM view_flow_months WHERE month BETWEEN ? AND ? "
        "AND kind = 'collected' AND filiere = ? GROUP BY site_id",
        [*year_months(year), filiere],
    )
    found: list[tuple[str, str | None, int]] = [(str(s), None, int(g or 0)) for s, g in rows]
    if not materials:
        return found
    marks = ", ".join("?" * len(materials))
    moved = db.query(
        "SELECT site_id, commune_insee, SUM(mass_g) FROM view_collection_sources "
        f"WHERE occurred_date BETWEEN ? AND ? AND material IN ({marks}) "
        "GROUP BY site_id, commune_insee",
        [*year_bounds(year), *materials],
    )
    for site, commune, grams in moved:
        found += [(str(site), None, -int(grams)), (str(site), str(commune), int(grams))]
    return found


def collected_facts(
    db: ViewDatabase, year: int, filiere: str, horizon: str
) -> list[tuple[str, str | None, int]]:
    rows = db.query(
        "SELECT f.site_id, c.commune_insee, SUM(f.mass_g) FROM view_flows f "
        "LEFT JOIN view_collection_sources c ON c.batch_id = f.batch_id "
        "WHERE f.occurred_date BETWEEN ? AND ? AND f.kind = 'collected' "
        "AND f.filiere = ? AND f.recorded_at <= ? GROUP BY f.site_id, c.commune_insee",
        [*year_bounds(year), filiere, horizon],
    )
    return [(str(site), commune, int(grams or 0)) for site, commune, grams in rows]
