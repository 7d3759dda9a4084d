"""Batches: collection, state then and now, history, lineage, and what happens to them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import listing, respond
from ledger.api.schemas import (
    BatchPublic,
    CollectionCreate,
    CorrectionCreate,
    DispatchCreate,
    HistoryEntry,
    IsoTime,
    LabellingCreate,
    LineagePublic,
    ListOf,
    ReceiptCreate,
    RefusalCreate,
    ValorisationCreate,
    WeighingCreate,
)
from ledger.application.commands import (
    Collect,
    Correct,
    Dispatch,
    Label,
    Outcome,
    Outlet,
    Receive,
    RefuseReceipt,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.domain.errors import InvalidInput
from ledger.indicators.periods import horizon

router = APIRouter(tags=["batches"], responses=ERROR_RESPONSES)


def batch_at(ledger: Ledger) -> Any:
    """Render the batch as it was right after the command (also for repeats)."""
    return lambda o: ledger.batch(UUID(o.ref.id), version=o.ref.version)


@router.post("/batches", status_code=201, response_model=BatchPublic)
def collect(
    body: CollectionCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Record a collection: a new batch at a site, optionally with its label code."""
    outcome = ledger.collect(actor, Collect(**body.model_dump()), idem)
    return respond(outcome, batch_at(ledger))


@router.get("/batches/{batch_id}", response_model=BatchPublic)
def get_batch(
    batch_id: UUID,
    ledger: LedgerDep,
    _: ActorDep,
    as_of: Annotated[IsoTime | None, Query(description="As recorded at this time")] = None,
    version: Annotated[int | None, Query(ge=1)] = None,
    occurred_by: Annotated[
        IsoTime | None,
        Query(
            description="As occurred in the field by this time (late syncs and corrections "
            "known now included)"
        ),
    ] = None,
) -> dict[str, Any]:
    """A batch's state now, at a version, as the ledger had recorded it at a time (``as_of``),
    or as things had happened in the field by a time (``occurred_by``)."""
    if occurred_by is not None:
        if as_of is not None or version is not None:
            raise InvalidInput("Give occurred_by alone, or as_of and version.")
        return ledger.batch_as_occurred(batch_id, horizon(occurred_by, "occurred_by"))
    as_of = None if as_of is None else horizon(as_of)
    return ledger.batch(batch_id, version=version, as_of=as_of)


@router.get("/batches/{batch_id}/history", response_model=ListOf[HistoryEntry])
def history(batch_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """Every event of the batch in order, with occurred_at and recorded_at."""
    return listing(ledger.history(batch_id))


@router.get("/batches/{batch_id}/lineage", response_model=LineagePublic)
def lineage(batch_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """Ancestors and descendants of the batch through transformations."""
    return ledger.lineage(batch_id)


@router.post("/batches/{batch_id}/weighings", status_code=201, response_model=BatchPublic)
def weigh(
    batch_id: UUID, body: WeighingCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Record a new weighing of the batch."""
    return run(ledger, ledger.weigh(actor, batch_id, Weigh(**body.model_dump()), idem))


@router.post("/batches/{batch_id}/labellings", status_code=201, response_model=BatchPublic)
def label(
    batch_id: UUID, body: LabellingCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Bind a label code to a batch collected without one."""
    return run(ledger, ledger.label(actor, batch_id, Label(**body.model_dump()), idem))


@router.post("/batches/{batch_id}/dispatches", status_code=201, response_model=BatchPublic)
def dispatch(
    batch_id: UUID, body: DispatchCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Send a held batch to another site; it is in transit until received."""
    return run(ledger, ledger.dispatch(actor, batch_id, Dispatch(**body.model_dump()), idem))


@router.post("/batches/{batch_id}/receipts", status_code=201, response_model=BatchPublic)
def receive(
    batch_id: UUID, body: ReceiptCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Receive a batch at its destination; a weight difference over 2 % is flagged."""
    return run(ledger, ledger.receive(actor, batch_id, Receive(**body.model_dump()), idem))


@router.post("/batches/{batch_id}/refusals", status_code=201, response_model=BatchPublic)
def refuse_receipt(
    batch_id: UUID, body: RefusalCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Refuse a batch in transit to one's site: it is held again at the site it left."""
    cmd = RefuseReceipt(**body.model_dump())
    return run(ledger, ledger.refuse_receipt(actor, batch_id, cmd, idem))


@router.post("/batches/{batch_id}/valorisations", status_code=201, response_model=BatchPublic)
def valorise(
    batch_id: UUID,
    body: ValorisationCreate,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Record how the batch left the chain: reuse, recycling, csr, energy or disposal."""
    fields = body.model_dump(exclude={"outlet"})
    outlet = Outlet(**body.outlet.model_dump()) if body.outlet else None
    return run(ledger, ledger.valorise(actor, batch_id, Valorise(**fields, outlet=outlet), idem))


@router.post("/batches/{batch_id}/corrections", status_code=201, response_model=BatchPublic)
def correct(
    batch_id: UUID,
    body: CorrectionCreate,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Correct the mass, material or time of an earlier event, with a reason."""
    return run(ledger, ledger.correct(actor, batch_id, Correct(**body.model_dump()), idem))


def run(ledger: Ledger, outcome: Outcome) -> JSONResponse:
    return respond(outcome, batch_at(ledger))
