"""Binding label codes to batches: a code binds to at most one batch, ever.

Codes are those of the ``labels`` library: 8 symbols and a check character that catches every
single mistyped character and every transposition, so a mistyped code is refused (422) rather
than bound to the wrong bale. Any well-formed code binds, allocated here or printed elsewhere.
"""

from __future__ import annotations

from uuid import UUID

import labels
from ledger.application.core import UnitOfWork
from ledger.domain.errors import InvalidLabelCode, LabelAlreadyBound
from ledger.domain.indexes import LabelBinding


def normalise_label_code(code: str) -> str:
    """The code's canonical form (``7K4-M9Q-PRX``); aliases and case do not matter."""
    try:
        return labels.normalize(code)
    except labels.InvalidLabelCode as error:
        raise InvalidLabelCode(str(error), label_code=code) from None


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
