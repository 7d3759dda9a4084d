"""The territory officer's dashboard at ``/dashboard``: server-rendered HTML, no script.

It reads with a bearer token or the session cookie of the ledger's pages. A token given once in
the address (``?token=``) or in the page's form is swapped for that session cookie and dropped
from the address, so it stays out of history, bookmarks and referrers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from ledger.api.deps import LedgerDep, bearer, page_reader
from ledger.application.ledger import Ledger
from ledger.domain.errors import Unauthenticated
from ledger.indicators.dashboard import chosen_period
from ledger.indicators.dashboard_data import dashboard_data
from ledger.web.desk.dashboard_page import page
from ledger.web.session import open_session

router = APIRouter(include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ledger: LedgerDep,
    credentials: Credentials,
    token: Annotated[str | None, Query(max_length=256)] = None,
    period: Annotated[str | None, Query(max_length=16)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=16)] = None,
    to: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """Stock, circularity and flows of the territory for a period."""
    if token:
        query = request.url.remove_query_params("token").query
        return swap_for_session(
            request, ledger, token, "/dashboard" + ("?" + query if query else "")
        )
    actor = page_reader(request, ledger, credentials)
    if actor is None:
        return sign_in_page()
    today = ledger.today()
    chosen, warning = chosen_period(today, period, from_, to)
    data = dashboard_data(request.app.state.views.db, chosen)
    territory = ledger.territory_json().get("name") or "Territoire"
    return HTMLResponse(page(data, territory, today, warning), headers=PRIVATE)


@router.post("/dashboard", response_class=HTMLResponse)
def sign_in(
    request: Request, ledger: LedgerDep, token: Annotated[str, Form(max_length=256)]
) -> Response:
    """The sign-in form: a token, once, for a session cookie."""
    return swap_for_session(request, ledger, token, "/dashboard")


def swap_for_session(request: Request, ledger: Ledger, token: str, target: str) -> Response:
    try:
        ledger.authenticate(token)
    except Unauthenticated:
        return sign_in_page("Ce jeton est inconnu ou révoqué.")
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    open_session(response, request, ledger, token)
    return response


def sign_in_page(problem: str = "") -> HTMLResponse:
    message = f'<p class="alert" role="alert">{problem}</p>' if problem else ""
    html = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tableau de bord — connexion</title>
<link rel="stylesheet" href="/static/web/desk/dashboard.css"></head>
<body><header class="top"><div class="wrap"><p class="eyebrow">Registre des filières</p>
<h1>Tableau de bord du territoire</h1></div></header>
<main class="wrap"><section class="card">{message}
<h2>Connexion</h2><p class="note">Saisissez votre jeton d’accès : il ouvre une session sur cet
appareil. Tout jeton du registre peut lire le tableau de bord.</p>
<form method="post" action="/dashboard" class="range"><label>Jeton
<input type="password" name="token" autocomplete="current-password" required></label>
<button>Ouvrir</button></form></section></main></body></html>"""
    headers = {**PRIVATE, "WWW-Authenticate": "Bearer"}
    return HTMLResponse(html, status_code=401, headers=headers)
