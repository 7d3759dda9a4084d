"""Stock: what is held at each site and what is in transit, by material (DESIGN §4)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.indicators.numbers import kg
from ledger.indicators.views import Filters, inside, views_position
from ledger.projections.db import ViewDatabase

STOCK_SQL = """
SELECT site_id, material, state, holder_id, filiere, destination_site_id,
       SUM(mass_g), COUNT(*)
FROM view_batches
WHERE {where}
GROUP BY site_id, material, state, holder_id, filiere, destination_site_id
ORDER BY site_id, material, state, holder_id, COALESCE(destination_site_id, '')
"""


def stock(
    db: ViewDatabase,
    site_id: UUID | str | None = None,
    organisation_id: UUID | str | None = None,
    filiere: str | None = None,
    material: str | None = None,
) -> dict[str, Any]:
    """Held and in-transit batches grouped by site, material, state, holder and destination.

    A batch in transit is listed at the site it left, with the site it goes to, and its sender
    as holder until it is received (DESIGN §7).
    """
    filters = Filters("state IN ('held', 'in_transit')")
    filters.equal("site_id", site_id).equal("holder_id", organisation_id)
    filters.equal("filiere", filiere).equal("material", material)
    with db.snapshot():
        rows = db.query(STOCK_SQL.format(where=filters.where), filters.params)
        position = views_position(db, "batches")
    data = [stock_row(row) for row in rows]
    return {"data": data, "count": len(data), "position": position}


def stock_row(row: tuple[Any, ...]) -> dict[str, Any]:
    site, material, state, holder, filiere, destination, mass_g, batches = row
    return {
        "site_id": site,
        "material": material,
        "mass_kg": kg(int(mass_g)),
        "batches": int(batches),
        "state": state,
        "holder_id": holder,
        "filiere": filiere,
        "destination_site_id": destination,
    }


INSIDE_STOCK_SQL = f"""
SELECT filiere, SUM(mass_g) FROM view_batches
WHERE {inside("site_id")}
  AND (state = 'held' OR (state = 'in_transit' AND {inside("destination_site_id")}))
GROUP BY filiere
"""


def inside_stock_g(db: ViewDatabase) -> dict[str, int]:
    """Grams in the territory's stock now, by filière: held at inside sites, or in transit
    between two inside sites (what the metabolism's stock change accounts for)."""
    return {str(filiere): int(mass) for filiere, mass in db.query(INSIDE_STOCK_SQL)}
