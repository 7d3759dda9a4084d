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

from ledger.database import postgres_conninfo
from ledger.settings import Settings


class ViewDatabase:
    """A connection for views: ``?`` placeholders everywhere, one transaction at a time."""

    def __init__(self, settings: Settings) -> None:
        self.backend = settings.backend
        self.schema = settings.database_schema
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: psycopg.Connection[Any] | None = None
        if self.backend == "sqlite":
            connection = sqlite3.connect(
                settings.sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._sqlite = connection
        else:
            self._postgres = psycopg.connect(postgres_conninfo(settings), autocommit=True)
            self._postgres.execute(
                sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema))
            )

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
            with self._postgres.transaction():
                yield self

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

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._sqlite is not None:
            return list(self._sqlite.execute(statement, params).fetchall())
        assert self._postgres is not None
        with self._postgres.cursor() as cursor:
            cursor.execute(self._sql(statement), params)
            return list(cursor.fetchall())

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(statement, params)
        return rows[0][0] if rows else None

    @property
    def big_integer(self) -> str:
        return "INTEGER" if self.backend == "sqlite" else "BIGINT"
