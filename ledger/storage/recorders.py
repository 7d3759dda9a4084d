"""Application recorders: idempotency keys in the events' transaction; PostgreSQL in binary arrays.

Both recorders take ``idempotency=[KeyRecord, …]`` in ``insert_events`` and write those keys in
the same transaction as the events (``ledger.storage.idempotency``).

The library's ``PostgresApplicationRecorder`` already inserts a transaction's events in one
statement, but passes them as an array of a composite type, which psycopg dumps in Python as text,
escaping every field with regular expressions: for an import chunk of ~4,600 events that took
~280 ms of the ~520 ms the library spent saving it. Sent as four plain arrays in binary, the same
insert takes ~70 ms (bench/RESULTS.md, "Ingestion").

On SQLite a transaction's events go in one ``executemany`` (the library runs one ``execute``
per event to read each new rowid; the rowids of one transaction are consecutive).

The recorder is wired by ``Settings.eventsourcing_env`` through the library's
``APPLICATION_RECORDER_TOPIC`` key. It writes the same table as the stock recorder, so a database
can switch either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from ledger.storage import idempotency
from ledger.storage.idempotency import KeyRecord


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    """The library's SQLite recorder, which also writes a transaction's idempotency keys.

    ``insert_events(stored_events, idempotency=[KeyRecord, …])``: the keys go into
    ``ledger_idempotency`` in the events' transaction (``ledger.storage.idempotency``).
    """

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.insert_keys_statement = idempotency.insert_statement(idempotency.TABLE, "?")

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), idempotency.create_statement()]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        keys: Sequence[KeyRecord] = kwargs.get("idempotency", ())
        if keys:
            c.executemany(self.insert_keys_statement, idempotency.rows_of(keys))
        if len(stored_events) < 2:
            return super()._insert_events(c, stored_events, **kwargs)
        # One executemany, not one execute per event: SQLite gives each new row the largest
        # rowid plus one, and the transaction holds the write lock, so the rowids are the
        # consecutive run ending at the last one (checked on the first event, else asked).
        c.executemany(
            self.insert_events_statement,
            [
                (s.originator_id.hex, s.originator_version, s.topic, s.state)
                if isinstance(s.originator_id, UUID)
                else (s.originator_id, s.originator_version, s.topic, s.state)
                for s in stored_events
            ],
        )
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        first = last - len(stored_events) + 1
        if self._rowid(c, stored_events[0]) == first:
            return list(range(first, last + 1))
        return [self._rowid(c, s) for s in stored_events]

    def _rowid(self, c: SQLiteCursor, stored: StoredEvent) -> int:
        key = stored.originator_id
        c.execute(
            f"SELECT rowid FROM {self.events_table_name} "
            "WHERE originator_id = ? AND originator_version = ?",
            (key.hex if isinstance(key, UUID) else key, stored.originator_version),
        )
        return int(c.fetchone()[0])


class FastPostgresApplicationRecorder(PostgresApplicationRecorder):
    """Sends a transaction's events as four plain arrays in binary, not an array of composites.

    The library's locking (``LOCK TABLE … IN EXCLUSIVE MODE``, so notification ids follow commit
    order), ``NOTIFY``, pipeline, retries and error translation are unchanged: only the
    ``INSERT`` statement and how its parameters are dumped differ. Notification ids come back
    with their keys, so each is given to its own event even if PostgreSQL were to return the rows
    in another order than the arrays'.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        # %b, not %s: with %s psycopg dumps these lists as text, escaping every bytea in Python.
        self.insert_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING originator_id, originator_version, notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            id_type=Identifier(self.datastore.originator_id_type),
        )
        keys_table = f'"{self.datastore.schema}".{idempotency.TABLE}'
        # A transaction's keys in one statement, as five arrays (like its events), in binary:
        # as text, psycopg escapes every element in Python (a tenth of an import's time).
        self.insert_keys_statement = (
            f"INSERT INTO {keys_table} (scope, key, request_digest, status, result) "
            "SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::int[], %b::text[])"
        )
        self.sql_create_statements.append(SQL(idempotency.create_statement(keys_table)))  # type: ignore[arg-type]

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """The transaction's idempotency keys, before its events (same transaction)."""
        keys: Sequence[KeyRecord] = kwargs.get("idempotency", ())
        if keys:
            columns = [list(column) for column in zip(*idempotency.rows_of(keys), strict=True)]
            curs.execute(self.insert_keys_statement, columns, prepare=True, binary=True)

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        # Plain tuples for the returned ids: the connection's dict rows would build one dict per
        # event (~10 ms for an import chunk). This cursor is the library's, used for this insert.
        curs.row_factory = tuple_row  # type: ignore[assignment]
        curs.execute(
            self.insert_arrays_statement,
            (
                [s.originator_id for s in stored_events],
                [s.originator_version for s in stored_events],
                [s.topic for s in stored_events],
                [s.state for s in stored_events],
            ),
            prepare=True,
            binary=True,
        )

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> Sequence[int] | None:
        rows: list[tuple[Any, int, int]] = curs.fetchall()  # type: ignore[assignment]
        # PostgreSQL returns the rows in the order of the arrays (the stock recorder relies on
        # it); check it cheaply, and match by key should it ever differ.
        if len(rows) == len(stored_events) and all(
            row[1] == s.originator_version and row[0] == s.originator_id
            for row, s in zip(rows, stored_events, strict=True)
        ):
            return [row[2] for row in rows]
        ids = {(row[0], row[1]): row[2] for row in rows}
        try:
            return [ids[(s.originator_id, s.originator_version)] for s in stored_events]
        except KeyError:
            msg = f"Got {len(ids)} notification ids for {len(stored_events)} events"
            raise ProgrammingError(msg) from None
