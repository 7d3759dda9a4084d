"""Binding label codes to batches: a code binds to at most one batch, ever."""

from __future__ import annotations

import re
from uuid import UUID

from ledger.core import UnitOfWork
from ledger.domain.errors import InvalidLabelCode, LabelAlreadyBound
from ledger.domain.indexes import LabelBinding

LABEL_CODE = re.compile(r"^[A-Z0-9-]{4,32}$")


def normalise_label_code(code: str) -> str:
    """Codes are compared in upper case without surrounding spaces."""
    normal = code.strip().upper()
    if not LABEL_CODE.match(normal):
        raise InvalidLabelCode(
            "A label code has 4 to 32 characters: letters A-Z, digits and '-'.", label_code=code
        )
    return normal


def check_label_free(uow: UnitOfWork, code: str, batch_id: UUID) -> None:
    """Refuse a code already bound to another batch (the store enforces it at commit too)."""
    binding = uow.get(LabelBinding.create_id(code), LabelBinding)
    if binding is not None and binding.batch_id != batch_id:
        raise LabelAlreadyBound(
            f"Label {code} is already bound to another batch.",
            label_code=code,
            batch_id=str(binding.batch_id),
        )


def bind_label(uow: UnitOfWork, code: str, batch_id: UUID) -> None:
    """Create the binding (after every check of the command passed)."""
    if uow.get(LabelBinding.create_id(code), LabelBinding) is None:
        uow.add(LabelBinding.bind(code, batch_id))
