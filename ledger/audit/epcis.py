"""The EPCIS 2.0 export: the batch and transformation events of a period as an EPCISDocument.

The document is JSON-LD (``application/ld+json``) and validates against GS1's EPCIS 2.0 JSON
Schema. What it contains:

- one event per collection, weighing, labelling, dispatch, receipt, refused receipt and
  valorisation of a batch
  (``ObjectEvent``), and one per transformation (``TransformationEvent``, for sortings, merges and
  the other processes), whose ``occurred_at`` falls in the period (inclusive dates, Europe/Paris);
  business steps and dispositions are listed in ``ledger.audit.epcis_builder``;
- identifiers as URIs under the ledger's public address (``ledger.audit.epcis_ids``), event ids as
  CBV 2.0 event hashes (``ledger.audit.epcis_hash``), masses in kilograms (``KGM``);
- ``@context``: GS1's EPCIS 2.0.0 context and the ledger's own (``ledger.audit.epcis_context``),
  whose prefix ``fl`` names the ledger's fixed extension namespace: ``fl:version`` (the
  event's ``seq`` in the batch's history), ``fl:actor`` (the organisation that recorded it),
  ``fl:process``, ``fl:lossKg``, ``fl:declaredLossKg``,
  ``fl:outputLabels``, ``fl:outputMoisture``, ``fl:route``, ``fl:operationCode`` (R/D, see
  ``ledger.audit.register_codes``), ``fl:outletName``, ``fl:outletCountry``,
  ``fl:certificateRef``, ``fl:weightMethod``, ``fl:previousMassKg``, ``fl:ticketRef``,
  ``fl:labelCode``, ``fl:carrier``, ``fl:distanceKm``, ``fl:dispatchedMassKg``,
  ``fl:discrepancyFlagged``, ``fl:reason`` and ``fl:refusedVersion`` (a refused receipt: why,
  and the version of the dispatch refused), ``fl:correction``; in ILMD, ``fl:sourceCommuneInsee``,
  ``fl:moisturePct`` and ``fl:labelCode``; in the header, ``fl:periodFrom``, ``fl:periodTo`` and
  ``fl:position`` (the last log position the document reflects) and the master data of
  ``ledger.audit.epcis_masterdata``.

Corrections follow EPCIS's error declarations: the event a correction corrects keeps its id and
gains an ``errorDeclaration`` (reason ``incorrect_data``, the ledger's reason in ``fl:reason``)
naming its corrective event, which states the corrected values and carries ``fl:correction``
(the batch, the correction's own version, the corrected version in ``fl:correctsVersion``, the
reason, and the corrected values: ``fl:massKg``, ``fl:material``, ``fl:occurredAt``). A second
correction of the same event declares the first corrective event erroneous in turn. Whether an
event and its corrections are exported is decided by the event's ``occurred_at`` as first
recorded: a correction of an event outside the period is not exported.

The export reads the whole event log up to its current end, not the views: it never lags. The
same reading answers EPCIS queries (``ledger.audit.epcis_query``): a filter on the events and a
page of them after a log position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.application.core import UnitOfWork
from ledger.application.queries import Queries
from ledger.audit.epcis_builder import FactBuilder
from ledger.audit.epcis_context import CONTEXT
from ledger.audit.epcis_facts import Correction, Fact, kg_number
from ledger.audit.epcis_ids import Identifiers
from ledger.audit.epcis_masterdata import master_data
from ledger.audit.epcis_render import PARIS, render, utc_text
from ledger.domain.batch import Batch
from ledger.indicators.periods import Period

MEDIA_TYPE = "application/ld+json"
PAGE_SIZE = 2000

Wanted = Callable[[dict[str, Any]], bool]  # which exported events (not corrective ones) to keep


def epcis_document(ledger: Queries, period: Period) -> dict[str, Any]:
    """The EPCISDocument of the batch and transformation events of a period."""
    head = ledger.event_log.max_position()
    export = EpcisExport(ledger, lambda event: in_period(event, period))
    export.read(logged_events(ledger, head))
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": utc_text(ledger.now()),
        "fl:periodFrom": period.start.isoformat(),
        "fl:periodTo": period.end.isoformat(),
        "fl:position": head,
        "epcisHeader": export.header(ledger),
        "epcisBody": {"eventList": export.events},
    }


def in_period(event: dict[str, Any], period: Period) -> bool:
    """Whether an event happened on a day of the period (its time is on the Paris clock)."""
    day = datetime.fromisoformat(event["eventTime"]).astimezone(PARIS).date()
    return period.start <= day <= period.end


def logged_events(ledger: Queries, head: int) -> Iterator[tuple[int, Any]]:
    """Every stored event up to ``head`` with its position, decoded (upcasters run)."""
    position = 0
    while position < head:
        page = ledger.recorder.select_notifications(
            start=position, limit=PAGE_SIZE, stop=head, inclusive_of_start=False
        )
        if not page:
            return
        for notification in page:
            yield notification.id, ledger.mapper.to_domain_event(notification)
        position = page[-1].id


class EpcisExport:
    """The events a filter keeps, gathered while reading the log; those after position
    ``after`` are written out, up to ``limit`` of them (a page of a query)."""

    def __init__(
        self, ledger: Queries, wanted: Wanted, after: int = 0, limit: int | None = None
    ) -> None:
        self.wanted = wanted
        self.after = after
        self.limit = limit
        self.more = False  # whether the filter keeps events beyond the page
        self.ids = Identifiers(ledger.settings.public_base_url)
        uow = UnitOfWork(ledger)
        self.builder = FactBuilder(lambda site_id: ledger.site(uow, site_id), self.ids)
        self.facts: list[Fact] = []  # every kept fact, for the corrections that follow
        self.events: list[dict[str, Any]] = []  # the page
        self.positions: list[int] = []  # the log position of each event of the page
        self.on_page: dict[int, int] = {}  # fact index → its event's index on the page
        # which kept fact states a batch event now (the last corrective one, if corrected)
        self.stating: dict[tuple[UUID, int], int] = {}

    def read(self, events: Iterator[tuple[int, Any]]) -> None:
        """Turn the log's events into EPCIS events, keeping those the filter wants."""
        for position, event in events:
            if isinstance(event, Batch.Corrected):
                self.correct(self.builder.correction(event), position)
                continue
            fact = self.builder.fact(event)
            if fact is None:
                continue
            rendered = render(fact, self.ids)
            if self.wanted(rendered):
                self.add(fact, rendered, position)

    def add(self, fact: Fact, rendered: dict[str, Any], position: int) -> None:
        """Keep a fact; write its event if it belongs to the page."""
        index = len(self.facts)
        self.facts.append(fact)
        for key in fact.stated_versions():
            self.stating[key] = index
        if position <= self.after:
            return
        if self.limit is not None and len(self.events) >= self.limit:
            self.more = True
            return
        self.on_page[index] = len(self.events)
        self.events.append(rendered)
        self.positions.append(position)

    def correct(self, correction: Correction, position: int) -> None:
        """Declare the corrected event erroneous and keep its corrective event."""
        index = self.stating.get((correction.batch_id, correction.corrects_version))
        if index is None:  # the corrected event is not kept
            return
        corrective = self.facts[index].corrected(correction, self.note(correction))
        rendered = render(corrective, self.ids)
        self.add(corrective, rendered, position)
        original = self.on_page.get(index)
        if original is not None:
            self.events[original]["errorDeclaration"] = {
                "declarationTime": utc_text(correction.recorded_at),
                "reason": "incorrect_data",
                "correctiveEventIDs": [rendered["eventID"]],
                "fl:reason": correction.reason,
            }

    def note(self, correction: Correction) -> dict[str, Any]:
        """What the corrective event says of the correction it states."""
        moment = correction.occurred_at
        found = {
            "fl:batch": self.ids.batch(correction.batch_id),
            "fl:version": correction.version,
            "fl:correctsVersion": correction.corrects_version,
            "fl:reason": correction.reason,
            "fl:massKg": None if correction.mass_g is None else kg_number(correction.mass_g),
            "fl:material": correction.material,
            "fl:occurredAt": None if moment is None else moment.astimezone(PARIS).isoformat(),
        }
        return {key: value for key, value in found.items() if value is not None}

    def header(self, ledger: Queries) -> dict[str, Any]:
        """The master data of the sites and materials the written events name."""
        facts = [self.facts[index] for index in self.on_page]
        return master_data(ledger, facts, self.ids)
