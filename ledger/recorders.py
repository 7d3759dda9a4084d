"""Application recorders that store a whole batch of events at once.

The library's stock recorders are correct but slow for large transactions (an import chunk holds
thousands of events):

* ``SQLiteApplicationRecorder`` runs one ``INSERT`` and reads ``lastrowid`` per event;
* ``PostgresApplicationRecorder`` sends the events as an array of a composite type, which psycopg
  dumps in Python as text, escaping every field with a regular expression.

These subclasses keep everything else of the library (tables, transactions, locking, retries,
error translation) and change only how the rows travel. They are wired by
``Settings.eventsourcing_env`` through the library's ``APPLICATION_RECORDER_TOPIC`` key, and
read exactly the tables the stock recorders write, so a database can switch either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier


class FastSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Inserts a transaction's events with one ``executemany`` instead of one call per event.

    The notification id of an event is its ``rowid``. Rows are inserted without a rowid, so
    SQLite gives each the largest rowid of the table plus one; the transaction holds the write
    lock from its first insert, so the batch's rowids are consecutive and end at
    ``last_insert_rowid()``. Both ends are checked against the batch's first and last events;
    should they not match (SQLite picks random rowids once the largest possible one is used),
    each id is read back by key instead.
    """

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.select_key_by_rowid_statement = (
            f"SELECT rowid, originator_id, originator_version FROM {self.events_table_name} "
            "WHERE rowid IN (?, ?)"
        )
        self.select_rowid_by_key_statement = (
            f"SELECT rowid FROM {self.events_table_name} "
            "WHERE originator_id = ? AND originator_version = ?"
        )

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        params = [
            (
                s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                s.originator_version,
                s.topic,
                s.state,
            )
            for s in stored_events
        ]
        # A duplicate (originator_id, originator_version) raises sqlite3.IntegrityError here;
        # the library's transaction then rolls back every row of the batch and raises its own
        # IntegrityError, exactly as with the stock recorder.
        c.executemany(self.insert_events_statement, params)
        # lastrowid is not set by executemany(); last_insert_rowid() is per connection.
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        first = last - len(params) + 1
        if self._rows_are(c, {first: params[0][:2], last: params[-1][:2]}):
            return list(range(first, last + 1))
        return [self._rowid_of(c, p[0], p[1]) for p in params]

    def _rows_are(self, c: SQLiteCursor, expected: dict[int, tuple[Any, ...]]) -> bool:
        """Whether the rows at these rowids hold these (originator_id, version) keys."""
        rowids = list(expected)
        c.execute(self.select_key_by_rowid_statement, (rowids[0], rowids[-1]))
        found = {
            row["rowid"]: (row["originator_id"], row["originator_version"]) for row in c.fetchall()
        }
        return found == expected

    def _rowid_of(self, c: SQLiteCursor, originator_id: str, version: int) -> int:
        c.execute(self.select_rowid_by_key_statement, (originator_id, version))
        return int(c.fetchone()[0])


class FastPostgresApplicationRecorder(PostgresApplicationRecorder):
    """Sends a transaction's events as four plain arrays in binary, not an array of composites.

    The library's locking (``LOCK TABLE … IN EXCLUSIVE MODE``, so notification ids follow commit
    order), ``NOTIFY``, pipeline, retries and error translation are unchanged: only the
    ``INSERT`` statement and how its parameters are dumped differ. Notification ids are
    returned with their keys and matched to the events by key, so the result does not depend on
    the order in which PostgreSQL returns rows.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[]) "
            "RETURNING originator_id, originator_version, notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            id_type=Identifier(self.datastore.originator_id_type),
        )

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
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
        ids = {
            (row["originator_id"], row["originator_version"]): row["notification_id"]
            for row in curs.fetchall()
        }
        try:
            return [ids[(s.originator_id, s.originator_version)] for s in stored_events]
        except KeyError:
            msg = f"Got {len(ids)} notification ids for {len(stored_events)} events"
            raise ProgrammingError(msg) from None
