"""What a correction of a batch would change, worked out on the batch itself and never saved.

The correction page shows it before the user saves: the batch's mass, material and the corrected
event's time before and after, and whether the correction is a re-weighing found later (the mass
the batch holds now, while held or in transit: an adjustment counted when it is made, the events
before it keep their figures) or restates the event it corrects (``ledger.projections.batches``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ledger.application.commands import Actor, Correct
from ledger.application.core import UnitOfWork
from ledger.application.handlers.batches import BatchCommands
from ledger.domain.batch import Batch, BatchState
from ledger.domain.errors import LedgerError
from ledger.domain.registry import FIELD_ROLES


@dataclass(frozen=True)
class BatchSide:
    """The batch on one side of a correction."""

    mass_g: int
    material: str
    occurred_at: datetime  # of the corrected event
    event_mass_g: int | None  # the corrected event's own mass, if it carries one


@dataclass(frozen=True)
class CorrectionPreview:
    """A correction worked out on the batch, before it is saved."""

    batch_id: UUID
    corrects_version: int
    kind: str  # the corrected event's type, e.g. "Produced"
    state: str
    site_id: UUID | None
    holder_id: UUID | None
    before: BatchSide
    after: BatchSide
    adjusts: bool


def side(batch: Batch, version: int) -> BatchSide:
    return BatchSide(
        mass_g=batch.mass_g,
        material=batch.material,
        occurred_at=batch.occurred_by_version[version],
        event_mass_g=batch.mass_by_version.get(version),
    )


class CorrectionPreviews(BatchCommands):
    """Corrections tried on a batch that is then thrown away."""

    def preview_correction(self, actor: Actor, batch_id: UUID, cmd: Correct) -> CorrectionPreview:
        """The correction as ``correct`` would record it (same checks, same refusals), unsaved."""
        uow = UnitOfWork(self)  # never committed
        batch = self.batch_for(uow, actor, batch_id)
        version = cmd.corrects_version
        before = side(batch, version) if version in batch.kind_by_version else None
        held = batch.state in (BatchState.HELD, BatchState.IN_TRANSIT)
        adjusts = cmd.mass_kg is not None and held and version == max(batch.mass_by_version)
        batch = self.corrected(uow, actor, batch_id, cmd)
        assert before is not None  # corrected() refuses a version with no event
        return CorrectionPreview(
            batch_id=batch.id,
            corrects_version=version,
            kind=batch.kind_by_version[version],
            state=batch.state.value,
            site_id=batch.site_id,
            holder_id=batch.holder_id,
            before=before,
            after=side(batch, version),
            adjusts=adjusts,
        )

    def may_correct(self, actor: Actor, batch_id: UUID) -> bool:
        """Whether the actor's role and organisation let it correct this batch."""
        if actor.role not in (*FIELD_ROLES, "supervisor", "admin") and not actor.is_admin:
            return False
        try:
            self.batch_for(UnitOfWork(self), actor, batch_id)
        except LedgerError:
            return False
        return True
