"""One batch's events replayed, corrections applied, into one site's register rows.

See ``ledger.audit.register`` for what the rows say and how masses, weighing methods and the
commune of origin are decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ledger.application.queries import Queries
from ledger.audit.register_codes import site_operation, treats_on_site, valorisation_operation
from ledger.domain.batch import Batch
from ledger.domain.registry import Site
from ledger.indicators.periods import Period

PARIS = ZoneInfo("Europe/Paris")
INCOMING, OUTGOING = "incoming", "outgoing"
MEASURED_METHODS = frozenset({"measured", "weighbridge"})


@dataclass(frozen=True)
class RegisterRow:
    """One line of a site's register."""

    occurred_at: datetime
    direction: str  # incoming or outgoing
    movement: str  # collected, received, dispatched or valorised
    batch_id: UUID
    version: int  # the event's ``seq`` in the batch's history
    label_code: str | None
    material: str
    mass_g: int
    weight_method: str
    origin_site_id: UUID | None  # the sender (for a collection, the collection site)
    origin_commune_insee: str | None  # where the waste was produced (collected, or sorted…)
    destination_site_id: UUID | None  # None: an outside outlet
    outlet_name: str | None
    outlet_country: str | None
    carrier: str | None
    operation_code: str
    route: str | None
    certificate_ref: str | None
    # what the national register needs besides (``ledger.audit.national``)
    transport: dict[str, Any] | None = None  # of the movement (for a receipt, its dispatch's)
    supplier: dict[str, str] | None = None  # who handed a collected batch over
    outlet_details: dict[str, str] | None = None  # an outside outlet's SIRET or VAT, address
    collected_in: str | None = None  # the commune of collection, for a collected batch
    on_site: bool = False  # a valorisation where the batch was: nothing left the site

    @property
    def quantity_basis(self) -> str:
        """``measured`` (scale, weighbridge) or ``estimated`` (estimate, declaration)."""
        return "measured" if self.weight_method in MEASURED_METHODS else "estimated"


def corrections_of(events: list[Any]) -> dict[int, dict[str, Any]]:
    """The corrected values of each corrected version: later corrections win, field by field."""
    corrected: dict[int, dict[str, Any]] = {}
    for event in events:
        if isinstance(event, Batch.Corrected):
            values = {
                "mass_g": event.mass_g,
                "material": event.material,
                "occurred_at": event.corrected_occurred_at,
                "transport": event.transport,
            }
            fields = {k: v for k, v in values.items() if v is not None}
            corrected.setdefault(event.corrects_version, {}).update(fields)
    return corrected


class RegisterWalk:
    """Replays one batch's events, corrections applied, into one site's register rows."""

    def __init__(
        self, site: Site, period: Period, site_of: Callable[[UUID], Site], ledger: Queries
    ) -> None:
        self.site = site
        self.period = period
        self.site_of = site_of
        self.ledger = ledger
        self.handlers: dict[type, Callable[[Any], None]] = {
            Batch.Collected: self.on_collected,
            Batch.Produced: self.on_produced,
            Batch.Weighed: self.on_weighed,
            Batch.Labelled: self.on_labelled,
            Batch.Dispatched: self.on_dispatched,
            Batch.Received: self.on_received,
            Batch.ReceiptRefused: self.on_receipt_refused,
            Batch.Valorised: self.on_valorised,
        }
        # one batch's running state, reset by ``rows``
        self.corrections: dict[int, dict[str, Any]] = {}
        self.found: list[RegisterRow] = []
        self.material = ""
        self.label_code: str | None = None
        self.site_id: UUID = site.id
        self.origin_commune: str | None = None
        self.recorded_g = 0  # the batch's mass as recorded, before corrections
        self.weight_method = ""
        self.carrier: str | None = None
        self.transport: dict[str, Any] | None = None
        self.supplier: dict[str, str] | None = None
        self.collected_in: str | None = None

    def rows(self, events: list[Any]) -> list[RegisterRow]:
        """The rows of one batch, given its events in order."""
        if not events:
            return []
        self.corrections = corrections_of(events)
        self.material = self.corrections.get(1, {}).get("material", events[0].material)
        self.found = []
        self.carrier = self.transport = self.supplier = self.collected_in = None
        for event in events:
            handler = self.handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self.found

    # -- the batch's running state -------------------------------------------------------

    def mass(self, event: Any) -> int:
        """The mass an event recorded, as corrected."""
        corrected = self.corrections.get(event.originator_version, {}).get("mass_g")
        return int(event.mass_g if corrected is None else corrected)

    def begin(self, event: Any, weight_method: str, commune: str | None) -> None:
        self.origin_commune = commune
        self.label_code = event.label_code
        self.site_id = event.site_id
        self.recorded_g = event.mass_g
        self.weight_method = weight_method

    def on_produced(self, event: Batch.Produced) -> None:
        self.begin(event, "measured", self.site_of(event.site_id).commune_insee)

    def on_weighed(self, event: Batch.Weighed) -> None:
        self.recorded_g, self.weight_method = event.mass_g, event.weight_method

    def on_labelled(self, event: Batch.Labelled) -> None:
        self.label_code = event.label_code

    def reweighed(self, event: Any, reference_g: int) -> None:
        """A receipt or valorisation that recorded a mass of its own was a new weighing."""
        if event.mass_g != reference_g:
            self.weight_method = "measured"
        self.recorded_g = event.mass_g

    # -- the rows ------------------------------------------------------------------------

    def on_collected(self, event: Batch.Collected) -> None:
        commune = event.source_commune_insee or self.site_of(event.site_id).commune_insee
        self.begin(event, event.weight_method, commune)
        self.collected_in, self.supplier = commune, event.supplier
        self.transport = self.transport_of(event)
        if event.site_id == self.site.id:
            self.add(event, INCOMING, "collected", event.site_id, event.site_id)

    def on_dispatched(self, event: Batch.Dispatched) -> None:
        self.carrier, self.transport = event.carrier, self.transport_of(event)
        if event.from_site_id == self.site.id:
            code = site_operation(self.site_of(event.to_site_id).kind)
            self.add(event, OUTGOING, "dispatched", self.site.id, event.to_site_id, code=code)

    def on_received(self, event: Batch.Received) -> None:
        from_site_id = self.site_id
        self.reweighed(event, event.dispatched_mass_g)
        self.site_id = event.site_id
        if event.site_id == self.site.id:
            self.add(event, INCOMING, "received", from_site_id, self.site.id)

    def on_receipt_refused(self, event: Batch.ReceiptRefused) -> None:
        """A refused dispatch was no movement of waste: its row goes (the batch never left its
        holder); the dispatch that sends it on is the one the register keeps."""
        refused = event.dispatch_version
        self.found = [
            row
            for row in self.found
            if not (row.movement == "dispatched" and row.version == refused)
        ]

    def on_valorised(self, event: Batch.Valorised) -> None:
        """A valorisation at an outlet, or where the batch is. Where the batch is, the site
        treated it itself when it is a site of that kind (a boiler burns, a shop sells); a
        sorting centre does not recycle or burn what it sorted, so such a valorisation names
        no destination: the register leaves it empty rather than name the site itself."""
        self.reweighed(event, self.recorded_g)
        self.transport = self.transport_of(event)
        outside = event.outlet_name is not None
        where = event.outlet_site_id or (None if outside else event.site_id)
        kind = None if where is None else self.site_of(where).kind
        code = valorisation_operation(event.route, kind)
        on_site = where == event.site_id
        if on_site and not treats_on_site(self.site_of(event.site_id).kind, event.route):
            where = None
        if event.site_id == self.site.id:
            self.add(event, OUTGOING, "valorised", self.site.id, where, code=code, on_site=on_site)
        elif event.outlet_site_id == self.site.id:
            self.add(event, INCOMING, "valorised", event.site_id, self.site.id, code=code)

    def add(
        self,
        event: Any,
        direction: str,
        movement: str,
        origin: UUID,
        destination: UUID | None,
        code: str | None = None,
        on_site: bool = False,
    ) -> None:
        """A row, if the event (as corrected) falls in the period."""
        occurred_at = self.occurred_at(event)
        if not self.period.start <= occurred_at.astimezone(PARIS).date() <= self.period.end:
            return
        valorised = isinstance(event, Batch.Valorised)
        self.found.append(
            RegisterRow(
                occurred_at=occurred_at,
                direction=direction,
                movement=movement,
                batch_id=event.originator_id,
                version=event.originator_version,
                label_code=self.label_code,
                material=self.material,
                mass_g=self.mass(event),
                weight_method=self.weight_method,
                origin_site_id=origin,
                origin_commune_insee=self.origin_commune,
                destination_site_id=destination,
                outlet_name=event.outlet_name if valorised else None,
                outlet_country=event.outlet_country if valorised else None,
                carrier=None if valorised else self.carrier,
                operation_code=site_operation(self.site.kind) if code is None else code,
                route=event.route if valorised else self.material_route(),
                certificate_ref=event.certificate_ref if valorised else None,
                transport=self.transport,
                supplier=self.supplier if movement == "collected" else None,
                outlet_details=event.outlet_details if valorised else None,
                collected_in=self.collected_in,
                on_site=on_site,
            )
        )

    def transport_of(self, event: Any) -> dict[str, Any] | None:
        """How a movement travelled, as corrected."""
        corrected: dict[str, Any] | None = self.corrections.get(event.originator_version, {}).get(
            "transport"
        )
        transport: dict[str, Any] | None = event.transport
        return corrected if corrected is not None else transport

    def occurred_at(self, event: Any) -> datetime:
        corrected: datetime | None = self.corrections.get(event.originator_version, {}).get(
            "occurred_at"
        )
        return corrected or event.occurred_at

    def material_route(self) -> str | None:
        return self.ledger.material(self.material).route
