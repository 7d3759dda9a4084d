"""Tokens, as administrators issue, list and revoke them.

A new token's secret is shown once, on the answer to the form that issued it (never stored,
never in an address): as text with a copy button, and as a QR code a phone scans to sign in.
The QR code holds ``<public base URL>/login#token=<secret>``: the part after ``#`` never
reaches a server or its logs, and the sign-in page drops it from the address at once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import HTMLResponse, RedirectResponse

from labels.qr import qr_matrix
from ledger.application.commands import Actor, IssueToken
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.errors import LedgerError, TokenNotFound
from ledger.domain.registry import ROLES, Token
from ledger.projections.registry import token_records
from ledger.web.desk.admin import administrator, managed_organisation, refused, wait_for_views
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.templating import trusted

router = desk_router()

TOKENS_PAGE = "admin_tokens.html"
QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks


def qr_svg(data: str) -> str:
    """A QR code as an SVG drawing (one unit per module): dark runs of each row as one path."""
    matrix = qr_matrix(data, ec="M")
    size = matrix.size + 2 * QUIET_ZONE
    runs = "".join(
        f"M{col + QUIET_ZONE} {row + QUIET_ZONE}h{length}v1h-{length}z"
        for row, col, length in matrix.runs()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" class="qr">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{runs}" fill="#000"/></svg>'
    )


def login_address(desk: Desk, secret: str) -> str:
    """Where the QR code of a new token takes a phone: the sign-in page, the secret in the
    fragment."""
    base = desk.ledger.settings.public_base_url.rstrip("/")
    return f"{base}/login#token={secret}"


def tokens_context(desk: Desk, actor: Actor, organisation_id: UUID) -> dict[str, Any]:
    wait_for_views(desk)
    views = desk.request.app.state.views
    organisations = [
        o for o in desk.ledger.organisations() if actor.administers(UUID(str(o["id"])))
    ]
    return {
        "organisation": desk.ledger.organisation_json(organisation_id),
        "organisations": organisations,
        "tokens": token_records(views.db, organisation_id, views.token_uses()),
        "roles": ROLES,
    }


@router.get("/admin/tokens", response_class=HTMLResponse)
def tokens(desk: DeskDep, organisation_id: str = "") -> HTMLResponse:
    """An organisation's tokens (id, label, role, issued, last used, revoked) and a form to
    issue one."""
    actor = administrator(desk)
    chosen = managed_organisation(actor, organisation_id)
    values = {"organisation_id": str(chosen), "role": "collector"}
    return desk.render(TOKENS_PAGE, values=values, **tokens_context(desk, actor, chosen))


@router.post("/admin/tokens", response_class=HTMLResponse)
def issue(desk: DeskDep) -> HTMLResponse:
    """Issue a token and show its secret, this once."""
    actor = desk.writer()
    administrator(desk)
    chosen = managed_organisation(actor, desk.value("organisation_id"))
    command = IssueToken(chosen, desk.value("role"), desk.value("label").strip())
    try:
        outcome, secret = desk.ledger.issue_token(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, TOKENS_PAGE, error, **tokens_context(desk, actor, chosen))
    address = login_address(desk, secret)
    return desk.render(
        "admin_token_issued.html",
        organisation=desk.ledger.organisation_json(chosen),
        secret=secret,
        token_id=outcome.ref.extra.get("token_id", ""),
        role=command.role,
        label=command.label,
        qr=trusted(qr_svg(address)),
    )


def managed_token(desk: Desk, actor: Actor, token_id: UUID) -> Token:
    found = UnitOfWork(desk.ledger).get(token_id, Token)
    if found is None:
        raise TokenNotFound(f"No token {token_id}.", token_id=str(token_id))
    LedgerCore.require_admin_of(actor, found.owner_id)
    return found


def revoke_context(desk: Desk, token: Token) -> dict[str, Any]:
    return {"token": token, "organisation": desk.ledger.organisation_json(token.owner_id)}


@router.get("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def confirm_revoke(desk: DeskDep, token_id: UUID) -> HTMLResponse:
    """Ask before revoking: whoever holds the token is signed out for good."""
    token = managed_token(desk, administrator(desk), token_id)
    return desk.render("admin_token_revoke.html", **revoke_context(desk, token))


@router.post("/admin/tokens/{token_id}/revoke", response_model=None)
def revoke(desk: DeskDep, token_id: UUID) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    token = managed_token(desk, administrator(desk), token_id)
    try:
        desk.ledger.revoke_token(actor, token_id, desk.idempotency())
    except LedgerError as error:
        return refused(desk, "admin_token_revoke.html", error, **revoke_context(desk, token))
    target = f"/admin/tokens?organisation_id={token.owner_id}"
    return desk.redirect(target, notice="admin.tokens.revoked")
