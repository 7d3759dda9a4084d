"""Dependencies shared by the routers: the ledger, the caller, the idempotency key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledger.api.ratelimit import client_address, limiter
from ledger.application.commands import INTERNAL_TOKEN_IDS, Actor, Idempotency
from ledger.application.ledger import Ledger
from ledger.domain.errors import InvalidInput, RoleNotAllowed, Unauthenticated
from ledger.web.session import COOKIE, SAFE_METHODS, session_actor

bearer = HTTPBearer(auto_error=False, description="A ledger token: `Authorization: Bearer …`")


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def identify(
    request: Request,
    ledger: Ledger,
    credentials: HTTPAuthorizationCredentials | None,
    form_checked: bool = False,
) -> Actor | None:
    """Who sends the request: a bearer token, else the session cookie, else None.

    A wrong token or a cookie that is forged, expired or ended is ``Unauthenticated`` and counts
    as a failure of the client's address; too many of those and the address gets 429 for a while
    before anything is checked.
    """
    limits, address = limiter(request), client_address(request)
    limits.check(address)
    try:
        if credentials is not None and credentials.credentials:
            actor = ledger.authenticate(credentials.credentials)
        elif COOKIE in request.cookies:
            found = session_actor(request, ledger, form_checked)
            if found is None:
                if request.method not in SAFE_METHODS and not form_checked:
                    return None  # a write without the pages' header: not a guess, just refused
                raise Unauthenticated("This session has ended: sign in again.")
            actor = found
        else:
            return None
    except Unauthenticated:
        limits.failed(address)
        raise
    if actor.token_id not in INTERNAL_TOKEN_IDS:
        request.app.state.views.note_use(actor.token_id)
    return actor


def get_actor(
    request: Request,
    ledger: LedgerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """Every endpoint but health needs a token (or a page's session cookie); every token reads."""
    actor = identify(request, ledger, credentials)
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
        return identify(request, ledger, credentials)
    except Unauthenticated:
        return None


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
