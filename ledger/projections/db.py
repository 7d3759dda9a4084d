"""The views' own connection to the ledger's database, with the few SQL differences smoothed out.

Views live beside the event store (the same SQLite file, or the same PostgreSQL schema) so that a
view update and its position commit in one transaction of their own, independent of the writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from ledger.settings import Settings
from ledger.storage.database import postgres_conninfo

# Below this many rows a PostgreSQL bulk write is a pipelined ``executemany``; above it, the rows
# go through ``COPY`` (text format, dumped in C), which is several times cheaper per row.
COPY_THRESHOLD = 64


class ViewDatabase:
    """A connection for views: ``?`` placeholders everywhere, one transaction at a time.

    ``bulk=True`` is for the projection runner's connection: a larger SQLite page cache (the
    views' indexes are written at random places); on PostgreSQL, commits that do not wait for
    the WAL flush.
    """

    def __init__(self, settings: Settings, *, bulk: bool = False) -> None:
        self.backend = settings.backend
        self.schema = settings.database_schema
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: psycopg.Connection[Any] | None = None
        self._staging: set[str] = set()
        if self.backend == "sqlite":
            connection = sqlite3.connect(
                settings.sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            if bulk:
                connection.execute("PRAGMA cache_size=-65536")  # 64 MiB, allocated as used
                connection.execute("PRAGMA temp_store=MEMORY")
                # SQLite as Debian and others build it zeroes every page it frees and writes it
                # out (secure_delete): a rebuild's emptying of the views wrote them whole to the
                # WAL, then to the file again (~460 MB and 2.5 s at scale 0.05). FAST still
                # zeroes deleted rows inside the pages it writes anyway, and leaves the freed
                # pages as they were: the views' rows are derived from the event log they sit
                # beside. No effect on what a crash leaves (that is the journal's work).
                connection.execute("PRAGMA secure_delete=FAST")
            self._sqlite = connection
        else:
            self._postgres = psycopg.connect(postgres_conninfo(settings), autocommit=True)
            self._postgres.execute(
                sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema))
            )
            if bulk:
                # A view transaction lost in a server crash is harmless: its positions are
                # lost with it, so its events are applied again. Not waiting for the WAL flush
                # at each commit is safe for views (never for the event store).
                self._postgres.execute("SET synchronous_commit TO off")

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            self._postgres.close()

    def _sql(self, statement: str) -> str:
        return statement if self.backend == "sqlite" else statement.replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[ViewDatabase]:
        """One atomic transaction (SQLite takes the write lock at once to avoid upgrades)."""
        if self._sqlite is not None:
            self._sqlite.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._sqlite.execute("ROLLBACK")
                raise
            self._sqlite.execute("COMMIT")
        else:
            assert self._postgres is not None
            try:
                with self._postgres.transaction():
                    yield self
            except BaseException:
                self._staging.clear()  # staging tables made in a rolled-back transaction are gone
                raise

    @contextmanager
    def sorting_on_disk(self) -> Iterator[None]:
        """Index builds whose sorts spill to temporary files, not memory (SQLite).

        The bulk connection keeps temporary B-trees in memory (``temp_store=MEMORY``), so a
        page's sorts never touch the disk; an index built over a whole table would then hold
        the whole sort in memory: 1 GiB for one index of the national year's 10 million flow
        facts, 2 GiB for a rebuild's deferred indexes. On files the same build takes 144 MiB,
        in less time (18 s instead of 30 s).
        """
        if self._sqlite is None:
            yield
            return
        (mode,) = self._sqlite.execute("PRAGMA temp_store").fetchone()
        self._sqlite.execute("PRAGMA temp_store=FILE")
        try:
            yield
        finally:
            self._sqlite.execute(f"PRAGMA temp_store={int(mode)}")

    @contextmanager
    def snapshot(self) -> Iterator[ViewDatabase]:
        """Several reads that see one consistent state of the views (and their positions)."""
        if self._sqlite is not None:
            self._sqlite.execute("BEGIN")
            try:
                yield self
            finally:
                self._sqlite.execute("COMMIT")
        else:
            assert self._postgres is not None
            with self._postgres.transaction():
                self._postgres.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield self

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        if self._sqlite is not None:
            self._sqlite.execute(statement, params)
        else:
            assert self._postgres is not None
            self._postgres.execute(self._sql(statement), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self._sqlite is not None:
            self._sqlite.executemany(statement, rows)
        else:
            assert self._postgres is not None
            with self._postgres.cursor() as cursor:
                cursor.executemany(self._sql(statement), rows)

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        conflict: str = "",
    ) -> None:
        """Insert rows (tuples in ``columns`` order) in bulk; ``conflict`` is an optional
        ``ON CONFLICT …`` clause. ``table`` and ``columns`` are code, never user input.

        On PostgreSQL many rows are copied into a temporary staging table, then inserted from it
        in one statement (``COPY`` cannot take an ``ON CONFLICT`` clause). Rows of an
        ``ON CONFLICT … DO UPDATE`` must have distinct keys, as in one SQL statement.
        """
        if not rows:
            return
        names = ", ".join(columns)
        if self._sqlite is not None:
            self._sqlite_insert(table, names, rows, conflict)
            return
        if len(rows) < COPY_THRESHOLD:
            marks = ", ".join("?" * len(columns))
            self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows)
            return
        if not conflict:
            self._copy(table, names, rows)
            return
        staging = f"staging_{table}"
        if staging not in self._staging:
            # A temporary table lives as long as the connection, emptied at each commit.
            self.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
                f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            self._staging.add(staging)
        self._copy(staging, names, rows)
        self.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} {conflict}")
        self.execute(f"DELETE FROM {staging}")  # in case one transaction stages twice

    def _sqlite_insert(
        self, table: str, names: str, rows: Sequence[Sequence[Any]], conflict: str
    ) -> None:
        """``executemany``, with the columns that are NULL in every row written as ``NULL``.

        The sqlite3 module binds ``None`` through its adapter look-up (a tuple, a dict look-up
        and two attribute look-ups per value), which made flow facts, a third of whose values
        are NULL, cost several times more to bind than to store.
        """
        assert self._sqlite is not None
        count = len(rows)
        by_column = list(zip(*rows, strict=True))
        keep = [column.count(None) != count for column in by_column]
        if not any(keep):
            keep = [True] * len(by_column)
        values = ", ".join("?" if kept else "NULL" for kept in keep)
        if not all(keep):
            kept_columns = (c for c, kept in zip(by_column, keep, strict=True) if kept)
            rows = list(zip(*kept_columns, strict=True))
        statement = f"INSERT INTO {table} ({names}) VALUES ({values}) {conflict}"
        self._sqlite.executemany(statement, rows)

    def _copy(self, table: str, names: str, rows: Sequence[Sequence[Any]]) -> None:
        assert self._postgres is not None
        with (
            self._postgres.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._sqlite is not None:
            return list(self._sqlite.execute(statement, params).fetchall())
        assert self._postgres is not None
        with self._postgres.cursor() as cursor:
            cursor.execute(self._sql(statement), params)
            return list(cursor.fetchall())

    def query_binary(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A query whose PostgreSQL results come back in binary (bytea without hex escapes)."""
        if self._sqlite is not None:
            return self.query(statement, params)
        assert self._postgres is not None
        with self._postgres.cursor(binary=True) as cursor:
            cursor.execute(self._sql(statement), params)
            return list(cursor.fetchall())

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(statement, params)
        return rows[0][0] if rows else None

    def has_index(self, name: str) -> bool:
        """Whether the index exists (a rebuild drops the deferred ones until its end)."""
        if self.backend == "sqlite":
            statement = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
        else:
            statement = "SELECT to_regclass(?) IS NOT NULL"
        return bool(self.scalar(statement, (name,)))

    @property
    def big_integer(self) -> str:
        return "INTEGER" if self.backend == "sqlite" else "BIGINT"
