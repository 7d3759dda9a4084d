"""What goes on a label and where: one geometry shared by the PNG, SVG and PDF renderers.

All lengths are millimetres from the label's top-left corner. Layout rules:

* nothing is inked within ``margin`` of the label edge (crop-safe: printer drift on label
  sheets, unprintable page borders, and scissors when printed on plain paper);
* the QR symbol sits on the left, vertically centred, as large as the height allows with its
  modules capped at ``margin / 4`` so that the mandatory 4-module quiet zone always fits in
  the margin, i.e. entirely on the label (a dark bale next to the label must not eat it);
* to its right, after the quiet zone and a small gap, the text column: the code in large
  bold monospace, the filière, then the material and ``mass · date`` once the label is bound
  to a lot, and at the bottom the host to type the code at if the QR is destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from reportlab.pdfbase.pdfmetrics import stringWidth

from labels.codes import CODE_LENGTH, GROUP, normalize
from labels.fonts import Role, pdf_font
from labels.qr import QRMatrix, qr_matrix

__all__ = ["EC_LEVEL", "LabelContent", "LabelGeometry", "TextSlot", "layout_label"]

# Error-correction level of every label QR; see labels.render for the rationale.
EC_LEVEL = "H"

# Advance width of a monospace glyph in em (DejaVu Sans Mono: 1233/2048; Courier: 0.6).
_MONO_ADVANCE = 0.61
# Ascent of capitals and digits in em, to put the code's cap line on the margin.
_CAP_HEIGHT = 0.73


@dataclass(frozen=True)
class LabelContent:
    """Everything printed on one label; values are strings so that callers format them.

    ``mass_kg`` is the number of kilograms as the caller wants it shown ("412,5"); the
    renderer appends " kg" unless the text already ends with a unit.
    """

    code: str
    url: str
    filiere: str | None = None
    material: str | None = None
    mass_kg: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class TextSlot:
    """One line of text: left edge, baseline, nominal em size and the width it may use."""

    role: Role
    text: str
    x: float
    baseline: float
    size: float
    max_width: float
    # How far renderers may shrink the text to fit before cutting it with an ellipsis.
    min_ratio: float = 0.75


@dataclass(frozen=True)
class LabelGeometry:
    """Positions of the QR symbol (top-left corner, module size) and the text lines."""

    width: float
    height: float
    margin: float
    qr: QRMatrix
    qr_x: float
    qr_y: float
    module: float
    texts: tuple[TextSlot, ...]


def _mass_and_date(content: LabelContent) -> str | None:
    parts: list[str] = []
    mass = (content.mass_kg or "").strip()
    if mass:
        parts.append(mass if mass[-1:].isalpha() else f"{mass} kg")
    if date := (content.date or "").strip():
        parts.append(date)
    return " · ".join(parts) or None


def _wrap(text: str | None, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap in at most ``max_lines`` lines; the last one keeps the rest (the
    renderers shrink or ellipsise whatever still does not fit)."""
    if not text or not text.strip():
        return []
    font = pdf_font("text")
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines - 1:
        line = words.pop(0)
        while words and stringWidth(f"{line} {words[0]}", font, size) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines.append(" ".join(words))
    return lines


def layout_label(
    content: LabelContent, width: float, height: float, margin: float
) -> LabelGeometry:
    """Place the content of one label of ``width`` x ``height`` mm (see module docstring).

    Raises :class:`labels.codes.InvalidLabelCode` if ``content.code`` is not a valid code:
    a label with a wrong code must never be printed.
    """
    code = normalize(content.code)
    qr = qr_matrix(content.url, EC_LEVEL)
    inner_h = height - 2 * margin
    module = min(inner_h / qr.size, margin / 4, 0.4 * width / qr.size)
    side = module * qr.size
    qr_x, qr_y = margin, margin + (inner_h - side) / 2

    x = qr_x + side + 4 * module + 0.04 * inner_h
    column = width - margin - x
    code_chars = CODE_LENGTH + CODE_LENGTH // GROUP - 1
    code_size = min(column / (code_chars * _MONO_ADVANCE), 0.2 * inner_h)
    # Secondary text scales with the height, but never so large that a usual line
    # ("412,5 kg · 2025-03-14", ~12 em) no longer fits the column.
    title_size = min(0.105 * inner_h, column / 10)
    text_size = min(0.09 * inner_h, column / 12.5)
    small_size = min(0.08 * inner_h, column / 14)

    baseline = margin + _CAP_HEIGHT * code_size
    slots = [TextSlot("code", code, x, baseline, code_size, column)]
    baseline += 0.2 * code_size + 0.05 * inner_h
    gap_size = title_size
    lines: list[tuple[Role, float, list[str]]] = [
        ("title", title_size, [f] if (f := (content.filiere or "").strip()) else []),
        ("text", text_size, _wrap(content.material, text_size, column, max_lines=2)),
        ("text", text_size, [t] if (t := _mass_and_date(content)) else []),
    ]
    for role, role_size, texts in lines:
        # A wrapped paragraph keeps one size: its last line is cut rather than shrunk.
        min_ratio = 0.75 if len(texts) == 1 else 1.0
        for text in texts:
            baseline += 0.35 * gap_size + 0.95 * role_size
            slots.append(TextSlot(role, text, x, baseline, role_size, column, min_ratio))
            gap_size = role_size

    host = urlsplit(content.url).hostname
    if host:
        # Lowercase descenders reach ~0.24 em below the baseline: keep them off the margin.
        bottom = height - margin - 0.25 * small_size
        slots.append(TextSlot("text", host, x, bottom, small_size, column))
    return LabelGeometry(width, height, margin, qr, qr_x, qr_y, module, tuple(slots))
