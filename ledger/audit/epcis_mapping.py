"""Captured EPCIS events as ledger commands: the inverse of the export's table.

==========================================  ===============  ======================================
EPCIS event                                 command          from
==========================================  ===============  ======================================
ObjectEvent ADD, collecting or              collect          the batch (``epcList``), its material
commissioning                                                and kilograms (``quantityList``), the
                                                             site (``bizLocation``); in ILMD
                                                             ``fl:labelCode``, ``fl:moisturePct``,
                                                             ``fl:sourceCommuneInsee``
ObjectEvent OBSERVE, inspecting             weigh            the kilograms, ``fl:weightMethod``,
                                                             ``fl:ticketRef``
ObjectEvent OBSERVE, ``fl:labelling``       label            ``fl:labelCode``
ObjectEvent shipping                        dispatch         the destination list's ``location``,
                                                             ``fl:carrier``, ``fl:distanceKm``
ObjectEvent receiving                       receive          the kilograms received, the site
ObjectEvent OBSERVE, arriving, returned     refuse receipt   ``fl:reason`` (required)
ObjectEvent DELETE, decommissioning,        valorise         ``fl:route`` (required), the
destroying or retail_selling                                 kilograms, the destination's
                                                             ``location`` (an outlet site) or
                                                             ``fl:outletName`` and
                                                             ``fl:outletCountry``,
                                                             ``fl:certificateRef``
TransformationEvent                         transform        ``fl:process`` (``sorting`` if absent),
                                                             inputs, outputs with their kilograms,
                                                             ``fl:declaredLossKg``, the
                                                             ``transformationID``, labels and
                                                             moisture of outputs
any event with ``fl:correction``            correct          the corrected batch and version, the
                                                             reason and the corrected values
==========================================  ===============  ======================================

Everything else is refused with ``epcis_event_not_mapped``: ``AggregationEvent`` (packing and
unpacking have no ledger command; a merge of batches is a ``TransformationEvent`` of process
``baling``), ``AssociationEvent`` and ``TransactionEvent`` (the ledger records neither
associations of assets nor business transactions), extension event types, and ``ObjectEvent``s
with another action or business step, or a valorisation without a route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application.commands import (
    Collect,
    Correct,
    Dispatch,
    Label,
    Outlet,
    Receive,
    RefuseReceipt,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    Weigh,
)
from ledger.audit import epcis_reading as read
from ledger.audit.epcis_reading import Terms
from ledger.domain.errors import EpcisEventNotMapped

COLLECTING = ("collecting", "commissioning")
VALORISING = ("decommissioning", "destroying", "retail_selling")
LABELLING = read.LABELLING
REFUSED_TYPES = {
    "AggregationEvent": "packing and unpacking have no ledger command (a merge of batches is a "
    "TransformationEvent of process baling)",
    "AssociationEvent": "the ledger records no associations of assets",
    "TransactionEvent": "the ledger records no business transactions",
}


@dataclass(frozen=True)
class Mapped:
    """The command an event maps to, and the batch it acts on (for a batch's own commands)."""

    op: str
    command: Any
    batch_id: UUID | None = None


def mapped(event: dict[str, Any], prefixes: frozenset[str]) -> Mapped:
    """The ledger command a captured event states, or ``epcis_event_not_mapped``."""
    kind = event.get("type")
    terms = Terms(event, prefixes, "")
    if "correction" in terms:
        return correction(terms)
    if kind == "TransformationEvent":
        return transformation(event, terms)
    if kind != "ObjectEvent":
        reason = REFUSED_TYPES.get(str(kind), "it is not an EPCIS 2.0 event type the ledger maps")
        raise EpcisEventNotMapped(f"{kind} events are not captured: {reason}.", type=str(kind))
    return object_event(event, terms)


def object_event(event: dict[str, Any], terms: Terms) -> Mapped:
    action, step = event.get("action"), read.business_step(event.get("bizStep"))
    moment = read.moment_of(event.get("eventTime"), "eventTime")
    batch = read.batch_id(read.the_one(event, "epcList"), "epcList")
    if action == "ADD" and step in COLLECTING:
        return Mapped("collect", collection(event, terms, batch, moment))
    if action == "OBSERVE" and step == "inspecting":
        _, kg = read.kilograms(read.the_one(event, "quantityList"), "quantityList")
        method = terms.text("weightMethod") or "measured"
        weighing = Weigh(kg, moment, method, terms.text("ticketRef"))
        return Mapped("weigh", weighing, batch)
    if action == "OBSERVE" and step == LABELLING:
        code = terms.text("labelCode")
        if code is None:
            raise EpcisEventNotMapped("A labelling names its fl:labelCode.", field="fl:labelCode")
        return Mapped("label", Label(code, moment), batch)
    if action == "OBSERVE" and step == "shipping":
        return Mapped("dispatch", dispatch(event, terms, moment), batch)
    if action == "OBSERVE" and step == "receiving":
        received = received_kg(event)
        return Mapped("receive", Receive(moment, received, read.place(event, "bizLocation")), batch)
    if action == "OBSERVE" and step == "arriving" and returned(event):
        reason = terms.text("reason")
        if not reason:
            raise EpcisEventNotMapped("A refused receipt names its fl:reason.", field="fl:reason")
        return Mapped("refuse", RefuseReceipt(reason, moment), batch)
    if action == "DELETE" and step in VALORISING:
        return Mapped("valorise", valorisation(event, terms, moment), batch)
    raise EpcisEventNotMapped(
        f"An ObjectEvent {action} with business step {step or 'none'} has no ledger command.",
        action=str(action),
        bizStep=step,
    )


def returned(event: dict[str, Any]) -> bool:
    """Whether the disposition is CBV's ``returned``, however written."""
    disposition = str(event.get("disposition") or "")
    for prefix in ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:"):
        disposition = disposition.removeprefix(prefix)
    return disposition == "returned"


def collection(event: dict[str, Any], terms: Terms, batch: UUID, moment: Any) -> Collect:
    material, kg = read.kilograms(read.the_one(event, "quantityList"), "quantityList")
    ilmd = Terms(event.get("ilmd"), terms.prefixes, "ilmd.")
    return Collect(
        material=material,
        mass_kg=kg,
        site_id=read.place(event, "bizLocation"),
        occurred_at=moment,
        label_code=ilmd.text("labelCode"),
        weight_method=terms.text("weightMethod") or "measured",
        moisture_pct=ilmd.decimal("moisturePct"),
        source_commune_insee=ilmd.text("sourceCommuneInsee"),
        id=batch,
    )


def dispatch(event: dict[str, Any], terms: Terms, moment: Any) -> Dispatch:
    destination = read.listed_location(event, "destinationList", "destination")
    if destination is None:
        raise EpcisEventNotMapped(
            "A shipping names where the batch goes: a location in destinationList.",
            field="destinationList",
        )
    return Dispatch(destination, moment, terms.text("carrier"), terms.decimal("distanceKm"))


def received_kg(event: dict[str, Any]) -> Any:
    if not event.get("quantityList"):
        return None
    return read.kilograms(read.the_one(event, "quantityList"), "quantityList")[1]


def valorisation(event: dict[str, Any], terms: Terms, moment: Any) -> Valorise:
    route = terms.text("route")
    if route is None:
        raise EpcisEventNotMapped(
            "A decommissioning, destroying or retail_selling is captured as a valorisation "
            "when it names its fl:route (reuse, recycling, csr, energy or disposal).",
            field="fl:route",
        )
    name, country = terms.text("outletName"), terms.text("outletCountry")
    outlet = None if name is None else Outlet(name, country or "")
    return Valorise(
        route=route,
        occurred_at=moment,
        mass_kg=received_kg(event),
        outlet_site_id=read.listed_location(event, "destinationList", "destination"),
        outlet=outlet,
        certificate_ref=terms.text("certificateRef"),
    )


def transformation(event: dict[str, Any], terms: Terms) -> Mapped:
    inputs = [read.batch_id(b, "inputEPCList") for b in event.get("inputEPCList") or []]
    batches = event.get("outputEPCList") or []
    quantities = event.get("outputQuantityList") or []
    if len(batches) != len(quantities):
        raise EpcisEventNotMapped(
            "A transformation states one output quantity per output batch, in the same order.",
            field="outputQuantityList",
        )
    labels = {
        str(e.values.get("batch")): e.text("labelCode") for e in terms.entries("outputLabels")
    }
    moisture = {
        str(e.values.get("batch")): e.decimal("moisturePct")
        for e in terms.entries("outputMoisture")
    }
    outputs = []
    for index, (uri, quantity) in enumerate(zip(batches, quantities, strict=True)):
        material, kg = read.kilograms(quantity, f"outputQuantityList[{index}]")
        batch = read.batch_id(uri, f"outputEPCList[{index}]")
        label, wet = labels.get(str(uri)), moisture.get(str(uri))
        outputs.append(TransformOutput(material, kg, label, batch, wet))
    identifier = event.get("transformationID")
    command = Transform(
        process=terms.text("process") or "sorting",
        site_id=read.place(event, "bizLocation"),
        occurred_at=read.moment_of(event.get("eventTime"), "eventTime"),
        inputs=[TransformInput(batch_id=b) for b in inputs],
        outputs=outputs,
        loss_kg=terms.decimal("declaredLossKg"),
        id=None if identifier is None else read.uuid_of(identifier, "transformations", "id"),
    )
    return Mapped("transform", command)


def correction(terms: Terms) -> Mapped:
    note = terms.nested("correction")
    version = note.integer("correctsVersion")
    reason = note.text("reason")
    if version is None or reason is None:
        raise EpcisEventNotMapped(
            "A corrective event names the corrected version (fl:correctsVersion) and the "
            "reason (fl:reason) in its fl:correction.",
            field="fl:correction",
        )
    batch = read.batch_id(note.values.get("batch"), "fl:correction.fl:batch")
    fix = Correct(
        corrects_version=version,
        reason=reason,
        mass_kg=note.decimal("massKg"),
        material=note.text("material"),
        occurred_at=note.moment("occurredAt"),
    )
    return Mapped("correct", fix, batch)
