"""The registry view: organisations, sites and the territory's communes, for indicators' joins."""

from __future__ import annotations

from typing import ClassVar

from ledger.projections.base import Page, topic_name
from ledger.projections.db import ViewDatabase


class RegistryView:
    """Sites with their commune and country, organisations, and the communes of the territory."""

    name: ClassVar[str] = "registry"
    tables: ClassVar[tuple[str, ...]] = ("view_sites", "view_organisations", "view_communes")
    topics: ClassVar[frozenset[str]] = frozenset(
        ("Site.Registered", "Organisation.Registered", "Territory.Defined", "Territory.Redefined")
    )

    def create(self, db: ViewDatabase) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS view_sites (site_id TEXT PRIMARY KEY, owner_id TEXT, "
            "name TEXT, kind TEXT, commune_insee TEXT, country TEXT)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS view_organisations (organisation_id TEXT PRIMARY KEY, "
            "name TEXT, kinds TEXT)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS view_communes (commune_insee TEXT PRIMARY KEY)")

    def apply(self, db: ViewDatabase, page: Page) -> None:
        sites, organisations = [], []
        communes: list[str] | None = None
        for _, event in page:
            topic = topic_name(event)
            if topic == "Site.Registered":
                sites.append(
                    (
                        str(event.originator_id),
                        str(event.owner_id),
                        event.name,
                        event.kind,
                        event.commune_insee,
                        event.country,
                    )
                )
            elif topic == "Organisation.Registered":
                organisations.append((str(event.originator_id), event.name, ",".join(event.kinds)))
            elif topic in ("Territory.Defined", "Territory.Redefined"):
                communes = list(event.communes_insee)
        db.executemany(
            "INSERT INTO view_sites VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO NOTHING",
            sites,
        )
        db.executemany(
            "INSERT INTO view_organisations VALUES (?, ?, ?) "
            "ON CONFLICT (organisation_id) DO NOTHING",
            organisations,
        )
        if communes is not None:  # the territory as it is now: the last definition wins
            db.execute("DELETE FROM view_communes")
            db.executemany("INSERT INTO view_communes VALUES (?)", [(c,) for c in communes])
