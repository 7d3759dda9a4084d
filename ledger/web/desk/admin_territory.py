"""The territory whose flows are accounted: its name and INSEE communes (``PUT
/api/v1/territory``), as the ledger's administrators set them. The reading page of the
territory's accounts stays ``/territory``."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse

from ledger.application.commands import DefineTerritory
from ledger.domain.errors import LedgerError
from ledger.territory.communes import shipped_communes
from ledger.web.desk.admin import ledger_administrator, refused
from ledger.web.desk.context import Desk, DeskDep, desk_router

router = desk_router()

TERRITORY_FORM = "admin_territory.html"
SEPARATORS = re.compile(r"[\s,;]+")


def communes_context(desk: Desk) -> dict[str, Any]:
    """The territory as it is, each commune with its name when France's list knows it."""
    territory = desk.ledger.territory_json()
    known = shipped_communes()
    communes = [
        (code, known[code].name if code in known else "") for code in territory["communes_insee"]
    ]
    return {"territory": territory, "communes": communes}


@router.get("/admin/territory", response_class=HTMLResponse)
def territory(desk: DeskDep) -> HTMLResponse:
    ledger_administrator(desk)
    context = communes_context(desk)
    found = context["territory"]
    values = {"name": found["name"] or "", "communes": "\n".join(found["communes_insee"])}
    return desk.render(TERRITORY_FORM, values=values, **context)


@router.post("/admin/territory", response_model=None)
def define(desk: DeskDep) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    ledger_administrator(desk)
    codes = [code for code in SEPARATORS.split(desk.value("communes").upper()) if code]
    try:
        command = DefineTerritory(desk.value("name").strip(), codes)
        desk.ledger.define_territory(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, TERRITORY_FORM, error, **communes_context(desk))
    return desk.redirect("/admin/territory", notice="admin.saved")
