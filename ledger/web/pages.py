"""Phone pages: scan, label card, login, sync queue, sorting run; and what they fetch.

``/l/{code}`` is what a label's QR code opens. Every page is a shell rendered in the browser, so
the service worker can serve it from the phone's cache when there is no network.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from ledger.api.deps import ActorDep, LedgerDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.ratelimit import client_address, limiter
from ledger.application.ledger import Ledger
from ledger.domain.errors import Unauthenticated
from ledger.territory.communes import shipped_communes
from ledger.web.card import label_card
from ledger.web.session import end_session, open_session, session_actor
from ledger.web.shell import PAGES, STATIC, assets_version, render_shell

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/web/api", tags=["phone pages"], responses=ERROR_RESPONSES)

Signature = Annotated[str | None, Query(alias="s", max_length=64, description="Label signature")]
NO_CACHE = {"Cache-Control": "no-cache"}


def page(name: str, data: dict[str, Any] | None = None) -> HTMLResponse:
    return HTMLResponse(render_shell(name, data), headers=NO_CACHE)


@pages.get("/scan")
def scan_page() -> HTMLResponse:
    return page("scan", {})


@pages.get("/login")
def login_page() -> HTMLResponse:
    return page("login", {})


@pages.get("/outbox")
def outbox_page() -> HTMLResponse:
    return page("outbox", {})


@pages.get("/sorting")
def sorting_page() -> HTMLResponse:
    return page("sorting", {})


@pages.get("/l/{code}")
def label_page(code: str, request: Request, ledger: LedgerDep, s: Signature = None) -> HTMLResponse:
    """What a label's QR code opens: the label's card, looked up now."""
    return page("label", label_card(ledger, code, s, session_actor(request, ledger)))


@pages.get("/web/shell/{name}")
def shell(name: str) -> HTMLResponse:
    """A page without data, kept by the service worker for offline use."""
    if name not in PAGES:
        return HTMLResponse("Not found", status_code=404)
    return page(name)


@pages.get("/sw.js")
def service_worker() -> Response:
    """The service worker, at the root so that it controls every page."""
    script = (STATIC / "sw.js").read_text(encoding="utf-8")
    script = script.replace("__VERSION__", assets_version())
    headers = {**NO_CACHE, "Service-Worker-Allowed": "/"}
    return Response(script, media_type="text/javascript", headers=headers)


@pages.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse(
        {
            "name": "Registre des filières",
            "short_name": "Filières",
            "start_url": "/scan",
            "display": "standalone",
            "background_color": "#f4f1ea",
            "theme_color": "#1f5130",
            "icons": [{"src": "/static/web/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
        },
        media_type="application/manifest+json",
    )


class Login(BaseModel):
    token: str = Field(min_length=1, max_length=200)


@api.post("/session")
def login(body: Login, request: Request, ledger: LedgerDep) -> JSONResponse:
    """Exchange a token for a session cookie (HttpOnly, SameSite=Lax); the token is not kept.
    Failed logins are counted per address (429 after too many)."""
    limits, address = limiter(request), client_address(request)
    limits.check(address)
    try:
        actor = ledger.authenticate(body.token.strip())
    except Unauthenticated:
        limits.failed(address)
        raise
    response = JSONResponse(me(ledger, actor.organisation_id, actor.role))
    open_session(response, request, ledger, body.token.strip())
    return response


@api.delete("/session", status_code=204)
def logout(request: Request, ledger: LedgerDep) -> Response:
    """End the page's session, on the server too: a copy of the cookie opens nothing after."""
    response = Response(status_code=204)
    end_session(request, response, ledger)
    return response


@api.get("/context")
def context(ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    """Who the phone's user is, every site and the catalogue: what the pages need offline."""
    materials = [m.to_dict() for m in ledger.catalogue(refresh=True).all()]
    return {
        "me": me(ledger, actor.organisation_id, actor.role),
        "sites": [with_commune_name(site) for site in ledger.sites()],
        "materials": materials,
    }


def with_commune_name(site: dict[str, Any]) -> dict[str, Any]:
    """A site with its commune's name, so that a phone finds "Lillebonne" by typing it."""
    commune = shipped_communes().get(site["commune_insee"] or "")
    return {**site, "commune_name": commune.name if commune else None}


@api.get("/card/{code}")
def card(code: str, ledger: LedgerDep, actor: ActorDep, s: Signature = None) -> dict[str, Any]:
    """The card of a label, as ``/l/{code}`` embeds it."""
    return label_card(ledger, code, s, actor)


def me(ledger: Ledger, organisation_id: UUID, role: str) -> dict[str, Any]:
    """Who the phone's user is: organisation, role, and the filières of its labels."""
    organisation = ledger.organisation_json(organisation_id)
    return {
        "organisation_id": str(organisation_id),
        "organisation_name": organisation["name"],
        "role": role,
        "filieres": ledger.organisation_filieres(organisation_id),
    }
