"""Render labels as PNG (Pillow) or SVG; A4 sheets as PDF live in :mod:`labels.sheet`.

Error correction: level H (about 30 % of the codewords can be restored). Labels live on
dirty, crumpled, rained-on bales, and damage comes in *regions*: a blob covering 20 % of the
symbol damages more than 20 % of the codewords, since those straddling its edge count too.
For a ~45-character URL, H needs version 6 (41 modules) where Q fits version 4 (33
modules), so H modules are 20 % smaller: still 0.68 mm on a 70 x 36 mm label, plenty for a
phone at arm's length. Measured (``bench/labels.py``): with an opaque disc over 20 % of the
symbol, Q decodes at 0 of 96 positions, H at about two thirds of them, including the
centre; translucent dirt over 20 % decodes everywhere with H.

A single label is 70 x 37 mm with a 4 mm crop-safe margin (see :mod:`labels.label`). The
QR quiet zone of 4 modules is kept; in the PNG, modules are snapped to whole pixels so
every module has the same width.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw
from reportlab.pdfbase.pdfmetrics import stringWidth

from labels.fonts import Role, fit_text, pdf_font, pil_font, pil_text, svg_family
from labels.label import EC_LEVEL, LabelContent, LabelGeometry, layout_label
from labels.sheet import LAYOUTS, SheetLayout, render_sheet_pdf

__all__ = [
    "EC_LEVEL",
    "LABEL_HEIGHT_MM",
    "LABEL_MARGIN_MM",
    "LABEL_WIDTH_MM",
    "LAYOUTS",
    "LabelContent",
    "SheetLayout",
    "render_png",
    "render_sheet_pdf",
    "render_svg",
]

LABEL_WIDTH_MM = 70.0
LABEL_HEIGHT_MM = 37.0
LABEL_MARGIN_MM = 4.0
# Bytes for light and dark modules in a greyscale image row.
_TO_PIXELS = bytes.maketrans(b"01", b"\xff\x00")


def _geometry(content: LabelContent) -> LabelGeometry:
    return layout_label(content, LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM)


def _paste_qr(image: Image.Image, geometry: LabelGeometry, px_per_mm: float) -> None:
    qr = geometry.qr
    module_px = max(1, int(geometry.module * px_per_mm))
    side = module_px * qr.size
    # Centre the pixel-snapped symbol on the exact one, so the quiet zone only grows.
    centre_x = (geometry.qr_x + geometry.module * qr.size / 2) * px_per_mm
    centre_y = (geometry.qr_y + geometry.module * qr.size / 2) * px_per_mm
    rows = b"".join(format(bits, f"0{qr.size}b").encode().translate(_TO_PIXELS) for bits in qr.rows)
    symbol = Image.frombytes("L", (qr.size, qr.size), rows)
    symbol = symbol.resize((side, side), Image.Resampling.NEAREST)
    image.paste(symbol, (round(centre_x - side / 2), round(centre_y - side / 2)))


def render_png(content: LabelContent, dpi: int = 300) -> bytes:
    """Render one 70 x 37 mm label as a greyscale PNG at ``dpi`` (dpi stored in the file)."""
    if dpi < 50:
        raise ValueError(f"dpi must be at least 50 (got {dpi})")
    geometry = _geometry(content)
    px = dpi / 25.4
    image = Image.new("L", (round(geometry.width * px), round(geometry.height * px)), 255)
    _paste_qr(image, geometry, px)
    draw = ImageDraw.Draw(image)
    for slot in geometry.texts:

        def measure(text: str, size: float, role: Role = slot.role) -> float:
            return float(pil_font(role, max(1, round(size))).getlength(text))

        text, size = fit_text(
            pil_text(slot.role, slot.text),
            slot.max_width * px,
            slot.size * px,
            measure,
            slot.min_ratio,
        )
        font = pil_font(slot.role, max(1, round(size)))
        draw.text((slot.x * px, slot.baseline * px), text, font=font, fill=0, anchor="ls")
    out = io.BytesIO()
    # Level 1 compresses these two-tone images almost as well as 6, several times faster.
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return out.getvalue()


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def render_svg(content: LabelContent) -> str:
    """Render one 70 x 37 mm label as a standalone SVG document (user unit = 1 mm).

    The QR symbol is a single ``<path>`` of one-module-high rectangles in module units
    (``transform`` places and scales it), drawn with ``shape-rendering="crispEdges"``.
    """
    g = _geometry(content)
    runs = "".join(f"M{col} {row}h{length}v1h-{length}z" for row, col, length in g.qr.runs())
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{_num(g.width)}mm" height="{_num(g.height)}mm" '
        f'viewBox="0 0 {_num(g.width)} {_num(g.height)}">',
        f"<title>{escape(g.texts[0].text)}</title>",
        f'<rect width="{_num(g.width)}" height="{_num(g.height)}" fill="#fff"/>',
        f'<path fill="#000" shape-rendering="crispEdges" '
        f'transform="translate({_num(g.qr_x)} {_num(g.qr_y)}) scale({_num(g.module)})" '
        f'd="{runs}"/>',
    ]
    for slot in g.texts:
        font = pdf_font(slot.role)

        def measure(text: str, size: float, font: str = font) -> float:
            return float(stringWidth(text, font, size))

        text, size = fit_text(slot.text, slot.max_width, slot.size, measure, slot.min_ratio)
        family, weight = svg_family(slot.role)
        extra = ""
        if slot.role == "code":
            # Pin the code's width whatever monospace font the viewer substitutes.
            extra = f' textLength="{_num(measure(text, size))}" lengthAdjust="spacing"'
        parts.append(
            f'<text x="{_num(slot.x)}" y="{_num(slot.baseline)}" font-family={quoteattr(family)} '
            f'font-weight="{weight}" font-size="{_num(size)}" fill="#000"{extra}>'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
