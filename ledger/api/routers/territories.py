"""Territories of the accounts, their declared flows, EW-MFA accounts, communes and map data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import listing, respond
from ledger.api.schemas import ListOf
from ledger.api.territory_schemas import (
    Accounts,
    CollectionByCommune,
    FlowCorrection,
    FlowCreate,
    FlowPublic,
    TerritoryRecord,
    TerritoryUpsert,
)
from ledger.application.territory_commands import CorrectFlow, DeclareFlow, DescribeTerritory
from ledger.indicators.periods import horizon
from ledger.projections.db import ViewDatabase
from ledger.territory.accounts_csv import accounts_csv
from ledger.territory.boundaries import territories_at
from ledger.territory.collection import collection_by_commune
from ledger.territory.declared import declared_flow_rows
from ledger.territory.mapdata import map_data
from ledger.territory.report import accounts, horizon_text, read

router = APIRouter(prefix="/territories", tags=["territories"], responses=ERROR_RESPONSES)

CodePath = Annotated[str, Path(max_length=32, description="The territory's code, e.g. cvs")]
YearQuery = Annotated[int, Query(ge=1900, le=2999, description="Calendar year of the accounts")]
AsOfQuery = Annotated[
    datetime | None,
    Query(description="Recorded time (ISO 8601 with a timezone): the figures as known then"),
]
FiliereQuery = Annotated[str, Query(max_length=32, description="textile, wood or flax")]


def view_db(request: Request) -> ViewDatabase:
    db: ViewDatabase = request.app.state.views.db
    return db


def as_of_time(as_of: datetime | None) -> datetime | None:
    return None if as_of is None else horizon(as_of)


@router.get("", response_model=ListOf[TerritoryRecord])
def list_territories(request: Request, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """Every territory of the accounts, by code."""
    known = territories_at(view_db(request))
    return listing([ledger.territory_record(code) for code in known.codes])


@router.put("/{code}", response_model=TerritoryRecord)
def put_territory(
    code: CodePath, body: TerritoryUpsert, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Define or change a territory (admin): communes, parent, population and GDP per year,
    and the EW-MFA categories the ledger's batches cover. ``main`` is the territory of
    ``PUT /territory``."""
    cmd = DescribeTerritory(code=code, **body.model_dump())
    outcome = ledger.describe_territory(actor, cmd, idem)
    return respond(outcome, lambda _: ledger.territory_record(code))


@router.get("/{code}", response_model=TerritoryRecord)
def get_territory(code: CodePath, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """One territory as described now."""
    return ledger.territory_record(code)


@router.post("/{code}/flows", status_code=201, response_model=FlowPublic)
def declare_flow(
    code: CodePath, body: FlowCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Declare a yearly flow from a statistical source (admin, or a supervisor of the
    territory's authority)."""
    outcome = ledger.declare_flow(actor, code, DeclareFlow(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.declared_flow_json(code, UUID(o.ref.id)))


@router.get("/{code}/flows", response_model=ListOf[FlowPublic])
def list_flows(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """A territory's declared flows as last corrected (by ``as_of``, when given)."""
    ledger.territory_record(code)
    rows = declared_flow_rows(view_db(request), code, year, horizon_text(as_of_time(as_of)))
    return listing([flow_json(code, row) for row in rows])


@router.get("/{code}/flows/{flow_id}", response_model=FlowPublic)
def get_flow(code: CodePath, flow_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """One declared flow as corrected now."""
    return ledger.declared_flow_json(code, flow_id)


@router.post("/{code}/flows/{flow_id}/corrections", status_code=201, response_model=FlowPublic)
def correct_flow(
    code: CodePath,
    flow_id: UUID,
    body: FlowCorrection,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Correct a declared flow: the version corrected, why, and the new values; the original
    stays in the log."""
    fields = body.model_dump(exclude={"corrects_version", "reason"}, exclude_none=True)
    cmd = CorrectFlow(body.corrects_version, body.reason, fields)
    outcome = ledger.correct_flow(actor, code, flow_id, cmd, idem)
    return respond(outcome, lambda _: ledger.declared_flow_json(code, flow_id))


@router.get("/{code}/accounts", response_model=Accounts)
def get_accounts(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    year: YearQuery,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """EW-MFA accounts in tonnes and GJ: DE, IMP, EXP, DMI, DMC, PTB, DPO, BI, BO, NAS per
    category and in total, declared and traced side by side, intensity, energy, sources."""
    return accounts(read(view_db(request), ledger.catalogue(), code, year, as_of_time(as_of)))


@router.get(
    "/{code}/accounts.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The EW-MFA table"}},
)
def get_accounts_csv(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    year: YearQuery,
    as_of: AsOfQuery = None,
) -> Response:
    """The EW-MFA table as CSV: one row per category and a total, in tonnes and GJ."""
    found = accounts(read(view_db(request), ledger.catalogue(), code, year, as_of_time(as_of)))
    disposition = f'attachment; filename="accounts-{code}-{year}.csv"'
    return Response(
        accounts_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )


@router.get("/{code}/collection-by-commune", response_model=CollectionByCommune)
def get_collection_by_commune(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    year: YearQuery,
    filiere: FiliereQuery = "textile",
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Per commune: population, kg collected and per inhabitant, potential, gap, containers;
    ranked by gap (the least exploited deposits first)."""
    db, catalogue = view_db(request), ledger.catalogue()
    return collection_by_commune(db, catalogue, code, year, filiere, as_of_time(as_of))


@router.get("/{code}/map")
def get_map(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    year: YearQuery,
    filiere: FiliereQuery = "textile",
) -> dict[str, Any]:
    """What the map draws: communes against potential, sites, and the filière's transfers."""
    return map_data(view_db(request), ledger.catalogue(), code, year, filiere)


def flow_json(code: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["flow_id"],
        "territory": code,
        "version": row["version"],
        "year": row["year"],
        "direction": row["direction"],
        "category": row["category"],
        "mass_t": int(row["mass_g"]) / 1_000_000,
        "energy_gj": None if row["energy_kj"] is None else int(row["energy_kj"]) / 1_000_000,
        "partner": row["partner"],
        "output_to": row["output_to"],
        "energy_carrier": bool(row["carrier"]),
        "source": row["source"],
        "quality": row["quality"],
        "note": row["note"],
        "recorded_at": row["recorded_at"],
    }
