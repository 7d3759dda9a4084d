"""Auditors' pages: a batch's history and lineage at ``/audit/batch/{id}``, and a Refashion
statement with the events behind each figure at ``/audit/report``.

They read with a bearer token or the session cookie of the ledger's pages; the sign-in form
swaps a token for that cookie once.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from ledger.api.deps import LedgerDep, bearer, page_reader
from ledger.api.errors import STATUS_BY_KIND
from ledger.audit.report_sources import current_quarter, read_report, sorting_organisations
from ledger.domain.errors import InvalidTime, LedgerError, Unauthenticated, UnknownOrganisation
from ledger.web.desk.audit_batch import batch_page
from ledger.web.desk.audit_report import chooser_page, error_page, report_page
from ledger.web.session import open_session

router = APIRouter(include_in_schema=False)
PARIS = ZoneInfo("Europe/Paris")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
SIGN_IN = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Connexion</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
input,button{font:inherit;padding:.6rem;width:100%;box-sizing:border-box;margin:.4rem 0}</style>
</head><body><h1>Audit</h1><p>{message}</p><form method="post">
<label>Jeton d'accès<input name="token" type="password" autocomplete="off" required></label>
<button>Ouvrir</button></form></body></html>"""


@router.get("/audit/batch/{batch_id}", response_class=HTMLResponse)
def audit_batch(
    batch_id: UUID, request: Request, ledger: LedgerDep, credentials: Credentials
) -> Response:
    """A batch's history with both times, its corrections and its lineage as a picture."""
    if page_reader(request, ledger, credentials) is None:
        return HTMLResponse(SIGN_IN.replace("{message}", "Connectez-vous avec votre jeton."), 401)
    try:
        page = batch_page(
            ledger.batch(batch_id), ledger.history(batch_id), ledger.lineage(batch_id)
        )
    except LedgerError as error:
        return HTMLResponse(SIGN_IN.replace("{message}", escape(error.message)), 404)
    return HTMLResponse(page, headers=PRIVATE)


@router.post("/audit/batch/{batch_id}", response_class=HTMLResponse)
def sign_in(
    batch_id: UUID,
    request: Request,
    ledger: LedgerDep,
    token: Annotated[str, Form(max_length=256)],
) -> Response:
    """Swap a token for the session cookie, then show the page."""
    try:
        ledger.authenticate(token)
    except Unauthenticated:
        return HTMLResponse(SIGN_IN.replace("{message}", "Jeton inconnu."), 401)
    response = RedirectResponse(f"/audit/batch/{batch_id}", status_code=303)
    open_session(response, request, ledger, token)
    return response


@router.get("/audit/report", response_class=HTMLResponse)
def audit_report(
    request: Request,
    ledger: LedgerDep,
    credentials: Credentials,
    organisation_id: Annotated[str | None, Query()] = None,
    period: Annotated[str | None, Query()] = None,
    as_of: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """A Refashion statement with the events behind each figure (without organisation: a choice)."""
    if page_reader(request, ledger, credentials) is None:
        message = "Connectez-vous avec votre jeton."
        return HTMLResponse(SIGN_IN.replace("{message}", message), 401, headers=PRIVATE)
    db = request.app.state.views.db
    chosen = period or current_quarter(ledger.today())
    if not organisation_id:
        return HTMLResponse(chooser_page(sorting_organisations(db), chosen), headers=PRIVATE)
    try:
        report = read_report(db, organisation_id, chosen, recording_time(as_of))
    except LedgerError as error:
        return HTMLResponse(error_page(error), page_status(error), PRIVATE)
    return HTMLResponse(report_page(report), headers=PRIVATE)


@router.post("/audit/report", response_class=HTMLResponse)
def sign_in_for_report(
    request: Request, ledger: LedgerDep, token: Annotated[str, Form(max_length=256)]
) -> Response:
    """Swap a token for the session cookie, then show the report asked for."""
    try:
        ledger.authenticate(token)
    except Unauthenticated:
        return HTMLResponse(SIGN_IN.replace("{message}", "Jeton inconnu."), 401, headers=PRIVATE)
    query = request.url.query
    response = RedirectResponse("/audit/report" + ("?" + query if query else ""), 303)
    open_session(response, request, ledger, token)
    return response


def recording_time(text: str | None) -> datetime | None:
    """The form's time of recording: ISO 8601, a bare wall-clock time being Paris time."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidTime("as_of is a date and time: 2026-10-05T14:30.", as_of=text) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)


def page_status(error: LedgerError) -> int:
    """An organisation named in the page's address is its subject: unknown, it is not found."""
    return 404 if isinstance(error, UnknownOrganisation) else STATUS_BY_KIND[error.kind]
