"""Who and where: organisations, sites, the territory, access tokens, and a directory of them."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import InvalidInput

ORGANISATION_KINDS = (
    "collector",
    "sorter",
    "transporter",
    "recycler",
    "energy",
    "reuse",
    "processor",
    "authority",
)
SITE_KINDS = (
    "collection_point",
    "sorting_centre",
    "warehouse",
    "recycler",
    "boiler",
    "shop",
    "processing",
    "landfill",
)
ROLES = ("admin", "collector", "sorter", "transporter", "outlet", "supervisor", "auditor")
FIELD_ROLES = ("collector", "sorter", "transporter", "outlet")
SYSTEM_ORGANISATION_ID = uuid5(NAMESPACE_URL, "/ledger/organisations/system")


def check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    """A value from one of the fixed vocabularies of DESIGN §4.2."""
    if value not in choices:
        raise InvalidInput(f"{what} must be one of {', '.join(choices)}.", **{what: value})
    return value


class Organisation(Aggregate):
    """An actor of the territory: collector, sorter, recycler, authority…"""

    class Registered(Aggregate.Created):
        name: str
        siret: str | None
        kinds: list[str]
        organisation_id: UUID
        token_id: str
        request_digest: str

    def __init__(self, name: str, siret: str | None, kinds: list[str], request_digest: str) -> None:
        self.name = name
        self.siret = siret
        self.kinds = kinds
        self.request_digest = request_digest


class Site(Aggregate):
    """A place: container, sorting centre, warehouse, recycler, boiler, shop, landfill."""

    class Registered(Aggregate.Created):
        owner_id: UUID
        name: str
        kind: str
        commune_insee: str | None
        country: str
        latitude_e6: int | None
        longitude_e6: int | None
        organisation_id: UUID
        token_id: str
        request_digest: str

    def __init__(
        self,
        owner_id: UUID,
        name: str,
        kind: str,
        commune_insee: str | None,
        country: str,
        latitude_e6: int | None,
        longitude_e6: int | None,
        request_digest: str,
    ) -> None:
        self.owner_id = owner_id
        self.name = name
        self.kind = kind
        self.commune_insee = commune_insee
        self.country = country
        self.latitude_e6 = latitude_e6
        self.longitude_e6 = longitude_e6
        self.request_digest = request_digest

    def inside(self, communes: frozenset[str]) -> bool:
        """Inside the territory: a French site whose commune belongs to it."""
        return self.country == "FR" and self.commune_insee in communes


class Territory(Aggregate):
    """The set of communes whose flows are accounted (one per ledger)."""

    class Defined(Aggregate.Created):
        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    class Redefined(Aggregate.Event):
        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    def __init__(self) -> None:
        self.name = ""
        self.communes_insee: list[str] = []

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/ledger/territory")

    @classmethod
    def define(cls, name: str, communes_insee: list[str], **acted: Any) -> Territory:
        """The territory's first definition."""
        return cls._create(
            cls.Defined, id=cls.create_id(), name=name, communes_insee=communes_insee, **acted
        )

    def redefine(self, name: str, communes_insee: list[str], **acted: Any) -> bool:
        """Change the boundary; the same boundary again changes nothing (returns False)."""
        if name == self.name and sorted(communes_insee) == sorted(self.communes_insee):
            return False
        self.trigger_event(self.Redefined, name=name, communes_insee=communes_insee, **acted)
        return True


class Token(Aggregate):
    """An access token of an organisation with one role; only its hash is kept."""

    class Issued(Aggregate.Created):
        owner_id: UUID
        role: str
        token_hash: str
        organisation_id: UUID
        token_id: str

    class Revoked(Aggregate.Event):
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Token) -> None:
            aggregate.revoked = True

    def __init__(self, owner_id: UUID, role: str, token_hash: str) -> None:
        self.owner_id = owner_id
        self.role = role
        self.token_hash = token_hash
        self.revoked = False

    @staticmethod
    def id_for_hash(token_hash: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/tokens/{token_hash}")

    @property
    def public_id(self) -> str:
        """A short, non-secret id of the token, written in the events it signs."""
        return self.id.hex[:12]


class Directory(Aggregate):
    """The list of registered organisations and sites, for listing them without a scan."""

    class Opened(Aggregate.Created):
        pass

    class Listed(Aggregate.Event):
        entries: list[list[str]]  # [kind, id]

        def apply(self, aggregate: Directory) -> None:
            for kind, entry_id in self.entries:
                aggregate.ids.setdefault(kind, []).append(UUID(entry_id))

    def __init__(self) -> None:
        self.ids: dict[str, list[UUID]] = {}

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/ledger/directory")

    @classmethod
    def open(cls) -> Directory:
        return cls._create(cls.Opened, id=cls.create_id())

    def list(self, entries: list[tuple[str, UUID]]) -> None:
        """Add organisations or sites to the directory."""
        if entries:
            self.trigger_event(self.Listed, entries=[[kind, str(i)] for kind, i in entries])
