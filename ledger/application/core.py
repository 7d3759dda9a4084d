"""The ledger's application core: infrastructure, units of work, idempotency, look-ups, access.

Command handlers (``ledger.application.handlers``) and queries (``ledger.application.queries``)
build on this class; the ``Ledger`` application in ``ledger.application.ledger`` puts them
together.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording, StoredEvent
from eventsourcing.utils import Environment

from ledger.application.commands import Actor, Idempotency, Outcome, Ref, digest
from ledger.domain.batch import Batch, BatchState
from ledger.domain.catalogue import Catalogue, Material, MaterialCatalogue, default_materials
from ledger.domain.errors import (
    BatchNotFound,
    ConcurrentChange,
    IdempotencyKeyReused,
    OrganisationNotAllowed,
    RoleNotAllowed,
    UnknownOrganisation,
    UnknownSite,
)
from ledger.domain.indexes import IdempotencyRecord
from ledger.domain.quantities import check_occurred_at
from ledger.domain.registry import (
    SYSTEM_ORGANISATION_ID,
    Directory,
    Organisation,
    Site,
    Territory,
)
from ledger.settings import Settings
from ledger.storage.encoding import EventEncoder, recording
from ledger.storage.idempotency import KeyRecord
from ledger.storage.keys import settle_secret_key
from ledger.storage.store import EventLog

A = TypeVar("A", bound=Aggregate)
PARIS = ZoneInfo("Europe/Paris")
Action = Callable[["UnitOfWork", str], Outcome]
SITE_CACHE_SECONDS = 10.0
SITE_TOPIC_PREFIX = Site.__module__ + ":" + Site.__qualname__ + "."  # the topics of its events


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


class UnitOfWork:
    """Aggregates read and changed by one command (or one chunk of an import), saved at once."""

    def __init__(self, ledger: LedgerCore, recent: RecentAggregates | None = None) -> None:
        self.ledger = ledger
        self.recent = recent  # aggregates earlier units of work saved (an import's chunks)
        self.aggregates: dict[UUID, Aggregate] = {}
        self.absent: set[UUID] = set()
        self.touched: dict[UUID, int] = {}  # pending events of each aggregate a command touched
        self.last_position: int | None = None
        self.keys: dict[tuple[str, str], KeyRecord | None] = {}  # idempotency keys looked up
        self.new_keys: dict[tuple[str, str], KeyRecord] = {}  # written at commit
        self.legacy_keys = True  # whether keys may also be stored as IdempotencyRecord aggregates

    def get(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate with this id if it exists and is a ``cls``, else None."""
        aggregate = self.aggregates.get(aggregate_id)
        if aggregate is None and self.recent is not None:
            aggregate = self.recent.take(aggregate_id)
            if aggregate is not None:
                self.aggregates[aggregate_id] = aggregate
        if aggregate is None and aggregate_id not in self.absent:
            try:
                aggregate = self.ledger.repository.get(aggregate_id)
            except AggregateNotFoundError:
                self.absent.add(aggregate_id)
                return None
            self.aggregates[aggregate_id] = aggregate
        if aggregate is not None and aggregate_id not in self.touched:
            self.touched[aggregate_id] = len(aggregate.pending_events)
        return aggregate if isinstance(aggregate, cls) else None

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether any aggregate has this id (of whatever type)."""
        return self.get(aggregate_id, Aggregate) is not None

    def prefetch_absent(self, aggregate_ids: list[UUID]) -> None:
        """Learn in one query which of these ids are free, sparing one read each."""
        unknown = [i for i in aggregate_ids if i not in self.aggregates and i not in self.absent]
        if unknown:
            self.absent.update(set(unknown) - self.ledger.event_log.existing(unknown))

    def prefetch_keys(self, keys: list[tuple[str, str]]) -> None:
        """Learn in one query which of these idempotency keys were used."""
        unknown = [k for k in keys if k not in self.keys and k not in self.new_keys]
        if unknown:
            found = self.ledger.event_log.key_records(unknown)
            for pair in unknown:
                self.keys[pair] = found.get(pair)

    def key_record(self, scope: str, key: str) -> KeyRecord | None:
        """What the first request with this idempotency key produced, if there was one."""
        pair = (scope, key)
        if pair in self.new_keys:
            return self.new_keys[pair]
        if pair not in self.keys:
            self.keys[pair] = self.ledger.event_log.key_records([pair]).get(pair)
        return self.keys[pair]

    def add_key(self, record: KeyRecord) -> None:
        self.new_keys[(record.scope, record.key)] = record

    def add(self, aggregate: Aggregate) -> None:
        self.aggregates[aggregate.id] = aggregate
        self.absent.discard(aggregate.id)
        self.touched.setdefault(aggregate.id, 0)

    def begin_command(self) -> None:
        """Start watching what the next command touches."""
        self.touched = {}

    def command_changed_something(self) -> bool:
        """Whether the command since ``begin_command`` left pending events behind."""
        return any(
            len(self.aggregates[i].pending_events) != n
            for i, n in self.touched.items()
            if i in self.aggregates
        )

    def commit(self) -> int:
        """Save every pending event in one transaction; returns how many were saved."""
        changed = [a for a in self.aggregates.values() if a.pending_events]
        count = sum(len(a.pending_events) for a in changed)
        if changed or self.new_keys:
            if self.ledger.before_commit is not None:
                self.ledger.before_commit()
            position = self.ledger.save_positions(
                *changed, idempotency=list(self.new_keys.values())
            )
            self.ledger.remember(changed)
            if position is not None:
                self.last_position = position
        return count


class RecentAggregates:
    """Aggregates as the last units of work saved them, for the next ones (bounded).

    An import's chunk mostly acts on batches that the chunks just before it created or moved (a
    sorting consumes yesterday's receipts): they are taken from here instead of being read and
    replayed from the store. Only what was committed is put back; an aggregate a failed unit of
    work may have changed is dropped. Should another writer have changed one meanwhile, the
    chunk's commit fails on its version and the chunk is replayed on fresh reads.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.aggregates: dict[UUID, Aggregate] = {}

    def take(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate, now in the taker's hands until it is put back."""
        return self.aggregates.pop(aggregate_id, None)

    def put_back(self, uow: UnitOfWork) -> None:
        """A committed unit of work's aggregates (oldest ones forgotten past the limit)."""
        for aggregate_id, aggregate in uow.aggregates.items():
            if not aggregate.pending_events:
                self.aggregates[aggregate_id] = aggregate
        excess = len(self.aggregates) - self.limit
        if excess > 0:
            for aggregate_id in list(itertools.islice(self.aggregates, excess)):
                del self.aggregates[aggregate_id]


class LedgerCore(Application[UUID]):
    """Infrastructure and shared rules of the ledger application."""

    name = "Ledger"

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        settings = settle_secret_key(settings)
        self.settings = settings
        self.clock = clock
        self.before_commit: Callable[[], None] | None = None  # a seam for concurrency tests
        super().__init__(env=settings.eventsourcing_env())
        self.event_log = EventLog(self.recorder, settings.backend)
        self.encoder = EventEncoder(self.mapper)
        self.default_materials = default_materials()
        self._catalogue: Catalogue | None = None
        self._sites: dict[UUID, Site] = {}
        self._sites_renewed = time.monotonic()
        self._sites_position = self.event_log.max_position()  # the log as the cache knows it
        self._organisations: dict[UUID, Organisation] = {}
        self._territory: tuple[float, frozenset[str]] | None = None
        self._ensure_system_organisation()

    def construct_env(self, name: str, env: Any = None) -> Environment:
        """Only the settings' translation: never the process environment."""
        return Environment(name, {**type(self).env, **(env or {})})

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save, minus its per-object checks against runtime protocols.

        Only the ledger's own aggregates are saved here; on Python 3.11 each ``isinstance``
        against a ``runtime_checkable`` protocol walks the protocol's attributes, which cost a
        third of a bulk import's save (bench/RESULTS.md, "Ingestion").
        """
        processing_event = self._processing_event(objs, kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, kept in step
        return recordings

    def save_positions(self, *objs: Any, **kwargs: Any) -> int | None:
        """``save``, answering only the position of the last event stored (None if none).

        A unit of work needs no more; the library's ``Recording`` of each event (three objects
        per event, a twentieth of a bulk import) is made only for a subclass that reads them.
        """
        if type(self)._notify is not Application._notify:
            recordings = self.save(*objs, **kwargs)
            return recordings[-1].notification.id if recordings else None
        processing_event = self._processing_event(objs, kwargs)
        positions = self._store(processing_event)
        self._take_snapshots(processing_event)
        self.notify(processing_event.events)
        return positions[-1] if positions else None

    @staticmethod
    def _processing_event(objs: tuple[Any, ...], kwargs: dict[str, Any]) -> ProcessingEvent[UUID]:
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            elif obj is not None:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        return processing_event

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """The library's ``_record`` through ``EventStore.put``, with the events encoded by
        ``ledger.storage.encoding`` (the same stored bytes, without a call per value)."""
        events = processing_event.events
        stored = [self.encoder.to_stored_event(event) for event in events]
        positions = self._insert(processing_event, stored)
        if not positions:
            return []
        return [recording(e, s, p) for e, s, p in zip(events, stored, positions, strict=True)]

    def _store(self, processing_event: ProcessingEvent[UUID]) -> Sequence[int] | None:
        """``_record`` without the recordings: the positions of the stored events."""
        stored = [self.encoder.to_stored_event(event) for event in processing_event.events]
        return self._insert(processing_event, stored)

    def _insert(
        self, processing_event: ProcessingEvent[UUID], stored: list[StoredEvent]
    ) -> Sequence[int] | None:
        positions = self.recorder.insert_events(
            stored, tracking=processing_event.tracking, **processing_event.saved_kwargs
        )
        if self.repository.cache and not self.repository.fastforward:
            for aggregate_id, aggregate in processing_event.aggregates.items():
                self.repository.cache.put(aggregate_id, aggregate)
        return positions

    def _ensure_system_organisation(self) -> None:
        """The organisation the bootstrap admin acts for, created on first start."""
        uow = UnitOfWork(self)
        if uow.exists(SYSTEM_ORGANISATION_ID):
            return
        organisation = Organisation._create(
            Organisation.Registered,
            id=SYSTEM_ORGANISATION_ID,
            name="Ledger system",
            siret=None,
            kinds=["authority"],
            vat_number=None,
            address=None,
            postal_code=None,
            city=None,
            country="FR",
            organisation_id=SYSTEM_ORGANISATION_ID,
            token_id="system",
            request_digest="",
        )
        uow.add(organisation)
        self.directory(uow).list([("organisation", SYSTEM_ORGANISATION_ID)])
        with contextlib.suppress(IntegrityError):  # another process created it first
            uow.commit()

    # -- running commands ------------------------------------------------------------------

    def command(
        self,
        op: str,
        target: UUID | None,
        command: Any,
        idempotency: Idempotency | None,
        uow: UnitOfWork | None,
        action: Action,
    ) -> Outcome:
        """Run a command in the given unit of work, or in its own transaction."""
        if uow is not None:
            return self.run(uow, op, target, command, idempotency, action)
        uow = UnitOfWork(self)
        outcome = self.run(uow, op, target, command, idempotency, action)
        if outcome.duplicate:
            return outcome
        try:
            uow.commit()
        except IntegrityError:
            replay = self.replay(UnitOfWork(self), op, target, command, idempotency)
            if replay is not None:
                return replay
            raise ConcurrentChange(
                "Someone changed this at the same moment; reload it and try again."
            ) from None
        return replace(outcome, position=uow.last_position)

    def run(
        self,
        uow: UnitOfWork,
        op: str,
        target: UUID | None,
        command: Any,
        idempotency: Idempotency | None,
        action: Action,
    ) -> Outcome:
        """Replay a repeated request, or run the action and remember its outcome."""
        replay = self.replay(uow, op, target, command, idempotency)
        if replay is not None:
            return replay
        request_digest = digest(op, command, target)
        outcome = action(uow, request_digest)
        if idempotency is not None and not outcome.duplicate:
            ref = outcome.ref
            result = {"kind": ref.kind, "id": ref.id, "version": ref.version, "extra": ref.extra}
            scope = idempotency.scope_text
            uow.add_key(KeyRecord(scope, idempotency.key, request_digest, outcome.status, result))
        return outcome

    def replay(
        self,
        uow: UnitOfWork,
        op: str,
        target: UUID | None,
        command: Any,
        idempotency: Idempotency | None,
    ) -> Outcome | None:
        """The first outcome of a request already made with this idempotency key, if any."""
        if idempotency is None:
            return None
        found = uow.key_record(idempotency.scope_text, idempotency.key)
        if found is None and uow.legacy_keys:
            found = self.legacy_key_record(uow, idempotency)
        if found is None:
            return None
        if digest(op, command, target) != found.request_digest:
            raise IdempotencyKeyReused(
                "This idempotency key was already used for a different request.",
                key=idempotency.key,
            )
        self.refuse_replay(op)
        return Outcome(Ref(**found.result), found.status, duplicate=True)

    @staticmethod
    def legacy_key_record(uow: UnitOfWork, idempotency: Idempotency) -> KeyRecord | None:
        """A key stored by an earlier version of the ledger, as an index aggregate."""
        scope = str(idempotency.legacy_scope or idempotency.scope)
        record_id = IdempotencyRecord.create_id(scope, idempotency.key)
        record = uow.get(record_id, IdempotencyRecord)
        if record is None:
            return None
        return KeyRecord(scope, record.key, record.request_digest, record.status, record.result)

    def refuse_replay(self, op: str) -> None:
        """Some requests cannot be answered twice (a token is shown once)."""

    # -- shared look-ups -------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone(PARIS).date()

    def acted(self, actor: Actor, occurred_at: datetime | None = None) -> dict[str, Any]:
        """Who acted and when, for an event; checks the field time."""
        now = self.now()
        fields: dict[str, Any] = {
            "organisation_id": actor.organisation_id,
            "token_id": actor.token_id,
            "timestamp": now,
        }
        if occurred_at is not None:
            fields["occurred_at"] = check_occurred_at(occurred_at, now)
        return fields

    def site(self, uow: UnitOfWork, site_id: UUID) -> Site:
        """A registered site (cached; every few seconds the cache forgets the sites whose
        events were stored since it last looked, so a site's details changed by another
        process are seen soon after)."""
        if time.monotonic() - self._sites_renewed > SITE_CACHE_SECONDS:
            self.renew_sites()
        site = self._sites.get(site_id) or uow.get(site_id, Site)
        if site is None:
            raise UnknownSite(f"Unknown site {site_id}.", site_id=str(site_id))
        if not site.pending_events:  # cache only what is stored
            self._sites[site_id] = site
        return site

    def renew_sites(self) -> None:
        """Forget the cached sites that changed since the cache last looked at the log.

        Emptying the whole cache instead made a national import read every site again from
        the store every ten seconds (47,000 sites: a third of the import's time on
        PostgreSQL); the events stored meanwhile are read by position, their topics only.
        """
        self._sites_renewed = time.monotonic()
        changed, self._sites_position = self.event_log.originators_since(
            self._sites_position, SITE_TOPIC_PREFIX
        )
        for site_id in changed:
            self._sites.pop(site_id, None)

    def remember(self, saved: list[Aggregate]) -> None:
        """Cache the sites and organisations just stored."""
        for aggregate in saved:
            if isinstance(aggregate, Site):
                self._sites[aggregate.id] = aggregate
            elif isinstance(aggregate, Organisation):
                self._organisations[aggregate.id] = aggregate

    def organisation(self, uow: UnitOfWork, organisation_id: UUID) -> Organisation:
        """A registered organisation (cached: what commands read of it, its id and kinds, is
        what its admins rarely change)."""
        found = self._organisations.get(organisation_id) or uow.get(organisation_id, Organisation)
        if found is None:
            raise UnknownOrganisation(
                f"Unknown organisation {organisation_id}.", organisation_id=str(organisation_id)
            )
        if not found.pending_events:
            self._organisations[organisation_id] = found
        return found

    def catalogue(self, refresh: bool = False) -> Catalogue:
        """The material catalogue: defaults plus what users added."""
        if self._catalogue is None or refresh:
            stored = UnitOfWork(self).get(MaterialCatalogue.create_id(), MaterialCatalogue)
            if stored is None:
                self._catalogue = Catalogue(self.default_materials)
            else:
                self._catalogue = stored.catalogue(self.default_materials)
        return self._catalogue

    def material(self, code: str) -> Material:
        """A material by code; re-reads the catalogue once before calling it unknown."""
        if code not in self.catalogue():
            self.catalogue(refresh=True)
        return self.catalogue().get(code)

    def territory_communes(self) -> frozenset[str]:
        """The territory's communes as they are now (re-read at most every 2 s)."""
        cached = self._territory
        if cached is None or time.monotonic() - cached[0] > 2.0:
            territory = UnitOfWork(self).get(Territory.create_id(), Territory)
            communes = frozenset(territory.communes_insee if territory else [])
            cached = (time.monotonic(), communes)
            self._territory = cached
        return cached[1]

    def forget_territory(self) -> None:
        self._territory = None

    def check_boundary(self, uow: UnitOfWork, territory: Territory, communes: list[str]) -> None:
        """Whether a territory may take these communes (its parent and children have a say)."""

    def directory(self, uow: UnitOfWork) -> Directory:
        """The directory of organisations and sites, opened on first use."""
        directory = uow.get(Directory.create_id(), Directory)
        if directory is None:
            directory = Directory.open()
            uow.add(directory)
        return directory

    # -- who may do what -------------------------------------------------------------------

    @staticmethod
    def require_role(actor: Actor, *roles: str) -> None:
        """Admins do everything; an organisation's admin does what its roles do, at its own
        organisation only (the ownership checks that follow keep it there); others only what
        their role allows. With no roles named, only the ledger's admins."""
        if actor.is_admin or actor.role in roles or (roles and actor.is_organisation_admin):
            return
        raise RoleNotAllowed(
            f"The {actor.role} role cannot do this.", role=actor.role, allowed=list(roles)
        )

    @staticmethod
    def require_admin_of(actor: Actor, organisation_id: UUID) -> None:
        """The ledger's admins, or that organisation's own admin."""
        if actor.administers(organisation_id):
            return
        if actor.is_organisation_admin:
            raise OrganisationNotAllowed(
                "An organisation's admin manages its own organisation only.",
                organisation_id=str(organisation_id),
            )
        raise RoleNotAllowed(
            f"The {actor.role} role cannot do this.", role=actor.role, allowed=["admin"]
        )

    @staticmethod
    def require_owner(actor: Actor, site: Site) -> None:
        """Field roles act only at their own organisation's sites."""
        if not actor.is_admin and site.owner_id != actor.organisation_id:
            raise OrganisationNotAllowed(
                "This site belongs to another organisation.", site_id=str(site.id)
            )

    def batch_for(self, uow: UnitOfWork, actor: Actor, batch_id: UUID) -> Batch:
        """A batch the actor may act on: its organisation holds it, or it is on its way to it."""
        batch = uow.get(batch_id, Batch)
        if batch is None:
            raise BatchNotFound(f"No batch {batch_id}.", batch_id=str(batch_id))
        if actor.is_admin:
            return batch
        allowed = {batch.holder_id}  # the holder stays the sender until the receipt
        if batch.state is BatchState.IN_TRANSIT and batch.destination_site_id is not None:
            allowed.add(self.site(uow, batch.destination_site_id).owner_id)
        if actor.organisation_id not in allowed:
            raise OrganisationNotAllowed(
                "This batch is held by another organisation.", batch_id=str(batch_id)
            )
        return batch
