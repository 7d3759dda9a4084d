"""A hash chain over the stored event log, so that a rewritten history can be detected.

Each stored record gets a digest that chains the previous one:

    sealed(n) = SHA-256(topic "|" state)
    record(n) = SHA-256("ledger-record/v2|" position "|" originator_id "|" version "|" sealed(n))
    digest(n) = SHA-256(digest(n-1) record(n))

with ``originator_id`` as 32 lowercase hex digits, ``position`` and ``version`` in decimal, and
``state`` the exact stored bytes (the transcoded, possibly compressed event); digest(0) is 32 zero
bytes. Because a record enters the chain by its own digest, an evidence bundle can carry the
records behind its figures whole and the others sealed (position, aggregate, version and
``sealed``): the chain still recomputes to its head, and another organisation's work logs or a
token's hash never leave the ledger in a bundle. A chain kept in the first form (the whole record
in each step) is chained again in this form when the ledger starts.

The digests live in their own table, fed like a projection: records are chained in pages, each
page's digests committed in one transaction. Verification recomputes the chain from the
stored records and reports the first position that does not match. Someone able to rewrite both
the events and the chain could recompute it: the head digest printed on every statement and
label sheet is what makes such a rewrite detectable afterwards.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application.core import LedgerCore
from ledger.projections.db import ViewDatabase
from ledger.storage.gcpause import paused_gc

GENESIS = bytes(32)
FORMAT = 2
PAGE_SIZE = 5000
CHECKPOINT_EVERY = 10_000  # DESIGN §7: bundles start from the checkpoint before their events


def hex_id(originator_id: Any) -> str:
    if isinstance(originator_id, UUID):
        return originator_id.hex
    return str(originator_id).replace("-", "")


def sealed_content(topic: str, state: bytes) -> bytes:
    """What a record holds, as a digest: a bundle may show it instead of the record."""
    return hashlib.sha256(topic.encode() + b"|" + bytes(state)).digest()


def record_digest(
    previous: bytes, position: int, originator_id: Any, version: int, topic: str, state: bytes
) -> bytes:
    """The digest of one stored record, chained to the previous digest."""
    return chained(previous, position, hex_id(originator_id), version, sealed_content(topic, state))


def chained(previous: bytes, position: int, identifier: str, version: int, sealed: bytes) -> bytes:
    """One step of the chain, from a record's place and its sealed content."""
    record = hashlib.sha256(
        f"ledger-record/v2|{position}|{identifier}|{version}|".encode() + sealed
    )
    return hashlib.sha256(previous + record.digest()).digest()


def chain_head(db: ViewDatabase) -> str | None:
    """The head digest to print on statements and label sheets (None before any chaining)."""
    try:
        digest = db.scalar("SELECT digest FROM audit_chain ORDER BY position DESC LIMIT 1")
    except Exception:  # no chain table yet: the chain keeper has not started
        return None
    return None if digest is None else str(digest)


@dataclass(frozen=True)
class Verification:
    """The outcome of recomputing the chain."""

    ok: bool
    head: str | None  # the last digest that matched (hex)
    checked: int  # records recomputed
    first_bad: int | None = None  # the first position that does not match
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "head": self.head, "checked": self.checked}
        if not self.ok:
            data["first_bad"] = self.first_bad
            data["problem"] = self.problem
        return data


class HashChain:
    """Keeps and verifies the chain of digests over the application's stored records."""

    def __init__(self, ledger: LedgerCore, db: ViewDatabase | None = None) -> None:
        self.ledger = ledger
        self.db = db or ViewDatabase(ledger.settings)
        self._owns_db = db is None
        with self.db.transaction():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS audit_chain (position {self.db.big_integer} "
                "PRIMARY KEY, digest TEXT NOT NULL)"
            )
            self.db.execute("CREATE TABLE IF NOT EXISTS audit_chain_format (version INTEGER)")
            kept = self.db.scalar("SELECT MAX(version) FROM audit_chain_format")
            if kept != FORMAT:  # a chain of the first form, or none yet: chained anew
                self.db.execute("DELETE FROM audit_chain")
                self.db.execute("DELETE FROM audit_chain_format")
                self.db.execute("INSERT INTO audit_chain_format VALUES (?)", (FORMAT,))

    def close(self) -> None:
        if self._owns_db:
            self.db.close()

    def records(self, after: int, limit: int) -> list[Any]:
        return list(
            self.ledger.recorder.select_notifications(
                start=after, limit=limit, inclusive_of_start=False
            )
        )

    def head(self) -> tuple[int, bytes]:
        """The position and digest of the last chained record."""
        rows = self.db.query(
            "SELECT position, digest FROM audit_chain ORDER BY position DESC LIMIT 1"
        )
        if not rows:
            return 0, GENESIS
        return int(rows[0][0]), bytes.fromhex(rows[0][1])

    def extend(self, page_size: int = PAGE_SIZE) -> int:
        """Chain the next page of stored records; returns how many were chained."""
        # A page's records are freed by reference counting (ledger.storage.gcpause).
        with paused_gc():
            return self._extend(page_size)

    def _extend(self, page_size: int) -> int:
        with self.db.transaction():
            position, digest = self.head()  # re-read under the write lock: one chainer wins
            records = self.records(position, page_size)
            rows = []
            for record in records:
                digest = record_digest(
                    digest, record.id, record.originator_id, record.originator_version,
                    record.topic, record.state,
                )  # fmt: skip
                rows.append((record.id, digest.hex()))
            self.db.executemany("INSERT INTO audit_chain VALUES (?, ?)", rows)
        return len(rows)

    def catch_up(self) -> int:
        total = 0
        while count := self.extend():
            total += count
        return total

    def follow(self, stop: threading.Event, poll_seconds: float = 0.2) -> None:
        """Keep the chain at the head of the log until ``stop`` is set."""
        while not stop.is_set():
            try:
                busy = self.extend() > 0
            except Exception:  # the API must keep serving; retry after a pause
                busy = False
                stop.wait(1.0)
            if not busy:
                stop.wait(poll_seconds)

    def stored_digests(self, after: int, limit: int) -> Iterator[tuple[int, bytes]]:
        rows = self.db.query(
            "SELECT position, digest FROM audit_chain WHERE position > ? ORDER BY position LIMIT ?",
            (after, limit),
        )
        for position, digest in rows:
            yield int(position), bytes.fromhex(digest)

    def verify(self, page_size: int = PAGE_SIZE) -> Verification:
        """Recompute the chain from the stored records; report the first position that differs.

        Records stored after the chain's head (not chained yet) are not compared.
        """
        walk = _Walk()
        while True:
            with paused_gc():  # page by page, as the chain is kept (ledger.storage.gcpause)
                outcome = self._verify_page(walk, page_size)
            if outcome is not None:
                return outcome

    def _verify_page(self, walk: _Walk, page_size: int) -> Verification | None:
        """Recompute the next page of the chain; the outcome if the walk ends in it."""
        records = self.records(walk.position, page_size)
        stored = list(self.stored_digests(walk.position, page_size))
        for index, (chained_at, expected) in enumerate(stored):
            if index >= len(records):
                return walk.failed(chained_at, "a chained record is missing (deleted or truncated)")
            record = records[index]
            if record.id != chained_at:
                return walk.failed(min(record.id, chained_at), "a chained record was removed")
            candidate = record_digest(
                walk.digest, record.id, record.originator_id, record.originator_version,
                record.topic, record.state,
            )  # fmt: skip
            if candidate != expected:
                return walk.failed(chained_at, "the stored record differs from what was chained")
            walk.digest, walk.position, walk.checked = candidate, chained_at, walk.checked + 1
        if len(stored) < page_size:
            return Verification(True, walk.head, walk.checked)
        return None


@dataclass
class _Walk:
    """How far a verification has recomputed the chain."""

    digest: bytes = GENESIS
    position: int = 0
    checked: int = 0

    @property
    def head(self) -> str | None:
        return self.digest.hex() if self.checked else None

    def failed(self, at: int, why: str) -> Verification:
        return Verification(False, self.head, self.checked, at, why)
