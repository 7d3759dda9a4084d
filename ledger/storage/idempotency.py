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
_ASCII = json.encoder.encode_basestring_ascii  # what that encoder writes a string with
_RESULT_KEYS = frozenset(("extra", "id", "kind", "version"))


def result_text(result: dict[str, Any]) -> str:
    """``_COMPACT(result)``, written directly for the common reference (no extra, or an empty
    one: every command's ``Ref`` but a few)."""
    kind, ref_id, version = result.get("kind"), result.get("id"), result.get("version")
    extra = result.get("extra")
    if extra is None:
        head = '{"extra":null,"id":'
    elif type(extra) is dict and not extra:
        head = '{"extra":{},"id":'
    else:
        return _COMPACT(result)
    if (
        result.keys() == _RESULT_KEYS
        and type(kind) is str
        and type(ref_id) is str
        and (version is None or type(version) is int)
    ):
        version_text = "null" if version is None else int.__repr__(version)
        return (
            head + _ASCII(ref_id) + ',"kind":' + _ASCII(kind) + ',"version":' + version_text + "}"
        )
    return _COMPACT(result)


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
            result_text(self.result),
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
