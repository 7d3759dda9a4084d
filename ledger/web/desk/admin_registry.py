"""Organisations and their sites, as administrators register and edit them.

The forms build the same commands as ``POST/PATCH /api/v1/organisations`` and ``/sites``; the
ledger checks them (the SIRET's Luhn digit, the commune's INSEE code, the filières the catalogue
knows) and a refusal shows the form again with what was typed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import HTMLResponse, RedirectResponse

from ledger.application.commands import (
    Actor,
    RegisterOrganisation,
    RegisterSite,
    UpdateOrganisation,
    UpdateSite,
)
from ledger.application.core import LedgerCore
from ledger.domain.errors import LedgerError
from ledger.domain.registry import ORGANISATION_KINDS, SITE_KINDS
from ledger.web.desk.admin import (
    administrator,
    checked,
    decimal_or_none,
    filiere_namer,
    ledger_administrator,
    refused,
    text_or_none,
)
from ledger.web.desk.context import Desk, DeskDep, desk_router

router = desk_router()

ORGANISATION_FORM = "admin_organisation.html"
SITE_FORM = "admin_site.html"


def organisation_values(record: dict[str, Any]) -> dict[str, str]:
    """A record as the form's fields hold it."""
    values = {k: "" if v is None else str(v) for k, v in record.items() if k != "kinds"}
    values.update({f"kind.{kind}": "1" for kind in record.get("kinds", [])})
    return values


def organisation_fields(desk: Desk) -> dict[str, Any]:
    return {
        "name": desk.value("name").strip(),
        "kinds": checked(desk, "kind", ORGANISATION_KINDS),
        "siret": text_or_none(desk, "siret"),
        "vat_number": text_or_none(desk, "vat_number"),
        "address": text_or_none(desk, "address"),
        "postal_code": text_or_none(desk, "postal_code"),
        "city": text_or_none(desk, "city"),
        "country": (text_or_none(desk, "country") or "FR").upper(),
    }


def organisation_form(desk: Desk, **context: Any) -> dict[str, Any]:
    return {
        "kinds": ORGANISATION_KINDS,
        "organisation": None,
        "sites": [],
        "filiere_name": filiere_namer(desk),
        **context,
    }


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations(desk: DeskDep) -> HTMLResponse:
    """The organisations this administrator manages (an organisation's admin: its own)."""
    actor = administrator(desk)
    found = [o for o in desk.ledger.organisations() if actor.administers(UUID(o["id"]))]
    return desk.render("admin_organisations.html", organisations=found)


@router.get("/admin/organisations/new", response_class=HTMLResponse)
def new_organisation(desk: DeskDep) -> HTMLResponse:
    ledger_administrator(desk)
    values = {"country": "FR"}
    return desk.render(ORGANISATION_FORM, values=values, **organisation_form(desk))


@router.post("/admin/organisations/new", response_model=None)
def create_organisation(desk: DeskDep) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    ledger_administrator(desk)
    try:
        command = RegisterOrganisation(**organisation_fields(desk))
        outcome = desk.ledger.register_organisation(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, ORGANISATION_FORM, error, **organisation_form(desk))
    return desk.redirect(f"/admin/organisations/{outcome.ref.id}", notice="admin.saved")


def managed_organisation(desk: Desk, actor: Actor, organisation_id: UUID) -> dict[str, Any]:
    """An organisation this administrator manages, or a refusal."""
    LedgerCore.require_admin_of(actor, organisation_id)
    return desk.ledger.organisation_json(organisation_id)


@router.get("/admin/organisations/{organisation_id}", response_class=HTMLResponse)
def edit_organisation(desk: DeskDep, organisation_id: UUID) -> HTMLResponse:
    """An organisation's details, to edit, and its sites."""
    actor = administrator(desk)
    record = managed_organisation(desk, actor, organisation_id)
    return desk.render(
        ORGANISATION_FORM,
        values=organisation_values(record),
        **organisation_form(desk, organisation=record, sites=desk.ledger.sites(organisation_id)),
    )


@router.post("/admin/organisations/{organisation_id}", response_model=None)
def update_organisation(desk: DeskDep, organisation_id: UUID) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    record = managed_organisation(desk, administrator(desk), organisation_id)
    context = organisation_form(desk, organisation=record, sites=desk.ledger.sites(organisation_id))
    try:
        command = UpdateOrganisation(organisation_fields(desk))
        desk.ledger.update_organisation(actor, organisation_id, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, ORGANISATION_FORM, error, **context)
    return desk.redirect(f"/admin/organisations/{organisation_id}", notice="admin.saved")


# -- sites -------------------------------------------------------------------------------------


def filieres(desk: Desk) -> list[str]:
    return sorted({material.filiere for material in desk.ledger.catalogue().all()})


def site_values(record: dict[str, Any], lang: str) -> dict[str, str]:
    values = {k: "" if v is None else str(v) for k, v in record.items() if k != "accepts_filieres"}
    for name in ("latitude", "longitude"):
        if lang == "fr":
            values[name] = values[name].replace(".", ",")
    values.update({f"accepts.{f}": "1" for f in record.get("accepts_filieres", [])})
    return values


def site_details(desk: Desk) -> dict[str, Any]:
    """What a site's admins may change: name, position, address, filières accepted."""
    return {
        "name": desk.value("name").strip(),
        "latitude": decimal_or_none(desk, "latitude"),
        "longitude": decimal_or_none(desk, "longitude"),
        "address": text_or_none(desk, "address"),
        "postal_code": text_or_none(desk, "postal_code"),
        "city": text_or_none(desk, "city"),
        "accepts_filieres": checked(desk, "accepts", filieres(desk)),
    }


def site_form(desk: Desk, organisation: dict[str, Any], **context: Any) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "site_kinds": SITE_KINDS,
        "filieres": filieres(desk),
        "site": None,
        "filiere_name": filiere_namer(desk),
        **context,
    }


@router.get("/admin/organisations/{organisation_id}/sites/new", response_class=HTMLResponse)
def new_site(desk: DeskDep, organisation_id: UUID) -> HTMLResponse:
    organisation = managed_organisation(desk, administrator(desk), organisation_id)
    values = {"country": "FR", "kind": "collection_point"}
    return desk.render(SITE_FORM, values=values, **site_form(desk, organisation))


@router.post("/admin/organisations/{organisation_id}/sites/new", response_model=None)
def create_site(desk: DeskDep, organisation_id: UUID) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    organisation = managed_organisation(desk, administrator(desk), organisation_id)
    try:
        command = RegisterSite(
            organisation_id=organisation_id,
            kind=desk.value("kind"),
            commune_insee=text_or_none(desk, "commune_insee"),
            country=(text_or_none(desk, "country") or "FR").upper(),
            **site_details(desk),
        )
        outcome = desk.ledger.register_site(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, SITE_FORM, error, **site_form(desk, organisation))
    return desk.redirect(f"/admin/sites/{outcome.ref.id}", notice="admin.saved")


def managed_site(desk: Desk, site_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    site = desk.ledger.site_json(site_id)
    organisation = managed_organisation(
        desk, administrator(desk), UUID(str(site["organisation_id"]))
    )
    return site, organisation


@router.get("/admin/sites/{site_id}", response_class=HTMLResponse)
def edit_site(desk: DeskDep, site_id: UUID) -> HTMLResponse:
    site, organisation = managed_site(desk, site_id)
    return desk.render(
        SITE_FORM, values=site_values(site, desk.lang), **site_form(desk, organisation, site=site)
    )


@router.post("/admin/sites/{site_id}", response_model=None)
def update_site(desk: DeskDep, site_id: UUID) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    site, organisation = managed_site(desk, site_id)
    try:
        command = UpdateSite(site_details(desk))
        desk.ledger.update_site(actor, site_id, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, SITE_FORM, error, **site_form(desk, organisation, site=site))
    return desk.redirect(f"/admin/sites/{site_id}", notice="admin.saved")
