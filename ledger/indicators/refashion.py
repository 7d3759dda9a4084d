"""The Refashion sorting-support statement of an organisation for a period (DESIGN §5).

Rates come from ``refashion_rates.json``, one entry per calendar year, so a new year's rates are a
data change. Support is computed from exact grams with Decimal and rounded half up to the cent
once per support line; the total is the sum of the lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any
from uuid import UUID

from ledger.domain.errors import InvalidPeriod, UnknownOrganisation
from ledger.indicators.circularity import Scope, Sorting, sorting_masses
from ledger.indicators.declared import changes_since_declared, declaration_figures
from ledger.indicators.jobs import INSERTION_MINIMUM, work_hours
from ledger.indicators.numbers import cents, tonnes
from ledger.indicators.periods import parse_period
from ledger.indicators.views import views_position
from ledger.projections.db import ViewDatabase


@dataclass(frozen=True)
class Rates:
    """A calendar year's support rates in €/t, and its recycling objective."""

    year: int
    sbase: Decimal
    scomp_recycling: Decimal
    scomp_csr: Decimal
    svalo_e: Decimal
    recycling_objective: Decimal | None


@cache
def rate_table() -> dict[int, Rates]:
    """Every year of the data table."""
    text = resources.files("ledger.indicators").joinpath("refashion_rates.json").read_text("utf-8")
    years: dict[str, dict[str, str | None]] = json.loads(text)["years"]
    return {int(year): rates_of(int(year), entry) for year, entry in years.items()}


def rates_of(year: int, entry: dict[str, str | None]) -> Rates:
    def number(key: str) -> Decimal:
        return Decimal(str(entry[key]))

    objective = entry.get("recycling_objective")
    return Rates(
        year=year,
        sbase=number("sbase"),
        scomp_recycling=number("scomp_recycling"),
        scomp_csr=number("scomp_csr"),
        svalo_e=number("svalo_e"),
        recycling_objective=None if objective is None else Decimal(objective),
    )


def rates_for(year: int) -> Rates:
    """The rates of a year, or ``invalid_period`` when the table has none yet."""
    rates = rate_table().get(year)
    if rates is None:
        known = sorted(rate_table())
        raise InvalidPeriod(
            f"No Refashion rates for {year}: the table covers {known[0]} to {known[-1]}.",
            year=year,
        )
    return rates


def support_cents(outputs_g: dict[str, int], rates: Rates) -> dict[str, int]:
    """Sbase on recycling and csr tonnes, Scomp on each, Svalo_E on energy tonnes."""
    lines = {
        "sbase": cents(outputs_g["recycling"] + outputs_g["csr"], rates.sbase),
        "scomp_recycling": cents(outputs_g["recycling"], rates.scomp_recycling),
        "scomp_csr": cents(outputs_g["csr"], rates.scomp_csr),
        "svalo_e": cents(outputs_g["energy"], rates.svalo_e),
    }
    return {**lines, "total": sum(lines.values())}


def refashion_statement(
    db: ViewDatabase,
    organisation_id: UUID | str,
    period_text: str,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """The statement of DESIGN §4.2 for a year, quarter or month of one organisation, as
    recorded now or (``as_of``) as the ledger knew it then."""
    return statement_and_figures(db, organisation_id, period_text, as_of)[0]


def statement_and_figures(
    db: ViewDatabase,
    organisation_id: UUID | str,
    period_text: str,
    as_of: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The statement, and the exact figures a declaration of it freezes."""
    period = parse_period(period_text).recorded_by(as_of)
    assert period.year is not None  # a year, quarter or month lies in one year
    rates = rates_for(period.year)
    with db.snapshot():
        name = organisation_name(db, str(organisation_id))
        sorting = sorting_masses(db, Scope(organisation_id), period)
        worked = work_hours(db, organisation_id, period)
        declared, changes = changes_since_declared(db, str(organisation_id), period, support_of)
        position = views_position(db, "batches", "work", "registry", "declarations")
    support = support_cents(sorting.outputs_g, rates)
    statement = {
        "organisation_id": str(organisation_id),
        "organisation_name": name,
        "period": period.label,
        "as_of": period.as_of,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "year": period.year,
        "sorted_input_tonnes": tonnes(sorting.input_g),
        "tonnes": {route: tonnes(grams) for route, grams in sorting.outputs_g.items()},
        "support_cents": support,
        "rates_eur_per_tonne": rates_json(rates),
        "recycling_rate": sorting.recycling_rate,
        "recycling_objective": objective(rates),
        "recycling_ok": recycling_ok(sorting, rates),
        "insertion_share": worked.insertion_share,
        "insertion_minimum": float(INSERTION_MINIMUM),
        "insertion_ok": worked.insertion_ok,
        "chain_head": None,
        "position": position,
        "declared": declared,
        "changes_to_declared_periods": changes,
    }
    return statement, declaration_figures(sorting, worked, support)


def support_of(outputs_g: dict[str, int], year: int) -> dict[str, int]:
    """The support lines of a year for outputs by route in grams."""
    return support_cents(outputs_g, rates_for(year))


def organisation_name(db: ViewDatabase, organisation_id: str) -> str:
    name = db.scalar(
        "SELECT name FROM view_organisations WHERE organisation_id = ?", (organisation_id,)
    )
    if name is None:
        raise UnknownOrganisation("No organisation has this id.", organisation_id=organisation_id)
    return str(name)


def rates_json(rates: Rates) -> dict[str, float]:
    return {
        "sbase": float(rates.sbase),
        "scomp_recycling": float(rates.scomp_recycling),
        "scomp_csr": float(rates.scomp_csr),
        "svalo_e": float(rates.svalo_e),
    }


def objective(rates: Rates) -> float | None:
    return None if rates.recycling_objective is None else float(rates.recycling_objective)


def recycling_ok(sorting: Sorting, rates: Rates) -> bool | None:
    """Whether the exact recycling rate reaches the year's objective (None: no objective)."""
    if rates.recycling_objective is None:
        return None
    denominator = sorting.input_g - sorting.outputs_g["reuse"]
    if denominator <= 0:
        return False
    return sorting.outputs_g["recycling"] >= rates.recycling_objective * denominator
