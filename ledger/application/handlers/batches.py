"""Commands on batches: collect, weigh, label, dispatch, receive or refuse, valorise, correct."""

from __future__ import annotations

from uuid import UUID, uuid4

from ledger.application.commands import (
    Actor,
    Collect,
    Correct,
    Dispatch,
    Idempotency,
    Label,
    Outcome,
    Receive,
    Ref,
    RefuseReceipt,
    Valorise,
    Weigh,
)
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.handlers import transport as transports
from ledger.application.handlers.labels import bind_label, check_label_free, normalise_label_code
from ledger.domain.batch import Batch
from ledger.domain.catalogue import ROUTES
from ledger.domain.errors import (
    IdAlreadyUsed,
    InvalidInput,
    MaterialNotValorisable,
    OrganisationNotAllowed,
)
from ledger.domain.quantities import (
    as_decimal,
    check_commune,
    check_occurred_at,
    grams_from_kg,
    moisture_basis_points,
    optional_grams_from_kg,
)
from ledger.domain.registry import FIELD_ROLES

WEIGHT_METHODS = ("measured", "estimated", "weighbridge", "declared")
OUTLET_DETAILS = ("siret", "vat_number", "address", "postal_code", "city")


def check_weight_method(method: str) -> str:
    if method not in WEIGHT_METHODS:
        raise InvalidInput(f"weight_method must be one of {', '.join(WEIGHT_METHODS)}.")
    return method


def batch_ref(batch: Batch) -> Ref:
    return Ref("batch", str(batch.id), batch.version)


class BatchCommands(LedgerCore):
    """What happens to a batch, from collection to valorisation."""

    def collect(
        self,
        actor: Actor,
        cmd: Collect,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """A collector records a batch collected at one of its sites."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor, "collector")
            site = self.site(uow, cmd.site_id)
            self.require_owner(actor, site)
            material = self.material(cmd.material)
            site.check_accepts(material.filiere)
            mass_g = grams_from_kg(cmd.mass_kg)
            moisture_bp = moisture_basis_points(cmd.moisture_pct)
            acted = self.acted(actor, cmd.occurred_at)
            commune = cmd.source_commune_insee
            batch_id = cmd.id or uuid4()
            if cmd.id is not None and (repeat := self.repeat_of(uow, cmd.id, request_digest)):
                return repeat
            code = normalise_label_code(cmd.label_code) if cmd.label_code else None
            if code:
                check_label_free(uow, code, batch_id)
            supplier = transports.company(cmd.supplier, "supplier")
            transport = transports.transport(self, uow, cmd.transport)
            batch = Batch._create(
                Batch.Collected,
                id=batch_id,
                label_code=code,
                material=material.code,
                mass_g=mass_g,
                site_id=site.id,
                holder_id=site.owner_id,
                weight_method=check_weight_method(cmd.weight_method),
                moisture_bp=moisture_bp,
                source_commune_insee=check_commune(commune) if commune else None,
                request_digest=request_digest,
                supplier=supplier,
                transport=transport,
                **acted,
            )
            if code:
                bind_label(uow, code, batch_id)
            uow.add(batch)
            return Outcome(batch_ref(batch))

        return self.command("collect", None, cmd, idempotency, uow, action)

    def repeat_of(self, uow: UnitOfWork, batch_id: UUID, request_digest: str) -> Outcome | None:
        """A client-chosen id sent again: the same content is a repeat, other content a conflict."""
        if not uow.exists(batch_id):
            return None
        existing = uow.get(batch_id, Batch)
        if existing is None or existing.request_digest != request_digest:
            raise IdAlreadyUsed(
                f"Id {batch_id} is already used by something else.", id=str(batch_id)
            )
        return Outcome(Ref("batch", str(batch_id), 1), duplicate=True)

    def weigh(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Weigh,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """A new weighing of a batch (scale, weighbridge ticket)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            batch = self.batch_for(uow, actor, batch_id)
            mass_g = grams_from_kg(cmd.mass_kg)
            method = check_weight_method(cmd.weight_method)
            batch.weigh(mass_g, method, cmd.ticket_ref, **self.acted(actor, cmd.occurred_at))
            return Outcome(batch_ref(batch))

        return self.command("weigh", batch_id, cmd, idempotency, uow, action)

    def label(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Label,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Stick a label on a batch collected without one."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            batch = self.batch_for(uow, actor, batch_id)
            code = normalise_label_code(cmd.label_code)
            check_label_free(uow, code, batch_id)
            batch.label(code, **self.acted(actor, cmd.occurred_at))
            bind_label(uow, code, batch_id)
            return Outcome(batch_ref(batch))

        return self.command("label", batch_id, cmd, idempotency, uow, action)

    def dispatch(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Dispatch,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Send a held batch to another site."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            batch = self.batch_for(uow, actor, batch_id)
            destination = self.site(uow, cmd.to_site_id)
            destination.check_accepts(self.material(batch.material).filiere)
            distance_m = None
            if cmd.distance_km is not None:
                distance = as_decimal(cmd.distance_km, "distance_km")
                if not 0 <= distance <= 20_000:
                    raise InvalidInput("distance_km must be between 0 and 20,000.")
                distance_m = int(distance * 1000)
            transport = transports.transport(self, uow, cmd.transport, cmd.carrier)
            carrier = transports.carrier_name(cmd.carrier, transport)
            acted = self.acted(actor, cmd.occurred_at)
            batch.dispatch(destination.id, carrier, distance_m, transport, **acted)
            return Outcome(batch_ref(batch))

        return self.command("dispatch", batch_id, cmd, idempotency, uow, action)

    def receive(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Receive,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Take delivery of a batch at its destination (a difference over 2 % is flagged)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            batch = self.batch_for(uow, actor, batch_id)
            mass_g = optional_grams_from_kg(cmd.mass_kg)
            acted = self.acted(actor, cmd.occurred_at)
            if batch.destination_site_id is None:
                batch.check_open()
            site_id = cmd.site_id or batch.destination_site_id or batch.site_id
            assert site_id is not None
            site = self.site(uow, site_id)
            if site_id == batch.destination_site_id:
                self.require_owner(actor, site)  # the receiving organisation signs for it
            batch.receive(site.id, site.owner_id, mass_g, **acted)
            return Outcome(batch_ref(batch))

        return self.command("receive", batch_id, cmd, idempotency, uow, action)

    def refuse_receipt(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: RefuseReceipt,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """The destination refuses a batch in transit to it: back with its sender, held at the
        site it left (a dispatch to the wrong site)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            batch = self.batch_for(uow, actor, batch_id)
            reason = cmd.reason.strip()
            if not reason:
                raise InvalidInput("A refusal needs a reason.")
            acted = self.acted(actor, cmd.occurred_at)
            if batch.destination_site_id is None:
                batch.refuse_receipt(reason, **acted)  # says why: not in transit
            assert batch.destination_site_id is not None
            destination = self.site(uow, batch.destination_site_id)
            if not actor.is_admin and destination.owner_id != actor.organisation_id:
                raise OrganisationNotAllowed(
                    "Only the destination's organisation refuses a receipt.",
                    batch_id=str(batch_id),
                    destination_site_id=str(destination.id),
                )
            batch.refuse_receipt(reason, **acted)
            return Outcome(batch_ref(batch))

        return self.command("refuse", batch_id, cmd, idempotency, uow, action)

    def valorise(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Valorise,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """The batch leaves the chain by a route: reuse, recycling, csr, energy or disposal."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, "outlet", "sorter")
            batch = self.batch_for(uow, actor, batch_id)
            if cmd.route not in ROUTES:
                raise InvalidInput(f"route must be one of {', '.join(ROUTES)}.", route=cmd.route)
            material = self.material(batch.material)
            if material.route is None:
                raise MaterialNotValorisable(
                    f"{material.code} must be transformed (sorted, scutched…) before it leaves "
                    "the chain.",
                    material=material.code,
                )
            outlet = self.outlet(uow, cmd)
            outlet["transport"] = transports.to_outlet(self, uow, cmd.transport, outlet, batch)
            mass_g = optional_grams_from_kg(cmd.mass_kg)
            acted = self.acted(actor, cmd.occurred_at)
            batch.valorise(cmd.route, mass_g, outlet, **acted)
            return Outcome(batch_ref(batch))

        return self.command("valorise", batch_id, cmd, idempotency, uow, action)

    def outlet(self, uow: UnitOfWork, cmd: Valorise) -> dict[str, object]:
        """Where the batch went: a registered site, an external outlet, or its own site."""
        if cmd.outlet_site_id is not None and cmd.outlet is not None:
            raise InvalidInput("Give outlet_site_id or outlet, not both.")
        outlet: dict[str, object] = {"certificate_ref": cmd.certificate_ref}
        if cmd.outlet_site_id is not None:
            outlet["site_id"] = self.site(uow, cmd.outlet_site_id).id
        elif cmd.outlet is not None:
            country = cmd.outlet.country.strip().upper()
            if len(country) != 2 or not country.isalpha():
                raise InvalidInput("outlet.country is a 2-letter ISO code, e.g. FR or PL.")
            outlet.update(name=cmd.outlet.name.strip(), country=country)
            given = {k: getattr(cmd.outlet, k) for k in OUTLET_DETAILS if getattr(cmd.outlet, k)}
            if given:
                outlet["details"] = transports.company({**given, "country": country}, "outlet")
        return outlet

    def correct(
        self,
        actor: Actor,
        batch_id: UUID,
        cmd: Correct,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Correct the mass, material, time or transport of an earlier event, giving a reason."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            return Outcome(batch_ref(self.corrected(uow, actor, batch_id, cmd)))

        return self.command("correct", batch_id, cmd, idempotency, uow, action)

    def corrected(self, uow: UnitOfWork, actor: Actor, batch_id: UUID, cmd: Correct) -> Batch:
        """The batch with the correction applied (saved only if the unit of work commits).

        Field roles and supervisors correct the batches their organisation holds, or that are
        on their way to it."""
        self.require_role(actor, *FIELD_ROLES, "supervisor")
        batch = self.batch_for(uow, actor, batch_id)
        if not cmd.reason.strip():
            raise InvalidInput("A correction needs a reason.")
        mass_g = optional_grams_from_kg(cmd.mass_kg)
        material = self.material(cmd.material).code if cmd.material else None
        corrected_at = None
        if cmd.occurred_at is not None:
            corrected_at = check_occurred_at(cmd.occurred_at, self.now())
        transport = transports.transport(self, uow, cmd.transport)
        acted = self.acted(actor, self.now())
        reason = cmd.reason.strip()
        batch.correct(
            cmd.corrects_version, mass_g, material, corrected_at, reason, transport, **acted
        )
        return batch
