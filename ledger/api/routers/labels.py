"""Label codes: allocation in blocks, look-up, and printing (PNG, SVG, A4 sheets)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

import labels
from ledger.api.deps import ActorDep, IdempotencyDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES
from ledger.api.routers._respond import respond
from ledger.api.schemas import Body
from ledger.application.handlers.allocation import AllocateLabels
from ledger.application.ledger import Ledger
from ledger.audit.chain import chain_head
from ledger.domain.allocation import MAX_CODES_PER_BLOCK
from ledger.domain.errors import InvalidInput
from ledger.projections.db import ViewDatabase

router = APIRouter(tags=["labels"], responses=ERROR_RESPONSES)

MAX_CODES_PER_SHEET_REQUEST = 480  # 20 pages of 3x8, about 3 s of rendering
CHAIN_HEAD_PENDING = "not yet available"


class LabelAllocationCreate(Body):
    count: int = Field(ge=1, le=MAX_CODES_PER_BLOCK, description="How many codes to print.")
    organisation_id: UUID | None = Field(
        default=None, description="Who the labels are for (admin only); the caller's by default."
    )
    filiere: str | None = Field(
        default=None,
        description="textile, wood or flax: printed on the labels, and what a "
        "collector's phone offers when the label is scanned.",
    )


class LabelAllocationPublic(BaseModel):
    block_id: UUID
    codes: list[str]


class LabelStatus(BaseModel):
    code: str
    batch_id: UUID | None
    allocated: bool
    organisation_id: UUID | None = Field(description="The organisation the label was printed for.")
    filiere: str | None


class SheetCreate(Body):
    codes: list[str] = Field(min_length=1, max_length=MAX_CODES_PER_SHEET_REQUEST)
    layout: str = Field(default="3x8", description="3x8 (70 x 37 mm) or 2x5 (105 x 57 mm)")
    outlines: bool = Field(default=False, description="Cutting lines, for plain paper.")


@router.post("/labels", status_code=201, response_model=LabelAllocationPublic)
def allocate(
    body: LabelAllocationCreate, ledger: LedgerDep, actor: WriterDep, idem: IdempotencyDep
) -> JSONResponse:
    """Allocate fresh, unbound label codes for printing; an unused label costs nothing."""
    outcome = ledger.allocate_labels(actor, AllocateLabels(**body.model_dump()), idem)
    return respond(
        outcome,
        lambda o: {"block_id": o.ref.id, "codes": ledger.label_block_codes(UUID(o.ref.id))},
    )


@router.post(
    "/labels/sheet.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "A4 label sheets."}},
)
def sheet(body: SheetCreate, ledger: LedgerDep, _: ActorDep) -> Response:
    """A4 sheets of labels for known codes (allocated or bound), filled row by row."""
    if body.layout not in labels.LAYOUTS:
        raise InvalidInput(f"layout must be one of {', '.join(labels.LAYOUTS)}.")
    contents = [ledger.label_content(code) for code in dict.fromkeys(body.codes)]
    pdf = labels.render_sheet_pdf(
        contents, body.layout, footer=sheet_footer(ledger), outlines=body.outlines
    )
    return Response(pdf, media_type="application/pdf", headers=no_store())


@router.get(
    "/labels/{code}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "One 70 x 37 mm label."}},
)
def label_png(
    code: str,
    ledger: LedgerDep,
    _: ActorDep,
    dpi: Annotated[int, Query(ge=72, le=600)] = 300,
) -> Response:
    """One label as a PNG (greyscale, 300 dpi by default)."""
    png = labels.render_png(ledger.label_content(code), dpi=dpi)
    return Response(png, media_type="image/png", headers=no_store())


@router.get(
    "/labels/{code}.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "One 70 x 37 mm label."}},
)
def label_svg(code: str, ledger: LedgerDep, _: ActorDep) -> Response:
    """One label as an SVG document (1 user unit = 1 mm)."""
    svg = labels.render_svg(ledger.label_content(code))
    return Response(svg, media_type="image/svg+xml", headers=no_store())


@router.get("/labels/{code}", response_model=LabelStatus)
def get_label(code: str, ledger: LedgerDep, _: ActorDep) -> dict[str, Any]:
    """Which batch carries this label code; an allocated label not yet used has batch_id null."""
    return ledger.label_status(code)


def sheet_footer(ledger: Ledger) -> str:
    """The footer of every sheet: the head of the ledger's hash chain, so that a printed sheet
    can later be checked against the ledger as it was."""
    db = ViewDatabase(ledger.settings)
    try:
        head = chain_head(db)
    finally:
        db.close()
    return f"chain head: {head or CHAIN_HEAD_PENDING}"


def no_store() -> dict[str, str]:
    """Label images change when their batch is bound or corrected: never cache them."""
    return {"Cache-Control": "no-store"}
