"""Who and where: organisations, sites, access tokens, and a directory of them (territories are in
``ledger.domain.territory``)."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import FiliereNotAccepted, InvalidInput, InvalidSiret

# Territory lived here before territories had codes: its stored events' topics name this module,
# and resolve through this import.
from ledger.domain.territory import Territory as Territory

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


ADDRESS_FIELDS = ("address", "postal_code", "city")
ORGANISATION_DETAILS = ("name", "siret", "kinds", "vat_number", "country", *ADDRESS_FIELDS)
SITE_DETAILS = ("name", "latitude_e6", "longitude_e6", "accepts_filieres", *ADDRESS_FIELDS)


def check_siret(siret: str) -> str:
    """A SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments, SIREN
    356000000, use the sum of their digits, a multiple of 5, as INSEE publishes)."""
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit() or siret == "0" * 14:
        raise InvalidSiret("siret is 14 digits, e.g. 41816609600069.", siret=siret)
    if siret.startswith("356000000") and siret != "35600000000048":
        valid = sum(int(d) for d in siret) % 5 == 0
    else:
        total = 0
        for index, digit in enumerate(int(d) for d in siret):
            doubled = digit * 2 if index % 2 == 0 else digit
            total += doubled - 9 if doubled > 9 else doubled
        valid = total % 10 == 0
    if not valid:
        raise InvalidSiret(
            "This SIRET fails its check digit: check it on the company's Kbis or avis de "
            "situation.",
            siret=siret,
        )
    return siret


def changed(
    aggregate: Aggregate, details: dict[str, Any], allowed: tuple[str, ...]
) -> dict[str, Any]:
    """The details that differ from the aggregate's (only the names allowed)."""
    return {
        name: value
        for name, value in details.items()
        if name in allowed and getattr(aggregate, name) != value
    }


class Organisation(Aggregate):
    """An actor of the territory: collector, sorter, recycler, authority…"""

    class Registered(Aggregate.Created):
        class_version = 2

        name: str
        siret: str | None
        kinds: list[str]
        vat_number: str | None
        address: str | None
        postal_code: str | None
        city: str | None
        country: str
        organisation_id: UUID
        token_id: str
        request_digest: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Organisations registered before addresses were kept: none, in France."""
            state.update(vat_number=None, address=None, postal_code=None, city=None)
            state["country"] = "FR"

    class Updated(Aggregate.Event):
        """Some of the organisation's details changed (name, SIRET, address…)."""

        changes: dict[str, Any]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Organisation) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "kinds" else value)

    def __init__(
        self,
        name: str,
        siret: str | None,
        kinds: list[str],
        vat_number: str | None,
        address: str | None,
        postal_code: str | None,
        city: str | None,
        country: str,
        request_digest: str,
    ) -> None:
        self.name = name
        self.siret = siret
        self.kinds = kinds
        self.vat_number = vat_number
        self.address = address
        self.postal_code = postal_code
        self.city = city
        self.country = country
        self.request_digest = request_digest

    def update(self, details: dict[str, Any], **acted: Any) -> bool:
        """Change some details; the same details again change nothing (returns False)."""
        changes = changed(self, details, ORGANISATION_DETAILS)
        if changes:
            self.trigger_event(self.Updated, changes=changes, **acted)
        return bool(changes)


class Site(Aggregate):
    """A place: container, sorting centre, warehouse, recycler, boiler, shop, landfill."""

    class Registered(Aggregate.Created):
        class_version = 2

        owner_id: UUID
        name: str
        kind: str
        commune_insee: str | None
        country: str
        latitude_e6: int | None
        longitude_e6: int | None
        address: str | None
        postal_code: str | None
        city: str | None
        accepts_filieres: list[str]
        organisation_id: UUID
        token_id: str
        request_digest: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Sites registered before addresses and accepted filières: none; every filière."""
            state.update(address=None, postal_code=None, city=None, accepts_filieres=[])

    class Updated(Aggregate.Event):
        """Some of the site's details changed (name, address, position, filières accepted)."""

        changes: dict[str, Any]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Site) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "accepts_filieres" else value)

    def __init__(
        self,
        owner_id: UUID,
        name: str,
        kind: str,
        commune_insee: str | None,
        country: str,
        latitude_e6: int | None,
        longitude_e6: int | None,
        address: str | None,
        postal_code: str | None,
        city: str | None,
        accepts_filieres: list[str],
        request_digest: str,
    ) -> None:
        self.owner_id = owner_id
        self.name = name
        self.kind = kind
        self.commune_insee = commune_insee
        self.country = country
        self.latitude_e6 = latitude_e6
        self.longitude_e6 = longitude_e6
        self.address = address
        self.postal_code = postal_code
        self.city = city
        self.accepts_filieres = list(accepts_filieres)
        self.request_digest = request_digest

    def inside(self, communes: frozenset[str]) -> bool:
        """Inside the territory: a French site whose commune belongs to it."""
        return self.country == "FR" and self.commune_insee in communes

    def accepts(self, filiere: str) -> bool:
        """Whether batches of this filière may be sent here (no declaration: every filière)."""
        return not self.accepts_filieres or filiere in self.accepts_filieres

    def check_accepts(self, filiere: str) -> None:
        """A site takes only the filières it declared: no textiles to a flax mill."""
        if not self.accepts(filiere):
            raise FiliereNotAccepted(
                f"{self.name} does not take {filiere} batches "
                f"(it takes {', '.join(self.accepts_filieres)}).",
                site_id=str(self.id),
                filiere=filiere,
                accepts_filieres=list(self.accepts_filieres),
            )

    def update(self, details: dict[str, Any], **acted: Any) -> bool:
        """Change some details; the same details again change nothing (returns False)."""
        changes = changed(self, details, SITE_DETAILS)
        if changes:
            self.trigger_event(self.Updated, changes=changes, **acted)
        return bool(changes)


class Token(Aggregate):
    """An access token of an organisation with one role; only its hash is kept."""

    class Issued(Aggregate.Created):
        class_version = 2

        owner_id: UUID
        role: str
        token_hash: str
        label: str
        organisation_id: UUID
        token_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Tokens issued before they had a label: none."""
            state["label"] = ""

    class Revoked(Aggregate.Event):
        """The token was revoked: it opens nothing from then on."""

        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Token) -> None:
            aggregate.revoked = True
            aggregate.revoked_at = self.timestamp

    def __init__(self, owner_id: UUID, role: str, token_hash: str, label: str) -> None:
        self.owner_id = owner_id
        self.role = role
        self.token_hash = token_hash
        self.label = label
        self.revoked = False
        self.revoked_at: Any = None

    def revoke(self, **acted: Any) -> bool:
        """Revoke the token; revoking it again changes nothing (returns False)."""
        if self.revoked:
            return False
        self.trigger_event(self.Revoked, **acted)
        return True

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
