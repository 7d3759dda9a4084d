"""Transformations and work logs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import respond
from ledger.api.schemas import (
    TransformationCreate,
    TransformationPublic,
    WorkLogCorrection,
    WorkLogCreate,
    WorkLogPublic,
)
from ledger.application.commands import (
    CorrectWorkLog,
    LogWork,
    Transform,
    TransformInput,
    TransformOutput,
)

router = APIRouter(responses=ERROR_RESPONSES)


def transform_command(body: TransformationCreate) -> Transform:
    fields = body.model_dump(exclude={"inputs", "outputs"})
    return Transform(
        **fields,
        inputs=[TransformInput(**i.model_dump()) for i in body.inputs],
        outputs=[TransformOutput(**o.model_dump()) for o in body.outputs],
    )


@router.post(
    "/transformations",
    status_code=201,
    response_model=TransformationPublic,
    tags=["transformations"],
)
def transform(
    body: TransformationCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Record a sorting, baling, splitting…: inputs consumed, outputs produced, balance checked."""
    outcome = ledger.transform(actor, transform_command(body), idem)
    return respond(outcome, lambda o: ledger.transformation_json(UUID(o.ref.id)))


@router.get(
    "/transformations/{transformation_id}",
    response_model=TransformationPublic,
    tags=["transformations"],
)
def get_transformation(transformation_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """One transformation with its inputs, outputs and loss."""
    return ledger.transformation_json(transformation_id)


@router.post("/work-logs", status_code=201, response_model=WorkLogPublic, tags=["work"])
def log_work(
    body: WorkLogCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Log hours worked by a pseudonymous worker at a site (supervisor)."""
    outcome = ledger.log_work(actor, LogWork(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.work_log_json(UUID(o.ref.id)))


@router.get("/work-logs/{work_log_id}", response_model=WorkLogPublic, tags=["work"])
def get_work_log(work_log_id: UUID, ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    """One work log, corrections applied (its organisation's supervisors and admins,
    auditors)."""
    return ledger.work_log_json(work_log_id, actor)


@router.post(
    "/work-logs/{work_log_id}/corrections",
    status_code=201,
    response_model=WorkLogPublic,
    tags=["work"],
)
def correct_work_log(
    work_log_id: UUID,
    body: WorkLogCorrection,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Correct a work log, with a reason; the original stays in the history."""
    outcome = ledger.correct_work_log(actor, work_log_id, CorrectWorkLog(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.work_log_json(UUID(o.ref.id)))
