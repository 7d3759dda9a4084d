"""Dependencies shared by the routers: the ledger, the caller, the idempotency key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledger.application.commands import Actor, Idempotency
from ledger.application.ledger import Ledger
from ledger.domain.errors import InvalidInput, RoleNotAllowed, Unauthenticated
from ledger.web.session import session_actor

bearer = HTTPBearer(auto_error=False, description="A ledger token: `Authorization: Bearer …`")


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def get_actor(
    request: Request,
    ledger: LedgerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """Every endpoint but health needs a token (or a phone's session cookie); every token reads."""
    if credentials is not None and credentials.credentials:
        return ledger.authenticate(credentials.credentials)
    actor = session_actor(request, ledger)
    if actor is None:
        raise Unauthenticated("Send a token: Authorization: Bearer <token>.")
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]


def page_reader(
    request: Request,
    ledger: Ledger,
    credentials: HTTPAuthorizationCredentials | None,
) -> Actor | None:
    """Whoever reads a page: a bearer token or the session cookie, else None (sign-in page)."""
    try:
        if credentials is not None and credentials.credentials:
            return ledger.authenticate(credentials.credentials)
    except Unauthenticated:
        return None
    return session_actor(request, ledger)


def writer(actor: ActorDep) -> Actor:
    """Auditors read everything and write nothing."""
    if actor.role == "auditor":
        raise RoleNotAllowed("Auditors read everything and write nothing.", role=actor.role)
    return actor


WriterDep = Annotated[Actor, Depends(writer)]


def get_idempotency(
    actor: WriterDep,
    idempotency_key: Annotated[
        str | None,
        Header(description="Repeat a POST safely: same key and body, same answer, one write."),
    ] = None,
) -> Idempotency | None:
    """The ``Idempotency-Key`` header, scoped to the caller's organisation."""
    if idempotency_key is None:
        return None
    key = idempotency_key.strip()
    if not 1 <= len(key) <= 200:
        raise InvalidInput("Idempotency-Key has 1 to 200 characters.")
    return Idempotency(key, actor.organisation_id)


IdempotencyDep = Annotated[Idempotency | None, Depends(get_idempotency)]
