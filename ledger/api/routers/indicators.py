"""Indicators read from the views: stock, circularity, jobs, the Refashion statement, metabolism."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ledger.api.deps import ActorDep, LedgerDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.indicator_schemas import (
    Circularity,
    Jobs,
    Metabolism,
    RefashionStatement,
    StockList,
)
from ledger.api.schemas import IsoTime
from ledger.application.commands import Actor
from ledger.audit.bundle import build_bundle
from ledger.audit.chain import chain_head
from ledger.domain.errors import InvalidInput, OrganisationNotAllowed
from ledger.indicators import circularity, jobs, metabolism, refashion_statement, stock
from ledger.indicators.circularity import Scope
from ledger.indicators.periods import Period, horizon, resolve_period
from ledger.indicators.sankey import sankey_svg
from ledger.indicators.statement_csv import statement_csv
from ledger.indicators.statement_pdf import statement_pdf
from ledger.indicators.stock_then import stock_as_recorded
from ledger.projections.db import ViewDatabase
from ledger.web.desk.voice import PageVoice

router = APIRouter(tags=["indicators"], responses=ERROR_RESPONSES)

OrganisationQuery = Annotated[UUID | None, Query(description="The organisation (site owner)")]
SiteQuery = Annotated[UUID | None, Query(description="A site")]
FiliereQuery = Annotated[str | None, Query(max_length=32, description="textile, wood or flax")]
FromQuery = Annotated[str | None, Query(alias="from", description="First date, YYYY-MM-DD")]
ToQuery = Annotated[str | None, Query(description="Last date (inclusive), YYYY-MM-DD")]
AsOfQuery = Annotated[
    IsoTime | None,
    Query(
        description="Recorded time (ISO 8601 with a timezone, inclusive): the figures as the "
        "ledger knew them then, without later syncs and corrections"
    ),
]
PeriodQuery = Annotated[
    str | None, Query(max_length=16, description="Instead of from/to: 2026, 2026-Q3 or 2026-09")
]


def chosen_period(
    from_: FromQuery = None,
    to: ToQuery = None,
    period: PeriodQuery = None,
    as_of: AsOfQuery = None,
) -> Period:
    """The figures' period (``period``, or ``from`` and ``to``) and recording horizon."""
    return resolve_period(period, from_, to).recorded_by(as_of)


ChosenPeriod = Annotated[Period, Depends(chosen_period)]
SVG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}}, "description": "An SVG image."}
}
FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "application/pdf": {}, "application/zip": {}},
        "description": "JSON, CSV, PDF or an evidence bundle (zip)",
    }
}


def view_db(request: Request) -> ViewDatabase:
    """This thread's read connection to the views (take it in the endpoint's own thread)."""
    db: ViewDatabase = request.app.state.views.db
    return db


@router.get("/stock", response_model=StockList)
def get_stock(
    request: Request,
    _: ActorDep,
    site_id: SiteQuery = None,
    organisation_id: Annotated[UUID | None, Query(description="The holder")] = None,
    filiere: FiliereQuery = None,
    material: Annotated[str | None, Query(max_length=64)] = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Batches held at sites and in transit, by site, material, state and holder; with
    ``as_of``, as the ledger had recorded them then (folded from the facts: slower)."""
    if as_of is None:
        return stock(view_db(request), site_id, organisation_id, filiere, material)
    db = view_db(request)
    return stock_as_recorded(db, horizon(as_of), site_id, organisation_id, filiere, material)


@router.get("/indicators/circularity", response_model=Circularity)
def get_circularity(
    request: Request,
    _: ActorDep,
    chosen: ChosenPeriod,
    organisation_id: OrganisationQuery = None,
    site_id: SiteQuery = None,
    filiere: FiliereQuery = None,
) -> dict[str, Any]:
    """Sorted input, outputs by the route declared at sorting, loss, shares and rates."""
    scope = Scope(organisation_id, site_id, filiere)
    return circularity(view_db(request), scope, chosen)


@router.get("/indicators/jobs", response_model=Jobs)
def get_jobs(
    request: Request,
    _: ActorDep,
    chosen: ChosenPeriod,
    organisation_id: OrganisationQuery = None,
) -> dict[str, Any]:
    """Hours by contract and activity, insertion share of sorting hours, FTE, hours per tonne."""
    return jobs(view_db(request), organisation_id, chosen)


def may_read_evidence(actor: Actor, organisation_id: UUID) -> None:
    """An organisation's evidence bundle goes to that organisation, auditors and admins."""
    if actor.is_admin or actor.role == "auditor" or actor.organisation_id == organisation_id:
        return
    raise OrganisationNotAllowed(
        "An evidence bundle is for the organisation it is about, its auditors and the "
        "ledger's admins.",
        organisation_id=str(organisation_id),
    )


@router.get(
    "/reports/refashion",
    response_model=RefashionStatement,
    responses={**ERROR_RESPONSES, **FILES},
)
def get_refashion_statement(
    request: Request,
    ledger: LedgerDep,
    actor: ActorDep,
    organisation_id: Annotated[UUID, Query(description="The sorting operator")],
    period: Annotated[str, Query(max_length=16, description="2026, 2026-Q3 or 2026-09")],
    format: Annotated[Literal["json", "csv", "pdf", "bundle"], Query()] = "json",
    as_of: AsOfQuery = None,
) -> Any:
    """The sorting-support statement: tonnes by route, support in cents, rates and flags.

    ``format=bundle`` answers a zip of evidence with a standalone verifier (see verify.py in it):
    for the organisation itself, auditors and the ledger's admins, as it holds the stored
    records the hash chain needs.
    """
    if format == "bundle":
        may_read_evidence(actor, organisation_id)
        if as_of is not None:
            raise InvalidInput("An evidence bundle is made as recorded now: drop as_of.")
        content, statement = build_bundle(ledger, view_db(request), str(organisation_id), period)
        name = f"evidence-{statement['period']}-{organisation_id}.zip"
        return file_response(content, "application/zip", name)
    statement = refashion_statement(view_db(request), organisation_id, period, as_of)
    statement["chain_head"] = chain_head(view_db(request))
    name = f"refashion-{statement['period']}-{organisation_id}"
    if format == "csv":
        return file_response(statement_csv(statement), "text/csv; charset=utf-8", f"{name}.csv")
    if format == "pdf":
        return file_response(statement_pdf(statement), "application/pdf", f"{name}.pdf")
    return statement


@router.get("/metabolism", response_model=Metabolism)
def get_metabolism(
    request: Request,
    _: ActorDep,
    chosen: ChosenPeriod,
    filiere: FiliereQuery = None,
) -> dict[str, Any]:
    """Per filière: collection, imports, exports, valorised inside, losses, energy, stock change."""
    return metabolism(view_db(request), chosen, filiere)


@router.get("/metabolism/sankey.svg", response_class=Response, responses=SVG)
def get_sankey(
    request: Request,
    _: ActorDep,
    chosen: ChosenPeriod,
    filiere: FiliereQuery = None,
) -> Response:
    """The period's flows as a Sankey diagram: sources, filières, routes inside and outside."""
    svg = sankey_svg(view_db(request), chosen, PageVoice("fr"), filiere)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def file_response(content: bytes | str, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
