"""Benchmark stock "as recorded at" a time, folded from the flow facts of the million-event log.

Usage: ``.venv/bin/python bench/stock_as_of.py [--reps 3]``

The log of ``bench/projections.py`` (built once, kept in ``var/bench/``) is copied, its views
are caught up, then ``stock_as_recorded`` is timed at two horizons: after every fact, and at the
fact in the middle of the log. The figures are printed (medians of ``--reps``), with a check that
the stock folded at the end equals the batches view's stock now; record them in RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.projections import cached_log
from ledger.application.ledger import Ledger
from ledger.indicators import stock
from ledger.indicators.stock_then import stock_as_recorded
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings


def median_seconds(call: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "ledger.db"
        shutil.copy(cached_log(4500), copy)
        settings = Settings(database_url=f"sqlite:///{copy}")
        ledger = Ledger(settings)
        runner = ProjectionRunner(ledger)
        runner.catch_up()
        runner.close()
        db = ViewDatabase(settings)
        facts = int(db.scalar("SELECT COUNT(*) FROM view_flows"))
        middle = db.scalar(
            "SELECT recorded_at FROM view_flows ORDER BY position LIMIT 1 OFFSET ?", (facts // 2,)
        )
        end = datetime(2999, 1, 1, tzinfo=UTC)
        half = datetime.fromisoformat(str(middle).replace("Z", "+00:00"))
        whole = median_seconds(lambda: stock_as_recorded(db, end), args.reps)
        halfway = median_seconds(lambda: stock_as_recorded(db, half), args.reps)
        same = stock_as_recorded(db, end)["data"] == stock(db)["data"]
        db.close()
        ledger.close()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {facts:,} flow facts, SQLite")
    print(f"stock as recorded after every fact: {whole * 1000:,.0f} ms (median of {args.reps})")
    print(f"stock as recorded at the middle fact: {halfway * 1000:,.0f} ms")
    print(f"folded stock equals the batches view's: {same}")


if __name__ == "__main__":
    main()
