"""Organisations, sites, the territory, tokens and the material catalogue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import POSITION_HEADER, listing, respond
from ledger.api.schemas import (
    ListOf,
    MaterialCreate,
    MaterialPublic,
    MaterialRevision,
    OrganisationCreate,
    OrganisationDetails,
    OrganisationPublic,
    SiteCreate,
    SiteDetails,
    SitePublic,
    TerritoryPublic,
    TerritoryUpdate,
    TokenCreate,
    TokenPublic,
    TokenRecord,
)
from ledger.application.commands import (
    DefineMaterial,
    DefineTerritory,
    IssueToken,
    RegisterOrganisation,
    RegisterSite,
    ReviseMaterial,
    UpdateOrganisation,
    UpdateSite,
)
from ledger.application.core import LedgerCore
from ledger.domain.errors import MaterialNotFound
from ledger.projections.batches import material_used
from ledger.projections.registry import token_records

router = APIRouter(tags=["registry"], responses=ERROR_RESPONSES)


@router.post("/organisations", status_code=201, response_model=OrganisationPublic)
def create_organisation(
    body: OrganisationCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Register an organisation (admin)."""
    outcome = ledger.register_organisation(actor, RegisterOrganisation(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.organisation_json(UUID(o.ref.id)))


@router.get("/organisations", response_model=ListOf[OrganisationPublic])
def list_organisations(ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """Every registered organisation."""
    return listing(ledger.organisations())


@router.get("/organisations/{organisation_id}", response_model=OrganisationPublic)
def get_organisation(organisation_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """One organisation."""
    return ledger.organisation_json(organisation_id)


@router.patch("/organisations/{organisation_id}", response_model=OrganisationPublic)
def update_organisation(
    organisation_id: UUID,
    body: OrganisationDetails,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Change an organisation's details: the fields sent change, the others stay (admin, or
    the organisation's own admin)."""
    changes = body.model_dump(exclude_unset=True)
    outcome = ledger.update_organisation(actor, organisation_id, UpdateOrganisation(changes), idem)
    return respond(outcome, lambda _: ledger.organisation_json(organisation_id))


@router.post("/sites", status_code=201, response_model=SitePublic)
def create_site(
    body: SiteCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Register a site: in France with its INSEE commune, abroad with its country (admin)."""
    outcome = ledger.register_site(actor, RegisterSite(**body.model_dump()), idem)
    return respond(outcome, lambda o: ledger.site_json(UUID(o.ref.id)))


@router.get("/sites", response_model=ListOf[SitePublic])
def list_sites(
    ledger: LedgerDep, _: ActorDep, organisation_id: UUID | None = None
) -> dict[str, Any]:
    """Every registered site, optionally of one organisation."""
    return listing(ledger.sites(organisation_id))


@router.get("/sites/{site_id}", response_model=SitePublic)
def get_site(site_id: UUID, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """One site, with whether it lies inside the territory as it is now."""
    return ledger.site_json(site_id)


@router.patch("/sites/{site_id}", response_model=SitePublic)
def update_site(
    site_id: UUID, body: SiteDetails, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Change a site's name, address, position or accepted filières (admin, or the owner's
    admin); its kind, commune and owner stay."""
    outcome = ledger.update_site(
        actor, site_id, UpdateSite(body.model_dump(exclude_unset=True)), idem
    )
    return respond(outcome, lambda _: ledger.site_json(site_id))


@router.put("/territory", response_model=TerritoryPublic)
def put_territory(
    body: TerritoryUpdate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Set the communes whose flows are accounted (admin)."""
    outcome = ledger.define_territory(actor, DefineTerritory(**body.model_dump()), idem)
    return respond(outcome, lambda _: ledger.territory_json())


@router.get("/territory", response_model=TerritoryPublic)
def get_territory(ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """The territory's name and communes."""
    return ledger.territory_json()


@router.post("/tokens", status_code=201, response_model=TokenPublic)
def create_token(
    body: TokenCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Issue a token for an organisation and role (admin). The secret is shown only once."""
    outcome, secret = ledger.issue_token(actor, IssueToken(**body.model_dump()), idem)
    content = {
        "id": outcome.ref.id,
        "token": secret,
        "token_id": outcome.ref.extra.get("token_id", ""),
        "organisation_id": str(body.organisation_id),
        "role": body.role,
        "label": body.label.strip(),
    }
    return respond(outcome, lambda _: content)


@router.get("/tokens", response_model=ListOf[TokenRecord])
def list_tokens(
    request: Request, actor: ActorDep, organisation_id: UUID | None = None
) -> dict[str, Any]:
    """An organisation's tokens: id, role, label, issued, last used, revoked; never a secret
    (the ledger's admins, any organisation; an organisation's admin, its own)."""
    chosen = organisation_id or actor.organisation_id
    LedgerCore.require_admin_of(actor, chosen)
    views = request.app.state.views
    return listing(token_records(views.db, chosen, views.token_uses()))


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(
    token_id: UUID, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> Response:
    """Revoke a token: 401 for it from then on, and its sessions end (admin, or the token's
    organisation's admin). Revoking it again changes nothing."""
    outcome = ledger.revoke_token(actor, token_id, idem)
    headers = {POSITION_HEADER: str(outcome.position)} if outcome.position else {}
    return Response(status_code=204, headers=headers)


@router.get("/materials", response_model=ListOf[MaterialPublic])
def list_materials(ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """The material catalogue: filière, route, LHV dry and default moisture of each material."""
    catalogue = ledger.catalogue(refresh=True)
    return listing([material_json(m.to_dict()) for m in catalogue.all()])


@router.post("/materials", status_code=201, response_model=MaterialPublic)
def create_material(
    body: MaterialCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Add a material to the catalogue (admin); the same definition again changes nothing."""
    outcome = ledger.define_material(actor, DefineMaterial(**body.model_dump()), idem)
    return respond(outcome, lambda o: material_json(ledger.material(o.ref.id).to_dict()))


@router.patch("/materials/{code}", response_model=MaterialPublic)
def revise_material(
    request: Request,
    code: str,
    body: MaterialRevision,
    ledger: LedgerDep,
    actor: WriterDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Change a material's names or defaults: the fields sent change (admin). A material
    already used keeps what past figures read from it (409 ``material_in_use``)."""
    sent = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in sent.items() if v is not None or k in NULLABLE_MATERIAL_FIELDS}
    LedgerCore.require_role(actor)
    if code not in ledger.catalogue(refresh=True):
        raise MaterialNotFound(f"No material '{code}' in the catalogue.", material=code)
    views = request.app.state.views
    views.wait_for(ledger.event_log.max_position())  # every acknowledged batch is counted
    in_use = material_used(views.db, code)
    outcome = ledger.revise_material(actor, ReviseMaterial(code, changes), in_use, idem)
    return respond(outcome, lambda _: material_json(ledger.material(code).to_dict()))


NULLABLE_MATERIAL_FIELDS = ("route", "waste_code")  # null: none; other fields sent null stay


def material_json(data: dict[str, Any]) -> dict[str, Any]:
    data["lhv_dry_mj_per_kg"] = float(data["lhv_dry_mj_per_kg"])
    data["default_moisture_pct"] = float(data["default_moisture_pct"])
    return data
