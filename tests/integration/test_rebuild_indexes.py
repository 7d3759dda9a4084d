"""A rebuild builds the figures' indexes at its end: the same views, the same indexes, the same
figures as the views kept page by page, and the indexes are there even if the replay fails."""

from __future__ import annotations

from datetime import date

import pytest

from bench.national import Shape, Year
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.indicators import metabolism, parse_period
from ledger.indicators.periods import Period
from ledger.projections.batches import BatchesView
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.projections.work import WorkView

DEFERRED = {*BatchesView.deferred_indexes, *WorkView.deferred_indexes}


def indexes(db: ViewDatabase) -> set[str]:
    if db.backend == "sqlite":
        rows = db.query("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = db.query("SELECT indexname FROM pg_indexes WHERE schemaname = ?", (db.schema,))
    return {str(row[0]) for row in rows}


def figures(db: ViewDatabase) -> list[object]:
    periods = [parse_period("2025"), Period(date(2025, 1, 10), date(2025, 2, 5), "dates")]
    found: list[object] = [metabolism(db, p)["filieres"] for p in periods]
    found.append(db.query("SELECT COUNT(*), SUM(mass_g) FROM view_flows"))
    found.append(db.query("SELECT COUNT(*), SUM(hours_centi) FROM view_work_logs"))
    return found


def test_a_rebuild_gives_the_same_views_and_indexes(ledger: Ledger) -> None:
    results = Importer(ledger, chunk_size=300).run(Year(Shape(0.0003, days=45)).lines())
    assert {r.status for r in results} == {"ok"}
    runner = ProjectionRunner(ledger, page_size=250)
    db = ViewDatabase(ledger.settings)
    try:
        runner.catch_up()
        deferred = indexes(db) & DEFERRED
        assert len(deferred) >= 5
        kept = figures(db)
        runner.rebuild()
        assert not runner.failed
        assert indexes(db) >= deferred
        assert figures(db) == kept
        if db.backend == "postgres":  # the refilled tables' statistics are taken at the end
            analysed = db.query(
                "SELECT relname FROM pg_stat_user_tables "
                "WHERE schemaname = ? AND last_analyze IS NOT NULL",
                (db.schema,),
            )
            assert {"view_flows", "view_flow_months", "view_batches"} <= {r[0] for r in analysed}

        def fail(max_pages: int | None = None) -> int:
            assert not deferred & indexes(db)  # dropped while the pages are applied
            raise RuntimeError("the replay stops")

        runner.catch_up = fail  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            runner.rebuild()
        assert indexes(db) >= deferred
    finally:
        db.close()
        runner.close()


def test_a_rebuild_sorts_its_indexes_on_disk_and_its_pages_in_memory(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite keeps the bulk connection's temporary B-trees in memory; the end of a rebuild, and
    a start that finds an index missing, build indexes over whole tables, whose sorts would then
    hold the table in memory (2 GiB for the national year's views): those sorts go to files."""
    results = Importer(ledger, chunk_size=300).run(Year(Shape(0.0003, days=10)).lines())
    assert {r.status for r in results} == {"ok"}
    seen: list[object] = []
    original = BatchesView.create

    def create(view: BatchesView, db: ViewDatabase) -> None:
        if isinstance(db, ViewDatabase) and db.backend == "sqlite":  # not a shape's recorder
            seen.append(db.query("PRAGMA temp_store")[0][0])
        original(view, db)

    runner = ProjectionRunner(ledger, page_size=250)
    try:
        monkeypatch.setattr(BatchesView, "create", create)
        runner.rebuild()
        assert not runner.failed
        ProjectionRunner(ledger, page_size=250).close()  # a start: setup creates what is missing
        if runner.db.backend == "sqlite":
            assert seen == [1, 1]  # FILE while indexes are built
            assert runner.db.query("PRAGMA temp_store")[0][0] == 2  # MEMORY again for pages
    finally:
        runner.close()
