"""The EW-MFA table as CSV (DESIGN §8): one row per category and a total, ``;``-separated."""

from __future__ import annotations

import csv
import io
from typing import Any

FIGURES = ("de", "imp", "exp", "dmi", "dmc", "dpo", "bi", "bo", "nas")
COLUMNS = ("category", *(f"{f}_t" for f in FIGURES), *(f"{f}_gj" for f in FIGURES))


def accounts_csv(accounts: dict[str, Any]) -> str:
    """``MF4;0.000;12000.000;…``: tonnes and GJ with 3 decimals, a point for the decimals."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = [*accounts["categories"].items(), ("total", accounts["totals"])]
    for code, figures in rows:
        writer.writerow([code, *(f"{figures[column]:.3f}" for column in COLUMNS[1:])])
    return out.getvalue()
