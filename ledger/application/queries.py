"""Reads of the write side: batch state then and now, history, lineage, registry, the event feed."""

from __future__ import annotations

import hmac
import time
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.application.commands import Actor
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.handlers.labels import normalise_label_code
from ledger.application.handlers.registry import token_hash
from ledger.application.representations import (
    batch_json,
    event_payload,
    iso,
    organisation_json,
    site_json,
    transformation_json,
    work_log_json,
)
from ledger.application.visibility import CachedOwners, Visibility, reads_work_logs_of
from ledger.domain.batch import Batch
from ledger.domain.errors import (
    BatchNotFound,
    LabelNotFound,
    OrganisationNotAllowed,
    OrganisationNotFound,
    SiteNotFound,
    TransformationNotFound,
    Unauthenticated,
    WorkLogNotFound,
)
from ledger.domain.indexes import LabelBinding
from ledger.domain.registry import (
    SYSTEM_ORGANISATION_ID,
    Directory,
    Organisation,
    Site,
    Territory,
    Token,
)
from ledger.domain.transformation import Transformation
from ledger.domain.worklog import WorkLog


def recorded_at(event: Any) -> datetime:
    """When the ledger stored an event (the library's event timestamp)."""
    stamp: datetime = event.timestamp
    return stamp


FEED_SCAN_LIMIT = 10_000  # events read for one page of the feed, however few the reader may see
LINEAGE_LIMIT = 1000  # batches in one lineage answer; a bale's family is far smaller
TOKEN_CACHE_SECONDS = 30.0


class Queries(LedgerCore):
    """What the ledger knows, now or as recorded at an earlier time."""

    _tokens: dict[str, tuple[float, Actor]]

    def authenticate(self, secret: str) -> Actor:
        """The actor a bearer token stands for, or ``Unauthenticated``."""
        bootstrap = self.settings.bootstrap_admin_token
        if bootstrap and hmac.compare_digest(secret.encode(), bootstrap.encode()):
            return Actor(SYSTEM_ORGANISATION_ID, "admin", "bootstrap")
        hashed = token_hash(secret)
        cache: dict[str, tuple[float, Actor]] = self.__dict__.setdefault("_tokens", {})
        cached = cache.get(hashed)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        token = UnitOfWork(self).get(Token.id_for_hash(hashed), Token)
        if token is None or token.revoked:
            raise Unauthenticated("This token is unknown or revoked.")
        actor = Actor(token.owner_id, token.role, token.public_id)
        cache[hashed] = (time.monotonic() + TOKEN_CACHE_SECONDS, actor)
        return actor

    # -- batches ---------------------------------------------------------------------------

    def get_batch(self, batch_id: UUID, version: int | None = None) -> Batch:
        batch = UnitOfWork(self).get(batch_id, Batch)
        if batch is None:
            raise BatchNotFound(f"No batch {batch_id}.", batch_id=str(batch_id))
        if version is not None and version != batch.version:
            if not 1 <= version <= batch.version:
                raise BatchNotFound(f"Batch {batch_id} has no version {version}.")
            found: Any = self.repository.get(batch_id, version=version)
            assert isinstance(found, Batch)
            return found
        return batch

    def batch(
        self, batch_id: UUID, version: int | None = None, as_of: datetime | None = None
    ) -> dict[str, Any]:
        """A batch's state now, at a version, or as the ledger had recorded it at a time."""
        if as_of is not None:
            recorded = [e for e in self.events.get(batch_id) if recorded_at(e) <= as_of]
            if not recorded:
                raise BatchNotFound(f"Batch {batch_id} was not recorded yet at {as_of}.")
            last = recorded[-1].originator_version
            version = last if version is None else min(version, last)
        return batch_json(self.get_batch(batch_id, version), self.catalogue())

    def batch_as_occurred(self, batch_id: UUID, occurred_by: datetime) -> dict[str, Any]:
        """What had happened to a batch in the field by a time, as the ledger knows it now: its
        events that occurred by then (late syncs included), with every correction of them."""
        self.get_batch(batch_id)
        events: list[Any] = list(self.events.get(batch_id))
        corrections = [e for e in events if isinstance(e, Batch.Corrected)]
        when = {e.originator_version: e.occurred_at for e in events if e not in corrections}
        for correction in corrections:
            if correction.corrected_occurred_at is not None:
                when[correction.corrects_version] = correction.corrected_occurred_at
        last = 0  # the field events occur in order: the last of those that had occurred by then
        for version in sorted(when):
            if when[version] > occurred_by:
                break
            last = version
        if last == 0:
            raise BatchNotFound(f"Batch {batch_id} had not been collected or made by then.")
        chosen = [e for e in events if e not in corrections and e.originator_version <= last]
        chosen += [c for c in corrections if c.corrects_version <= last]
        batch: Any = None
        for number, event in enumerate(chosen, start=1):
            if event.originator_version != number:  # a later correction, applied next in turn
                renumbered = object.__new__(type(event))
                state = {**event.__dict__, "originator_version": number}
                object.__setattr__(renumbered, "__dict__", state)
                event = renumbered
            batch = event.mutate(batch)
        found = batch_json(batch, self.catalogue())
        return {**found, "version": last}

    def history(self, batch_id: UUID) -> list[dict[str, Any]]:
        """Every event of a batch in order, with both times, who acted and its position."""
        self.get_batch(batch_id)
        positions = self.event_log.positions(batch_id)
        corrections: dict[int, list[int]] = {}
        entries: list[dict[str, Any]] = []
        for event in self.events.get(batch_id):
            corrected = getattr(event, "corrects_version", None)
            if corrected is not None:
                corrections.setdefault(corrected, []).append(event.originator_version)
            entries.append(
                {
                    "seq": event.originator_version,
                    "position": positions.get(event.originator_version),
                    "type": type(event).__name__,
                    "occurred_at": iso(getattr(event, "occurred_at", None)),
                    "recorded_at": iso(recorded_at(event)),
                    "organisation": str(getattr(event, "organisation_id", "")),
                    "token_id": getattr(event, "token_id", None),
                    "payload": event_payload(event),
                }
            )
        for entry in entries:
            entry["corrected_by"] = corrections.get(int(entry["seq"]), [])
        return entries

    def lineage(self, batch_id: UUID) -> dict[str, Any]:
        """Ancestors and descendants of a batch through transformations."""
        root = self.get_batch(batch_id)
        uow = UnitOfWork(self)
        nodes: dict[UUID, Batch] = {root.id: root}
        edges: list[dict[str, Any]] = []
        ancestors = self._walk(uow, root, nodes, edges, upward=True)
        descendants = self._walk(uow, root, nodes, edges, upward=False)
        catalogue = self.catalogue()
        return {
            "batch_id": str(batch_id),
            "ancestors": [str(i) for i in ancestors],
            "descendants": [str(i) for i in descendants],
            "batches": [batch_json(b, catalogue) for b in nodes.values()],
            "edges": edges,
            "truncated": len(nodes) >= LINEAGE_LIMIT,
        }

    def _walk(
        self,
        uow: UnitOfWork,
        root: Batch,
        nodes: dict[UUID, Batch],
        edges: list[dict[str, Any]],
        upward: bool,
    ) -> list[UUID]:
        found: list[UUID] = []
        frontier = [root]
        while frontier and len(nodes) < LINEAGE_LIMIT:
            batch = frontier.pop()
            for transformation in self._transformations(uow, batch, upward):
                for link in transformation.inputs if upward else transformation.outputs:
                    other = uow.get(link["batch_id"], Batch)
                    if other is None or other.id in found or other.id == root.id:
                        continue
                    found.append(other.id)
                    nodes[other.id] = other
                    frontier.append(other)
                    pair = (other.id, batch.id) if upward else (batch.id, other.id)
                    edges.append(
                        {
                            "from": str(pair[0]),
                            "to": str(pair[1]),
                            "transformation_id": str(transformation.id),
                            "process": transformation.process,
                        }
                    )
        return found

    def _transformations(self, uow: UnitOfWork, batch: Batch, upward: bool) -> list[Transformation]:
        if upward:
            first = self.events.get(batch.id, lte=1)
            ids = [getattr(e, "transformation_id", None) for e in first]
        else:
            ids = [batch.consumed_by]
        found = [uow.get(i, Transformation) for i in ids if i is not None]
        return [t for t in found if t is not None]

    def label_lookup(self, code: str) -> dict[str, Any]:
        """Which batch a label code is bound to."""
        normal = normalise_label_code(code)
        binding = UnitOfWork(self).get(LabelBinding.create_id(normal), LabelBinding)
        if binding is None:
            raise LabelNotFound(f"No batch carries label {normal}.", label_code=normal)
        return {"code": normal, "batch_id": str(binding.batch_id)}

    # -- registry --------------------------------------------------------------------------

    def directory_ids(self, kind: str) -> list[UUID]:
        directory = UnitOfWork(self).get(Directory.create_id(), Directory)
        return [] if directory is None else list(directory.ids.get(kind, []))

    def organisation_json(self, organisation_id: UUID) -> dict[str, Any]:
        found = UnitOfWork(self).get(organisation_id, Organisation)
        if found is None:
            raise OrganisationNotFound(f"No organisation {organisation_id}.")
        return organisation_json(found)

    def site_json(self, site_id: UUID) -> dict[str, Any]:
        found = self._sites.get(site_id) or UnitOfWork(self).get(site_id, Site)
        if found is None:
            raise SiteNotFound(f"No site {site_id}.")
        self._sites[site_id] = found
        return site_json(found, self.territory_communes())

    def organisations(self) -> list[dict[str, Any]]:
        return [self.organisation_json(i) for i in self.directory_ids("organisation")]

    def sites(self, organisation_id: UUID | None = None) -> list[dict[str, Any]]:
        sites = [self.site_json(i) for i in self.directory_ids("site")]
        if organisation_id is not None:
            sites = [s for s in sites if s["organisation_id"] == str(organisation_id)]
        return sites

    def territory_json(self) -> dict[str, Any]:
        territory = UnitOfWork(self).get(Territory.create_id(), Territory)
        if territory is None:
            return {"name": None, "communes_insee": [], "version": 0}
        return {
            "name": territory.name,
            "communes_insee": list(territory.communes_insee),
            "version": territory.version,
            "recorded_at": iso(territory.modified_on),
        }

    def transformation_json(self, transformation_id: UUID) -> dict[str, Any]:
        found = UnitOfWork(self).get(transformation_id, Transformation)
        if found is None:
            raise TransformationNotFound(f"No transformation {transformation_id}.")
        return transformation_json(found)

    def work_log_json(self, work_log_id: UUID, reader: Actor | None = None) -> dict[str, Any]:
        """A work log, for those who may read its organisation's personal records (§4.4); no
        reader: the answer to the command that wrote it."""
        found = UnitOfWork(self).get(work_log_id, WorkLog)
        if found is None:
            raise WorkLogNotFound(f"No work log {work_log_id}.")
        if reader is not None and not reads_work_logs_of(reader, found.site_organisation_id):
            raise OrganisationNotAllowed(
                "Work logs are personal records: only their organisation's supervisors and "
                "admins, auditors and the ledger's admins read them.",
                work_log_id=str(work_log_id),
            )
        return work_log_json(found)

    # -- the whole log ---------------------------------------------------------------------

    def feed(self, reader: Actor, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Events after a position that this reader may read, in the order they were stored,
        and the position read up to (where the next page starts: events the reader may not
        read are skipped, so a page can be short or empty while the log goes on)."""
        visibility = self.visibility()
        entries: list[dict[str, Any]] = []
        scanned = after
        budget = FEED_SCAN_LIMIT
        while len(entries) < limit and budget > 0:
            page = self.recorder.select_notifications(
                start=scanned, limit=min(1000, budget), inclusive_of_start=False
            )
            if not page:
                break
            budget -= len(page)
            for notification in page:
                scanned = notification.id
                event = self.mapper.to_domain_event(notification)
                entry = visibility.entry(reader, notification.id, event)
                if entry is not None:
                    entries.append(entry)
                    if len(entries) == limit:
                        break
        return entries, scanned

    def visibility(self) -> Visibility:
        """Who reads which event (one policy, its owner look-ups kept for this ledger)."""
        found: Visibility | None = self.__dict__.get("_visibility")
        if found is None:
            found = self.__dict__["_visibility"] = Visibility(CachedOwners(self.owner_of))
        return found

    def owner_of(self, aggregate_id: UUID) -> UUID | None:
        """The organisation a work log, token or subscription belongs to."""
        found = UnitOfWork(self).get(aggregate_id, Aggregate)
        if isinstance(found, WorkLog):
            return found.site_organisation_id
        owner = getattr(found, "owner_id", None)
        return owner if isinstance(owner, UUID) else None

    def is_empty(self) -> bool:
        """True when only the ledger's own bootstrap records exist (no organisation of users)."""
        return self.directory_ids("organisation") == [SYSTEM_ORGANISATION_ID]
