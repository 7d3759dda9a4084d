"""The correction page of a batch: choose one of its events, correct its mass, material or time
with a reason, see what will change, then save (``POST /api/v1/batches/{id}/corrections``).

Opened from the label card (``/l/{code}``) and the desk batch page (``/audit/batch/{id}``) by
those who may correct the batch: field roles and supervisors of the organisation that holds it
(or to which it is on its way). The form is posted twice: "show what changes" works the
correction out on the batch without saving it; "save" saves exactly what was shown (a changed
field shows the preview again instead).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import Response

from ledger.api.errors import STATUS_BY_KIND
from ledger.application.commands import Correct
from ledger.domain.errors import InvalidInput, LedgerError, OrganisationNotAllowed
from ledger.projections.db import ViewDatabase
from ledger.web.desk import formats
from ledger.web.desk.as_of import recording_time
from ledger.web.desk.audit_batch import batch_facts, correction_details
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.correction_effects import effects_of, figures_then_and_now
from ledger.web.desk.names import Names

router = desk_router()
ROLES = ("collector", "sorter", "transporter", "outlet", "supervisor")
FIELDS = ("corrects_version", "mass_kg", "material", "occurred_at", "reason")
MASS_EVENTS = ("Collected", "Produced", "Weighed", "Received", "Valorised")
MATERIAL_EVENTS = ("Collected", "Produced")


def views(desk: Desk) -> ViewDatabase:
    db: ViewDatabase = desk.request.app.state.views.db
    return db


def event_rows(history: list[dict[str, Any]], names: Names) -> list[dict[str, Any]]:
    """The events a correction may name (corrections themselves are not corrected)."""
    rows = []
    for entry in history:
        kind = str(entry["type"])
        if kind == "Corrected":
            continue
        mass = entry["payload"].get("mass_kg") if kind in MASS_EVENTS else None
        rows.append(
            {
                "seq": entry["seq"],
                "what": names.words(f"audit.event.{kind}", kind),
                "occurred": formats.moment(entry["occurred_at"], names.lang),
                "mass": formats.kg(mass, names.lang) if mass is not None else "",
                "corrected": bool(entry["corrected_by"]),
                "takes": "mass material" if kind in MATERIAL_EVENTS else "mass" if mass else "",
            }
        )
    return rows


def materials(desk: Desk, filiere: str | None) -> list[tuple[str, str]]:
    names = Names(desk.ledger, desk.lang)
    found = [m for m in desk.ledger.catalogue().all() if filiere is None or m.filiere == filiere]
    return sorted(((m.code, names.material(m.code)) for m in found), key=lambda p: p[1])


def command_of(desk: Desk) -> Correct:
    """The posted correction, or ``invalid_input`` naming the field that does not read."""
    try:
        version = int(desk.value("corrects_version"))
    except ValueError:
        raise InvalidInput("Choose the event to correct.", field="corrects_version") from None
    mass_text = desk.value("mass_kg").strip().replace("\u202f", "").replace(" ", "")
    try:
        mass = Decimal(mass_text.replace(",", ".")) if mass_text else None
    except InvalidOperation:
        raise InvalidInput("The mass is a number of kilograms.", field="mass_kg") from None
    material = desk.value("material").strip() or None
    occurred_at = recording_time(desk.value("occurred_at"))
    return Correct(version, desk.value("reason"), mass, material, occurred_at)


def digest(desk: Desk) -> str:
    """What the preview showed, so that "save" saves that and nothing else."""
    text = "\x1f".join(desk.value(name).strip() for name in FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def page(desk: Desk, batch_id: UUID, status: int = 200, **values: Any) -> Response:
    ledger, names = desk.ledger, Names(desk.ledger, desk.lang)
    batch, history = ledger.batch(batch_id), ledger.history(batch_id)
    form = {name: desk.value(name) for name in FIELDS}
    chosen = values.pop("version", None)
    shown = {"saved": None, "saved_of": None, "after": None, "effects": None, "previewed": ""}
    shown["problem"] = ""
    values = {**shown, **values}
    if chosen is not None:
        form["corrects_version"] = str(chosen)
    return desk.render(
        "corrections.html",
        status=status,
        batch_id=str(batch_id),
        batch=batch_facts(batch, names),
        label_code=batch.get("label_code"),
        events=event_rows(history, names),
        materials=materials(desk, batch.get("filiere")),
        form=form,
        **values,
    )


def check_may_correct(desk: Desk, batch_id: UUID) -> None:
    actor = desk.require(*ROLES)
    if not desk.ledger.may_correct(actor, batch_id):
        desk.ledger.batch(batch_id)  # an unknown batch says so first
        raise OrganisationNotAllowed(
            "This batch is held by another organisation.", batch_id=str(batch_id)
        )


@router.get("/batches/{batch_id}/correct")
def correction_page(
    batch_id: UUID,
    desk: DeskDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    saved: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    """The batch's events and the correction form; after saving, what the correction changed."""
    check_may_correct(desk, batch_id)
    if saved is None:
        return page(desk, batch_id, version=version)
    names = Names(desk.ledger, desk.lang)
    history = desk.ledger.history(batch_id)
    done = next((e for e in history if e["seq"] == saved and e["type"] == "Corrected"), None)
    if done is None:
        return page(desk, batch_id, version=version)
    upto = [e for e in history if e["seq"] <= saved]
    batch = desk.ledger.batch(batch_id)
    return page(
        desk,
        batch_id,
        saved=correction_details(done["payload"], names),
        saved_of=done["payload"].get("corrects_version"),
        after=figures_then_and_now(views(desk), batch, upto, names),
    )


@router.post("/batches/{batch_id}/correct")
def correct(batch_id: UUID, desk: DeskDep) -> Response:
    """Show what the correction changes, or save what was shown."""
    actor = desk.writer()
    check_may_correct(desk, batch_id)
    ledger, names = desk.ledger, Names(desk.ledger, desk.lang)
    try:
        cmd = command_of(desk)
        if desk.value("step") == "save" and desk.value("previewed") == digest(desk):
            outcome = ledger.correct(actor, batch_id, cmd, desk.idempotency())
            if outcome.position is not None:
                desk.request.app.state.views.wait_for(outcome.position)
            path = f"/batches/{batch_id}/correct?saved={outcome.ref.version}"
            return desk.redirect(path, notice="corrections.saved")
        preview = ledger.preview_correction(actor, batch_id, cmd)
    except LedgerError as error:
        status = STATUS_BY_KIND[error.kind]
        return page(desk, batch_id, status=status, problem=desk.error_text(error))
    effects = effects_of(views(desk), preview, ledger.history(batch_id), names)
    return page(desk, batch_id, effects=effects, previewed=digest(desk))
