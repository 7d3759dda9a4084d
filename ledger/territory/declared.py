"""Declared flows of a year as the ledger knew them at a time: each flow's last version recorded by
then, summed by what the accounts look at (territory, direction, category, partner, source…).
As recorded now, the view's running sums of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.projections.db import ViewDatabase


@dataclass(frozen=True)
class DeclaredGroup:
    """Declared flows of one territory that look alike to the accounts, summed."""

    territory: str
    direction: str
    category: str
    partner: str | None
    carrier: bool
    source: str
    quality: str
    flows: int
    mass_g: int
    energy_kj: int  # of the flows that gave their energy
    mass_without_energy_g: int  # of the flows that did not: the category's default applies


GROUP_COLUMNS = "f.territory, f.direction, f.category, f.partner, f.carrier, f.source, f.quality"


def declared_groups(
    db: ViewDatabase, codes: list[str], year: int, horizon: str | None = None
) -> list[DeclaredGroup]:
    """The year's declared flows of these territories, as last corrected (by ``horizon``)."""
    if not codes:
        return []
    marks = ", ".join("?" * len(codes))
    sums = (
        f"SELECT {GROUP_COLUMNS}, COUNT(*), SUM(f.mass_g), SUM(COALESCE(f.energy_kj, 0)), "
        "SUM(CASE WHEN f.energy_kj IS NULL THEN f.mass_g ELSE 0 END) "
    )
    if horizon is None:
        statement = (
            f"SELECT {GROUP_COLUMNS}, f.flows, f.mass_g, f.energy_kj, f.bare_g "
            f"FROM view_declared_sums f WHERE f.year = ? AND f.territory IN ({marks}) "
            "AND f.flows > 0"
        )
        return [group(row) for row in db.query(statement, [year, *codes])]
    statement = (
        f"{sums}FROM view_declared_flows f JOIN (SELECT flow_id, MAX(version) AS version "
        f"FROM view_declared_flows WHERE territory IN ({marks}) AND recorded_at <= ? "
        "GROUP BY flow_id) last ON last.flow_id = f.flow_id AND last.version = f.version "
        f"WHERE f.year = ? GROUP BY {GROUP_COLUMNS}"
    )
    return [group(row) for row in db.query(statement, [*codes, horizon, year])]


def group(row: tuple[Any, ...]) -> DeclaredGroup:
    territory, direction, category, partner, carrier, source, quality, *sums = row
    flows, mass, energy, bare = (int(x or 0) for x in sums)
    return DeclaredGroup(
        str(territory), str(direction), str(category), partner or None, bool(carrier), str(source),
        str(quality), flows, mass, energy, bare,
    )  # fmt: skip


def declared_flow_rows(
    db: ViewDatabase, code: str, year: int | None = None, horizon: str | None = None
) -> list[dict[str, Any]]:
    """A territory's declared flows one by one (their last version by ``horizon``)."""
    recorded, params = "", [code]
    if horizon is not None:
        recorded, params = " AND recorded_at <= ?", [*params, horizon]
    year_filter = "" if year is None else " AND f.year = ?"
    columns = (
        "flow_id", "version", "recorded_at", "year", "direction", "category", "mass_g",
        "energy_kj", "partner", "output_to", "energy_carrier", "carrier", "source", "quality",
        "note",
    )  # fmt: skip
    statement = (
        f"SELECT {', '.join('f.' + c for c in columns)} FROM view_declared_flows f "
        "JOIN (SELECT flow_id, MAX(version) AS version FROM view_declared_flows "
        f"WHERE territory = ?{recorded} GROUP BY flow_id) last "
        f"ON last.flow_id = f.flow_id AND last.version = f.version WHERE 1 = 1{year_filter} "
        "ORDER BY f.year, f.category, f.direction, f.flow_id"
    )
    rows = db.query(statement, [*params, *([] if year is None else [year])])
    return [dict(zip(columns, row, strict=True)) for row in rows]
