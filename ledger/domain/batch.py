"""The batch: one physical unit that is traced (a bag, bale, pallet, pile or truckload).

Decisions live in ``check_*`` methods run before an event is triggered; state changes live in the
events' ``apply``. Every event carries when it happened in the field (``occurred_at``), who acted
(``organisation_id``, ``token_id``); the library stamps when the ledger recorded it (``timestamp``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.aggregates import PlainCreated, create
from ledger.domain.errors import (
    BatchAlreadyLabelled,
    BatchClosed,
    BatchNotHeld,
    BatchNotInTransit,
    InputNotAtSite,
    NothingToCorrect,
    OutOfOrder,
    SameSite,
    WrongDestination,
)

RECEIPT_TOLERANCE = 0.02  # departure vs reception weight: auditors accept 2 %


class BatchState(StrEnum):
    """Where a batch is in its life."""

    HELD = "held"
    IN_TRANSIT = "in_transit"
    CONSUMED = "consumed"
    VALORISED = "valorised"


class Batch(Aggregate):
    """A traced batch with its material, mass, site and holder."""

    class Collected(PlainCreated):
        """The batch was collected (enters the ledger from the field).

        ``supplier`` is the company that handed it over and ``transport`` how it came
        (``ledger.domain.transport``), when the collector knows them: a delivery weighed in at
        a platform; households dropping clothes in a container are neither.
        """

        class_version = 2

        label_code: str | None
        material: str
        mass_g: int
        site_id: UUID
        holder_id: UUID
        weight_method: str
        moisture_bp: int | None
        source_commune_insee: str | None
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        request_digest: str
        supplier: dict[str, str] | None = None
        transport: dict[str, Any] | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Collections recorded before suppliers and transports were: neither known."""
            state.update(supplier=None, transport=None)

        def apply(self, aggregate: Batch) -> None:
            aggregate.begin(self, parents=[])
            aggregate.transport_by_version[self.originator_version] = self.transport

    class Produced(PlainCreated):
        """The batch came out of a transformation."""

        transformation_id: UUID
        process: str
        parents: list[UUID]
        label_code: str | None
        material: str
        mass_g: int
        site_id: UUID
        holder_id: UUID
        moisture_bp: int | None
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        request_digest: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.begin(self, parents=list(self.parents))

    class Weighed(Aggregate.Event):
        """The batch was weighed again (weighbridge ticket, scale)."""

        mass_g: int
        previous_mass_g: int
        weight_method: str
        ticket_ref: str | None
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.mass_by_version[self.originator_version] = self.mass_g
            aggregate.note_occurred(self)

    class Labelled(Aggregate.Event):
        """A label was stuck on the batch."""

        label_code: str
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.label_code = self.label_code
            aggregate.note_occurred(self)

    class Dispatched(Aggregate.Event):
        """The batch left its site for another one.

        ``carrier`` is the carrier's name as given; ``transport`` the mode, the carrier's
        identity and its receipt (or exemption), or that the batch went direct.
        """

        class_version = 2

        from_site_id: UUID
        to_site_id: UUID
        mass_g: int
        carrier: str | None
        distance_m: int | None
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        transport: dict[str, Any] | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Dispatches recorded before transports were: only the carrier's name, if any."""
            state["transport"] = None

        def apply(self, aggregate: Batch) -> None:
            aggregate.state = BatchState.IN_TRANSIT
            aggregate.destination_site_id = self.to_site_id
            aggregate.dispatch_version = self.originator_version
            aggregate.transport_by_version[self.originator_version] = self.transport
            aggregate.note_occurred(self)

    class Received(Aggregate.Event):
        """The batch arrived at its destination, which now holds it."""

        site_id: UUID
        holder_id: UUID
        mass_g: int
        dispatched_mass_g: int
        discrepancy_flagged: bool
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.state = BatchState.HELD
            aggregate.site_id = self.site_id
            aggregate.holder_id = self.holder_id
            aggregate.destination_site_id = None
            aggregate.dispatch_version = None
            aggregate.mass_by_version[self.originator_version] = self.mass_g
            aggregate.note_occurred(self)

    class ReceiptRefused(Aggregate.Event):
        """The destination refused the batch (sent to the wrong site, say): it is back with its
        sender, held at the site it left, and may be dispatched again.

        ``dispatch_version`` is the dispatch refused; ``refused_site_id`` the site that refused
        it; ``site_id`` the site it is held at again. The refused dispatch is no transfer in
        any figure.
        """

        site_id: UUID
        refused_site_id: UUID
        dispatch_version: int
        reason: str
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.state = BatchState.HELD
            aggregate.destination_site_id = None
            aggregate.dispatch_version = None
            aggregate.note_occurred(self)

    class Consumed(Aggregate.Event):
        """The batch went into a transformation as an input."""

        transformation_id: UUID
        process: str
        site_id: UUID
        occurred_at: datetime
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Batch) -> None:
            aggregate.state = BatchState.CONSUMED
            aggregate.consumed_by = self.transformation_id
            aggregate.note_occurred(self)

    class Valorised(Aggregate.Event):
        """The batch left the chain: sold for reuse, recycled, burnt or disposed of.

        An outside outlet has a name and a country, and may have its SIRET or VAT number and
        address in ``outlet_details``; ``transport`` says how the batch got to an outlet
        elsewhere.
        """

        class_version = 2

        route: str
        mass_g: int
        site_id: UUID
        outlet_site_id: UUID | None
        outlet_name: str | None
        outlet_country: str | None
        certificate_ref: str | None
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        outlet_details: dict[str, str] | None = None
        transport: dict[str, Any] | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Valorisations recorded before outlets' identities and transports were."""
            state.update(outlet_details=None, transport=None)

        def apply(self, aggregate: Batch) -> None:
            aggregate.state = BatchState.VALORISED
            aggregate.valorised_route = self.route
            aggregate.mass_by_version[self.originator_version] = self.mass_g
            aggregate.transport_by_version[self.originator_version] = self.transport
            aggregate.note_occurred(self)

    class Corrected(Aggregate.Event):
        """A mistake in an earlier event was corrected; the original stays in the history.

        ``transport`` completes or replaces how a collected, dispatched or valorised batch
        travelled (a carrier's SIRET or receipt found on the delivery note afterwards).
        """

        class_version = 2

        corrects_version: int
        mass_g: int | None
        material: str | None
        corrected_occurred_at: datetime | None
        previous: dict[str, Any]
        reason: str
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        transport: dict[str, Any] | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Corrections recorded before transports could be corrected: none."""
            state["transport"] = None

        def apply(self, aggregate: Batch) -> None:
            aggregate.apply_correction(self)

    # -- state -----------------------------------------------------------------------------

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Self:
        """The library's ``_create``, in fewer steps (``ledger.domain.aggregates``)."""
        made: Self = create(cls, event_class, id=id, **kwargs)
        return made

    def __init__(self) -> None:
        self.label_code: str | None = None
        self.material = ""
        self.site_id: UUID | None = None
        self.holder_id: UUID | None = None
        self.destination_site_id: UUID | None = None
        self.dispatch_version: int | None = None  # the dispatch of a batch in transit
        self.state = BatchState.HELD
        self.parents: list[UUID] = []
        self.moisture_bp: int | None = None
        self.consumed_by: UUID | None = None
        self.valorised_route: str | None = None
        self.collected_at: datetime | None = None
        self.last_occurred_at: datetime | None = None
        self.request_digest = ""
        self.mass_by_version: dict[int, int] = {}
        self.occurred_by_version: dict[int, datetime] = {}
        self.kind_by_version: dict[int, str] = {}
        self.transport_by_version: dict[int, dict[str, Any] | None] = {}

    def begin(self, event: Collected | Produced, parents: list[UUID]) -> None:
        self.label_code = event.label_code
        self.material = event.material
        self.site_id = event.site_id
        self.holder_id = event.holder_id
        self.moisture_bp = event.moisture_bp
        self.parents = parents
        self.request_digest = event.request_digest
        self.collected_at = event.occurred_at
        self.mass_by_version[event.originator_version] = event.mass_g
        self.note_occurred(event)

    def note_occurred(self, event: Any) -> None:
        self.occurred_by_version[event.originator_version] = event.occurred_at
        self.kind_by_version[event.originator_version] = type(event).__name__
        last = self.last_occurred_at  # the latest so far: a new version adds one time
        if last is None or event.occurred_at > last:
            self.last_occurred_at = event.occurred_at

    def apply_correction(self, event: Corrected) -> None:
        version = event.corrects_version
        if event.mass_g is not None:
            self.mass_by_version[version] = event.mass_g
        if event.material is not None:
            self.material = event.material
        if event.corrected_occurred_at is not None:
            self.occurred_by_version[version] = event.corrected_occurred_at
            self.last_occurred_at = max(self.occurred_by_version.values())
        if event.transport is not None:
            self.transport_by_version[version] = event.transport

    @property
    def mass_g(self) -> int:
        """Mass from the latest event that set one, corrections included."""
        return self.mass_by_version[max(self.mass_by_version)]

    # -- decisions -------------------------------------------------------------------------

    def check_open(self) -> None:
        """A consumed or valorised batch takes no further movement."""
        if self.state in (BatchState.CONSUMED, BatchState.VALORISED):
            raise BatchClosed(
                f"Batch is {self.state.value}: it takes no further movement, only corrections.",
                batch_id=str(self.id),
                state=self.state.value,
            )

    def check_held(self) -> None:
        """Only a batch held at a site can be dispatched, transformed or valorised."""
        self.check_open()
        if self.state is not BatchState.HELD:
            raise BatchNotHeld(
                "Batch is in transit: receive it before moving it again.",
                batch_id=str(self.id),
                state=self.state.value,
            )

    def check_order(self, occurred_at: datetime) -> None:
        """An event may not occur before the batch's previous event."""
        if self.last_occurred_at is not None and occurred_at < self.last_occurred_at:
            raise OutOfOrder(
                "This event would occur before the batch's previous event.",
                batch_id=str(self.id),
                occurred_at=occurred_at.isoformat(),
                previous_occurred_at=self.last_occurred_at.isoformat(),
            )

    # -- commands --------------------------------------------------------------------------

    def weigh(self, mass_g: int, weight_method: str, ticket_ref: str | None, **acted: Any) -> None:
        """Record a new weighing of the batch."""
        self.check_open()
        self.check_order(acted["occurred_at"])
        self.trigger_event(
            self.Weighed,
            mass_g=mass_g,
            previous_mass_g=self.mass_g,
            weight_method=weight_method,
            ticket_ref=ticket_ref,
            **acted,
        )

    def label(self, label_code: str, **acted: Any) -> None:
        """Stick a label on a batch that has none."""
        self.check_open()
        self.check_order(acted["occurred_at"])
        if self.label_code is not None:
            raise BatchAlreadyLabelled(
                f"Batch already carries label {self.label_code}.", label_code=self.label_code
            )
        self.trigger_event(self.Labelled, label_code=label_code, **acted)

    def dispatch(
        self,
        to_site_id: UUID,
        carrier: str | None,
        distance_m: int | None,
        transport: dict[str, Any] | None = None,
        **acted: Any,
    ) -> None:
        """Send the batch from its site to another (``transport`` checked by the caller)."""
        self.check_held()
        self.check_order(acted["occurred_at"])
        if to_site_id == self.site_id:
            raise SameSite("The batch is already at this site.", site_id=str(to_site_id))
        assert self.site_id is not None
        self.trigger_event(
            self.Dispatched,
            from_site_id=self.site_id,
            to_site_id=to_site_id,
            mass_g=self.mass_g,
            carrier=carrier,
            distance_m=distance_m,
            transport=transport or None,
            **acted,
        )

    def receive(self, site_id: UUID, holder_id: UUID, mass_g: int | None, **acted: Any) -> None:
        """Take delivery of a batch in transit, at its destination."""
        self.check_open()
        if self.state is not BatchState.IN_TRANSIT:
            raise BatchNotInTransit("Only a batch in transit can be received.")
        if site_id != self.destination_site_id:
            raise WrongDestination(
                "This batch is on its way to another site.",
                destination_site_id=str(self.destination_site_id),
            )
        self.check_order(acted["occurred_at"])
        dispatched = self.mass_g
        received = dispatched if mass_g is None else mass_g
        flagged = abs(received - dispatched) > RECEIPT_TOLERANCE * dispatched
        self.trigger_event(
            self.Received,
            site_id=site_id,
            holder_id=holder_id,
            mass_g=received,
            dispatched_mass_g=dispatched,
            discrepancy_flagged=flagged,
            **acted,
        )

    def refuse_receipt(self, reason: str, **acted: Any) -> None:
        """The destination refuses a batch in transit to it (checked by the caller): it goes
        back to its sender, held at the site it left."""
        self.check_open()
        if self.state is not BatchState.IN_TRANSIT:
            raise BatchNotInTransit("Only a batch in transit can have its receipt refused.")
        self.check_order(acted["occurred_at"])
        assert self.site_id is not None
        assert self.destination_site_id is not None
        assert self.dispatch_version is not None
        self.trigger_event(
            self.ReceiptRefused,
            site_id=self.site_id,
            refused_site_id=self.destination_site_id,
            dispatch_version=self.dispatch_version,
            reason=reason,
            **acted,
        )

    def consume(self, transformation_id: UUID, process: str, **acted: Any) -> None:
        """Use the batch up as the input of a transformation (checked by the caller first)."""
        assert self.site_id is not None
        self.trigger_event(
            self.Consumed,
            transformation_id=transformation_id,
            process=process,
            site_id=self.site_id,
            **acted,
        )

    def check_can_be_consumed(self, site_id: UUID, occurred_at: datetime) -> None:
        """Inputs must be held at the transformation's site, and not used before."""
        self.check_held()
        self.check_order(occurred_at)
        if self.site_id != site_id:
            raise InputNotAtSite(
                "An input batch is not held at the transformation's site.",
                batch_id=str(self.id),
                batch_site_id=str(self.site_id),
            )

    def valorise(
        self, route: str, mass_g: int | None, outlet: dict[str, Any], **acted: Any
    ) -> None:
        """The batch leaves the chain by a route (checked against the catalogue by the caller)."""
        self.check_held()
        self.check_order(acted["occurred_at"])
        assert self.site_id is not None
        self.trigger_event(
            self.Valorised,
            route=route,
            mass_g=self.mass_g if mass_g is None else mass_g,
            site_id=self.site_id,
            outlet_site_id=outlet.get("site_id"),
            outlet_name=outlet.get("name"),
            outlet_country=outlet.get("country"),
            certificate_ref=outlet.get("certificate_ref"),
            outlet_details=outlet.get("details") or None,
            transport=outlet.get("transport") or None,
            **acted,
        )

    def correct(
        self,
        corrects_version: int,
        mass_g: int | None,
        material: str | None,
        corrected_occurred_at: datetime | None,
        reason: str,
        transport: dict[str, Any] | None = None,
        **acted: Any,
    ) -> None:
        """Correct a field of an earlier event; the original stays visible."""
        kind = self.kind_by_version.get(corrects_version)
        if kind is None:
            raise NothingToCorrect(
                f"Batch has no correctable event at version {corrects_version}.",
                corrects_version=corrects_version,
            )
        previous: dict[str, Any] = {}
        if mass_g is not None:
            if corrects_version not in self.mass_by_version:
                raise NothingToCorrect(f"A {kind} event carries no mass to correct.")
            previous["mass_g"] = self.mass_by_version[corrects_version]
        if material is not None:
            if kind not in ("Collected", "Produced"):
                raise NothingToCorrect("Only the collection or production sets the material.")
            previous["material"] = self.material
        if corrected_occurred_at is not None:
            previous["occurred_at"] = self.occurred_by_version[corrects_version].isoformat()
        if transport:
            if corrects_version not in self.transport_by_version:
                raise NothingToCorrect(f"A {kind} event carries no transport to correct.")
            previous["transport"] = self.transport_by_version[corrects_version]
        if not previous:
            raise NothingToCorrect(
                "A correction must change mass_kg, material, occurred_at or transport."
            )
        self.trigger_event(
            self.Corrected,
            corrects_version=corrects_version,
            mass_g=mass_g,
            material=material,
            corrected_occurred_at=corrected_occurred_at,
            previous=previous,
            reason=reason,
            transport=transport or None,
            **acted,
        )
