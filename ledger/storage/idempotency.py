"""Idempotency keys: one row per key, written in the transaction of the events it answers for.

An idempotency key (the HTTP ``Idempotency-Key``, or an import line's ``client_event_id``) in
its scope (the caller's organisation) names what a request produced the first time: the digest
of the request, the status and a reference to what was written. The rows used to be index
aggregates of the event log (``IdempotencyRecord``), 40 % of a bulk import's stored events; they
are now a table beside the events, inserted by the application recorder in the same
transaction as the events (as the library's process recorders insert tracking records), so a
key used twice at the same moment makes exactly one of the two transactions fail on the primary
key. Keys recorded before, as aggregates, are still read (``LedgerCore.replay``).

These rows are not events: no view, feed or hash chain reads them. They answer "was this request
already made", nothing an auditor's figure depends on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

TABLE = "ledger_idempotency"
_COMPACT = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode  # made once


@dataclass(frozen=True)
class KeyRecord:
    """What a request with this key produced the first time."""

    scope: str
    key: str
    request_digest: str
    status: int
    result: dict[str, Any]  # a reference to what was written: {kind, id, version, extra}

    def row(self) -> tuple[str, str, str, int, str]:
        return (
            self.scope,
            self.key,
            self.request_digest,
            self.status,
            _COMPACT(self.result),
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> KeyRecord:
        scope, key, request_digest, status, result = row
        return cls(str(scope), str(key), str(request_digest), int(status), json.loads(result))


def create_statement(table: str = TABLE) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {table} (scope TEXT NOT NULL, key TEXT NOT NULL, "
        "request_digest TEXT NOT NULL, status INTEGER NOT NULL, result TEXT NOT NULL, "
        "PRIMARY KEY (scope, key))"
    )


def insert_statement(table: str, mark: str) -> str:
    marks = ", ".join([mark] * 5)
    return f"INSERT INTO {table} (scope, key, request_digest, status, result) VALUES ({marks})"


def rows_of(records: Iterable[KeyRecord]) -> list[tuple[str, str, str, int, str]]:
    return [record.row() for record in records]
