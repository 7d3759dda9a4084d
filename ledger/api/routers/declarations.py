"""Declaring a statement to the eco-organism, and the declarations made."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.indicator_schemas import DeclarationRef
from ledger.api.routers._respond import listing, respond
from ledger.application.commands import Declare, DeclaredFigures
from ledger.audit.chain import chain_head
from ledger.indicators.declared import declaration_json, declarations
from ledger.indicators.refashion import statement_and_figures
from ledger.projections.base import utc_text
from ledger.projections.db import ViewDatabase

router = APIRouter(tags=["indicators"], responses=ERROR_RESPONSES)


class DeclarationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: UUID = Field(description="The sorting operator declaring")
    period: str = Field(max_length=16, description="2026, 2026-Q3 or 2026-09")


class DeclarationPublic(BaseModel):
    id: str
    organisation_id: str
    period: str
    period_start: str
    period_end: str
    declared_at: str = Field(description="When the ledger recorded the declaration (UTC).")
    through_position: int = Field(description="The log position the figures were read at.")
    chain_head: str | None
    figures: dict[str, Any] = Field(description="The declared figures, exact integers.")


class DeclarationList(BaseModel):
    data: list[DeclarationRef]
    count: int


@router.post("/reports/refashion/declarations", status_code=201, response_model=DeclarationPublic)
def declare(
    request: Request,
    body: DeclarationRequest,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Declare the statement of a period as it reads now (supervisor of the organisation).

    The figures are frozen with the log position they were read at; facts recorded later in the
    period are listed in the organisation's next statements. A period is declared once (409
    ``already_declared``).
    """
    views = request.app.state.views
    views.wait_for(ledger.event_log.max_position())  # read after every acknowledged write
    db: ViewDatabase = views.db
    statement, figures = statement_and_figures(db, body.organisation_id, body.period)
    read = DeclaredFigures(
        statement["from"], statement["to"], statement["position"], chain_head(db), figures
    )
    outcome = ledger.declare(actor, Declare(body.organisation_id, statement["period"]), read, idem)
    return respond(outcome, lambda done: declared_json(ledger, UUID(done.ref.id)))


@router.get("/reports/refashion/declarations", response_model=DeclarationList)
def list_declarations(
    request: Request,
    _: ActorDep,
    organisation_id: Annotated[UUID, Query(description="The sorting operator")],
) -> dict[str, Any]:
    """The organisation's declared statements, by period."""
    db: ViewDatabase = request.app.state.views.db
    return listing([declaration_json(d) for d in declarations(db, str(organisation_id))])


def declared_json(ledger: Any, declaration_id: UUID) -> dict[str, Any]:
    found = ledger.repository.get(declaration_id)
    return {
        "id": str(found.id),
        "organisation_id": str(found.declarant_id),
        "period": found.period,
        "period_start": found.period_start,
        "period_end": found.period_end,
        "declared_at": utc_text(found.created_on),
        "through_position": found.through_position,
        "chain_head": found.chain_head,
        "figures": found.figures,
    }
