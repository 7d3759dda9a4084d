"""What one exported EPCIS event states, before it is written as JSON.

A ``Fact`` names the batches an event concerns (as ``Lot``s: batch, material, mass), where it
happened, where the batches came from and went to (``Place``s), the business step and
disposition, and the ledger's own details (``fl:`` terms). A ``Correction`` turns a fact into its
corrective fact. ``ledger.audit.epcis_builder`` makes facts from events; ``epcis_render`` writes
them as EPCIS JSON-LD.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

OBJECT_EVENT = "ObjectEvent"
TRANSFORMATION_EVENT = "TransformationEvent"


def number(units: int, per: int) -> int | float:
    """Integer units (grams, metres, basis points) as a JSON number of a bigger unit, exact, and
    without a decimal point when whole (``412``, not ``412.0``: the hashed form depends on it)."""
    return units // per if units % per == 0 else units / per


def kg_number(grams: int) -> int | float:
    """Grams as a JSON number of kilograms."""
    return number(grams, 1000)


def fact_fields(event: Any) -> dict[str, Any]:
    """The fields every fact takes from its ledger event."""
    return {
        "aggregate_id": event.originator_id,
        "version": event.originator_version,
        "occurred_at": event.occurred_at,
        "recorded_at": event.timestamp,
        "actor_id": event.organisation_id,
    }


def present(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value (absent beats null in an EPCIS event)."""
    return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class Lot:
    """A batch as an event names it: its material and, when the event states one, its mass."""

    batch_id: UUID
    material: str
    mass_g: int | None = None

    @classmethod
    def of_entry(cls, entry: dict[str, Any]) -> Lot:
        """A transformation's input or output entry (``{batch_id, material, mass_g}``)."""
        batch_id = entry["batch_id"]
        identifier = batch_id if isinstance(batch_id, UUID) else UUID(str(batch_id))
        return cls(identifier, str(entry["material"]), int(entry["mass_g"]))


@dataclass(frozen=True)
class Place:
    """Where a batch comes from or goes to: a site and the organisation that owns it."""

    site_id: UUID
    organisation_id: UUID


@dataclass(frozen=True)
class Correction:
    """A batch event's mass, material or time, corrected later (the original stays)."""

    batch_id: UUID
    corrects_version: int
    version: int
    mass_g: int | None
    material: str | None
    occurred_at: datetime | None
    reason: str
    recorded_at: datetime

    def lot(self, lot: Lot) -> Lot:
        """The lot as corrected, if it is the corrected batch."""
        if lot.batch_id != self.batch_id:
            return lot
        mass_g = lot.mass_g if self.mass_g is None else self.mass_g
        return replace(lot, material=self.material or lot.material, mass_g=mass_g)


@dataclass(frozen=True)
class Fact:
    """What one EPCIS event states, with the ledger's ids, before it is written as JSON."""

    event_type: str
    action: str | None
    biz_step: str
    disposition: str | None
    aggregate_id: UUID  # the batch, or the transformation
    version: int  # the aggregate's version: ``seq`` in a batch's history
    occurred_at: datetime
    recorded_at: datetime
    actor_id: UUID
    read_point: UUID
    location: UUID | None
    lots: tuple[Lot, ...]  # the batch, or a transformation's inputs
    outputs: tuple[Lot, ...] = ()
    source: Place | None = None
    destination: Place | None = None
    ilmd: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def stated_versions(self) -> list[tuple[UUID, int]]:
        """The batch events this fact states: a correction of one of them corrects this fact."""
        if self.event_type == TRANSFORMATION_EVENT:
            return [(lot.batch_id, 1) for lot in self.outputs]  # each output's ``Produced``
        return [(self.aggregate_id, self.version)]

    def corrected(self, correction: Correction, note: dict[str, Any]) -> Fact:
        """The corrective fact: this one with the corrected values, and ``note`` saying why."""
        lots = tuple(correction.lot(lot) for lot in self.lots)
        outputs = tuple(correction.lot(lot) for lot in self.outputs)
        details = {**self.details, "fl:correction": note}
        if self.event_type == TRANSFORMATION_EVENT:  # the loss follows the corrected masses
            details["fl:lossKg"] = kg_number(mass_of(lots) - mass_of(outputs))
        return replace(
            self,
            lots=lots,
            outputs=outputs,
            occurred_at=correction.occurred_at or self.occurred_at,
            recorded_at=correction.recorded_at,
            details=details,
        )


def mass_of(lots: tuple[Lot, ...]) -> int:
    return sum(lot.mass_g or 0 for lot in lots)
