"""Benchmark the territory's accounts and map: the million-event log and a year of declared flows.

Usage: ``.venv/bin/python bench/territory.py [--rounds 4500] [--flows 10000] [--reps 7]
[--backends sqlite,postgres]``

The log is ``bench/projections.py``'s (the workload's collections, transfers, sortings and
valorisations, with work logs: ~1 million stored events, imported once and kept in
``var/bench/``). On a copy of it, the bench territory becomes ``main`` (population and GDP for
2026) inside a parent, ``estuaire``; 10,000 declared flows of 2026 are imported with
``ledger import`` (half on each level, every category and direction, partners at home and
abroad); the views are caught up. Then each figure is timed as the API computes it, median of
``--reps`` calls after one untimed call: the accounts of the child and of the parent (whose
traced flows are recomputed with its boundary and which takes its child's declared flows), the
accounts as recorded at a time (``as_of``: the flow facts themselves), the CSV, the collection by
commune and the map's data.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.projections import CACHE, cached_log, copy_events, say
from ledger.application.commands import Actor
from ledger.application.ledger import Ledger
from ledger.application.territory_commands import DescribeTerritory
from ledger.cli.importer import Importer
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database
from ledger.territory.accounts_csv import accounts_csv
from ledger.territory.collection import collection_by_commune
from ledger.territory.mapdata import map_data
from ledger.territory.report import accounts, read
from tests.conftest import POSTGRES_URL

YEAR = 2026
ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "bench")
DIRECTIONS = ("import", "export", "extraction", "output", "balancing_input", "balancing_output")
CATEGORIES = ("MF1.1", "MF1.2", "MF1.3", "MF2", "MF3", "MF4", "MF5", "MF6")
PARTNERS = ("rest_of_france", "BE", "DE", "NO", None)


def flow_lines(count: int) -> list[str]:
    """``count`` declared flows of the year, alternately on the child and on its parent."""
    lines = []
    for n in range(count):
        direction = DIRECTIONS[n % len(DIRECTIONS)]
        body: dict[str, Any] = {
            "year": YEAR,
            "direction": direction,
            "category": CATEGORIES[(n // len(DIRECTIONS)) % len(CATEGORIES)],
            "mass_t": f"{1 + (n * 7919) % 50000}.{n % 1000:03d}",
            "source": f"Observatoire {n % 40}",
            "quality": ("measured", "estimated", "modelled")[n % 3],
        }
        if direction in ("import", "export"):
            body["partner"] = PARTNERS[n % len(PARTNERS)]
        if direction == "output":
            body["output_to"] = ("air", "water", "land")[n % 3]
        territory = "main" if n % 2 else "estuaire"
        line = {"op": "flow", "territory": territory, "client_event_id": f"f-{n}", "body": body}
        lines.append(json.dumps(line))
    return lines


def prepare(settings: Settings, flows: int) -> None:
    """Territories, declared flows and caught-up views on a copy of the log."""
    ledger = Ledger(settings)
    try:
        parent = DescribeTerritory(
            "estuaire", "Estuaire", ["76384", "76114", "76305", "76351"],
            population={str(YEAR): 400_000}, gdp_eur={str(YEAR): 16_000_000_000},
        )  # fmt: skip
        ledger.describe_territory(ADMIN, parent)
        child = DescribeTerritory(
            "main", "Bench", ["76384", "76114"], parent="estuaire",
            population={str(YEAR): 77_000}, gdp_eur={str(YEAR): 2_500_000_000},
            traced_categories=["MF6"],
        )  # fmt: skip
        ledger.describe_territory(ADMIN, child)
        started = time.perf_counter()
        errors = [r for r in Importer(ledger).run(flow_lines(flows)) if r.status == "error"]
        if errors:
            raise SystemExit(f"declared flows refused: {errors[0]}")
        say(f"{flows:,} declared flows imported in {time.perf_counter() - started:.1f} s")
        runner = ProjectionRunner(ledger)
        started = time.perf_counter()
        count = runner.catch_up()
        runner.close()
        say(f"views caught up: {count:,} events in {time.perf_counter() - started:.0f} s")
    finally:
        ledger.close()


def timed(call: Callable[[], Any], reps: int) -> float:
    call()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(settings: Settings, reps: int) -> dict[str, float]:
    ledger = Ledger(settings)
    db = ViewDatabase(settings)
    catalogue = ledger.catalogue()
    try:
        horizon = datetime.now(UTC)  # as recorded now, but read as of a time: the facts
        figures = {
            "accounts, child (main)": lambda: accounts(read(db, catalogue, "main", YEAR)),
            "accounts, parent (estuaire)": lambda: accounts(read(db, catalogue, "estuaire", YEAR)),
            "accounts as_of, child": lambda: accounts(read(db, catalogue, "main", YEAR, horizon)),
            "accounts.csv, parent": lambda: accounts_csv(
                accounts(read(db, catalogue, "estuaire", YEAR))
            ),
            "collection by commune": lambda: collection_by_commune(
                db, catalogue, "main", YEAR, "textile"
            ),
            "map data": lambda: map_data(db, catalogue, "main", YEAR, "textile"),
        }
        return {name: timed(call, reps) for name, call in figures.items()}
    finally:
        db.close()
        ledger.close()


def sqlite_copy(source: Path) -> Settings:
    work = CACHE / "territory-bench.db"
    for stale in CACHE.glob("territory-bench.db*"):
        stale.unlink()
    shutil.copyfile(source, work)
    return Settings(database_url=f"sqlite:///{work}")


def postgres_copy(source: Path) -> Settings:
    settings = Settings(database_url=POSTGRES_URL, database_schema="bench_territory")
    drop_schema(settings)
    prepare_database(settings)
    say(f"copying the log into PostgreSQL: {copy_events(source, settings):,} events")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4500)
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    source = cached_log(args.rounds)
    results: dict[str, dict[str, float]] = {}
    for backend in args.backends.split(","):
        settings = sqlite_copy(source) if backend == "sqlite" else postgres_copy(source)
        prepare(settings, args.flows)
        results[backend] = measure(settings, args.reps)
        if backend == "postgres":
            drop_schema(settings)
    print(f"\n{platform.node()}, Python {platform.python_version()}, load {load()}")
    print(f"| figure | {' | '.join(results)} |\n|---|{'---|' * len(results)}")
    for name in next(iter(results.values())):
        print(f"| {name} | {' | '.join(f'{r[name]:.1f} ms' for r in results.values())} |")


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
