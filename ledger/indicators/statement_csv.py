"""The Refashion statement as CSV: one ``field,value`` row per figure, for spreadsheets."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

ORDER = (
    "organisation_id",
    "organisation_name",
    "period",
    "from",
    "to",
    "year",
    "sorted_input_tonnes",
    "tonnes",
    "rates_eur_per_tonne",
    "support_cents",
    "recycling_rate",
    "recycling_objective",
    "recycling_ok",
    "insertion_share",
    "insertion_minimum",
    "insertion_ok",
    "chain_head",
    "position",
)


def statement_csv(statement: dict[str, Any]) -> str:
    """``tonnes.recycling,12.5``: nested figures flattened with a dot, empty for null."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["field", "value"])
    for key in ORDER:
        value = statement[key]
        if isinstance(value, dict):
            writer.writerows([f"{key}.{part}", cell(v)] for part, v in value.items())
        else:
            writer.writerow([key, cell(value)])
    return out.getvalue()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):f}"  # 1e-06 t reads 0.000001
    return str(value)
