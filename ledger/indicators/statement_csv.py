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
    "as_of",
    "declared",
)


def statement_csv(statement: dict[str, Any]) -> str:
    """``tonnes.recycling,12.5``: nested figures flattened with a dot, empty for null."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["field", "value"])
    for key in ORDER:
        value = statement.get(key)
        if isinstance(value, dict):
            writer.writerows([f"{key}.{part}", cell(v)] for part, v in value.items())
        else:
            writer.writerow([key, cell(value)])
    for change in statement.get("changes_to_declared_periods") or []:
        prefix = f"changes.{change['period']}"
        writer.writerow([f"{prefix}.after_position", change["after_position"]])
        writer.writerow([f"{prefix}.sorted_input_kg", cell(change["sorted_input_kg"])])
        writer.writerows([f"{prefix}.tonnes.{r}", cell(t)] for r, t in change["tonnes"].items())
        writer.writerows(
            [f"{prefix}.support_cents.{line}", c] for line, c in change["support_cents"].items()
        )
        writer.writerow([f"{prefix}.events", len(change["events"])])
    return out.getvalue()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):f}"  # 1e-06 t reads 0.000001
    return str(value)
