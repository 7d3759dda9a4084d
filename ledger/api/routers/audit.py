"""Auditors' endpoints: verification of the hash chain over the event log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from ledger.api.deps import ActorDep, LedgerDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.audit.chain import HashChain

router = APIRouter(tags=["audit"], responses=ERROR_RESPONSES)


class VerificationPublic(BaseModel):
    ok: bool
    head: str | None
    checked: int
    first_bad: int | None = None
    problem: str | None = None


@router.get("/audit/verify", response_model=VerificationPublic)
def verify(ledger: LedgerDep, _: ActorDep, request: Request) -> dict[str, Any]:
    """Recompute the hash chain from the stored events: ok, or the first position that differs."""
    chain = HashChain(ledger, db=request.app.state.views.db)
    return chain.verify().to_json()
