"""The territory officer's dashboard at ``/dashboard``: stock, circularity, flows and jobs of a
period, as recorded now or at a time, in the reader's language; no script.

Every signed-in reader may read it (every token reads the figures); signed out, the reader is sent
to the sign-in page. A token given once in the address (``?token=``, from links handed out before
the sign-in page existed) is swapped for the session cookie and dropped from the address, so it
stays out of history, bookmarks and referrers.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Query
from fastapi.responses import RedirectResponse, Response

from ledger.api.ratelimit import client_address, limiter
from ledger.domain.errors import LedgerError, Unauthenticated
from ledger.indicators.dashboard import chosen_period
from ledger.indicators.dashboard_data import dashboard_data
from ledger.indicators.dashboard_then import dashboard_data_then
from ledger.web.desk.as_of import recording_time
from ledger.web.desk.context import PRIVATE, Desk, DeskDep, desk_router
from ledger.web.desk.dashboard_page import dashboard_values
from ledger.web.session import open_session

router = desk_router()
ShortText = Annotated[str | None, Query(max_length=16)]


@router.get("/dashboard")
def dashboard(
    desk: DeskDep,
    token: Annotated[str | None, Query(max_length=256)] = None,
    period: ShortText = None,
    from_: Annotated[str | None, Query(alias="from", max_length=16)] = None,
    to: ShortText = None,
    as_of: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Stock, circularity and flows of the territory for a period (``period``, or ``from`` and
    ``to``; the twelve months up to today by default), as recorded at ``as_of`` if given."""
    if token:
        return swap_for_session(desk, token)
    _ = desk.signed_in  # every signed-in reader reads the figures
    ledger = desk.ledger
    today = ledger.today()
    chosen, refused = chosen_period(today, period, from_, to)
    problems = []
    if refused is not None:  # the page still answers, for the twelve months up to today
        problems.append(desk.t("dashboard.period_not_understood", reason=desk.error_text(refused)))
    try:
        horizon = recording_time(as_of)
    except LedgerError:  # the page still answers, as recorded now
        horizon = None
        problems.append(desk.t("dashboard.as_of_not_understood"))
    db = desk.request.app.state.views.db
    if horizon is None:
        data = dashboard_data(db, chosen)
    else:
        data = dashboard_data_then(db, chosen.recorded_by(horizon))
    territory = ledger.territory_json().get("name") or desk.t("dashboard.territory")
    values = dashboard_values(desk, data, today, str(territory))
    return desk.render("dashboard.html", problems=problems, **values)


def swap_for_session(desk: Desk, token: str) -> Response:
    """The token, checked once (failures count against the address), for a session cookie; a
    token refused sends to the sign-in page, and the address it gives back has no token."""
    request = desk.request
    limits, address = limiter(request), client_address(request)
    limits.check(address)
    query = request.url.remove_query_params("token").query
    target = "/dashboard" + ("?" + query if query else "")
    try:
        desk.ledger.authenticate(token)
    except Unauthenticated:
        limits.failed(address)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303, headers=PRIVATE)
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    open_session(response, request, desk.ledger, token)
    return response
