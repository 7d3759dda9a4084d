"""What ``/map`` draws for a territory and year: sites at their coordinates, communes by kg per
inhabitant against potential, and the flows of a filière between sites."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledger.domain.catalogue import Catalogue
from ledger.projections.db import ViewDatabase
from ledger.territory.batch_flows import transfers
from ledger.territory.collection import collection_by_commune
from ledger.territory.numbers import half_up
from ledger.territory.sites import SitePlace, site_places


def site_json(site: SitePlace, communes: frozenset[str]) -> dict[str, Any]:
    return {
        "id": site.site_id,
        "name": site.name,
        "kind": site.kind,
        "commune_insee": site.commune_insee,
        "country": site.country,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "inside": site.inside(communes),
    }


def map_data(
    db: ViewDatabase, catalogue: Catalogue, code: str, year: int, filiere: str
) -> dict[str, Any]:
    """Communes, sites and transfers of a territory for a year and filière (as recorded now)."""
    communes = collection_by_commune(db, catalogue, code, year, filiere)
    members = frozenset(row["commune_insee"] for row in communes["rows"])
    sites = site_places(db)
    moves = transfers(db, year, filiere)
    involved = {s for s, site in sites.items() if site.inside(members)}
    involved |= {a for a, b, _, _ in moves if b in involved} | {
        b for a, b, _, _ in moves if a in involved
    }
    flows = [
        {"from": a, "to": b, "filiere": f, "mass_kg": half_up(Decimal(g) / 1000, 3)}
        for a, b, f, g in moves
        if a in involved and b in involved
    ]
    placed = [site_json(sites[s], members) for s in sorted(involved) if s in sites]
    for row in communes["rows"]:
        potential = row["potential_kg"]
        ratio = Decimal(str(row["collected_kg"])) / Decimal(str(potential)) if potential else None
        row["collected_share_of_potential"] = None if ratio is None else half_up(ratio, 4)
    return {
        **communes,
        "sites": placed,
        "flows": flows,
        "without_position": [
            row["commune_insee"] for row in communes["rows"] if row["latitude"] is None
        ],
    }
