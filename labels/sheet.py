"""A4 sheets of labels as PDF (reportlab), vector all the way.

Each QR symbol is one filled path of one-module-high rectangles written in module units
under a scaling matrix: a few kilobytes per label, no embedded images, sharp at any printer
resolution, and no seams between modules (one path is filled as a whole). 1,000 labels take
a few seconds (``bench/labels.py``).

Layouts follow common A4 label stocks. ``3x8`` uses 70 x 36 mm cells with 4.5 mm top and
bottom page margins rather than the edge-to-edge 70 x 37 mm stock: that leaves room for
the footer, which would otherwise land on the last row of labels. Label content keeps a
crop-safe margin (4 mm on ``3x8``, 5 mm on ``2x5``), which also clears the unprintable
border of most office printers on the cells along the page edge.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.fonts import fit_text, pdf_font
from labels.label import LabelContent, LabelGeometry, layout_label

__all__ = ["LAYOUTS", "SheetLayout", "render_sheet_pdf"]

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
FOOTER_SIZE_PT = 6.5


@dataclass(frozen=True)
class SheetLayout:
    """Geometry of an A4 label sheet, in millimetres from the page's top-left corner."""

    name: str
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float
    top: float
    column_pitch: float
    row_pitch: float
    margin: float
    description: str

    @property
    def per_page(self) -> int:
        """Number of labels on one sheet."""
        return self.columns * self.rows

    def cell_origin(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y) in mm of the ``index``-th cell of a page, row by row."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * self.column_pitch, self.top + row * self.row_pitch

    @property
    def bottom_space(self) -> float:
        """Height in mm of the free strip under the last row, where the footer goes."""
        return PAGE_HEIGHT_MM - self.top - (self.rows - 1) * self.row_pitch - self.label_height


LAYOUTS: dict[str, SheetLayout] = {
    "3x8": SheetLayout(
        "3x8", 3, 8, 70.0, 36.0, 0.0, 4.5, 70.0, 36.0, 4.0,
        "24 labels of 70 x 36 mm, no gaps (e.g. Avery 3475)",
    ),
    "2x5": SheetLayout(
        "2x5", 2, 5, 99.1, 57.0, 4.65, 6.0, 101.6, 57.0, 5.0,
        "10 labels of 99.1 x 57 mm (e.g. Avery L7173)",
    ),
}  # fmt: skip


def _draw_label(canvas: Canvas, geometry: LabelGeometry, x: float, y: float) -> None:
    """Draw one label whose top-left corner is at (x, y) mm from the page's top-left."""
    qr = geometry.qr
    canvas.saveState()
    # Module units, y pointing down: rectangle operands become small integers.
    canvas.translate((x + geometry.qr_x) * mm, (PAGE_HEIGHT_MM - y - geometry.qr_y) * mm)
    canvas.scale(geometry.module * mm, -geometry.module * mm)
    ops = [f"{col} {row} {length} 1 re" for row, col, length in qr.runs()]
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    for slot in geometry.texts:
        font = pdf_font(slot.role)

        def measure(text: str, size: float, font: str = font) -> float:
            return float(stringWidth(text, font, size))

        text, size = fit_text(
            slot.text, slot.max_width * mm, slot.size * mm, measure, slot.min_ratio
        )
        canvas.setFont(font, size)
        canvas.drawString((x + slot.x) * mm, (PAGE_HEIGHT_MM - y - slot.baseline) * mm, text)


def _draw_footer(canvas: Canvas, layout: SheetLayout, footer: str, page: int, pages: int) -> None:
    font = pdf_font("text")
    baseline = max(layout.bottom_space / 2 - 0.9, 1.0) * mm
    counter = f"{page}/{pages}"
    left, right = 10 * mm, (PAGE_WIDTH_MM - 10) * mm
    room = right - left - stringWidth(counter, font, FOOTER_SIZE_PT) - 5 * mm

    def measure(text: str, size: float) -> float:
        return float(stringWidth(text, font, size))

    text, size = fit_text(footer, room, FOOTER_SIZE_PT, measure)
    canvas.setFont(font, size)
    canvas.drawString(left, baseline, text)
    canvas.setFont(font, FOOTER_SIZE_PT)
    canvas.drawRightString(right, baseline, counter)


def _draw_outline(canvas: Canvas, layout: SheetLayout, x: float, y: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.25)
    canvas.setStrokeGray(0.75)
    bottom = (PAGE_HEIGHT_MM - y - layout.label_height) * mm
    canvas.rect(x * mm, bottom, layout.label_width * mm, layout.label_height * mm)
    canvas.restoreState()


def render_sheet_pdf(
    contents: Sequence[LabelContent],
    layout: str = "3x8",
    footer: str | None = None,
    *,
    outlines: bool = False,
) -> bytes:
    """Render labels on A4 sheets, filling cells row by row and adding pages as needed.

    ``footer`` (e.g. the ledger's hash-chain head) is printed small at the bottom of every
    page, followed by the page number. ``outlines`` draws hairline cell borders, for
    printing on plain paper and cutting by hand. The PDF is deterministic (no timestamps).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if not contents:
        raise ValueError("no labels to render")
    sheet = LAYOUTS[layout]
    pages = -(-len(contents) // sheet.per_page)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(f"Labels ({len(contents)}, {sheet.name})")
    for page, first in enumerate(range(0, len(contents), sheet.per_page), start=1):
        for index, content in enumerate(contents[first : first + sheet.per_page]):
            x, y = sheet.cell_origin(index)
            geometry = layout_label(content, sheet.label_width, sheet.label_height, sheet.margin)
            _draw_label(canvas, geometry, x, y)
            if outlines:
                _draw_outline(canvas, sheet, x, y)
        if footer is not None:
            _draw_footer(canvas, sheet, footer, page, pages)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
