"""Transformations: one operation that consumes input batches and produces output batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.errors import DuplicateInput, InvalidInput, MassBalanceViolation

PROCESSES = ("sorting", "baling", "splitting", "chipping", "scutching", "drying")
BALANCE_TOLERANCE_PERMILLE = 20  # declared loss may be off by 2 % of the inputs


def check_process(process: str) -> str:
    """The process must be one the ledger knows."""
    if process not in PROCESSES:
        raise InvalidInput(f"process must be one of {', '.join(PROCESSES)}.", process=process)
    return process


def check_distinct(ids: list[Any], what: str) -> None:
    """Inputs are distinct batches; outputs get distinct ids."""
    if len(set(ids)) != len(ids):
        raise DuplicateInput(f"The same {what} appears twice.", ids=[str(i) for i in ids])


def check_mass_balance(input_g: int, output_g: int, declared_loss_g: int) -> None:
    """Inputs = outputs + declared loss, within 2 % of the inputs."""
    imbalance_g = input_g - output_g - declared_loss_g
    if abs(imbalance_g) * 1000 > BALANCE_TOLERANCE_PERMILLE * input_g:
        raise MassBalanceViolation(
            "Inputs do not match outputs plus declared loss within 2 % of the inputs.",
            inputs_kg=input_g / 1000,
            outputs_kg=output_g / 1000,
            declared_loss_kg=declared_loss_g / 1000,
            imbalance_kg=imbalance_g / 1000,
            tolerance_kg=input_g * BALANCE_TOLERANCE_PERMILLE / 1_000_000,
        )


class Transformation(Aggregate):
    """A sorting, baling, splitting, chipping, scutching or drying run at a site."""

    class Recorded(Aggregate.Created):
        process: str
        site_id: UUID
        holder_id: UUID
        inputs: list[dict[str, Any]]  # {batch_id, material, mass_g}
        outputs: list[dict[str, Any]]  # {batch_id, material, mass_g, label_code}
        declared_loss_g: int | None
        loss_g: int
        occurred_at: datetime
        organisation_id: UUID
        token_id: str
        request_digest: str

    def __init__(
        self,
        process: str,
        site_id: UUID,
        holder_id: UUID,
        inputs: list[dict[str, Any]],
        outputs: list[dict[str, Any]],
        declared_loss_g: int | None,
        loss_g: int,
        occurred_at: datetime,
        organisation_id: UUID,
        token_id: str,
        request_digest: str,
    ) -> None:
        self.process = process
        self.site_id = site_id
        self.holder_id = holder_id
        self.inputs = inputs
        self.outputs = outputs
        self.declared_loss_g = declared_loss_g
        self.loss_g = loss_g
        self.occurred_at = occurred_at
        self.organisation_id = organisation_id
        self.token_id = token_id
        self.request_digest = request_digest

    @classmethod
    def record(cls, transformation_id: UUID, **fields: Any) -> Transformation:
        """Record a transformation whose inputs and outputs were checked by the caller."""
        input_g = sum(int(i["mass_g"]) for i in fields["inputs"])
        output_g = sum(int(o["mass_g"]) for o in fields["outputs"])
        declared = fields["declared_loss_g"]
        check_mass_balance(input_g, output_g, declared or 0)
        return cls._create(cls.Recorded, id=transformation_id, loss_g=input_g - output_g, **fields)
