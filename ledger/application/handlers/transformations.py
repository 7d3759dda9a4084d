"""Transformations: sorting, baling, splitting, chipping, scutching, drying."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from ledger.application.commands import Actor, Idempotency, Outcome, Ref, Transform
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.handlers.labels import bind_label, check_label_free, normalise_label_code
from ledger.domain.batch import Batch
from ledger.domain.errors import IdAlreadyUsed, InvalidInput, UnknownBatch
from ledger.domain.quantities import grams_from_kg, moisture_basis_points, non_negative_grams
from ledger.domain.transformation import Transformation, check_distinct, check_process

MAX_BATCHES_PER_TRANSFORMATION = 500


class TransformationCommands(LedgerCore):
    """One operation that consumes input batches and produces output batches."""

    def transform(
        self,
        actor: Actor,
        cmd: Transform,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Record a transformation: inputs consumed, outputs produced, mass balance checked."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor, "sorter")
            check_process(cmd.process)
            site = self.site(uow, cmd.site_id)
            self.require_owner(actor, site)
            acted = self.acted(actor, cmd.occurred_at)
            transformation_id = cmd.id or uuid4()
            if cmd.id is not None and (
                repeat := self.repeat_transform(uow, cmd.id, request_digest)
            ):
                return repeat
            inputs = self.checked_inputs(uow, cmd, site.id)
            outputs = self.checked_outputs(uow, cmd)
            declared = None if cmd.loss_kg is None else non_negative_grams(cmd.loss_kg, "loss_kg")
            transformation = Transformation.record(
                transformation_id,
                process=cmd.process,
                site_id=site.id,
                holder_id=site.owner_id,
                inputs=[
                    {"batch_id": b.id, "material": b.material, "mass_g": b.mass_g} for b in inputs
                ],
                outputs=outputs,
                declared_loss_g=declared,
                request_digest=request_digest,
                **acted,
            )
            uow.add(transformation)
            for batch in inputs:
                batch.consume(transformation_id, cmd.process, **acted)
            parents = [b.id for b in inputs]
            for output in outputs:
                self.produce(uow, transformation, output, parents, request_digest, acted)
            return Outcome(Ref("transformation", str(transformation_id), 1))

        return self.command("transform", None, cmd, idempotency, uow, action)

    def repeat_transform(
        self, uow: UnitOfWork, transformation_id: UUID, request_digest: str
    ) -> Outcome | None:
        if not uow.exists(transformation_id):
            return None
        existing = uow.get(transformation_id, Transformation)
        if existing is None or existing.request_digest != request_digest:
            raise IdAlreadyUsed(f"Id {transformation_id} is already used by something else.")
        return Outcome(Ref("transformation", str(transformation_id), 1), duplicate=True)

    def checked_inputs(self, uow: UnitOfWork, cmd: Transform, site_id: UUID) -> list[Batch]:
        """Distinct batches, held at the transformation's site, not used before."""
        ids: list[UUID] = [i.batch_id for i in cmd.inputs]
        if not ids or len(ids) > MAX_BATCHES_PER_TRANSFORMATION:
            raise InvalidInput("A transformation has 1 to 500 inputs.")
        check_distinct(ids, "input batch")
        batches = []
        for batch_id in ids:
            batch = uow.get(batch_id, Batch)
            if batch is None:
                raise UnknownBatch(f"Unknown input batch {batch_id}.", batch_id=str(batch_id))
            batch.check_can_be_consumed(site_id, cmd.occurred_at)
            batches.append(batch)
        return batches

    def checked_outputs(self, uow: UnitOfWork, cmd: Transform) -> list[dict[str, Any]]:
        """Known materials, valid masses, fresh ids and free label codes."""
        if not cmd.outputs or len(cmd.outputs) > MAX_BATCHES_PER_TRANSFORMATION:
            raise InvalidInput("A transformation has 1 to 500 outputs.")
        outputs = []
        for index, output in enumerate(cmd.outputs):
            batch_id = output.batch_id or uuid4()
            if output.batch_id is not None and uow.exists(batch_id):
                raise IdAlreadyUsed(f"Output id {batch_id} is already used.", id=str(batch_id))
            code = normalise_label_code(output.label_code) if output.label_code else None
            if code:
                check_label_free(uow, code, batch_id)
            outputs.append(
                {
                    "batch_id": batch_id,
                    "material": self.material(output.material).code,
                    "mass_g": grams_from_kg(output.mass_kg, f"outputs[{index}].mass_kg"),
                    "label_code": code,
                    "moisture_bp": moisture_basis_points(output.moisture_pct),
                }
            )
        check_distinct([o["batch_id"] for o in outputs], "output id")
        codes = [o["label_code"] for o in outputs if o["label_code"]]
        check_distinct(codes, "output label code")
        return outputs

    def produce(
        self,
        uow: UnitOfWork,
        transformation: Transformation,
        output: dict[str, Any],
        parents: list[UUID],
        request_digest: str,
        acted: dict[str, Any],
    ) -> None:
        batch = Batch._create(
            Batch.Produced,
            id=output["batch_id"],
            transformation_id=transformation.id,
            process=transformation.process,
            parents=parents,
            label_code=output["label_code"],
            material=output["material"],
            mass_g=output["mass_g"],
            site_id=transformation.site_id,
            holder_id=transformation.holder_id,
            moisture_bp=output["moisture_bp"],
            request_digest=request_digest,
            **acted,
        )
        uow.add(batch)
        if output["label_code"]:
            bind_label(uow, output["label_code"], batch.id)
