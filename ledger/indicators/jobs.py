"""Employment: hours by contract and activity, insertion share of sorting, FTE (DESIGN §5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.domain.worklog import ACTIVITIES, CONTRACTS
from ledger.indicators.circularity import Scope, sorting_masses
from ledger.indicators.numbers import fte, half_up, hours, kg, ratio, share
from ledger.indicators.periods import Period
from ledger.indicators.sums import work_of
from ledger.indicators.views import Filters, views_position
from ledger.projections.db import ViewDatabase

INSERTION_MINIMUM = Decimal("0.15")  # Refashion: share of sorting hours worked in insertion
HOURS_SQL = """
SELECT contract, activity, SUM(hours_centi) FROM {work} w
WHERE {where}
GROUP BY contract, activity
"""


@dataclass
class Hours:
    """Hundredths of hours by (contract, activity) for an organisation and period."""

    centi: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.centi.values())

    def by_contract(self) -> dict[str, int]:
        totals = dict.fromkeys(CONTRACTS, 0)
        for (contract, _), centi in self.centi.items():
            totals[contract] = totals.get(contract, 0) + centi
        return totals

    def by_activity(self) -> dict[str, int]:
        totals = dict.fromkeys(ACTIVITIES, 0)
        for (_, activity), centi in self.centi.items():
            totals[activity] = totals.get(activity, 0) + centi
        return totals

    @property
    def sorting(self) -> int:
        return self.by_activity()["sorting"]

    @property
    def insertion_sorting(self) -> int:
        return self.centi[("insertion", "sorting")]

    @property
    def insertion_share(self) -> float | None:
        """Insertion hours in sorting / all sorting hours."""
        return share(self.insertion_sorting, self.sorting)

    @property
    def insertion_ok(self) -> bool:
        """At least 15 % of sorting hours in insertion (exact, before rounding)."""
        value = ratio(self.insertion_sorting, self.sorting)
        return value is not None and value >= INSERTION_MINIMUM


def work_hours(
    db: ViewDatabase,
    organisation_id: UUID | str | None,
    period: Period,
    positions: tuple[int | None, int | None] = (None, None),
) -> Hours:
    """Hours logged at the organisation's sites on the period's dates (no snapshot); with
    ``positions`` (after, through), only what was recorded in that stretch of the log."""
    filters = Filters().add("work_date BETWEEN ? AND ?", *period.bounds).recorded(period)
    filters.between_positions(*positions)
    filters.equal("organisation_id", organisation_id)
    found = Hours()
    for contract, activity, centi in db.query(
        HOURS_SQL.format(work=work_of(period, positions, db), where=filters.where),
        filters.params,
    ):
        found.centi[(str(contract), str(activity))] += int(centi)
    return found


def jobs(db: ViewDatabase, organisation_id: UUID | str | None, period: Period) -> dict[str, Any]:
    """The jobs representation of DESIGN §4.2."""
    with db.snapshot():
        worked = work_hours(db, organisation_id, period)
        sorted_input_g = sorting_masses(db, Scope(organisation_id), period).input_g
        position = views_position(db, "work", "batches")
    per_tonne = ratio(worked.sorting * 10_000, sorted_input_g)  # centi-hours per gram → h/t
    return {
        "hours_total": hours(worked.total),
        "hours_by_contract": {k: hours(v) for k, v in worked.by_contract().items()},
        "hours_by_activity": {k: hours(v) for k, v in worked.by_activity().items()},
        "insertion_share_sorting": worked.insertion_share,
        "fte": fte(worked.total),
        "hours_per_tonne_sorted": None if per_tonne is None else half_up(per_tonne, 2),
        "sorted_input_kg": kg(sorted_input_g),
        "period": period.label,
        "as_of": period.as_of,
        "position": position,
    }
