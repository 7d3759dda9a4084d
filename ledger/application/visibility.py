"""Who reads which event, and what of it (DESIGN §4.4): one policy for the event feed, the
subscriptions' deliveries and the exports.

Every token reads batches, transformations, the registry and the declarations. Work logs (a
pseudonymous worker, a contract, hours: personal records) are read only by their organisation's
supervisors and admins, by auditors and by the ledger's admins. Token records (id, role,
organisation) are read only by the ledger's admins and the admins of the token's organisation.
A subscription (its URL may be a capability) and an idempotency record (a client's own keys) are
read by their organisation and the ledger's admins. A token's hash and a subscription's sealed
secret are shown to nobody, the ledger's operator included.

An aggregate the policy does not name is read by the ledger's admins only: a new kind of record
stays private until someone decides who reads it (a test fails until then).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate

from ledger.application.commands import Actor
from ledger.application.representations import event_payload, iso
from ledger.domain.allocation import AllocatedCode, LabelBlock, LabelRegister
from ledger.domain.batch import Batch
from ledger.domain.catalogue import MaterialCatalogue
from ledger.domain.communes import CommunePopulations
from ledger.domain.declaration import Declaration
from ledger.domain.declared_flow import DeclaredFlow
from ledger.domain.indexes import EndedSession, IdempotencyRecord, LabelBinding
from ledger.domain.registry import (
    Directory,
    Organisation,
    Site,
    Territory,
    Token,
)
from ledger.domain.subscription import Subscription, SubscriptionIndex
from ledger.domain.transformation import Transformation
from ledger.domain.worklog import WorkLog

NEVER_SHOWN = frozenset({"token_hash", "sealed_secret"})


class Audience(Enum):
    """Who reads the events of one kind of aggregate."""

    EVERYONE = "everyone"
    WORK_LOG_READERS = "work_log_readers"  # the organisation's supervisors and admins, auditors
    ORGANISATION_ADMINS = "organisation_admins"  # the admins of the record's organisation
    ORGANISATION = "organisation"  # every token of the record's organisation
    LEDGER_ADMINS = "ledger_admins"


AUDIENCES: dict[type[Aggregate], Audience] = {
    Batch: Audience.EVERYONE,
    Transformation: Audience.EVERYONE,
    Organisation: Audience.EVERYONE,
    Site: Audience.EVERYONE,
    Territory: Audience.EVERYONE,
    MaterialCatalogue: Audience.EVERYONE,
    Declaration: Audience.EVERYONE,
    LabelBinding: Audience.EVERYONE,
    LabelBlock: Audience.EVERYONE,
    AllocatedCode: Audience.EVERYONE,
    LabelRegister: Audience.EVERYONE,
    Directory: Audience.EVERYONE,
    DeclaredFlow: Audience.EVERYONE,  # statistics of the territory's metabolism
    CommunePopulations: Audience.EVERYONE,  # INSEE's legal populations
    WorkLog: Audience.WORK_LOG_READERS,
    Token: Audience.ORGANISATION_ADMINS,
    Subscription: Audience.ORGANISATION,
    IdempotencyRecord: Audience.ORGANISATION,
    SubscriptionIndex: Audience.LEDGER_ADMINS,
    EndedSession: Audience.LEDGER_ADMINS,
}
AUDIENCE_BY_NAME = {cls.__name__: audience for cls, audience in AUDIENCES.items()}
# Aggregates whose events a subscription may ask for (the rest is the ledger's bookkeeping).
SUBSCRIBABLE = (
    Batch,
    Transformation,
    WorkLog,
    Organisation,
    Site,
    Territory,
    MaterialCatalogue,
    Declaration,
    DeclaredFlow,
    LabelBlock,
    Token,
)


class Owners(Protocol):
    """The organisation a stored record belongs to, for events that do not say it themselves."""

    def organisation_of(self, aggregate_id: UUID) -> UUID | None: ...


def is_ledger_admin(actor: Actor) -> bool:
    """An admin of the ledger itself (the bootstrap token, the command line), not of one
    organisation."""
    return actor.is_admin


def reads_work_logs_of(reader: Actor, organisation_id: UUID | None) -> bool:
    """Work logs are personal records: read by their organisation's supervisors and admins, by
    auditors and by the ledger's admins."""
    if reader.role == "auditor" or is_ledger_admin(reader):
        return True
    return reader.role in ("supervisor", "admin") and reader.organisation_id == organisation_id


def event_classes(aggregate: type[Aggregate]) -> list[type[Any]]:
    """The event classes an aggregate declares (not the base classes the library adds: its
    ``Event``, and its ``Created`` when the aggregate names its own creation events)."""
    found = {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name != "Event"
    }
    created = [n for n, v in found.items() if n != "Created" and issubclass(v, Aggregate.Created)]
    if created:
        found.pop("Created", None)
    return list(found.values())


def event_kinds() -> frozenset[str]:
    """What a subscription may name: an aggregate (all its events) or one event, as the feed
    names them (``Batch`` or ``Batch.Collected``)."""
    names = {cls.__name__ for cls in SUBSCRIBABLE}
    names |= {event.__qualname__ for cls in SUBSCRIBABLE for event in event_classes(cls)}
    return frozenset(names)


def kind_matches(kinds: frozenset[str], event_type: str) -> bool:
    """Whether an event's type (``Batch.Collected``) is one of the kinds asked for."""
    return event_type in kinds or event_type.split(".", 1)[0] in kinds


def organisation_field(event: Any) -> UUID | None:
    """The organisation a record belongs to, when the event itself carries it."""
    for name in ("site_organisation_id", "owner_id"):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            return value
    scope = getattr(event, "scope", None)  # an idempotency record's organisation
    if isinstance(scope, str):
        try:
            return UUID(scope)
        except ValueError:
            return None
    return None


class Visibility:
    """Decides, for a reader and a decoded event, whether it may be read and what of it."""

    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    def audience(self, event: Any) -> Audience:
        name = type(event).__qualname__.split(".", 1)[0]
        return AUDIENCE_BY_NAME.get(name, Audience.LEDGER_ADMINS)

    def may_read(self, reader: Actor, event: Any) -> bool:
        """Whether this reader may see this event at all."""
        audience = self.audience(event)
        if audience is Audience.EVERYONE or is_ledger_admin(reader):
            return True
        if audience is Audience.LEDGER_ADMINS:
            return False
        if audience is Audience.WORK_LOG_READERS:
            return reads_work_logs_of(reader, self.owner(event))
        if audience is Audience.ORGANISATION_ADMINS and reader.role != "admin":
            return False
        return self.owner(event) == reader.organisation_id

    def owner(self, event: Any) -> UUID | None:
        found = organisation_field(event)
        if found is None:
            found = self.owners.organisation_of(event.originator_id)
        return found

    @staticmethod
    def payload(event: Any) -> dict[str, Any]:
        """An event's fields in API units, without what is never shown."""
        return {k: v for k, v in event_payload(event).items() if k not in NEVER_SHOWN}

    def entry(self, reader: Actor, position: int, event: Any) -> dict[str, Any] | None:
        """The feed's representation of an event for this reader, or None if it is not theirs
        to read."""
        if not self.may_read(reader, event):
            return None
        return {
            "position": position,
            "aggregate_id": str(event.originator_id),
            "version": event.originator_version,
            "type": type(event).__qualname__,
            "occurred_at": iso(getattr(event, "occurred_at", None)),
            "recorded_at": iso(event.timestamp),
            "organisation": str(getattr(event, "organisation_id", "") or "") or None,
            "payload": self.payload(event),
        }


class CachedOwners:
    """``Owners`` over a function that reads a record; an owner never changes, so it is kept."""

    def __init__(self, read: Callable[[UUID], UUID | None], size: int = 10_000) -> None:
        self.read = read
        self.size = size
        self.known: dict[UUID, UUID | None] = {}

    def organisation_of(self, aggregate_id: UUID) -> UUID | None:
        if aggregate_id in self.known:
            return self.known[aggregate_id]
        found = self.read(aggregate_id)
        if len(self.known) >= self.size:
            self.known.clear()
        self.known[aggregate_id] = found
        return found
