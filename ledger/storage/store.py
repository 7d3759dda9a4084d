"""Direct reads of the event store that the library does not offer: positions and existence.

Kept to plain SQL on the library's own tables, so they see exactly what the recorder wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from ledger.storage import idempotency
from ledger.storage.idempotency import KeyRecord


class EventLog:
    """Position and existence look-ups on the application's events table."""

    def __init__(self, recorder: ApplicationRecorder, backend: str) -> None:
        self.recorder = recorder
        self.backend = backend
        self.datastore: Any = getattr(recorder, "datastore")  # noqa: B009
        table = getattr(recorder, "events_table_name")  # noqa: B009
        if backend == "postgres":
            self.table = f'"{self.datastore.schema}"."{table}"'
            self.keys_table = f'"{self.datastore.schema}".{idempotency.TABLE}'
            self.position_column = "notification_id"
            self.mark = "%s"
        else:
            self.table = table
            self.keys_table = idempotency.TABLE
            self.position_column = "rowid"
            self.mark = "?"

    def planner_rows(self) -> int:
        """The events the PostgreSQL planner's statistics count (0 before any ANALYZE; SQLite
        keeps none that matter here)."""
        if self.backend != "postgres":
            return 0
        sql = "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (self.table,))
            row = cursor.fetchone()
        return max(0, int(row["reltuples"])) if row else 0

    def analyze(self) -> None:
        """Take the PostgreSQL planner's statistics of the events and keys tables again."""
        if self.backend != "postgres":
            return
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"ANALYZE {self.table}")
            cursor.execute(f"ANALYZE {self.keys_table}")

    def _key(self, originator_id: UUID) -> Any:
        return originator_id if self.backend == "postgres" else originator_id.hex

    def positions(self, originator_id: UUID) -> dict[int, int]:
        """Each version of an aggregate and its position in the whole log."""
        sql = (
            f"SELECT originator_version, {self.position_column} AS position "
            f"FROM {self.table} WHERE originator_id = {self.mark}"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (self._key(originator_id),))
            rows = cursor.fetchall()
        return {int(row["originator_version"]): int(row["position"]) for row in rows}

    def existing(self, originator_ids: Iterable[UUID]) -> set[UUID]:
        """Which of these aggregates have at least one stored event (one query per 500 ids)."""
        ids = list(dict.fromkeys(originator_ids))
        found: set[UUID] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join([self.mark] * len(chunk))
            sql = (
                f"SELECT DISTINCT originator_id FROM {self.table} "
                f"WHERE originator_version = 1 AND originator_id IN ({marks})"
            )
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(sql, [self._key(i) for i in chunk])
                rows = cursor.fetchall()
            for row in rows:
                value = row["originator_id"]
                found.add(value if isinstance(value, UUID) else UUID(str(value)))
        return found

    def originators_since(self, position: int, topic_prefix: str) -> tuple[set[UUID], int]:
        """The aggregates with an event stored after ``position`` whose topic starts with the
        prefix, and the position this answer holds up to (a read of the log's tail by its
        position index)."""
        top = self.max_position()
        if top <= position:
            return set(), max(top, position)
        sql = (
            f"SELECT DISTINCT originator_id FROM {self.table} WHERE {self.position_column} > "
            f"{self.mark} AND {self.position_column} <= {self.mark} "
            f"AND substr(topic, 1, {len(topic_prefix)}) = {self.mark}"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (position, top, topic_prefix))
            rows = cursor.fetchall()
        found = set()
        for row in rows:
            value = row["originator_id"]
            found.add(value if isinstance(value, UUID) else UUID(str(value)))
        return found, top

    def max_position(self) -> int:
        """The position of the last stored event (0 when the log is empty)."""
        return int(self.recorder.max_notification_id() or 0)

    def key_records(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], KeyRecord]:
        """Which of these (scope, key) pairs were used, and for what (a query per scope and 500
        keys, read by the primary key)."""
        by_scope: dict[str, list[str]] = {}
        for scope, key in dict.fromkeys(keys):
            by_scope.setdefault(scope, []).append(key)
        found: dict[tuple[str, str], KeyRecord] = {}
        columns = ("scope", "key", "request_digest", "status", "result")
        for scope, scope_keys in by_scope.items():
            for start in range(0, len(scope_keys), 500):
                chunk = scope_keys[start : start + 500]
                sql, params = self._keys_query(columns, scope, chunk)
                with self.datastore.transaction(commit=False) as cursor:
                    cursor.execute(sql, params)
                    rows = cursor.fetchall()
                for row in rows:
                    record = KeyRecord.from_row([row[name] for name in columns])
                    found[(record.scope, record.key)] = record
        return found

    def _keys_query(
        self, columns: tuple[str, ...], scope: str, keys: list[str]
    ) -> tuple[str, list[Any]]:
        """The query of these keys of one scope, each found by the primary key.

        PostgreSQL, given ``scope = … AND key IN (…)`` on a table whose keys mostly share one
        scope (an import's), may read the scope's whole range and filter the keys when its
        statistics are older than the import (no autovacuum, or one that lags): a query that
        grows with the ledger (295 ms for 500 keys among 786,000). A join on the list of keys
        can be planned the same way; a lateral look-up of one row per key cannot, so each key
        is one seek of the primary key whatever the statistics say (7 ms).
        """
        if self.backend == "postgres":
            chosen = ", ".join(f"i.{name}" for name in columns)
            sql = (
                f"SELECT {chosen} FROM unnest(%s::text[]) AS k(key) CROSS JOIN LATERAL "
                f"(SELECT * FROM {self.keys_table} j WHERE j.scope = %s AND j.key = k.key "
                "LIMIT 1) i"
            )
            return sql, [keys, scope]
        marks = ", ".join([self.mark] * len(keys))
        where = f"scope = ? AND key IN ({marks})"
        sql = f"SELECT {', '.join(columns)} FROM {self.keys_table} WHERE {where}"
        return sql, [scope, *keys]

    def has_topic(self, topic: str) -> bool:
        """Whether any stored event has this topic (a scan where the log has no topic index)."""
        sql = f"SELECT 1 FROM {self.table} WHERE topic = {self.mark} LIMIT 1"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (topic,))
            return bool(cursor.fetchall())
