"""The event feed for integrations, and health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ledger.api.deps import ActorDep, LedgerDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import listing
from ledger.api.schemas import EventFeed, Health

router = APIRouter(tags=["system"])


@router.get("/events", response_model=EventFeed, responses=ERROR_RESPONSES)
def events(
    ledger: LedgerDep,
    actor: ActorDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="Last position already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Events after a position that the caller may read, in the order the ledger stored them;
    continue from ``next_after`` (events the caller may not read are skipped, not shown)."""
    entries, next_after = ledger.feed(actor, after, limit)
    return {**listing(entries), "next_after": next_after}


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(ledger: LedgerDep, request: Request) -> JSONResponse:
    """Whether the ledger answers, its backend, its last event and each view's position; 503
    when a view is stopped before an event it cannot apply (which view, since which event)."""
    views = request.app.state.views
    failing = {name: failure.to_json() for name, failure in views.failures().items()}
    body = {
        "status": "failing" if failing else "ok",
        "backend": ledger.settings.backend,
        "event_position": ledger.event_log.max_position(),
        "views": views.positions(),
        "failing": failing,
    }
    return JSONResponse(body, status_code=503 if failing else 200)
