"""Circularity of sorting: sorted input, outputs by the route declared at sorting, loss (§5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from ledger.indicators.numbers import kg, share
from ledger.indicators.periods import Period
from ledger.indicators.views import ROUTES, Filters, flows_of, views_position
from ledger.projections.db import ViewDatabase

SORTING_SQL = """
SELECT kind, route, SUM(mass_g) FROM {flows} f
WHERE {where}
GROUP BY kind, route
"""


@dataclass(frozen=True)
class Scope:
    """Whose sortings: an organisation (the owner of the sorting's site), a site, a filière."""

    organisation_id: UUID | str | None = None
    site_id: UUID | str | None = None
    filiere: str | None = None


@dataclass
class Sorting:
    """Grams consumed and produced by the sortings of a scope and period."""

    input_g: int = 0
    outputs_g: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTES, 0))
    unrouted_g: int = 0  # outputs whose material has no route (sorted again later)

    @property
    def output_g(self) -> int:
        return sum(self.outputs_g.values()) + self.unrouted_g

    @property
    def loss_g(self) -> int:
        return self.input_g - self.output_g

    @property
    def recycling_rate(self) -> float | None:
        """Refashion: recycling / (sorted input − reuse)."""
        return share(self.outputs_g["recycling"], self.input_g - self.outputs_g["reuse"])

    @property
    def valorisation_rate(self) -> float | None:
        """(reuse + recycling + csr + energy) / sorted input."""
        valorised = sum(self.outputs_g[r] for r in ROUTES if r != "disposal")
        return share(valorised, self.input_g)


def sorting_masses(
    db: ViewDatabase,
    scope: Scope,
    period: Period,
    positions: tuple[int | None, int | None] = (None, None),
) -> Sorting:
    """Inputs consumed and outputs produced by ``sorting`` transformations (no snapshot); with
    ``positions`` (after, through), only what was recorded in that stretch of the log."""
    filters = Filters("process = 'sorting'", "kind IN ('consumed', 'produced')")
    filters.add("occurred_date BETWEEN ? AND ?", *period.bounds).recorded(period)
    filters.between_positions(*positions)
    filters.equal("organisation_id", scope.organisation_id).equal("site_id", scope.site_id)
    filters.equal("filiere", scope.filiere)
    sorting = Sorting()
    statement = SORTING_SQL.format(flows=flows_of(period, positions, db), where=filters.where)
    for kind, route, mass_g in db.query(statement, filters.params):
        if kind == "consumed":
            sorting.input_g += int(mass_g)
        elif route in sorting.outputs_g:
            sorting.outputs_g[route] += int(mass_g)
        else:
            sorting.unrouted_g += int(mass_g)
    return sorting


def circularity(db: ViewDatabase, scope: Scope, period: Period) -> dict[str, Any]:
    """The circularity representation of DESIGN §4.2 for a scope and period."""
    with db.snapshot():
        sorting = sorting_masses(db, scope, period)
        position = views_position(db, "batches")
    return {
        **circularity_figures(sorting),
        "period": period.label,
        "as_of": period.as_of,
        "position": position,
    }


def circularity_figures(sorting: Sorting) -> dict[str, Any]:
    shares = {
        route: share(grams, sorting.input_g) or 0.0 for route, grams in sorting_parts(sorting)
    }
    return {
        "sorted_input_kg": kg(sorting.input_g),
        "outputs_kg": {route: kg(grams) for route, grams in sorting.outputs_g.items()},
        "loss_kg": kg(sorting.loss_g),
        "shares": shares,
        "recycling_rate": sorting.recycling_rate,
        "valorisation_rate": sorting.valorisation_rate,
        "unrouted_kg": kg(sorting.unrouted_g),
    }


def sorting_parts(sorting: Sorting) -> list[tuple[str, int]]:
    """The parts of sorted input that sum to it: each route, then the loss."""
    return [*sorting.outputs_g.items(), ("loss", sorting.loss_g)]
