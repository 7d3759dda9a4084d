"""The material catalogue, as the ledger's administrators extend and revise it.

Adding builds the command of ``POST /api/v1/materials``, editing the revision of ``PATCH
/api/v1/materials/{code}``: a material already used by batches keeps its filière, route and
heating values (the figures of past events read them), and the page says so.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse

from ledger.application.commands import DefineMaterial, ReviseMaterial
from ledger.domain.catalogue import FIGURE_FIELDS, ROUTES, Material
from ledger.domain.errors import InvalidInput, LedgerError, MaterialNotFound
from ledger.projections.batches import material_used
from ledger.web.desk.admin import (
    decimal_or_none,
    filiere_namer,
    ledger_administrator,
    refused,
    text_or_none,
    wait_for_views,
)
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.formats import number

router = desk_router()

MATERIAL_FORM = "admin_material.html"


def material_values(material: Material, lang: str) -> dict[str, str]:
    values = {k: "" if v is None else str(v) for k, v in material.to_dict().items()}
    for name in ("lhv_dry_mj_per_kg", "default_moisture_pct"):
        values[name] = number(getattr(material, name), 3, lang, trim=True)
    values["route"] = material.route or ""
    values["pop"] = "1" if material.pop else ""
    return values


def material_fields(desk: Desk) -> dict[str, Any]:
    """The form's values as a material's definition (the code apart)."""
    fields: dict[str, Any] = {
        "filiere": desk.value("filiere").strip(),
        "route": text_or_none(desk, "route"),
        "lhv_dry_mj_per_kg": decimal_or_none(desk, "lhv_dry_mj_per_kg"),
        "default_moisture_pct": decimal_or_none(desk, "default_moisture_pct"),
        "name_fr": desk.value("name_fr").strip(),
        "name_en": desk.value("name_en").strip(),
        "waste_code": text_or_none(desk, "waste_code"),
        "pop": bool(desk.value("pop")),
        "ewmfa_category": text_or_none(desk, "ewmfa_category"),
        "origin": text_or_none(desk, "origin"),
    }
    for name in ("lhv_dry_mj_per_kg", "default_moisture_pct"):
        if fields[name] is None:
            raise InvalidInput(f"{name} is required.", field=name)
    return fields


def form_context(desk: Desk, **context: Any) -> dict[str, Any]:
    filieres = sorted({m.filiere for m in desk.ledger.catalogue().all()})
    return {
        "routes": ROUTES,
        "filieres": filieres,
        "filiere_name": filiere_namer(desk),
        "material": None,
        "in_use": False,
        "figure_fields": FIGURE_FIELDS,
        **context,
    }


@router.get("/admin/materials", response_class=HTMLResponse)
def materials(desk: DeskDep) -> HTMLResponse:
    """Every material of the catalogue, with its names, route and defaults."""
    ledger_administrator(desk)
    catalogue = desk.ledger.catalogue(refresh=True).all()
    return desk.render(
        "admin_materials.html", materials=catalogue, filiere_name=filiere_namer(desk)
    )


@router.get("/admin/materials/new", response_class=HTMLResponse)
def new_material(desk: DeskDep) -> HTMLResponse:
    ledger_administrator(desk)
    values = {"filiere": "textile", "lhv_dry_mj_per_kg": "0", "default_moisture_pct": "0"}
    return desk.render(MATERIAL_FORM, values=values, **form_context(desk))


@router.post("/admin/materials/new", response_model=None)
def create_material(desk: DeskDep) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    ledger_administrator(desk)
    try:
        command = DefineMaterial(code=desk.value("code").strip(), **material_fields(desk))
        desk.ledger.define_material(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, MATERIAL_FORM, error, **form_context(desk))
    return desk.redirect(f"/admin/materials/{command.code}", notice="admin.saved")


def known_material(desk: Desk, code: str) -> tuple[Material, bool]:
    """The material and whether batches of it exist (the views caught up first)."""
    if code not in desk.ledger.catalogue(refresh=True):
        raise MaterialNotFound(f"No material '{code}' in the catalogue.", material=code)
    wait_for_views(desk)
    used = material_used(desk.request.app.state.views.db, code)
    return desk.ledger.material(code), used


@router.get("/admin/materials/{code}", response_class=HTMLResponse)
def edit_material(desk: DeskDep, code: str) -> HTMLResponse:
    ledger_administrator(desk)
    material, used = known_material(desk, code)
    context = form_context(desk, material=material, in_use=used)
    return desk.render(MATERIAL_FORM, values=material_values(material, desk.lang), **context)


@router.post("/admin/materials/{code}", response_model=None)
def revise_material(desk: DeskDep, code: str) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    ledger_administrator(desk)
    material, used = known_material(desk, code)
    context = form_context(desk, material=material, in_use=used)
    try:
        command = ReviseMaterial(code, material_fields(desk))
        desk.ledger.revise_material(actor, command, used, desk.idempotency())
    except LedgerError as error:
        return refused(desk, MATERIAL_FORM, error, **context)
    return desk.redirect(f"/admin/materials/{code}", notice="admin.saved")
