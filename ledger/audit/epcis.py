"""The EPCIS 2.0 export: the batch and transformation events of a period as an EPCISDocument.

The document is JSON-LD (``application/ld+json``) and validates against GS1's EPCIS 2.0 JSON
Schema. What it contains:

- one event per collection, weighing, labelling, dispatch, receipt and valorisation of a batch
  (``ObjectEvent``), and one per transformation (``TransformationEvent``, for sortings, merges and
  the other processes), whose ``occurred_at`` falls in the period (inclusive dates, Europe/Paris);
  business steps and dispositions are listed in ``ledger.audit.epcis_builder``;
- identifiers as URIs under the ledger's public address (``ledger.audit.epcis_ids``), event ids as
  content hashes (``ledger.audit.epcis_hash``), masses in kilograms (``KGM``);
- the ledger's own terms in the namespace ``{base}/ns/epcis#`` (prefix ``fl``, declared in the
  ``@context``): ``fl:version`` (the event's ``seq`` in the batch's history), ``fl:actor`` (the
  organisation that recorded it), ``fl:process``, ``fl:lossKg``, ``fl:declaredLossKg``,
  ``fl:outputLabels``, ``fl:route``, ``fl:operationCode`` (R/D, see
  ``ledger.audit.register_codes``), ``fl:outletName``, ``fl:outletCountry``,
  ``fl:certificateRef``, ``fl:weightMethod``, ``fl:previousMassKg``, ``fl:ticketRef``,
  ``fl:labelCode``, ``fl:carrier``, ``fl:distanceKm``, ``fl:dispatchedMassKg``,
  ``fl:discrepancyFlagged``, ``fl:correction``; in ILMD, ``fl:sourceCommuneInsee``,
  ``fl:moisturePct`` and ``fl:labelCode``; in the header, ``fl:periodFrom``, ``fl:periodTo`` and
  ``fl:position`` (the last log position the document reflects) and the master data of
  ``ledger.audit.epcis_masterdata``.

Corrections follow EPCIS's error declarations: the event a correction corrects keeps its id and
gains an ``errorDeclaration`` (reason ``incorrect_data``, the ledger's reason in ``fl:reason``)
naming its corrective event, which states the corrected values and carries ``fl:correction``. A
second correction of the same event declares the first corrective event erroneous in turn.
Whether an event and its corrections are exported is decided by the event's ``occurred_at`` as
first recorded: a correction of an event outside the period is not exported.

The export reads the whole event log up to its current end, not the views: it never lags.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from ledger.application.core import UnitOfWork
from ledger.application.queries import Queries
from ledger.audit.epcis_builder import FactBuilder
from ledger.audit.epcis_facts import Correction, Fact
from ledger.audit.epcis_ids import EXTENSION_PREFIX, Identifiers
from ledger.audit.epcis_masterdata import master_data
from ledger.audit.epcis_render import PARIS, render, utc_text
from ledger.domain.batch import Batch
from ledger.indicators.periods import Period

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
MEDIA_TYPE = "application/ld+json"
PAGE_SIZE = 2000


def epcis_document(ledger: Queries, period: Period) -> dict[str, Any]:
    """The EPCISDocument of the batch and transformation events of a period."""
    head = ledger.event_log.max_position()
    export = EpcisExport(ledger, period)
    export.read(logged_events(ledger, head))
    return {
        "@context": [EPCIS_CONTEXT, {EXTENSION_PREFIX: export.ids.namespace}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": utc_text(ledger.now()),
        "fl:periodFrom": period.start.isoformat(),
        "fl:periodTo": period.end.isoformat(),
        "fl:position": head,
        "epcisHeader": master_data(ledger, export.facts, export.ids),
        "epcisBody": {"eventList": export.events},
    }


def logged_events(ledger: Queries, head: int) -> Iterator[Any]:
    """Every stored event up to ``head``, decoded (upcasters run), in log order."""
    position = 0
    while position < head:
        page = ledger.recorder.select_notifications(
            start=position, limit=PAGE_SIZE, stop=head, inclusive_of_start=False
        )
        if not page:
            return
        for notification in page:
            yield ledger.mapper.to_domain_event(notification)
        position = page[-1].id


class EpcisExport:
    """The events of a period, gathered while reading the log."""

    def __init__(self, ledger: Queries, period: Period) -> None:
        self.period = period
        self.ids = Identifiers(ledger.settings.public_base_url)
        uow = UnitOfWork(ledger)
        self.builder = FactBuilder(lambda site_id: ledger.site(uow, site_id), self.ids)
        self.facts: list[Fact] = []
        self.events: list[dict[str, Any]] = []
        # which exported event states a batch event now (the last corrective one, if corrected)
        self.stating: dict[tuple[UUID, int], int] = {}

    def read(self, events: Iterator[Any]) -> None:
        """Turn the log's events into EPCIS events, keeping those of the period."""
        for event in events:
            if isinstance(event, Batch.Corrected):
                self.correct(self.builder.correction(event))
                continue
            fact = self.builder.fact(event)
            if fact is not None and self.in_period(fact):
                self.add(fact)

    def in_period(self, fact: Fact) -> bool:
        day = fact.occurred_at.astimezone(PARIS).date()
        return self.period.start <= day <= self.period.end

    def add(self, fact: Fact) -> str:
        """Export a fact; returns its event id."""
        index = len(self.events)
        self.facts.append(fact)
        self.events.append(render(fact, self.ids))
        for key in fact.stated_versions():
            self.stating[key] = index
        return str(self.events[index]["eventID"])

    def correct(self, correction: Correction) -> None:
        """Declare the corrected event erroneous and export its corrective event."""
        index = self.stating.get((correction.batch_id, correction.corrects_version))
        if index is None:  # the corrected event is outside the period
            return
        note = {
            "fl:batch": self.ids.batch(correction.batch_id),
            "fl:version": correction.version,
            "fl:reason": correction.reason,
        }
        corrective_id = self.add(self.facts[index].corrected(correction, note))
        self.events[index]["errorDeclaration"] = {
            "declarationTime": utc_text(correction.recorded_at),
            "reason": "incorrect_data",
            "correctiveEventIDs": [corrective_id],
            "fl:reason": correction.reason,
        }
