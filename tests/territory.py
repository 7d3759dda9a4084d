"""A small piece of the Caux Vallée de Seine territory for tests: who, where, and their tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from ledger.application.commands import (
    Actor,
    Collect,
    DefineTerritory,
    RegisterOrganisation,
    RegisterSite,
)
from ledger.application.ledger import Ledger
from ledger.domain.registry import SYSTEM_ORGANISATION_ID

ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "test-admin")
LILLEBONNE = "76384"
BOLBEC = "76114"
GONFREVILLE = "76305"  # the collective boiler, outside the territory


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


@dataclass
class Territory:
    """Organisations, sites and actors of a test territory."""

    collectors: UUID
    workshop: UUID
    fraying_mill: UUID
    boiler_company: UUID
    container_lillebonne: UUID
    container_bolbec: UUID
    sorting_centre: UUID
    mill_site: UUID
    boiler_site: UUID
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return self.actors[name]


def register(ledger: Ledger, name: str, kinds: list[str]) -> UUID:
    outcome = ledger.register_organisation(ADMIN, RegisterOrganisation(name=name, kinds=kinds))
    return UUID(outcome.ref.id)


def site(ledger: Ledger, owner: UUID, name: str, kind: str, commune: str) -> UUID:
    cmd = RegisterSite(organisation_id=owner, name=name, kind=kind, commune_insee=commune)
    return UUID(ledger.register_site(ADMIN, cmd).ref.id)


def build_territory(ledger: Ledger) -> Territory:
    """The collectors' collective, the insertion sorting workshop, a fraying mill, a boiler."""
    ledger.define_territory(
        ADMIN, DefineTerritory(name="Caux Vallée de Seine", communes_insee=[LILLEBONNE, BOLBEC])
    )
    collectors = register(ledger, "Collectif des collecteurs", ["collector", "transporter"])
    workshop = register(ledger, "Atelier d'insertion du tri", ["sorter"])
    mill = register(ledger, "Effilochage du Nord", ["recycler"])
    boilers = register(ledger, "Chaufferie collective", ["energy"])
    world = Territory(
        collectors=collectors,
        workshop=workshop,
        fraying_mill=mill,
        boiler_company=boilers,
        container_lillebonne=site(
            ledger, collectors, "Conteneur Lillebonne", "collection_point", LILLEBONNE
        ),
        container_bolbec=site(ledger, collectors, "Conteneur Bolbec", "collection_point", BOLBEC),
        sorting_centre=site(ledger, workshop, "Atelier de tri de Bolbec", "sorting_centre", BOLBEC),
        mill_site=site(ledger, mill, "Usine d'effilochage", "recycler", "59350"),
        boiler_site=site(ledger, boilers, "Chaufferie de Gonfreville", "boiler", GONFREVILLE),
    )
    world.actors = {
        "collector": Actor(collectors, "collector", "tok-collector"),
        "transporter": Actor(collectors, "transporter", "tok-transporter"),
        "sorter": Actor(workshop, "sorter", "tok-sorter"),
        "supervisor": Actor(workshop, "supervisor", "tok-supervisor"),
        "mill": Actor(mill, "outlet", "tok-mill"),
        "boiler": Actor(boilers, "outlet", "tok-boiler"),
    }
    return world


def collect(
    ledger: Ledger, world: Territory, mass_kg: str, label: str | None = None, hours: float = 5
) -> UUID:
    """A bag collected at the Lillebonne container some hours ago."""
    cmd = Collect(
        material="textile.collected",
        mass_kg=Decimal(mass_kg),
        site_id=world.container_lillebonne,
        occurred_at=hours_ago(hours),
        label_code=label,
    )
    return UUID(ledger.collect(world.actor("collector"), cmd).ref.id)
