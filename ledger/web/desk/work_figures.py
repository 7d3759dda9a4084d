"""The supervisor's figures: the insertion share and FTE of the organisation at
``/work/jobs`` (the jobs indicator, as ``GET /api/v1/indicators/jobs`` gives it), and declaring a
quarter's Refashion statement at ``/work/declarations`` (as ``POST
/api/v1/reports/refashion/declarations`` does), with the declared statements and what was
recorded in their periods since."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import Response

from ledger.api.errors import STATUS_BY_KIND
from ledger.application.commands import Declare, DeclaredFigures
from ledger.audit.chain import chain_head
from ledger.audit.report_sources import current_quarter, sorting_organisations
from ledger.domain.errors import InvalidPeriod, LedgerError, OrganisationNotAllowed
from ledger.indicators.jobs import jobs, work_hours
from ledger.indicators.periods import parse_period
from ledger.indicators.refashion import statement_and_figures
from ledger.projections.db import ViewDatabase
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.work_declared import declared_statements, statement_lines
from ledger.web.desk.work_sheet import fresh_views

router = desk_router()
Text = Annotated[str | None, Query(max_length=64)]


def organisation_of(desk: Desk, asked: str | None) -> UUID:
    """The organisation whose figures these are: the reader's own (the ledger's admins may
    name another)."""
    actor = desk.require("supervisor")
    if actor.is_admin and not asked:
        offered = sorting_organisations(desk.request.app.state.views.db)
        asked = offered[0][0] if offered else None
    if not asked or not actor.is_admin:
        if asked and asked.strip() != str(actor.organisation_id):
            raise OrganisationNotAllowed(
                "These pages show your own organisation's figures.", organisation_id=asked
            )
        return actor.organisation_id
    try:
        return UUID(asked.strip())
    except ValueError:
        raise OrganisationNotAllowed("No such organisation.", organisation_id=asked) from None


def organisations_offered(desk: Desk) -> list[tuple[str, str]]:
    """For the ledger's admins, the sorting organisations they may choose between."""
    if not desk.signed_in.is_admin:
        return []
    return sorting_organisations(desk.request.app.state.views.db)


def quarter_of(text: str | None, today: date) -> str:
    """A quarter, ``2026-Q4`` (this quarter when none is asked for)."""
    chosen = (text or current_quarter(today)).strip()
    if "-Q" not in chosen:
        raise InvalidPeriod("A quarter is written 2026-Q4.", period=chosen)
    return parse_period(chosen).label


def quarters(today: date) -> list[str]:
    """The quarters offered: this one and the seven before."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(8):
        found.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found


@router.get("/work/jobs")
def jobs_page(desk: DeskDep, quarter: Text = None, organisation_id: Text = None) -> Response:
    """The insertion share of sorting hours and the FTE, for a quarter and its year."""
    organisation = organisation_of(desk, organisation_id)
    chosen = quarter_of(quarter, desk.ledger.today())
    db = fresh_views(desk)
    figures = [
        (p, jobs(db, organisation, parse_period(p)), reaches_minimum(db, organisation, p))
        for p in (chosen, chosen[:4])
    ]
    return desk.render(
        "work_jobs.html",
        quarter=chosen,
        quarters=quarters(desk.ledger.today()),
        figures=figures,
        organisation_id=str(organisation),
        organisations=organisations_offered(desk),
    )


def reaches_minimum(db: ViewDatabase, organisation: UUID, period: str) -> bool:
    """Whether insertion hours are at least 15 % of sorting hours, exactly (as the statement
    flags it), not as the rounded share reads."""
    return work_hours(db, organisation, parse_period(period)).insertion_ok


def figures_digest(figures: dict[str, Any]) -> str:
    """What the page showed, to tell whether the figures moved before the confirmation."""
    text = json.dumps(figures, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def declarations_page(
    desk: Desk, organisation: UUID, quarter: str, status: int = 200, **extra: Any
) -> Response:
    db = fresh_views(desk)
    statement, figures = statement_and_figures(db, organisation, quarter)
    return desk.render(
        "work_declarations.html",
        status=status,
        quarter=quarter,
        quarters=quarters(desk.ledger.today()),
        organisation_id=str(organisation),
        organisations=organisations_offered(desk),
        statement=statement,
        period_start=date.fromisoformat(statement["from"]),
        period_end=date.fromisoformat(statement["to"]),
        lines=statement_lines(statement, figures, desk),
        digest=figures_digest(figures),
        declared=declared_statements(db, str(organisation), desk),
        **extra,
    )


@router.get("/work/declarations")
def declarations(desk: DeskDep, quarter: Text = None, organisation_id: Text = None) -> Response:
    """A quarter's statement as it would be frozen, and the declared statements."""
    organisation = organisation_of(desk, organisation_id)
    return declarations_page(desk, organisation, quarter_of(quarter, desk.ledger.today()))


@router.post("/work/declarations")
def declare(desk: DeskDep) -> Response:
    """Declare the quarter as the page showed it (figures that moved since are shown again)."""
    actor = desk.writer()
    organisation = organisation_of(desk, desk.value("organisation_id"))
    quarter = quarter_of(desk.value("quarter"), desk.ledger.today())
    db = fresh_views(desk)
    statement, figures = statement_and_figures(db, organisation, quarter)
    if figures_digest(figures) != desk.value("digest"):
        return declarations_page(desk, organisation, quarter, status=409, moved=True)
    read = DeclaredFigures(
        statement["from"], statement["to"], statement["position"], chain_head(db), figures
    )
    try:
        desk.ledger.declare(actor, Declare(organisation, quarter), read, desk.idempotency())
    except LedgerError as error:
        status = STATUS_BY_KIND[error.kind]
        message = desk.error_text(error)
        return declarations_page(desk, organisation, quarter, status=status, error=message)
    target = f"/work/declarations?quarter={quarter}"
    if actor.is_admin:
        target += f"&organisation_id={organisation}"
    return desk.redirect(target, notice="work.declare.saved")
