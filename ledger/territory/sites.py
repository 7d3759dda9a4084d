"""Sites as the territory's accounts and map see them (from the registry view): commune,
country, position, kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.projections.db import ViewDatabase


@dataclass(frozen=True)
class SitePlace:
    site_id: str
    owner_id: str
    name: str
    kind: str
    commune_insee: str | None
    country: str
    latitude: float | None
    longitude: float | None

    def inside(self, communes: frozenset[str]) -> bool:
        return self.country == "FR" and self.commune_insee in communes


def site_places(db: ViewDatabase) -> dict[str, SitePlace]:
    rows = db.query(
        "SELECT site_id, owner_id, name, kind, commune_insee, country, latitude_e6, longitude_e6 "
        "FROM view_sites"
    )
    return {
        str(site): SitePlace(
            str(site),
            str(owner),
            str(name),
            str(kind),
            commune,
            str(country),
            degrees(lat),
            degrees(lon),
        )
        for site, owner, name, kind, commune, country, lat, lon in rows
    }


def degrees(micro: Any) -> float | None:
    """The registry view keeps positions as text of micro-degrees."""
    return None if micro is None or micro == "" else int(micro) / 1_000_000


def places(sites: dict[str, SitePlace]) -> dict[str, tuple[str | None, str]]:
    """site id → (commune, country), as ``ledger.territory.traced.inside_sites`` takes them."""
    return {site_id: (s.commune_insee, s.country) for site_id, s in sites.items()}
