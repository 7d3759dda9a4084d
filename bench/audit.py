"""Hash-chain throughput: chaining and verifying a log of about a million events.

    .venv/bin/python bench/audit.py [--events 1000000] [--backend sqlite|postgres|both]

The chain covers stored records whatever they hold, so by default the log is made of synthetic
records of a realistic size (about 400 bytes of state, like a collection) written straight through
the recorder in transactions of 2,000: writing a million events through the application takes
10 minutes on SQLite here and is not what is measured. ``--realistic`` imports the workload of
bench/workload.py through the application instead. Prints a markdown table of medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.persistence import StoredEvent

from bench.workload import workload
from ledger.application.ledger import Ledger
from ledger.audit.chain import HashChain
from ledger.cli.importer import Importer
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database

EVENTS_PER_ROUND = 220  # about, for 30 containers


def settings_for(backend: str, folder: Path) -> Settings:
    if backend == "sqlite":
        return Settings(database_url=f"sqlite:///{folder / 'audit.db'}")
    return Settings(
        database_url="postgresql://postgres@127.0.0.1:5432/test", database_schema="bench_audit"
    )


def write_synthetic(ledger: Ledger, events: int) -> None:
    """Stored records of about 400 bytes, in transactions of 2,000."""
    state = (b'{"material":"textile.collected","mass_g":412500,"site_id":"%s",' % b"0" * 32) + (
        b'"occurred_at":"2026-09-14T08:30:00+02:00","padding":"' + b"x" * 250 + b'"}'
    )
    for start in range(0, events, 2_000):
        batch = [
            StoredEvent(uuid4(), 1, "ledger.domain.batch:Batch.Collected", state)
            for _ in range(min(2_000, events - start))
        ]
        ledger.recorder.insert_events(batch)


def measure(backend: str, events: int, folder: Path, realistic: bool) -> dict[str, float]:
    settings = settings_for(backend, folder)
    if backend == "postgres":
        drop_schema(settings)
    prepare_database(settings)
    ledger = Ledger(settings)
    started = time.perf_counter()
    if realistic:
        for _ in Importer(ledger, chunk_size=10_000).run(workload(events // EVENTS_PER_ROUND + 1)):
            pass
    else:
        write_synthetic(ledger, events)
    stored = ledger.event_log.max_position()
    print(
        f"{backend}: {stored} events written in {time.perf_counter() - started:.0f} s", flush=True
    )
    chain = HashChain(ledger)
    started = time.perf_counter()
    chain.catch_up()
    chaining = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = chain.verify()
        runs.append(time.perf_counter() - started)
        if not result.ok or result.checked != stored:
            raise SystemExit(f"verification failed: {result}")
    chain.close()
    ledger.close()
    if backend == "postgres":
        drop_schema(settings)
    verify = statistics.median(runs)
    return {"events": stored, "chain_s": chaining, "verify_s": verify, "rate": stored / verify}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--realistic", action="store_true", help="import the workload instead")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            rows.append((backend, measure(backend, args.events, Path(folder), args.realistic)))
            print(rows[-1], flush=True)
    print("\n| backend | events | chain (s) | verify, median of 3 (s) | verified events/s |")
    print("|---|---:|---:|---:|---:|")
    for backend, m in rows:
        print(
            f"| {backend} | {m['events']:,.0f} | {m['chain_s']:.1f} | {m['verify_s']:.1f} "
            f"| {m['rate']:,.0f} |"
        )


if __name__ == "__main__":
    main()
