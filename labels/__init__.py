"""Printable, scannable labels for bales and lots: codes, signed QR payloads, rendering.

A leaf library: it imports nothing from :mod:`ledger`.
"""

from __future__ import annotations

from labels.codes import (
    InvalidLabelCode,
    check_character,
    compact,
    generate_codes,
    is_valid,
    normalize,
)
from labels.label import EC_LEVEL, LabelContent
from labels.payload import label_url, parse_label_url, signature_for, verify_signature
from labels.render import render_png, render_svg
from labels.sheet import LAYOUTS, SheetLayout, render_sheet_pdf

__all__ = [
    "EC_LEVEL",
    "LAYOUTS",
    "InvalidLabelCode",
    "LabelContent",
    "SheetLayout",
    "check_character",
    "compact",
    "generate_codes",
    "is_valid",
    "label_url",
    "normalize",
    "parse_label_url",
    "render_png",
    "render_sheet_pdf",
    "render_svg",
    "signature_for",
    "verify_signature",
]
