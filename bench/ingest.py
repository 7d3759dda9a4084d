"""Benchmark ingestion: events/s of bulk imports and time per API command, on SQLite and PostgreSQL.

Usage: ``.venv/bin/python bench/ingest.py [--reps 3] [--rounds 230] [--commands 1000]``

Each figure is set beside a raw ``eventsourcing`` save of the same events, measured in the same
run and interleaved with it, so that a noisy machine slows both alike:

* bulk import: ``Importer`` on ``bench/workload.py`` (chunks of 2,000 lines, one transaction
  each); after each chunk commits, a plain ``Application`` saves as many simple aggregates in
  one transaction, each creation event padded to the size of one of the chunk's stored events.
  The raw save is the ceiling of what the library can store; only its ``save`` is timed.
* single commands: ``ledger.collect`` with an idempotency key, each in its own transaction
  (2 events: the batch and the idempotency record), each followed by a raw save of 2 aggregates
  of the same sizes; the target is command <= 1.5 x raw save.
* HTTP: ``POST /api/v1/batches`` through FastAPI's in-process ``TestClient``.

Each case runs with the library's stock application recorders and with those ``Settings``
configures (``ledger.storage.recorders`` on PostgreSQL; on SQLite they are the same, so it runs
once).
The two take turns chunk by chunk and command by command, each on its own fresh SQLite file or
PostgreSQL schema. The results go to the "Ingestion" section of ``bench/RESULTS.md`` (between
markers; the rest of the file is left alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

# Run as a script, Python puts bench/ first on the path, where bench/labels.py would hide the
# labels package the ledger imports: the repository goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import Environment
from fastapi.testclient import TestClient

from bench.workload import workload
from ledger.api import create_app
from ledger.application.commands import (
    Actor,
    Collect,
    Idempotency,
    IssueToken,
    RegisterOrganisation,
    RegisterSite,
)
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.settings import Settings
from ledger.storage.database import drop_schema, postgres_conninfo, prepare_database

POSTGRES_URL = os.environ.get("LEDGER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test")
ADMIN_TOKEN = "bench-admin-token"
ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "bench")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- ingest:begin (written by bench/ingest.py) -->", "<!-- ingest:end -->"
TARGET_IMPORT = {"sqlite": 20_000.0, "postgres": 10_000.0}
TARGET_RATIO = 1.5
CHUNK = 2000


# -- the two recorder set-ups ----------------------------------------------------------------


@dataclass(frozen=True)
class BenchSettings(Settings):
    """The ledger's settings, with small PostgreSQL pools.

    The bench is single-threaded, so 2 connections per application change nothing to its speed,
    while the default 10 (opened eagerly) times the 4 applications of a run would take a good
    share of a shared server's 100 connection slots.
    """

    def eventsourcing_env(self) -> dict[str, str]:
        env = super().eventsourcing_env()
        if self.backend == "postgres":
            env.update(POSTGRES_POOL_SIZE="2", POSTGRES_MAX_OVERFLOW="2")
        return env


@dataclass(frozen=True)
class StockSettings(BenchSettings):
    """The same settings, with the library's stock application recorders."""

    def eventsourcing_env(self) -> dict[str, str]:
        env = super().eventsourcing_env()
        env.pop("APPLICATION_RECORDER_TOPIC", None)
        return env


VARIANTS: dict[str, type[Settings]] = {"stock": StockSettings, "ledger": BenchSettings}


def distinct_variants(backend: str, variants: list[str]) -> list[str]:
    """The variants that differ on this backend (the ledger keeps SQLite's stock recorder)."""
    url = "sqlite:///x.db" if backend == "sqlite" else POSTGRES_URL
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for variant in variants:
        env = VARIANTS[variant](database_url=url).eventsourcing_env()
        seen.setdefault(tuple(sorted(env.items())), variant)
    return list(seen.values())


@contextmanager
def fresh_settings(backend: str, variant: str) -> Iterator[Settings]:
    """Settings on a new SQLite file or PostgreSQL schema, removed afterwards."""
    cls = VARIANTS[variant]
    with tempfile.TemporaryDirectory(prefix="ingest-") as folder:
        if backend == "sqlite":
            settings = cls(database_url=f"sqlite:///{folder}/ledger.db")
        else:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            settings = cls(database_url=POSTGRES_URL, database_schema=schema)
        settings = settings.with_overrides(bootstrap_admin_token=ADMIN_TOKEN)
        prepare_database(settings)
        try:
            yield settings
        finally:
            if backend == "postgres":
                drop_schema(settings)


# -- the raw library ---------------------------------------------------------------------------


class Item(Aggregate):
    """A plain aggregate whose creation event carries typical fields and some padding."""

    def __init__(self, site_id: UUID, mass: Decimal, occurred_at: dt.datetime, note: str):
        self.site_id = site_id
        self.mass = mass
        self.occurred_at = occurred_at
        self.note = note


class RawApplication(Application[UUID]):
    """A plain application on the same persistence environment as the ledger."""

    name = "Raw"

    def construct_env(self, name: str, env: Any = None) -> Environment:
        return Environment(name, {**(env or {})})  # like LedgerCore: no process environment

    def __init__(self, settings: Settings) -> None:
        super().__init__(env=settings.eventsourcing_env())
        self.base_size = self.state_size(self.item(0))

    def item(self, padding: int) -> Item:
        return Item(uuid.uuid4(), Decimal("84.5"), dt.datetime.now(dt.UTC), "x" * padding)

    def state_size(self, item: Item) -> int:
        event = item.collect_events()[0]
        return len(self.mapper.to_stored_event(event).state)

    def items(self, sizes: Sequence[int]) -> list[Item]:
        """One new aggregate per size, each creation event stored in about that many bytes."""
        return [self.item(max(0, size - self.base_size)) for size in sizes]


# -- instrumentation ----------------------------------------------------------------------------


@dataclass
class Probe:
    """Counts and times the transactions an application writes."""

    sizes: list[list[int]] = field(default_factory=list)  # stored-event sizes per transaction
    save_seconds: float = 0.0
    insert_seconds: float = 0.0


def instrument(app: Application[UUID]) -> Probe:
    """Wrap ``save`` and the recorder's ``insert_events`` to see each transaction."""
    probe = Probe()
    save, insert = app.save, app.recorder.insert_events

    def timed_save(*objs: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return save(*objs, **kwargs)
        finally:
            probe.save_seconds += time.perf_counter() - start

    def timed_insert(stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return insert(stored, **kwargs)
        finally:
            probe.insert_seconds += time.perf_counter() - start
            probe.sizes.append([len(s.state) for s in stored])

    app.save = timed_save  # type: ignore[method-assign]
    app.recorder.insert_events = timed_insert  # type: ignore[method-assign,assignment]
    return probe


# -- the measurements ---------------------------------------------------------------------------


@dataclass
class ImportRun:
    lines: int
    events: int
    seconds: float
    transactions: int
    save_seconds: float  # inside Application.save (library), part of ``seconds``
    insert_seconds: float  # inside the recorder's insert_events, part of ``save_seconds``
    raw_events: int
    raw_seconds: float
    raw_insert_seconds: float

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds

    @property
    def lines_per_s(self) -> float:
        return self.lines / self.seconds

    @property
    def raw_per_s(self) -> float:
        return self.raw_events / self.raw_seconds


@dataclass
class Lane:
    """One variant's ledger and raw application, measured in lockstep with the other variants."""

    variant: str
    ledger: Ledger
    raw: RawApplication
    probe: Probe = field(init=False)
    raw_probe: Probe = field(init=False)

    def __post_init__(self) -> None:
        self.probe, self.raw_probe = instrument(self.ledger), instrument(self.raw)


@contextmanager
def lanes(backend: str, variants: Sequence[str]) -> Iterator[list[Lane]]:
    """For each variant, a ledger and a raw application, each on its own fresh database."""
    with ExitStack() as stack:
        result = []
        for variant in variants:
            settings = stack.enter_context(fresh_settings(backend, variant))
            other = stack.enter_context(fresh_settings(backend, variant))
            ledger, raw = Ledger(settings), RawApplication(other)
            stack.callback(ledger.close)
            stack.callback(raw.close)
            result.append(Lane(variant, ledger, raw))
        yield result


def rotations(items: list[Lane]) -> Iterator[list[Lane]]:
    """The lanes in a different order each turn, so none always runs first."""
    turn = 0
    while True:
        yield items[turn % len(items) :] + items[: turn % len(items)]
        turn += 1


def bulk_import(backend: str, variants: Sequence[str], lines: list[str]) -> dict[str, ImportRun]:
    """(a) the import, and (b) after each of its transactions a raw save of as many events.

    The variants advance one chunk (one transaction) at a time in turn, so that a busy spell of
    the machine slows them all alike.
    """
    with lanes(backend, variants) as all_lanes:
        importers = {lane.variant: Importer(lane.ledger, CHUNK) for lane in all_lanes}
        results = {v: iter(importer.run(lines)) for v, importer in importers.items()}
        seconds = dict.fromkeys(variants, 0.0)
        active = list(all_lanes)
        for turn in rotations(all_lanes):
            if not active:
                break
            for lane in turn:
                if lane not in active:
                    continue
                committed = len(lane.probe.sizes)
                while len(lane.probe.sizes) == committed:  # run until the next commit
                    start = time.perf_counter()
                    result = next(results[lane.variant], None)
                    seconds[lane.variant] += time.perf_counter() - start
                    if result is None:
                        active.remove(lane)
                        break
                    if result.status != "ok":
                        raise RuntimeError(f"line {result.number}: {result.code} {result.message}")
                for sizes in lane.probe.sizes[committed:]:  # the same transactions, raw
                    lane.raw.save(*lane.raw.items(sizes))
        return {
            lane.variant: ImportRun(
                lines=len(lines),
                events=importers[lane.variant].events_written,
                seconds=seconds[lane.variant],
                transactions=len(lane.probe.sizes),
                save_seconds=lane.probe.save_seconds,
                insert_seconds=lane.probe.insert_seconds,
                raw_events=sum(len(sizes) for sizes in lane.raw_probe.sizes),
                raw_seconds=lane.raw_probe.save_seconds,
                raw_insert_seconds=lane.raw_probe.insert_seconds,
            )
            for lane in all_lanes
        }


@dataclass
class CommandRun:
    commands: int
    events: int
    seconds: list[float]  # per command, through the application
    raw_seconds: list[float]  # per raw save of the same events

    @property
    def ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def raw_ms(self) -> float:
        return 1000 * statistics.median(self.raw_seconds)

    @property
    def ratio(self) -> float:
        return sum(self.seconds) / sum(self.raw_seconds)


def registry(ledger: Ledger) -> tuple[Actor, UUID]:
    """A collector organisation and one of its collection points."""
    org = ledger.register_organisation(ADMIN, RegisterOrganisation("Collectors", ["collector"]))
    org_id = UUID(org.ref.id)
    site = ledger.register_site(
        ADMIN, RegisterSite(org_id, "C1", "collection_point", commune_insee="76384")
    )
    return Actor(org_id, "collector", "bench-token"), UUID(site.ref.id)


def single_commands(
    backend: str, variants: Sequence[str], count: int, warmup: int = 20
) -> dict[str, CommandRun]:
    """(c) ``collect`` commands, each followed by (d) a raw save of the same events.

    The variants take turns command by command.
    """
    with lanes(backend, variants) as all_lanes:
        actors = {lane.variant: registry(lane.ledger) for lane in all_lanes}
        occurred_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        times: dict[str, list[float]] = {v: [] for v in variants}
        raw_times: dict[str, list[float]] = {v: [] for v in variants}
        first = {lane.variant: 0 for lane in all_lanes}
        for i, turn in zip(range(warmup + count), rotations(all_lanes), strict=False):
            for lane in turn:
                if i == warmup:
                    first[lane.variant] = len(lane.probe.sizes)
                actor, site_id = actors[lane.variant]
                cmd = Collect("textile.collected", Decimal("84.5"), site_id, occurred_at)
                idem = Idempotency(f"k-{i}", actor.organisation_id)
                start = time.perf_counter()
                lane.ledger.collect(actor, cmd, idem)
                elapsed = time.perf_counter() - start
                items = lane.raw.items(lane.probe.sizes[-1])  # as many events, as large
                start = time.perf_counter()
                lane.raw.save(*items)
                raw_elapsed = time.perf_counter() - start
                if i >= warmup:
                    times[lane.variant].append(elapsed)
                    raw_times[lane.variant].append(raw_elapsed)
        return {
            lane.variant: CommandRun(
                count,
                sum(len(sizes) for sizes in lane.probe.sizes[first[lane.variant] :]),
                times[lane.variant],
                raw_times[lane.variant],
            )
            for lane in all_lanes
        }


def http_commands(backend: str, variant: str, count: int, warmup: int = 10) -> list[float]:
    """(e) ``POST /api/v1/batches`` through the ASGI app in process; seconds per request."""
    with fresh_settings(backend, variant) as settings:
        ledger = Ledger(settings)
        try:
            client = TestClient(create_app(settings, ledger))
            actor, site_id = registry(ledger)
            _, secret = ledger.issue_token(ADMIN, IssueToken(actor.organisation_id, "collector"))
            headers = {"Authorization": f"Bearer {secret}"}
            body = {
                "material": "textile.collected",
                "mass_kg": "84.5",
                "site_id": str(site_id),
                "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat(),
            }
            times = []
            for i in range(warmup + count):
                start = time.perf_counter()
                response = client.post(
                    "/api/v1/batches", json=body, headers={**headers, "Idempotency-Key": f"h{i}"}
                )
                elapsed = time.perf_counter() - start
                if response.status_code != 201:
                    raise RuntimeError(response.text)
                if i >= warmup:
                    times.append(elapsed)
            return times
        finally:
            ledger.close()


# -- reporting ----------------------------------------------------------------------------------


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, str]:
    settings = Settings(database_url=POSTGRES_URL)
    with psycopg.connect(postgres_conninfo(settings)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg_version = row[0] if row else "?"
        row = conn.execute("SHOW synchronous_commit").fetchone()
        pg_sync = row[0] if row else "?"
    with tempfile.TemporaryDirectory() as folder:
        lite = sqlite3.connect(Path(folder) / "x.db")
        lite.execute("PRAGMA journal_mode=WAL")
        sqlite_sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
            lite.execute("PRAGMA synchronous").fetchone()[0], "?"
        )
        lite.close()
    return {
        "cores": str(len(os.sched_getaffinity(0))),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": f"{sqlite3.sqlite_version} (WAL, synchronous={sqlite_sync})",
        "postgres": f"{pg_version} on 127.0.0.1 (synchronous_commit={pg_sync})",
        "libraries": f"eventsourcing {importlib.metadata.version('eventsourcing')}, "
        f"psycopg {psycopg.__version__}",
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(
    args: argparse.Namespace,
    imports: dict[tuple[str, str], list[ImportRun]],
    commands: dict[tuple[str, str], list[CommandRun]],
    http: dict[tuple[str, str], list[list[float]]],
    seconds: float,
) -> str:
    """The markdown of one run."""
    info = machine()
    out = [
        f"Run on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with "
        f"`.venv/bin/python bench/ingest.py --reps {args.reps} --rounds {args.rounds} "
        f"--commands {args.commands} --http {args.http}` ({seconds:.0f} s). "
        f"Machine: {info['cores']} cores ({info['cpu']}), shared; Python {info['python']}; "
        f"SQLite {info['sqlite']}; PostgreSQL {info['postgres']}; {info['libraries']}. "
        f"Load average (1 min) {args.load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after.",
        "",
        f"Medians of {args.reps} repetitions. *stock*: the library's application recorders; "
        "*ledger*: what `Settings` configures (`ledger.storage.recorders` on PostgreSQL; on "
        "SQLite the "
        "stock recorder, so it runs once). Raw = a plain `Application` saving the same number "
        "of events per transaction, measured interleaved with the ledger in the same run.",
        "",
        "**Bulk import** "
        f"({imports[next(iter(imports))][0].lines:,} lines, chunks of {CHUNK:,} lines)",
        "",
        "| backend | recorders | events | events/txn | import events/s | lines/s "
        "| raw save events/s | import / raw | in library save | in recorder insert "
        "| target | |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]

    def label(backend: str, variant: str) -> str:
        alone = sum(b == backend for b, _ in imports) == 1
        return f"{variant} (= ledger)" if alone and variant == "stock" else variant

    for (backend, variant), runs in imports.items():
        first = runs[0]
        rate = med([r.events_per_s for r in runs])
        out.append(
            f"| {backend} | {label(backend, variant)} | {first.events:,}"
            f" | {first.events / first.transactions:,.0f}"
            f" | {rate:,.0f} | {med([r.lines_per_s for r in runs]):,.0f}"
            f" | {med([r.raw_per_s for r in runs]):,.0f}"
            f" | {med([r.events_per_s / r.raw_per_s for r in runs]):.2f}"
            f" | {med([r.save_seconds / r.seconds for r in runs]):.0%}"
            f" | {med([r.insert_seconds / r.seconds for r in runs]):.0%}"
            f" | ≥ {TARGET_IMPORT[backend]:,.0f} | {verdict(rate >= TARGET_IMPORT[backend])} |"
        )
    out += [
        "",
        f"**Single commands** ({args.commands:,} `collect` calls with an idempotency key, each "
        "its own transaction; times are medians per command)",
        "",
        "| backend | recorders | events/command | command ms | raw save ms | ratio (medians) "
        "| ratio (total) | target | | HTTP POST ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for (backend, variant), cruns in commands.items():
        ratio = med([r.ratio for r in cruns])
        http_ms = med([1000 * med(t) for t in http.get((backend, variant), [])] or [float("nan")])
        out.append(
            f"| {backend} | {label(backend, variant)} | {cruns[0].events / cruns[0].commands:.0f}"
            f" | {med([r.ms for r in cruns]):.2f} | {med([r.raw_ms for r in cruns]):.2f}"
            f" | {med([r.ms / r.raw_ms for r in cruns]):.2f} | {ratio:.2f}"
            f" | ≤ {TARGET_RATIO} | {verdict(ratio <= TARGET_RATIO)}"
            f" | {http_ms:.2f} |"
        )
    for backend in dict.fromkeys(b for b, _ in imports):
        if (backend, "stock") in imports and (backend, "ledger") in imports:
            # Paired by repetition: the two variants ran one after the other each time.
            pairs = list(zip(imports[backend, "stock"], imports[backend, "ledger"], strict=True))
            cpairs = list(zip(commands[backend, "stock"], commands[backend, "ledger"], strict=True))
            out += [
                "",
                f"{backend}, ledger recorder / stock recorder (median of per-repetition ratios): "
                f"import events/s x{med([b.events_per_s / a.events_per_s for a, b in pairs]):.2f}"
                f", raw save events/s x{med([b.raw_per_s / a.raw_per_s for a, b in pairs]):.2f}"
                ", time in insert_events per import "
                f"x{med([b.insert_seconds / a.insert_seconds for a, b in pairs]):.2f}"
                f", command time x{med([b.ms / a.ms for a, b in cpairs]):.2f}"
                f", raw command save time x{med([b.raw_ms / a.raw_ms for a, b in cpairs]):.2f}.",
            ]
    out += [
        "",
        "Columns: *in library save* and *in recorder insert* are shares of the import's time spent "
        "inside `Application.save` (mapping, encoding, recording) and inside the recorder's "
        "`insert_events` (part of the former); the rest is the ledger's own work (parsing, "
        "validation, reads, domain rules). *ratio (medians)*: median command time over median raw "
        "save time; *ratio (total)*: summed command times over summed raw save times (the "
        "target's verdict), both per repetition.",
    ]
    return "\n".join(out)


def write_results(section: str, path: Path) -> None:
    """Replace what lies between the markers, or add an Ingestion section."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## Ingestion\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=230, help="workload rounds (~220 events)")
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--http", type=int, default=300, help="HTTP requests (0: skip)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--variants", default="stock,ledger")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    args.load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
    backends, variants = args.backends.split(","), args.variants.split(",")
    lines = workload(args.rounds)

    began = time.perf_counter()
    imports: dict[tuple[str, str], list[ImportRun]] = {}
    commands: dict[tuple[str, str], list[CommandRun]] = {}
    http: dict[tuple[str, str], list[list[float]]] = {}
    for rep in range(args.reps):
        for backend in backends:
            distinct = distinct_variants(backend, variants)
            for variant, run in bulk_import(backend, distinct, lines).items():
                imports.setdefault((backend, variant), []).append(run)
                log(rep, backend, variant, f"import {run.events_per_s:,.0f} ev/s")
                log(rep, backend, variant, f"raw save {run.raw_per_s:,.0f} ev/s")
            for variant, cmd in single_commands(backend, distinct, args.commands).items():
                commands.setdefault((backend, variant), []).append(cmd)
                log(rep, backend, variant, f"command {cmd.ms:.2f} ms, raw {cmd.raw_ms:.2f} ms")
            if args.http:
                for variant in distinct if rep % 2 == 0 else distinct[::-1]:
                    times = http_commands(backend, variant, args.http)
                    http.setdefault((backend, variant), []).append(times)
                    log(rep, backend, variant, f"HTTP POST {1000 * med(times):.2f} ms")
    ordered = {(b, v): imports[b, v] for b in backends for v in variants if (b, v) in imports}
    section = report(
        args,
        ordered,
        {k: commands[k] for k in ordered},
        http,
        time.perf_counter() - began,
    )
    print(section)
    if not args.no_write:
        write_results(section, args.output)
        print(f"\nwritten to {args.output}")


def log(rep: int, backend: str, variant: str, message: str) -> None:
    print(f"[{rep + 1}] {backend:8} {variant:6} {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
