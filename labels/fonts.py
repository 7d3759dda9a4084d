"""Fonts for labels: DejaVu when installed (Debian ``fonts-dejavu-core``), else fallbacks.

Three roles: ``code`` (the label code, bold monospace: every symbol gets the same width and
stays distinct), ``title`` (bold sans) and ``text`` (sans). Lookup order: ``$LABELS_FONT_DIR``,
``labels/fonts/``, then the usual system directories. Without DejaVu, PNGs use Pillow's
bundled scalable font (which has no accented letters: see :func:`pil_text`) and PDFs the
standard Courier/Helvetica, so rendering never fails.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["Role", "fit_text", "font_path", "pdf_font", "pil_font", "pil_text", "svg_family"]

Role = Literal["code", "title", "text"]

_FILES: dict[Role, str] = {
    "code": "DejaVuSansMono-Bold.ttf",
    "title": "DejaVuSans-Bold.ttf",
    "text": "DejaVuSans.ttf",
}
_PDF_FALLBACK: dict[Role, str] = {
    "code": "Courier-Bold",
    "title": "Helvetica-Bold",
    "text": "Helvetica",
}
_SVG_FAMILY: dict[Role, tuple[str, str]] = {
    "code": ("'DejaVu Sans Mono', Menlo, Consolas, 'Courier New', monospace", "bold"),
    "title": ("'DejaVu Sans', Verdana, Arial, sans-serif", "bold"),
    "text": ("'DejaVu Sans', Verdana, Arial, sans-serif", "normal"),
}
_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


@cache
def font_path(role: Role) -> Path | None:
    """Return the TrueType file used for ``role``, or ``None`` when DejaVu is not found."""
    dirs = [os.environ.get("LABELS_FONT_DIR", ""), str(Path(__file__).with_name("fonts"))]
    for directory in [*dirs, *_SYSTEM_DIRS]:
        if directory and (candidate := Path(directory) / _FILES[role]).is_file():
            return candidate
    return None


@cache
def pil_font(role: Role, size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return a Pillow font whose em square is ``size_px`` pixels."""
    path = font_path(role)
    if path is not None:
        return ImageFont.truetype(str(path), size_px)
    return ImageFont.load_default(size=size_px)


def pil_text(role: Role, text: str) -> str:
    """Return ``text`` as it can be drawn with :func:`pil_font` for ``role``.

    Pillow's bundled fallback font has no accented letters: "é" would print as a box, so
    letters are stripped of their accents ("Bois énergie" -> "Bois energie") instead.
    """
    if font_path(role) is not None:
        return text
    folded = unicodedata.normalize("NFKD", text)
    return "".join(
        char if char.isascii() or char == "·" else "?"
        for char in folded
        if not unicodedata.combining(char)
    )


@cache
def pdf_font(role: Role) -> str:
    """Register (once) and return the reportlab font name used for ``role``."""
    path = font_path(role)
    if path is None:
        return _PDF_FALLBACK[role]
    name = f"Label-{path.stem}"
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def svg_family(role: Role) -> tuple[str, str]:
    """Return ``(font-family, font-weight)`` for an SVG ``<text>`` of ``role``."""
    return _SVG_FAMILY[role]


def fit_text(
    text: str,
    max_width: float,
    size: float,
    measure: Callable[[str, float], float],
    min_ratio: float = 0.75,
) -> tuple[str, float]:
    """Fit ``text`` in ``max_width``: shrink the size down to ``min_ratio`` of ``size``, then
    cut with an ellipsis. ``measure(text, size)`` returns the width in the same unit."""
    width = measure(text, size)
    if width <= max_width:
        return text, size
    smaller = max(size * min_ratio, size * max_width / width)
    if measure(text, smaller) <= max_width:
        return text, smaller
    while len(text) > 1 and measure(text + "…", smaller) > max_width:
        text = text[:-1].rstrip()
    return text + "…", smaller
