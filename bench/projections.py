"""Benchmark the projections: catch-up events/s of all views, beside the library's stock runner.

Usage: ``.venv/bin/python bench/projections.py [--rounds 4500] [--reps 3] [--sample 20000]
[--lag-seconds 20] [--rate 25] [--output bench/projections_results.md]``

What is measured, on SQLite and PostgreSQL in one run (repetitions interleaved, so that a noisy
machine slows both backends alike):

* **catch-up**: ``ProjectionRunner(ledger).catch_up()`` of all views (registry, batches with
  flows and lineage, work) from an empty view set over a log of ~1 million events: the
  ``bench/workload.py`` mix (collections, dispatches, receipts, sortings, valorisations) plus work
  logs, imported with ``ledger.cli.importer.Importer`` (so ~40 % of the events are idempotency
records
  that no view reads: they are read and skipped, never decoded). Events/s = events of the log /
  seconds from the first page to the last commit.
* **stock runner**: the library's one-event-per-transaction design on the first ``--sample``
  events of the same log, beside our runner on the same sample: on PostgreSQL the library's
  ``eventsourcing.projection.ProjectionRunner`` (LISTEN/NOTIFY subscription, a ``Projection``
  whose ``process_event`` applies the event to the same views and records the tracking in one
  transaction of a ``PostgresTrackingRecorder``); on SQLite, whose recorder has no
  ``subscribe``, the same per-event transaction on a ``SQLiteTrackingRecorder``, driven by a
  polling loop over ``select_notifications``. Both are given the views' topics, so they too skip
  what no view reads, and the SQLite one runs with ``synchronous=NORMAL`` like our views (the
  library's default would add an fsync per event and flatter the ratio).
* **indicators**: the functions of ``ledger.indicators`` over the views of the whole log (the
  quarter that holds all of it), median of 5 calls after one untimed call.
* **live lag**: a writer thread runs commands (collect, dispatch, receive) at a steady rate while
  the embedded runner (``EmbeddedProjections``: ``run_forever`` polling every 50 ms) follows on
  top of the million-event views; lag = time the views' position reaches the command's last
  event − time the command returned from its commit.

The generated log is kept in ``var/bench/`` (named after its content) and reused by later runs:
importing a million events takes several minutes and is not what is measured. The results go to
``bench/projections_results.md`` between markers; the rest of that file (the analysis) is left
alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

# Run as a script, Python puts bench/ first on the path, where bench/labels.py would hide the
# labels package the ledger imports: the repository goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.projection import ProjectionRunner as StockProjectionRunner
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment, resolve_topic
from psycopg import sql
from psycopg.rows import tuple_row

from bench.workload import uid, workload
from ledger.application.commands import Actor, Collect, Dispatch, Receive
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.indicators.circularity import Scope, circularity
from ledger.indicators.dashboard_data import dashboard_data
from ledger.indicators.jobs import jobs
from ledger.indicators.metabolism import metabolism
from ledger.indicators.periods import parse_period
from ledger.indicators.refashion import refashion_statement
from ledger.indicators.stock import stock
from ledger.projections.base import View
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import (
    VIEW_CLASSES,
    EmbeddedProjections,
    ProjectionRunner,
    all_views,
)
from ledger.settings import Settings
from ledger.storage.database import drop_schema, postgres_conninfo, prepare_database

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("LEDGER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test")
CACHE = ROOT / "var" / "bench"
RESULTS = Path(__file__).resolve().parent / "projections_results.md"
BEGIN = "<!-- projections:begin (written by bench/projections.py) -->"
END = "<!-- projections:end -->"
BACKENDS = ("sqlite", "postgres")
TARGET_RATE = {"sqlite": 50_000.0, "postgres": 25_000.0}
TARGET_RATIO = 20.0
TARGET_QUERY_MS = 200.0
TARGET_LAG_P95_MS = 250.0
APP_NAME = "Ledger"  # the library names the PostgreSQL events table after the application
TRACKING_NAME = "stockviews"
ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "bench")
SORTER = uid("org", 2)
PERIOD = "2026-Q1"


def say(message: str) -> None:
    print(f"{dt.datetime.now():%H:%M:%S} {message}", flush=True)


# -- the log ---------------------------------------------------------------------------------


def log_lines(rounds: int) -> list[str]:
    """The workload, with the sorting centre's work logs of each round's day after its sorting
    (three sorters, one of them in insertion, and a collection driver)."""
    lines: list[str] = []
    for text in workload(rounds):
        lines.append(text)
        data = json.loads(text)
        if data["op"] != "transform":
            continue
        r = int(data["client_event_id"].split("-")[1])
        when = dt.datetime.fromisoformat(data["body"]["occurred_at"]).date().isoformat()
        for i, (contract, activity, hours) in enumerate(
            [
                ("insertion", "sorting", "1.5"),
                ("employee", "sorting", "1.25"),
                ("employee", "sorting", "1"),
                ("employee", "collection", "0.75"),
            ]
        ):
            body = {
                "site_id": uid("centre"),
                "worker_ref": f"W-{(r * 4 + i) % 37}",
                "contract": contract,
                "activity": activity,
                "hours": hours,
                "date": when,
            }
            lines.append(json.dumps({"op": "work", "client_event_id": f"w-{r}-{i}", "body": body}))
    return lines


def cached_log(rounds: int) -> Path:
    """A SQLite ledger holding the imported log, built once per content and then reused."""
    lines = log_lines(rounds)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    path = CACHE / f"projections-{rounds}-{digest}.db"
    if path.exists():
        say(f"log: reusing {path.relative_to(ROOT)}")
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for stale in CACHE.glob(f"{building.name}*"):
        stale.unlink()
    settings = Settings(database_url=f"sqlite:///{building}")
    ledger = Ledger(settings)
    say(f"log: importing {len(lines):,} lines into {building.relative_to(ROOT)} (once)")
    started = time.perf_counter()
    errors = [r for r in Importer(ledger).run(lines) if r.status == "error"]
    ledger.close()
    if errors:
        raise SystemExit(f"the workload did not import cleanly: {errors[0]}")
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    connection.close()
    say(f"log: {count:,} events in {time.perf_counter() - started:.0f} s")
    building.rename(path)
    return path


class EventStore(Application[UUID]):
    """The library's application, as the stock runner constructs it: it reads the ledger's
    events table (same name) with the library's own mapper and recorders."""

    name = APP_NAME

    def construct_env(self, name: str, env: Any = None) -> Environment:
        return Environment(name, {**(env or {})})


def stock_env(settings: Settings) -> dict[str, str]:
    """The library's persistence settings of a ledger, with the library's own recorders."""
    env = dict(settings.eventsourcing_env())
    env.pop("APPLICATION_RECORDER_TOPIC", None)
    return env


def copy_events(source: Path, settings: Settings, last: int | None = None) -> int:
    """The events of a SQLite log (up to ``last``) into an empty ledger of ``settings``, with
    the same positions."""
    EventStore(stock_env(settings)).close()  # creates the library's tables
    reader = sqlite3.connect(source)
    query = "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events"
    query += " WHERE rowid <= ? ORDER BY rowid" if last else " ORDER BY rowid"
    rows = reader.execute(query, (last,) if last else ())
    count = 0
    if settings.backend == "sqlite":
        writer = sqlite3.connect(settings.sqlite_path)
        while chunk := rows.fetchmany(20_000):
            writer.executemany(
                "INSERT INTO stored_events (rowid, originator_id, "
                "originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
                chunk,
            )
            count += len(chunk)
        writer.commit()
        writer.close()
    else:
        with psycopg.connect(postgres_conninfo(settings), autocommit=True) as conn:
            table = sql.Identifier(settings.database_schema, f"{APP_NAME.lower()}_events")
            statement = sql.SQL(
                "COPY {} (notification_id, originator_id, originator_version, topic, state) "
                "FROM STDIN (FORMAT BINARY)"
            ).format(table)
            with conn.transaction(), conn.cursor() as cursor:
                with cursor.copy(statement) as copy:
                    copy.set_types(["int8", "uuid", "int8", "text", "bytea"])
                    while chunk := rows.fetchmany(20_000):
                        for position, originator, version, topic, state in chunk:
                            copy.write_row((position, UUID(originator), version, topic, state))
                        count += len(chunk)
                cursor.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({}, 'notification_id'), {})"
                    ).format(
                        sql.Literal(f"{settings.database_schema}.{APP_NAME.lower()}_events"),
                        sql.Literal(max(count, 1)),
                    )
                )
            conn.execute(sql.SQL("ANALYZE {}").format(table))
    reader.close()
    return count


@dataclass
class Store:
    """One backend's copy of the log (full, and the stock runner's sample)."""

    backend: str
    full: Settings
    sample: Settings
    events: int = 0
    decoded: int = 0
    sample_events: int = 0


@contextmanager
def stores(source: Path, sample: int, folder: Path) -> Iterator[dict[str, Store]]:
    """The log on a SQLite working copy and in a PostgreSQL schema, with their samples."""
    made: dict[str, Store] = {}
    schemas: list[Settings] = []
    try:
        for backend in BACKENDS:
            if backend == "sqlite":
                full = Settings(database_url=f"sqlite:///{folder}/full.db")
                part = Settings(database_url=f"sqlite:///{folder}/sample.db")
                say("setup: copying the log for SQLite")
                shutil.copyfile(source, full.sqlite_path)
                prepare_database(part)
                count = count_events(full)
            else:
                tag = uuid.uuid4().hex[:10]
                full = Settings(database_url=POSTGRES_URL, database_schema=f"bench_proj_{tag}")
                part = Settings(database_url=POSTGRES_URL, database_schema=f"bench_sample_{tag}")
                schemas += [full, part]
                for settings in (full, part):
                    prepare_database(settings)
                say("setup: copying the log into PostgreSQL")
                count = copy_events(source, full)
            sample_count = copy_events(source, part, last=sample)
            made[backend] = Store(backend, full, part, count, decoded_events(source), sample_count)
        yield made
    finally:
        for settings in schemas:
            drop_schema(settings)


def count_events(settings: Settings) -> int:
    connection = sqlite3.connect(settings.sqlite_path)
    count = int(connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0])
    connection.close()
    return count


def view_topics(source: Path) -> list[str]:
    """The stored topics of the events some view reads."""
    names: set[str] = set()
    for view in view_kinds():
        names |= view.topics
    connection = sqlite3.connect(source)
    topics = [row[0] for row in connection.execute("SELECT DISTINCT topic FROM stored_events")]
    connection.close()
    return sorted(t for t in topics if resolve_topic(t).__qualname__ in names)


def view_kinds() -> list[type[View]]:
    """The views' classes, for their tables and topics."""
    return list(VIEW_CLASSES)


def decoded_events(source: Path) -> int:
    topics = view_topics(source)
    connection = sqlite3.connect(source)
    marks = ", ".join("?" * len(topics))
    count = connection.execute(
        f"SELECT COUNT(*) FROM stored_events WHERE topic IN ({marks})", topics
    ).fetchone()[0]
    connection.close()
    return int(count)


def drop_views(settings: Settings) -> None:
    """Back to an empty view set: the views' tables, positions and shapes, the stock tracking."""
    tables = [t for view in view_kinds() for t in view.tables]
    tables += ["view_positions", "view_shapes", f"{TRACKING_NAME}_tracking", "tracking"]
    if settings.backend == "sqlite":
        connection = sqlite3.connect(settings.sqlite_path)
        for table in tables:
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        return
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as conn:
        for table in tables:
            conn.execute(
                sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(
                    sql.Identifier(settings.database_schema, table)
                )
            )
        conn.execute("CHECKPOINT")


# -- our runner ------------------------------------------------------------------------------


def catch_up(settings: Settings) -> tuple[float, int]:
    """Seconds and events of a catch-up of all views from empty."""
    drop_views(settings)
    ledger = Ledger(settings)
    runner = ProjectionRunner(ledger)  # creates the empty views before the clock starts
    started = time.perf_counter()
    count = runner.catch_up()
    elapsed = time.perf_counter() - started
    runner.close()
    ledger.close()
    return elapsed, count


# -- the library's stock runner --------------------------------------------------------------


class CursorViews:
    """The views' database interface over one cursor of the library's own transaction."""

    def __init__(self, cursor: Any, backend: str) -> None:
        self.cursor = cursor
        self.backend = backend
        self.big_integer = "INTEGER" if backend == "sqlite" else "BIGINT"

    def _sql(self, statement: str) -> str:
        return statement if self.backend == "sqlite" else statement.replace("?", "%s")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self._sql(statement), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self._sql(statement), rows)

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str = ""
    ) -> None:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(columns)
        self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(self._sql(statement), params)
        return [tuple(row) for row in self.cursor.fetchall()]


class StockViewsMixin:
    """A tracking recorder that also holds the views: each event is applied to them and its
    tracking recorded in one transaction of the recorder's datastore (the library's design)."""

    views: ClassVar[list[View]] = []
    schema: ClassVar[str] = "public"
    relaxed: ClassVar[bool] = False  # our views' durability settings rather than the library's
    datastore: Any
    configured: set[int]

    def apply_event(self, event: Any, tracking: Tracking) -> None:
        name = type(event).__qualname__
        with self.datastore.transaction(commit=True) as cursor:
            backend = "sqlite" if isinstance(self, SQLiteTrackingRecorder) else "postgres"
            if backend == "postgres":
                cursor.row_factory = tuple_row
                connection = id(cursor.connection)
                if connection not in self.configured:  # once per pooled connection
                    cursor.execute(
                        sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema))
                    )
                    if self.relaxed:
                        cursor.execute("SET synchronous_commit TO off")
                    self.configured.add(connection)
            db: Any = CursorViews(cursor, backend)
            for view in self.views:
                if name in view.topics:
                    view.apply(db, [(tracking.notification_id, event)])
            recorder: Any = self  # a tracking recorder too (see the classes below)
            recorder._insert_tracking(cursor, tracking)


class SQLiteStockViews(StockViewsMixin, SQLiteTrackingRecorder):
    """The views behind the library's SQLite tracking recorder."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configured = set()


class PostgresStockViews(StockViewsMixin, PostgresTrackingRecorder):
    """The views behind the library's PostgreSQL tracking recorder."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configured = set()


class StockProjection(Projection[PostgresStockViews]):
    """The library's projection: ``process_event`` applies one event in one transaction."""

    name = TRACKING_NAME
    topics: tuple[str, ...] = ()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply_event(domain_event, tracking)


def stock_runner(store: Store, topics: list[str], relaxed: bool) -> tuple[float, int]:
    """Seconds and events of the library's per-event design over the sample, with the
    library's durability settings or (``relaxed``) with those of our views' connection."""
    settings = store.sample
    drop_views(settings)
    ledger = Ledger(settings)  # for the views' catalogue
    ProjectionRunner(ledger).close()  # the same (empty) views, created before the clock starts
    StockViewsMixin.views = all_views(ledger)
    StockViewsMixin.schema = settings.database_schema
    StockViewsMixin.relaxed = relaxed
    try:
        return run_stock(settings, topics, store.sample_events)
    finally:
        ledger.close()


def run_stock(settings: Settings, topics: list[str], end: int) -> tuple[float, int]:
    env = stock_env(settings)
    if settings.backend == "sqlite":
        store_app = EventStore(env)
        factory: Any = InfrastructureFactory.construct(env=Environment(TRACKING_NAME, env))
        pool = factory.datastore.pool
        create = pool._create_connection

        def tuned() -> Any:  # as our views' connection (the default, FULL, fsyncs each event)
            connection = create()
            connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
            return connection

        if StockViewsMixin.relaxed:
            pool._create_connection = tuned
        recorder = factory.tracking_recorder(SQLiteStockViews)
        started = time.perf_counter()
        position = recorder.max_tracking_id(APP_NAME) or 0
        while True:  # the polling loop: pages of notifications, one transaction per event
            notifications = store_app.recorder.select_notifications(
                start=position, limit=500, stop=end, topics=topics, inclusive_of_start=False
            )
            if not notifications:
                break
            for notification in notifications:
                event = store_app.mapper.to_domain_event(notification)
                recorder.apply_event(event, Tracking(APP_NAME, notification.id))
            position = notifications[-1].id
        elapsed = time.perf_counter() - started
        store_app.close()
        return elapsed, end
    StockProjection.topics = tuple(topics)
    last_relevant = last_view_event(settings, topics, end)
    started = time.perf_counter()
    with StockProjectionRunner(
        application_class=EventStore,
        projection_class=StockProjection,
        view_class=PostgresStockViews,
        env=env,
    ) as runner:
        runner.wait(last_relevant, timeout=3600)
        elapsed = time.perf_counter() - started
    return elapsed, end


def last_view_event(settings: Settings, topics: list[str], end: int) -> int:
    with psycopg.connect(postgres_conninfo(settings)) as conn:
        row = conn.execute(
            sql.SQL(
                "SELECT MAX(notification_id) FROM {} WHERE notification_id <= %s "
                "AND topic = ANY(%s)"
            ).format(sql.Identifier(settings.database_schema, f"{APP_NAME.lower()}_events")),
            (end, topics),
        ).fetchone()
    return int(row[0]) if row and row[0] else end


# -- indicators ------------------------------------------------------------------------------


def indicator_calls() -> dict[str, Callable[[ViewDatabase], Any]]:
    period = parse_period(PERIOD)
    return {
        "stock (all sites)": lambda db: stock(db),
        f"circularity (sorter, {PERIOD})": lambda db: circularity(db, Scope(SORTER), period),
        f"jobs (sorter, {PERIOD})": lambda db: jobs(db, SORTER, period),
        f"refashion statement (sorter, {PERIOD})": lambda db: refashion_statement(
            db, SORTER, PERIOD
        ),
        f"metabolism ({PERIOD})": lambda db: metabolism(db, period),
        f"dashboard data ({PERIOD})": lambda db: dashboard_data(db, period),
    }


def time_indicators(settings: Settings, calls: int = 5) -> dict[str, tuple[float, float]]:
    """Per indicator: the first call's ms and the median of the next ``calls``."""
    db = ViewDatabase(settings)
    found: dict[str, tuple[float, float]] = {}
    for name, call in indicator_calls().items():
        times = []
        for _ in range(calls + 1):
            started = time.perf_counter()
            call(db)
            times.append((time.perf_counter() - started) * 1000)
        found[name] = (times[0], statistics.median(times[1:]))
    db.close()
    return found


# -- live lag --------------------------------------------------------------------------------


@dataclass
class LagRun:
    """Lags of one live run, in ms."""

    lags: list[float] = field(default_factory=list)
    commands: int = 0
    missed: int = 0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def live_lag(settings: Settings, seconds: float, rate: float) -> LagRun:
    """Commands at a steady rate while the embedded runner follows them."""
    ledger = Ledger(settings)
    embedded = EmbeddedProjections(ledger)
    runner = embedded.runner
    runner.catch_up()
    reached: list[tuple[float, int]] = []
    run_page = runner.run_page

    def timed_page() -> int:
        count = run_page()
        if count:
            reached.append((time.monotonic(), min(runner.positions().values())))
        return count

    runner.run_page = timed_page  # type: ignore[method-assign]
    embedded.start()
    writes: list[tuple[float, int]] = []
    containers = [UUID(uid("container", c)) for c in range(30)]
    centre = UUID(uid("centre"))
    started = time.monotonic()
    count = int(seconds * rate)
    pending: list[UUID] = []
    for i in range(count):
        time.sleep(max(0.0, started + i / rate - time.monotonic()))
        now = dt.datetime.now(dt.UTC)
        step = i % 3
        if step == 0:
            collect = Collect("textile.collected", Decimal("85.5"), containers[i % 30], now)
            outcome = ledger.collect(ADMIN, collect)
            pending.append(UUID(outcome.ref.id))
        elif step == 1:
            outcome = ledger.dispatch(ADMIN, pending[-1], Dispatch(centre, now))
        else:
            outcome = ledger.receive(ADMIN, pending[-1], Receive(now))
        writes.append((time.monotonic(), int(outcome.position or 0)))
    time.sleep(1.0)
    embedded.close()
    ledger.close()
    run = LagRun(commands=count)
    for committed, position in writes:
        seen = next((t for t, p in reached if p >= position and t >= committed - 1.0), None)
        if seen is None:
            run.missed += 1
        else:
            run.lags.append(max(0.0, seen - committed) * 1000)
    return run


# -- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    settings = Settings(database_url=POSTGRES_URL)
    with psycopg.connect(postgres_conninfo(settings)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg_version = row[0] if row else "?"
        row = conn.execute("SHOW synchronous_commit").fetchone()
        pg_sync = row[0] if row else "?"
    return {
        "cores": f"{len(os.sched_getaffinity(0))} (`nproc`)",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": f"{sqlite3.sqlite_version} (WAL, synchronous=NORMAL for the views)",
        "postgres": f"{pg_version} on 127.0.0.1 (synchronous_commit={pg_sync})",
        "libraries": f"eventsourcing {importlib.metadata.version('eventsourcing')}, "
        f"psycopg {psycopg.__version__}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


Runs = dict[str, list[tuple[float, int]]]  # backend → (seconds, events) of each repetition


@dataclass
class Results:
    """Everything one run measured."""

    full: Runs = field(default_factory=dict)
    stock: Runs = field(default_factory=dict)
    relaxed: Runs = field(default_factory=dict)
    sample: Runs = field(default_factory=dict)
    indicators: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    lag: dict[str, LagRun] = field(default_factory=dict)


def rate(runs: Sequence[tuple[float, int]]) -> float:
    return statistics.median(count / seconds for seconds, count in runs)


def report(
    args: argparse.Namespace,
    stores_: dict[str, Store],
    res: Results,
    info: dict[str, str],
    seconds: float,
) -> str:
    out = [
        f"Run on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with "
        f"`.venv/bin/python bench/projections.py --rounds {args.rounds} --reps {args.reps} "
        f"--sample {args.sample} --lag-seconds {args.lag_seconds} --rate {args.rate}` "
        f"({seconds / 60:.1f} min, log import excluded).",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "### Catch-up of all views (registry, batches + flows + lineage, work) from empty",
        "",
        "| backend | log events | of which decoded | median events/s | runs (events/s) | target |",
        "|---|---|---|---|---|---|",
    ]
    for backend in args.backends:
        runs = res.full[backend]
        store = stores_[backend]
        median = rate(runs)
        target = TARGET_RATE[backend]
        out.append(
            f"| {backend} | {store.events:,} | {store.decoded:,} | **{median:,.0f}** | "
            f"{', '.join(f'{c / s:,.0f}' for s, c in runs)} | ≥ {target:,.0f}: "
            f"{verdict(median >= target)} |"
        )
    out += [
        "",
        f"### Against the library's stock runner (first {args.sample:,} events of the same log)",
        "",
        "| backend | stock runner events/s (library settings) | stock runner events/s (our "
        "views' durability settings) | this runner events/s (same sample) | ratio | ratio, "
        "same settings | target ≥ 20× |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend in args.backends:
        stock_rate = rate(res.stock[backend])
        relaxed = rate(res.relaxed[backend])
        ours = rate(res.sample[backend])
        out.append(
            f"| {backend} | {stock_rate:,.0f} | {relaxed:,.0f} | {ours:,.0f} | "
            f"**{ours / stock_rate:.0f}×** | {ours / relaxed:.0f}× | "
            f"{verdict(ours / stock_rate >= TARGET_RATIO)} |"
        )
    out += [
        "",
        "Library settings: SQLite's default `synchronous=FULL` (an fsync per event) and "
        "PostgreSQL's `synchronous_commit=on`; our views' settings: `synchronous=NORMAL` and "
        "`synchronous_commit=off` (safe for views: a lost view transaction loses its position "
        "with it, and is applied again).",
    ]
    out += [
        "",
        f"### Indicator queries over the views of the whole log ({PERIOD} holds all of it)",
        "",
        "| indicator | " + " | ".join(f"{b} first / median ms" for b in args.backends) + " |",
        "|---|" + "---|" * len(args.backends),
    ]
    worst = 0.0
    for name in indicator_calls():
        cells = []
        for backend in args.backends:
            first, median = res.indicators[backend][name]
            worst = max(worst, median)
            cells.append(f"{first:.0f} / {median:.0f}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += [
        "",
        f"Slowest median: {worst:.0f} ms; target < {TARGET_QUERY_MS:.0f} ms: "
        f"{verdict(worst < TARGET_QUERY_MS)}.",
        "",
        f"### Live lag: {args.rate:g} commands/s for {args.lag_seconds:g} s, embedded runner "
        "polling every 50 ms, on top of the full views",
        "",
        "| backend | commands | p50 ms | p95 ms | max ms | not seen | target p95 < 250 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend in args.backends:
        lag = res.lag[backend]
        p95 = lag.quantile(0.95)
        out.append(
            f"| {backend} | {lag.commands} | {lag.quantile(0.5):.0f} | {p95:.0f} | "
            f"{max(lag.lags, default=float('nan')):.0f} | {lag.missed} | "
            f"{verdict(p95 < TARGET_LAG_P95_MS and not lag.missed)} |"
        )
    return "\n".join(out)


def write_results(section: str, path: Path) -> None:
    """Replace the text between the markers (or start the file)."""
    text = path.read_text() if path.exists() else f"# Projection benchmark\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{section}\n{END}{tail}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4500, help="workload rounds (~228 events)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sample", type=int, default=20_000, help="events for the stock runner")
    parser.add_argument("--lag-seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=25.0, help="commands/s in the lag test")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    info = machine()
    source = cached_log(args.rounds)
    topics = view_topics(source)
    started = time.perf_counter()
    res = Results()
    with (
        tempfile.TemporaryDirectory(prefix="projections-") as folder,
        stores(source, args.sample, Path(folder)) as made,
    ):
        say(f"setup done in {time.perf_counter() - started:.0f} s")
        for rep in range(args.reps):
            for backend in args.backends:
                store = made[backend]
                calls: list[tuple[str, Runs, Callable[[], tuple[float, int]]]] = [
                    ("full", res.full, partial(catch_up, store.full)),
                    ("stock", res.stock, partial(stock_runner, store, topics, False)),
                    ("stock~", res.relaxed, partial(stock_runner, store, topics, True)),
                    ("sample", res.sample, partial(catch_up, store.sample)),
                ]
                for label, target, call in calls:
                    seconds, count = call()
                    target.setdefault(backend, []).append((seconds, count))
                    say(
                        f"rep {rep + 1} {backend:8} {label:6} {count:>9,} events "
                        f"in {seconds:6.1f} s: {count / seconds:>9,.0f}/s"
                    )
        for backend in args.backends:
            res.indicators[backend] = time_indicators(made[backend].full)
            slowest = max(m for _, m in res.indicators[backend].values())
            say(f"indicators {backend}: slowest median {slowest:.0f} ms")
        for backend in args.backends:
            res.lag[backend] = live_lag(made[backend].full, args.lag_seconds, args.rate)
            lag = res.lag[backend]
            say(f"lag {backend}: p50 {lag.quantile(0.5):.0f} ms, p95 {lag.quantile(0.95):.0f} ms")
        section = report(args, made, res, info, time.perf_counter() - started)
    write_results(section, args.output)
    print(section)


if __name__ == "__main__":
    main()
