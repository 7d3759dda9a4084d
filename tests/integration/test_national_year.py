"""The figures of a generated year equal what its generator added up (bench/national.py).

A small year of the national shape (drop-off points emptied weekly, transfers to sorting
centres, daily sortings with the national output shares, lots valorised, export bales sold
abroad, daily work logs) is imported as a file; every figure then matches the generator's own
totals to the gram and the hour, read from the monthly sums and, as recorded at a later time,
from the facts.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bench.national import ROUTES, Shape, Totals, Year, uid
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.indicators import (
    circularity,
    dashboard_data,
    jobs,
    metabolism,
    parse_period,
    refashion_statement,
)
from ledger.indicators.circularity import Scope, sorting_masses
from ledger.indicators.metabolism import accounts
from ledger.indicators.periods import Period
from ledger.indicators.stock import stock
from ledger.indicators.sums import DAYS_SQL, inside_summary_current
from ledger.indicators.views import INSIDE_SITES
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner

SHAPE = Shape(0.0006, days=45, workers_per_centre=5)


@pytest.fixture
def year(ledger: Ledger) -> Iterator[tuple[Totals, ViewDatabase]]:
    generated = Year(SHAPE)
    results = list(Importer(ledger, chunk_size=500).run(generated.lines()))
    assert {r.status for r in results} == {"ok"}
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()
    db = ViewDatabase(ledger.settings)
    yield generated.totals, db
    db.close()


def kg(grams: int) -> float:
    return round(grams / 1000, 3)


def without_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures read as if the territory's summary did not follow its sites: from the
    inside sites' monthly sums and the facts of partial months."""
    # the module, not the function ``ledger.indicators`` names the same
    metabolism_module = importlib.import_module("ledger.indicators.metabolism")
    for module in (metabolism_module, dashboard_data):
        monkeypatch.setattr(module, "summary_of", lambda db, period: None)


@pytest.mark.parametrize("read", ["summary", "sums", "facts"])
def test_the_year_s_figures_are_the_generator_s_totals(
    year: tuple[Totals, ViewDatabase], read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    totals, db = year
    period = parse_period("2025")
    if read == "facts":  # as recorded at a later time: read from the facts, not the sums
        period = period.recorded_by(datetime(2999, 1, 1, tzinfo=UTC))
    elif read == "sums":
        without_summary(monkeypatch)
    else:
        assert inside_summary_current(db)
    sorting = sorting_masses(db, Scope(), period)
    assert sorting.input_g == totals.sorting.input_g
    assert sorting.outputs_g == totals.sorting.outputs_g
    assert sorting.loss_g == totals.sorting.loss_g
    centre = uid("org", SHAPE.collectors)  # the owner of the territory's centre
    own = sorting_masses(db, Scope(centre), period)
    assert own.input_g == totals.centre0_sorting.input_g
    assert own.outputs_g == totals.centre0_sorting.outputs_g
    with db.snapshot():
        textile = accounts(db, period, "textile")["textile"].figures()
    assert textile["local_collection_kg"] == kg(totals.local_collection_g)
    assert textile["imports_kg"] == kg(totals.imports_g)
    assert textile["exports_kg"] == kg(totals.exports_g)
    assert textile["valorised_inside_kg"] == {r: kg(totals.valorised_inside_g[r]) for r in ROUTES}
    assert textile["losses_kg"] == kg(totals.losses_g)
    collected = dashboard_data.monthly_collection(db, period)
    assert sum(month.get("textile", 0) for month in collected.values()) == totals.local_collection_g


def test_the_year_s_pages_figures(year: tuple[Totals, ViewDatabase]) -> None:
    totals, db = year
    period = parse_period("2025")
    centre = uid("org", SHAPE.collectors)
    figures = circularity(db, Scope(), period)
    assert figures["sorted_input_kg"] == kg(totals.sorting.input_g)
    assert figures["outputs_kg"] == {r: kg(totals.sorting.outputs_g[r]) for r in ROUTES}
    hours = jobs(db, centre, period)
    assert hours["hours_total"] == totals.centre0_hours
    assert hours["insertion_share_sorting"] == round(
        totals.centre0_insertion_hours / totals.centre0_hours, 4
    )
    statement = refashion_statement(db, centre, "2025")
    assert statement["tonnes"]["recycling"] == round(
        totals.centre0_sorting.outputs_g["recycling"] / 1_000_000, 6
    )
    textile = metabolism(db, period, "textile")["filieres"]["textile"]
    assert textile["local_collection_kg"] == kg(totals.local_collection_g)
    held = stock(db)["data"]
    assert sum(row["batches"] for row in held if row["state"] == "held") == totals.held_batches
    assert round(sum(row["mass_kg"] for row in held if row["state"] == "held"), 3) == kg(
        totals.held_g
    )


@pytest.mark.parametrize("read", ["summary", "sums"])
def test_a_period_of_partial_months_gives_the_figures_of_the_facts(
    year: tuple[Totals, ViewDatabase], read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a date to a date: whole months from the territory's summary by month and the edge
    days from its summary by day (or from the inside sites' monthly sums and their facts, by the
    site and date index); the same figures as the facts alone give."""
    _, db = year
    if read == "sums":
        without_summary(monkeypatch)
    later = datetime(2999, 1, 1, tzinfo=UTC)
    for start, end in (
        (date(2025, 1, 10), date(2025, 2, 5)),
        (date(2025, 1, 3), date(2025, 1, 31)),
        (date(2025, 1, 1), date(2025, 2, 5)),  # a whole month from the sums, and five days
    ):
        period = Period(start, end, "dates")
        facts = period.recorded_by(later)
        found = metabolism(db, period)["filieres"]
        assert found == metabolism(db, facts)["filieres"]
        assert found["textile"]["imports_kg"] > 0
        assert found["textile"]["exports_kg"] > 0
        assert (
            accounts(db, period, "textile")["textile"].figures()
            == accounts(db, facts, "textile")["textile"].figures()
        )
    if db.backend == "sqlite":  # PostgreSQL plans a table this small by scanning it
        statement = DAYS_SQL.format(start="2025-01-10", end="2025-01-31")
        statement += f" AND site_id IN ({INSIDE_SITES})"
        plan = " ".join(str(row[-1]) for row in db.query("EXPLAIN QUERY PLAN " + statement))
        assert "view_flows_site_date" in plan
        # Every part of what metabolism reads starts from its index, the monthly sums included
        # (they were read whole for a period with a partial month: 2 s at the national scale).
        sent: list[tuple[str, tuple[object, ...]]] = []
        query = db.query

        def spy(statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
            sent.append((statement, params))
            return query(statement, params)

        db.query = spy  # type: ignore[method-assign]
        try:
            metabolism(db, Period(date(2025, 1, 1), date(2025, 2, 5), "dates"))
        finally:
            del db.query
        months = [(s, p) for s, p in sent if "view_flow_months" in s]
        summary = [(s, p) for s, p in sent if "view_flow_inside_days" in s]
        # the summaries once, each by its key (the month or the day first); the sums by theirs
        assert (len(months), len(summary)) == ((0, 1) if read == "summary" else (2, 0))
        facts = [(s, p) for s, p in sent if "view_flows " in s]
        for statement, params in months + summary + facts:
            plan = [str(row[-1]) for row in db.query("EXPLAIN QUERY PLAN " + statement, params)]
            assert not [step for step in plan if step.startswith("SCAN view_")], plan
