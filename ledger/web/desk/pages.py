"""The home page by role, and signing out."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, RedirectResponse

from ledger.web.desk.context import DeskDep, desk_router
from ledger.web.session import end_session

router = desk_router()


@router.get("/", response_class=HTMLResponse)
def home(desk: DeskDep) -> HTMLResponse:
    """What this person can do, with a link to every page their role may use."""
    return desk.render("home.html")


@router.post("/logout")
def logout(desk: DeskDep) -> RedirectResponse:
    """End the session on the server (a copy of the cookie opens nothing after) and go to the
    sign-in page."""
    response = RedirectResponse("/login", status_code=303)
    end_session(desk.request, response, desk.ledger)
    return response
