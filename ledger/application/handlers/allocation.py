"""Allocating label codes in blocks for pre-printing, and what the ledger knows of a code.

A code is free when it was neither allocated here nor bound to a batch (labels printed elsewhere
bind without allocation). Codes are drawn at random from 2^40; the few that are taken are drawn
again, and the store's uniqueness of ``AllocatedCode`` ids settles any race. A caller may choose
the block's id and its codes (a demo that must be the same every time, a run printed elsewhere
declared at once): the same block again is a repeat, a taken code is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import labels
from ledger.application.commands import Actor, Idempotency, Outcome, Ref
from ledger.application.core import PARIS, LedgerCore, UnitOfWork
from ledger.application.handlers.labels import normalise_label_code
from ledger.domain.allocation import (
    AllocatedCode,
    LabelBlock,
    LabelRegister,
    check_block_size,
    check_filiere,
)
from ledger.domain.batch import Batch
from ledger.domain.errors import (
    IdAlreadyUsed,
    InvalidInput,
    LabelAlreadyAllocated,
    LabelNotFound,
    OrganisationNotAllowed,
)
from ledger.domain.indexes import LabelBinding
from ledger.domain.registry import FIELD_ROLES

FILIERE_NAMES = {"textile": "Textiles usagés", "wood": "Bois énergie", "flax": "Lin"}


@dataclass(frozen=True)
class AllocateLabels:
    """Allocate ``count`` fresh codes for an organisation (the caller's by default); ``codes``
    chooses them (each must be free) and ``id`` the block's id."""

    count: int
    organisation_id: UUID | None = None
    filiere: str | None = None
    id: UUID | None = None
    codes: list[str] | None = None


def code_ids(code: str) -> tuple[UUID, UUID]:
    """The ids that tell whether a code is taken: its allocation and its binding."""
    return AllocatedCode.create_id(code), LabelBinding.create_id(code)


def chosen_codes(codes: list[str] | None, count: int) -> list[str] | None:
    """The caller's codes in canonical form, one per label of the block."""
    if codes is None:
        return None
    normal = list(dict.fromkeys(normalise_label_code(code) for code in codes))
    if len(normal) != count:
        raise InvalidInput(f"Give {count} distinct codes for a block of {count}.", count=count)
    return normal


def taken_refused(uow: UnitOfWork, codes: list[str]) -> list[str]:
    """The chosen codes, once none of them is allocated or bound already."""
    uow.prefetch_absent([i for code in codes for i in code_ids(code)])
    for code in codes:
        if any(uow.exists(i) for i in code_ids(code)):
            raise LabelAlreadyAllocated(f"Label {code} is already allocated.", label_code=code)
    return codes


def repeat_block(
    uow: UnitOfWork, cmd: AllocateLabels, holder_id: UUID, codes: list[str] | None
) -> Outcome | None:
    """A block id sent again: the same block (holder, filière, and its codes or as many) is a
    repeat; another one a conflict."""
    assert cmd.id is not None
    if not uow.exists(cmd.id):
        return None
    block = uow.get(cmd.id, LabelBlock)
    if (
        block is None
        or (block.holder_id, block.filiere, len(block.codes)) != (holder_id, cmd.filiere, cmd.count)
        or codes not in (None, block.codes)
    ):
        raise IdAlreadyUsed(f"Id {cmd.id} is already used by something else.", id=str(cmd.id))
    return Outcome(Ref("label_block", str(cmd.id), 1), duplicate=True)


class AllocationCommands(LedgerCore):
    """Blocks of label codes, and the look-ups a scanned label needs."""

    def allocate_labels(
        self,
        actor: Actor,
        cmd: AllocateLabels,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Reserve fresh codes for printing; nothing else is written until a code is bound."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, *FIELD_ROLES)
            count = check_block_size(cmd.count)
            filiere = check_filiere(cmd.filiere)
            holder = self.organisation(uow, cmd.organisation_id or actor.organisation_id)
            if not actor.is_admin and holder.id != actor.organisation_id:
                raise OrganisationNotAllowed("Allocate labels for your own organisation only.")
            chosen = chosen_codes(cmd.codes, count)
            if cmd.id is not None and (repeat := repeat_block(uow, cmd, holder.id, chosen)):
                return repeat
            codes = self.fresh_codes(uow, count) if chosen is None else taken_refused(uow, chosen)
            block = LabelBlock._create(
                LabelBlock.Allocated,
                id=cmd.id or uuid4(),
                codes=codes,
                holder_id=holder.id,
                filiere=filiere,
                **self.acted(actor),
            )
            uow.add(block)
            for code in block.codes:
                uow.add(AllocatedCode.allocate(code, block))
            self.label_register(uow, holder.id).add(block)
            return Outcome(Ref("label_block", str(block.id), 1))

        return self.command("allocate_labels", None, cmd, idempotency, uow, action)

    def fresh_codes(self, uow: UnitOfWork, count: int) -> list[str]:
        """``count`` codes neither allocated nor bound, checked in one query per draw."""
        chosen: list[str] = []
        while len(chosen) < count:
            drawn = [c for c in labels.generate_codes(count - len(chosen)) if c not in chosen]
            uow.prefetch_absent([i for code in drawn for i in code_ids(code)])
            chosen += [c for c in drawn if not any(uow.exists(i) for i in code_ids(c))]
        return chosen

    def label_register(self, uow: UnitOfWork, holder_id: UUID) -> LabelRegister:
        register = uow.get(LabelRegister.create_id(holder_id), LabelRegister)
        if register is None:
            register = LabelRegister.open(holder_id)
            uow.add(register)
        return register

    # -- reads -----------------------------------------------------------------------------

    def label_block_codes(self, block_id: UUID) -> list[str]:
        """The codes of a block, in the order they were allocated."""
        block = UnitOfWork(self).get(block_id, LabelBlock)
        assert block is not None, "a block is read only after it was saved"
        return list(block.codes)

    def label_status(self, code: str) -> dict[str, Any]:
        """What the ledger knows of a code: its batch, or its allocation.

        An allocated but unbound code answers ``batch_id: None``. A well-formed code that was
        neither allocated nor bound is ``LabelNotFound`` (404): the ledger knows no such label,
        though the code may still be bound (labels printed elsewhere), as its details say.
        """
        normal = normalise_label_code(code)
        uow = UnitOfWork(self)
        allocation_id, binding_id = code_ids(normal)
        binding = uow.get(binding_id, LabelBinding)
        allocation = uow.get(allocation_id, AllocatedCode)
        if binding is None and allocation is None:
            raise LabelNotFound(
                f"Label {normal} was never allocated by this ledger and is on no batch; "
                "it can still be bound when a batch is collected or labelled.",
                label_code=normal,
                bindable=True,
            )
        return {
            "code": normal,
            "batch_id": None if binding is None else str(binding.batch_id),
            "allocated": allocation is not None,
            "organisation_id": None if allocation is None else str(allocation.holder_id),
            "filiere": None if allocation is None else allocation.filiere,
        }

    def organisation_filieres(self, organisation_id: UUID) -> list[str]:
        """The filières of the labels allocated for an organisation, first allocated first."""
        register = UnitOfWork(self).get(LabelRegister.create_id(organisation_id), LabelRegister)
        return [] if register is None else list(register.filieres)

    def label_content(self, code: str) -> labels.LabelContent:
        """What to print on a known label: its signed URL, and its batch once it is bound."""
        status = self.label_status(code)
        normal = status["code"]
        url = labels.label_url(normal, self.settings.public_base_url, self.settings.signing_key())
        if status["batch_id"] is None:
            return labels.LabelContent(normal, url, filiere=FILIERE_NAMES.get(status["filiere"]))
        batch = UnitOfWork(self).get(UUID(status["batch_id"]), Batch)
        assert batch is not None, "a binding is saved with its batch"
        material = self.material(batch.material)
        day = batch.collected_at.astimezone(PARIS).date() if batch.collected_at else None
        return labels.LabelContent(
            normal,
            url,
            filiere=FILIERE_NAMES.get(material.filiere, material.filiere),
            material=material.name_fr or material.code,
            mass_kg=format(Decimal(batch.mass_g).scaleb(-3).normalize(), "f").replace(".", ","),
            date=day.isoformat() if day else None,
        )
