"""Exports for other systems: the EPCIS 2.0 document of a period, a site's waste registers."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ledger.api.deps import ActorDep, LedgerDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.readmodels import VIEWS_POSITION_HEADER
from ledger.audit import epcis, register_csv, register_national
from ledger.audit.chain import chain_head
from ledger.audit.register import site_register
from ledger.audit.register_national import NationalRegister, national_register
from ledger.indicators.periods import parse_dates
from ledger.projections.service import Views

router = APIRouter(tags=["exports"])

FromQuery = Annotated[
    str, Query(alias="from", max_length=10, description="First date (inclusive), YYYY-MM-DD")
]
ToQuery = Annotated[str, Query(max_length=10, description="Last date (inclusive), YYYY-MM-DD")]
SiteQuery = Annotated[UUID, Query(description="The site whose register it is")]
REPORTED_HEADER = "Ledger-Register-Reported"  # rows left out of the file for lack of a value
NOT_DECLARED_HEADER = "Ledger-Register-Not-Declared"


def document(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The documented success response of an export, by media type."""
    content = {media_type: {"schema": {"type": "string" if "csv" in media_type else "object"}}}
    return {**ERROR_RESPONSES, 200: {"content": content, "description": description}}


@router.get(
    "/export/epcis",
    response_class=JSONResponse,
    responses=document(epcis.MEDIA_TYPE, "An EPCIS 2.0 EPCISDocument (JSON-LD)."),
)
def export_epcis(
    request: Request, ledger: LedgerDep, _: ActorDep, from_: FromQuery, to: ToQuery
) -> JSONResponse:
    """The period's batch and transformation events as an EPCIS 2.0 document (JSON-LD)."""
    period = parse_dates(from_, to)
    document = epcis.epcis_document(ledger, period)
    document["fl:chainHead"] = chain_head(request.app.state.views.db)
    return JSONResponse(document, media_type=epcis.MEDIA_TYPE)


@router.get(
    "/export/register.csv",
    response_class=Response,
    responses=document(register_csv.MEDIA_TYPE, "The register: `;`-separated, decimal comma."),
)
def export_register(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    site_id: SiteQuery,
    from_: FromQuery,
    to: ToQuery,
) -> Response:
    """A site's chronological waste register for a period, as CSV: incoming and outgoing rows."""
    period = parse_dates(from_, to)
    views: Views = request.app.state.views
    reflected = views.position()  # the rows reflect at least this position of the log
    rows = site_register(ledger, views.db, site_id, period)
    name = f"register-{site_id}-{period.start}-{period.end}.csv"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        VIEWS_POSITION_HEADER: str(reflected),
    }
    text = register_csv.register_csv(ledger, rows)
    return Response(text, media_type=register_csv.MEDIA_TYPE, headers=headers)


def national(
    request: Request, ledger: LedgerDep, site_id: UUID, direction: str, from_: str, to: str
) -> tuple[NationalRegister, int]:
    """A site's national register and the views' position it reflects at least."""
    period = parse_dates(from_, to)
    views: Views = request.app.state.views
    reflected = views.position()
    return national_register(ledger, views.db, site_id, direction, period), reflected


def national_csv(register: NationalRegister, reflected: int) -> Response:
    name = f"registre-{register.direction}-{register.site_id}-{register.period.start}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}-{register.period.end}.csv"',
        VIEWS_POSITION_HEADER: str(reflected),
        REPORTED_HEADER: str(len(register.reported)),
        NOT_DECLARED_HEADER: str(len(register.not_declared)),
    }
    return Response(register.csv(), media_type=register_national.MEDIA_TYPE, headers=headers)


def national_report(register: NationalRegister, reflected: int) -> JSONResponse:
    return JSONResponse({**register.report(), "position": reflected})


CSV_DOC = document(
    register_national.MEDIA_TYPE,
    "Trackdéchets' import template, `;`-separated: only the rows with every value. The "
    f"`{REPORTED_HEADER}` header counts the rows left out; the report lists them.",
)
REPORT_DOC = "Rows left out of the file for lack of a value, and movements not declared."


@router.get("/export/register/incoming.csv", response_class=Response, responses=CSV_DOC)
def export_incoming_register(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    site_id: SiteQuery,
    from_: FromQuery,
    to: ToQuery,
) -> Response:
    """A site's register of incoming non-hazardous waste, for the national register (RNDTS)
    through Trackdéchets' import ("déchets entrants")."""
    return national_csv(*national(request, ledger, site_id, "incoming", from_, to))


@router.get("/export/register/outgoing.csv", response_class=Response, responses=CSV_DOC)
def export_outgoing_register(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    site_id: SiteQuery,
    from_: FromQuery,
    to: ToQuery,
) -> Response:
    """A site's register of outgoing non-hazardous waste, for the national register (RNDTS)
    through Trackdéchets' import ("déchets sortants")."""
    return national_csv(*national(request, ledger, site_id, "outgoing", from_, to))


@router.get(
    "/export/register/incoming.report.json", responses=document("application/json", REPORT_DOC)
)
def export_incoming_report(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    site_id: SiteQuery,
    from_: FromQuery,
    to: ToQuery,
) -> JSONResponse:
    """What ``incoming.csv`` leaves out: rows lacking a value (which columns), movements the
    register does not declare (why)."""
    return national_report(*national(request, ledger, site_id, "incoming", from_, to))


@router.get(
    "/export/register/outgoing.report.json", responses=document("application/json", REPORT_DOC)
)
def export_outgoing_report(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    site_id: SiteQuery,
    from_: FromQuery,
    to: ToQuery,
) -> JSONResponse:
    """What ``outgoing.csv`` leaves out: rows lacking a value (which columns), movements the
    register does not declare (why)."""
    return national_report(*national(request, ledger, site_id, "outgoing", from_, to))
