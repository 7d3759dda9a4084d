"""Subscriptions: events pushed to a partner's URL, signed, in order, at least once (§9)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from ledger.api.deps import ActorDep, LedgerDep, get_idempotency
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import listing, respond
from ledger.api.schemas import ListOf
from ledger.api.subscription_schemas import (
    DeliveryAttempts,
    SubscriptionCreate,
    SubscriptionPublic,
)
from ledger.application.commands import Idempotency, Subscribe
from ledger.deliveries.log import DeliveryLog, utc
from ledger.projections.service import Views

router = APIRouter(tags=["subscriptions"], responses=ERROR_RESPONSES)


def subscriber_idempotency(
    actor: ActorDep,
    idempotency_key: Annotated[
        str | None,
        Header(description="Repeat a POST safely: same key and body, same answer, one write."),
    ] = None,
) -> Idempotency | None:
    """Every role may subscribe, auditors included: a subscription is a way of reading."""
    return get_idempotency(actor, idempotency_key)


SubscriberIdempotency = Annotated[Idempotency | None, Depends(subscriber_idempotency)]


def delivery_state(request: Request, subscription_id: str) -> dict[str, Any] | None:
    views: Views = request.app.state.views
    found = DeliveryLog(views.db).position(subscription_id)
    if found is None:
        return None
    state = asdict(found)
    state["next_try_at"] = utc(found.next_try_at) if found.next_try_at else None
    return state


def with_state(request: Request, subscription: dict[str, Any]) -> dict[str, Any]:
    return {**subscription, "delivery": delivery_state(request, subscription["id"])}


@router.post("/subscriptions", status_code=201, response_model=SubscriptionPublic)
def subscribe(
    body: SubscriptionCreate,
    ledger: LedgerDep,
    actor: ActorDep,
    idem: SubscriberIdempotency,
) -> JSONResponse:
    """Push new events of these kinds to a URL, as this token may read them (never shown
    again: the secret)."""
    outcome = ledger.subscribe(actor, Subscribe(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.subscription_json(actor, UUID(o.ref.id)))


@router.get("/subscriptions", response_model=ListOf[SubscriptionPublic])
def list_subscriptions(ledger: LedgerDep, actor: ActorDep, request: Request) -> dict[str, Any]:
    """The subscriptions of the caller's organisation (every one, for the ledger's admins)."""
    return listing([with_state(request, s) for s in ledger.subscriptions_json(actor)])


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionPublic)
def get_subscription(
    subscription_id: UUID, ledger: LedgerDep, actor: ActorDep, request: Request
) -> dict[str, Any]:
    """One subscription and where its deliveries stand."""
    return with_state(request, ledger.subscription_json(actor, subscription_id))


@router.delete("/subscriptions/{subscription_id}", status_code=204)
def cancel_subscription(subscription_id: UUID, ledger: LedgerDep, actor: ActorDep) -> Response:
    """Stop a subscription's deliveries for good (again: nothing changes)."""
    ledger.cancel_subscription(actor, subscription_id)
    return Response(status_code=204)


@router.get("/subscriptions/{subscription_id}/deliveries", response_model=DeliveryAttempts)
def deliveries(
    subscription_id: UUID,
    ledger: LedgerDep,
    actor: ActorDep,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        str | None, Query(max_length=40, description="Attempts made before this time")
    ] = None,
) -> dict[str, Any]:
    """Every attempt to deliver: when, which event, the receiver's status and answer, and the
    next try after a failure."""
    ledger.subscription_json(actor, subscription_id)  # its organisation's, or not found
    views: Views = request.app.state.views
    attempts = DeliveryLog(views.db).attempts(str(subscription_id), limit, before)
    return {**listing(attempts), "delivery": delivery_state(request, str(subscription_id))}
