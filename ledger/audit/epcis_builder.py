"""The ledger's events read as EPCIS facts, in the order of the log.

The ``FactBuilder`` makes one fact from each batch or transformation event, keeping for each
batch only what its later events need (its material, site and holder). Consumptions and
productions are stated by their transformation (one ``TransformationEvent``); a correction
becomes a ``Correction`` of the fact it corrects.

Business steps and dispositions are the CBV 2.0 ones where one fits:

==============  ========  ==================  ==============================================
ledger event    action    bizStep             disposition
==============  ========  ==================  ==============================================
collection      ADD       collecting          active
weighing        OBSERVE   inspecting          (none)
labelling       OBSERVE   ``fl:labelling``    (none): CBV has no step for sticking a label
dispatch        OBSERVE   shipping            in_transit
receipt         OBSERVE   receiving           active
receipt refused OBSERVE   arriving            returned: it arrived and was sent back to the
                                              site it left, whose holder has it again
transformation  (n/a)     commissioning       active (the outputs come into being)
valorisation    DELETE    by route: reuse → retail_selling / retail_sold; recycling and
                          disposal → decommissioning / disposed; csr and energy → destroying /
                          destroyed
==============  ========  ==================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.audit.epcis_facts import (
    OBJECT_EVENT,
    TRANSFORMATION_EVENT,
    Correction,
    Fact,
    Lot,
    Place,
    fact_fields,
    kg_number,
    number,
    present,
)
from ledger.audit.epcis_ids import Identifiers
from ledger.audit.register_codes import valorisation_operation
from ledger.domain.batch import Batch
from ledger.domain.registry import Site
from ledger.domain.transformation import Transformation

VALORISATION_STEPS = {
    "reuse": ("retail_selling", "retail_sold"),
    "recycling": ("decommissioning", "disposed"),
    "csr": ("destroying", "destroyed"),
    "energy": ("destroying", "destroyed"),
    "disposal": ("decommissioning", "disposed"),
}


@dataclass
class Track:
    """What later events of a batch need to know about it."""

    material: str
    site_id: UUID
    holder_id: UUID


class FactBuilder:
    """Turns batch and transformation events into facts, in the order of the log."""

    def __init__(self, site: Callable[[UUID], Site], ids: Identifiers) -> None:
        self.site = site
        self.ids = ids
        self.tracks: dict[UUID, Track] = {}
        self.handlers: dict[type, Callable[[Any], Fact | None]] = {
            Batch.Collected: self.collected,
            Transformation.Recorded: self.transformed,
            Batch.Weighed: self.weighed,
            Batch.Labelled: self.labelled,
            Batch.Dispatched: self.dispatched,
            Batch.Received: self.received,
            Batch.ReceiptRefused: self.refused,
            Batch.Valorised: self.valorised,
        }

    def fact(self, event: Any) -> Fact | None:
        """The fact an event states, or None (other aggregates, consumptions, productions)."""
        handler = self.handlers.get(type(event))
        return None if handler is None else handler(event)

    def correction(self, event: Batch.Corrected) -> Correction:
        """A correction, which also changes the batch's material for its later events."""
        track = self.tracks.get(event.originator_id)
        if track is not None and event.material is not None:
            track.material = event.material
        return Correction(
            batch_id=event.originator_id,
            corrects_version=event.corrects_version,
            version=event.originator_version,
            mass_g=event.mass_g,
            material=event.material,
            occurred_at=event.corrected_occurred_at,
            reason=event.reason,
            recorded_at=event.timestamp,
        )

    def collected(self, event: Batch.Collected) -> Fact:
        self.tracks[event.originator_id] = Track(event.material, event.site_id, event.holder_id)
        moisture = None if event.moisture_bp is None else number(event.moisture_bp, 100)
        ilmd = {
            "fl:sourceCommuneInsee": event.source_commune_insee,
            "fl:moisturePct": moisture,
            "fl:labelCode": event.label_code,
        }
        return Fact(
            OBJECT_EVENT,
            "ADD",
            "collecting",
            "active",
            **fact_fields(event),
            read_point=event.site_id,
            location=event.site_id,
            lots=(Lot(event.originator_id, event.material, event.mass_g),),
            ilmd=present(ilmd),
            details={"fl:weightMethod": event.weight_method},
        )

    def transformed(self, event: Transformation.Recorded) -> Fact:
        outputs = tuple(Lot.of_entry(output) for output in event.outputs)
        for lot in outputs:
            self.tracks[lot.batch_id] = Track(lot.material, event.site_id, event.holder_id)
        labels = [
            {"fl:batch": self.ids.batch(lot.batch_id), "fl:labelCode": entry["label_code"]}
            for lot, entry in zip(outputs, event.outputs, strict=True)
            if entry.get("label_code")
        ]
        moisture = [
            {"fl:batch": self.ids.batch(lot.batch_id), "fl:moisturePct": number(entry_bp, 100)}
            for lot, entry in zip(outputs, event.outputs, strict=True)
            if (entry_bp := entry.get("moisture_bp")) is not None
        ]
        declared = event.declared_loss_g
        details = {
            "fl:process": event.process,
            "fl:lossKg": kg_number(event.loss_g),
            "fl:declaredLossKg": None if declared is None else kg_number(declared),
            "fl:outputLabels": labels or None,
            "fl:outputMoisture": moisture or None,
        }
        return Fact(
            TRANSFORMATION_EVENT,
            None,
            "commissioning",
            "active",
            **fact_fields(event),
            read_point=event.site_id,
            location=event.site_id,
            lots=tuple(Lot.of_entry(i) for i in event.inputs),
            outputs=outputs,
            details=present(details),
        )

    def weighed(self, event: Batch.Weighed) -> Fact | None:
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        details = {
            "fl:weightMethod": event.weight_method,
            "fl:previousMassKg": kg_number(event.previous_mass_g),
            "fl:ticketRef": event.ticket_ref,
        }
        return self.observed(event, track, "inspecting", event.mass_g, details)

    def labelled(self, event: Batch.Labelled) -> Fact | None:
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        return self.observed(event, track, "fl:labelling", None, {"fl:labelCode": event.label_code})

    def observed(
        self, event: Any, track: Track, step: str, mass_g: int | None, details: dict[str, Any]
    ) -> Fact:
        """A batch seen where it is, without moving: a weighing, a labelling."""
        return Fact(
            OBJECT_EVENT,
            "OBSERVE",
            step,
            None,
            **fact_fields(event),
            read_point=track.site_id,
            location=track.site_id,
            lots=(Lot(event.originator_id, track.material, mass_g),),
            details=present(details),
        )

    def dispatched(self, event: Batch.Dispatched) -> Fact | None:
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        distance = None if event.distance_m is None else number(event.distance_m, 1000)
        return Fact(
            OBJECT_EVENT,
            "OBSERVE",
            "shipping",
            "in_transit",
            **fact_fields(event),
            read_point=event.from_site_id,
            location=None,  # in transit: at no business location
            lots=(Lot(event.originator_id, track.material, event.mass_g),),
            source=Place(event.from_site_id, track.holder_id),
            destination=Place(event.to_site_id, self.site(event.to_site_id).owner_id),
            details=present({"fl:carrier": event.carrier, "fl:distanceKm": distance}),
        )

    def received(self, event: Batch.Received) -> Fact | None:
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        source = Place(track.site_id, track.holder_id)
        track.site_id, track.holder_id = event.site_id, event.holder_id
        details = {
            "fl:dispatchedMassKg": kg_number(event.dispatched_mass_g),
            "fl:discrepancyFlagged": event.discrepancy_flagged,
        }
        return Fact(
            OBJECT_EVENT,
            "OBSERVE",
            "receiving",
            "active",
            **fact_fields(event),
            read_point=event.site_id,
            location=event.site_id,
            lots=(Lot(event.originator_id, track.material, event.mass_g),),
            source=source,
            destination=Place(event.site_id, event.holder_id),
            details=details,
        )

    def refused(self, event: Batch.ReceiptRefused) -> Fact | None:
        """Seen arriving at the refusing site, returned to the sender's site (its location)."""
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        details = {"fl:reason": event.reason, "fl:refusedVersion": event.dispatch_version}
        return Fact(
            OBJECT_EVENT,
            "OBSERVE",
            "arriving",
            "returned",
            **fact_fields(event),
            read_point=event.refused_site_id,
            location=event.site_id,
            lots=(Lot(event.originator_id, track.material, None),),
            source=Place(event.refused_site_id, self.site(event.refused_site_id).owner_id),
            destination=Place(event.site_id, track.holder_id),
            details=details,
        )

    def valorised(self, event: Batch.Valorised) -> Fact | None:
        track = self.tracks.get(event.originator_id)
        if track is None:
            return None
        outlet = None if event.outlet_site_id is None else self.site(event.outlet_site_id)
        step, disposition = VALORISATION_STEPS.get(event.route, ("decommissioning", "disposed"))
        where = self.valorised_at(event)
        kind = None if where is None else self.site(where).kind
        details = {
            "fl:route": event.route,
            "fl:operationCode": valorisation_operation(event.route, kind) or None,
            "fl:outletName": event.outlet_name,
            "fl:outletCountry": event.outlet_country,
            "fl:certificateRef": event.certificate_ref,
        }
        return Fact(
            OBJECT_EVENT,
            "DELETE",
            step,
            disposition,
            **fact_fields(event),
            read_point=event.site_id,
            location=where,
            lots=(Lot(event.originator_id, track.material, event.mass_g),),
            source=Place(event.site_id, track.holder_id),
            destination=None if outlet is None else Place(outlet.id, outlet.owner_id),
            details=present(details),
        )

    @staticmethod
    def valorised_at(event: Batch.Valorised) -> UUID | None:
        """The outlet site, the batch's own site, or None for an outside outlet (DESIGN §5)."""
        if event.outlet_site_id is not None:
            return event.outlet_site_id
        return None if event.outlet_name is not None else event.site_id
