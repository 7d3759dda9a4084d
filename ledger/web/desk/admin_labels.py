"""Label codes, as administrators allocate them in blocks and print them on A4 sheets.

Allocating builds the command of ``POST /api/v1/labels``; a block's page previews its first
label and its first sheet, and sends the sheets as a PDF download, drawn by the same code as
``POST /api/v1/labels/sheet.pdf``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import HTMLResponse, RedirectResponse, Response

import labels
from ledger.api.routers.labels import MAX_CODES_PER_SHEET_REQUEST, sheet_footer
from ledger.application.commands import Actor
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.handlers.allocation import AllocateLabels
from ledger.domain.allocation import LabelBlock, LabelRegister
from ledger.domain.catalogue import FILIERES
from ledger.domain.errors import InvalidInput, LabelBlockNotFound, LedgerError
from ledger.web.desk.admin import administrator, filiere_namer, managed_organisation, refused
from ledger.web.desk.context import Desk, DeskDep, desk_router

router = desk_router()

LABELS_PAGE = "admin_labels.html"
NO_STORE = {"Cache-Control": "no-store"}
RECENT_BLOCKS = 10


def labels_context(desk: Desk, actor: Actor, holder: UUID) -> dict[str, Any]:
    organisations = [o for o in desk.ledger.organisations() if actor.administers(UUID(o["id"]))]
    register = UnitOfWork(desk.ledger).get(LabelRegister.create_id(holder), LabelRegister)
    recent = list(reversed(register.blocks))[:RECENT_BLOCKS] if register else []
    return {
        "organisations": organisations,
        "holder": desk.ledger.organisation_json(holder),
        "filieres": FILIERES,
        "filiere_name": filiere_namer(desk),
        "blocks": [block for block in (find_block(desk, b) for b in recent) if block],
    }


def find_block(desk: Desk, block_id: UUID) -> LabelBlock | None:
    return UnitOfWork(desk.ledger).get(block_id, LabelBlock)


@router.get("/admin/labels", response_class=HTMLResponse)
def labels_page(desk: DeskDep, organisation_id: str = "") -> HTMLResponse:
    """Allocate a block of label codes for an organisation; its recent blocks."""
    actor = administrator(desk)
    holder = managed_organisation(actor, organisation_id)
    values = {"count": "24", "organisation_id": str(holder), "filiere": "textile"}
    return desk.render(LABELS_PAGE, values=values, **labels_context(desk, actor, holder))


@router.post("/admin/labels", response_model=None)
def allocate(desk: DeskDep) -> HTMLResponse | RedirectResponse:
    actor = desk.writer()
    administrator(desk)
    holder = managed_organisation(actor, desk.value("organisation_id"))
    try:
        count = whole_number(desk.value("count"), "count")
        command = AllocateLabels(count, holder, desk.value("filiere") or None)
        outcome = desk.ledger.allocate_labels(actor, command, desk.idempotency())
    except LedgerError as error:
        return refused(desk, LABELS_PAGE, error, **labels_context(desk, actor, holder))
    return desk.redirect(f"/admin/labels/blocks/{outcome.ref.id}", notice="admin.labels.allocated")


def whole_number(text: str, name: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 6:
        raise InvalidInput(f"{name} is a whole number.", field=name)
    return int(text)


def managed_block(desk: Desk, block_id: UUID) -> LabelBlock:
    block = find_block(desk, block_id)
    if block is None:
        raise LabelBlockNotFound(f"No block of labels {block_id}.", block_id=str(block_id))
    LedgerCore.require_admin_of(administrator(desk), block.holder_id)
    return block


def block_context(desk: Desk, block: LabelBlock) -> dict[str, Any]:
    return {
        "block": block,
        "holder": desk.ledger.organisation_json(block.holder_id),
        "layouts": labels.LAYOUTS,
        "filiere_name": filiere_namer(desk),
        "most": min(len(block.codes), MAX_CODES_PER_SHEET_REQUEST),
    }


@router.get("/admin/labels/blocks/{block_id}", response_class=HTMLResponse)
def block_page(desk: DeskDep, block_id: UUID) -> HTMLResponse:
    """A block's codes, a preview of its first label, and the form that prints its sheets."""
    block = managed_block(desk, block_id)
    values = {"layout": "3x8", "count": str(min(len(block.codes), MAX_CODES_PER_SHEET_REQUEST))}
    return desk.render("admin_label_block.html", values=values, **block_context(desk, block))


@router.get("/admin/labels/blocks/{block_id}/first.svg")
def first_label(desk: DeskDep, block_id: UUID) -> Response:
    """The block's first label, as it prints (SVG, 1 unit = 1 mm)."""
    block = managed_block(desk, block_id)
    svg = labels.render_svg(desk.ledger.label_content(block.codes[0]))
    return Response(svg, media_type="image/svg+xml", headers=NO_STORE)


@router.post("/admin/labels/blocks/{block_id}/sheet.pdf", response_model=None)
def sheet(desk: DeskDep, block_id: UUID) -> Response:
    """The block's first ``count`` labels on A4 sheets of the chosen layout, downloaded."""
    desk.writer()  # the form's own: a page cannot be made to send it
    block = managed_block(desk, block_id)
    try:
        layout = desk.value("layout")
        if layout not in labels.LAYOUTS:
            raise InvalidInput(f"layout must be one of {', '.join(labels.LAYOUTS)}.")
        count = whole_number(desk.value("count"), "count")
        if not 1 <= count <= min(len(block.codes), MAX_CODES_PER_SHEET_REQUEST):
            raise InvalidInput("count is between 1 and the codes of the block.", field="count")
    except LedgerError as error:
        return refused(desk, "admin_label_block.html", error, **block_context(desk, block))
    contents = [desk.ledger.label_content(code) for code in block.codes[:count]]
    pdf = labels.render_sheet_pdf(
        contents, layout, footer=sheet_footer(desk.ledger), outlines=bool(desk.value("outlines"))
    )
    name = f"labels-{block.codes[0]}-{layout}.pdf"
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
