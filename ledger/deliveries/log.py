"""Each subscription's position and attempts, in tables beside the views.

``subscription_positions`` says, per subscription, the last event of the log that is settled
(delivered and acknowledged, or not for this subscriber): a worker resumes after it. A position
moves only in a transaction that also writes the attempt that acknowledged it, and only from the
position the worker started from (compare and set), so a crash, a restart or a second worker can
send an event again, never skip one. A lease (owner and expiry) keeps two workers from sending the
same subscription's events at once; a worker killed with its lease is replaced when it expires.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger.projections.db import ViewDatabase

ANSWER_CHARACTERS = 500  # of an answer, kept in the log


@dataclass(frozen=True)
class Position:
    """Where one subscription stands."""

    subscription_id: str
    position: int  # every event up to here is settled
    attempts: int  # failed attempts at the event after it
    next_try_at: float  # epoch seconds; 0 when nothing failed
    leased_until: float
    stopped: str | None  # why deliveries ended for good (the token was revoked)
    digest_date: str | None  # the last day whose figures digest was acknowledged


@dataclass(frozen=True)
class Attempt:
    """One POST to a subscriber and what came of it."""

    subscription_id: str
    delivery_id: str
    position: int
    attempt: int
    kind: str
    outcome: str  # delivered or failed
    http_status: int | None
    answer: str
    duration_ms: int
    next_try_at: float | None  # when the next try is due, after a failure


def utc(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="milliseconds")


def clean(text: str) -> str:
    """A receiver's answer as the log keeps it: printable, bounded."""
    kept = "".join(c if c.isprintable() else " " for c in text[:ANSWER_CHARACTERS])
    return kept.strip()


class DeliveryLog:
    """The positions and attempts of every subscription, on one view connection."""

    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def create(self) -> None:
        real = "REAL" if self.db.backend == "sqlite" else "DOUBLE PRECISION"
        big = self.db.big_integer
        with self.db.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS subscription_positions ("
                f"subscription_id TEXT PRIMARY KEY, position {big} NOT NULL, "
                f"attempts INTEGER NOT NULL, next_try_at {real} NOT NULL, lease_owner TEXT, "
                f"leased_until {real} NOT NULL, stopped TEXT, digest_date TEXT)"
            )
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS subscription_attempts ("
                "subscription_id TEXT NOT NULL, delivery_id TEXT NOT NULL, "
                f"position {big} NOT NULL, attempt INTEGER NOT NULL, kind TEXT NOT NULL, "
                "attempted_at TEXT NOT NULL, outcome TEXT NOT NULL, http_status INTEGER, "
                "answer TEXT NOT NULL, duration_ms INTEGER NOT NULL, next_try_at TEXT, "
                "PRIMARY KEY (subscription_id, delivery_id, attempt))"
            )

    def start(self, subscription_id: str, position: int, digest_date: str) -> None:
        """A subscription's first position: the event that created it (only new events go)."""
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO subscription_positions VALUES (?, ?, 0, 0, NULL, 0, NULL, ?) "
                "ON CONFLICT (subscription_id) DO NOTHING",
                (subscription_id, position, digest_date),
            )

    def positions(self) -> dict[str, Position]:
        rows = self.db.query(
            "SELECT subscription_id, position, attempts, next_try_at, leased_until, stopped, "
            "digest_date FROM subscription_positions"
        )
        return {str(r[0]): self._position(r) for r in rows}

    def position(self, subscription_id: str) -> Position | None:
        rows = self.db.query(
            "SELECT subscription_id, position, attempts, next_try_at, leased_until, stopped, "
            "digest_date FROM subscription_positions WHERE subscription_id = ?",
            (subscription_id,),
        )
        return self._position(rows[0]) if rows else None

    @staticmethod
    def _position(row: tuple[Any, ...]) -> Position:
        return Position(
            str(row[0]), int(row[1]), int(row[2]), float(row[3]), float(row[4]), row[5], row[6]
        )

    def _locked(self, subscription_id: str) -> tuple[Any, ...] | None:
        lock = "" if self.db.backend == "sqlite" else " FOR UPDATE"
        rows = self.db.query(
            "SELECT subscription_id, position, attempts, next_try_at, leased_until, stopped, "
            f"digest_date, lease_owner FROM subscription_positions WHERE subscription_id = ?{lock}",
            (subscription_id,),
        )
        return rows[0] if rows else None

    def claim(self, subscription_id: str, owner: str, lease: float) -> Position | None:
        """Take the subscription's lease if it is free, due and not stopped; else None."""
        now = time.time()
        with self.db.transaction():
            row = self._locked(subscription_id)
            if row is None or row[5] is not None or float(row[3]) > now:
                return None
            if row[7] not in (None, owner) and float(row[4]) > now:
                return None
            self.db.execute(
                "UPDATE subscription_positions SET lease_owner = ?, leased_until = ? "
                "WHERE subscription_id = ?",
                (owner, now + lease, subscription_id),
            )
            return self._position(row)

    def release(self, subscription_id: str, owner: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE subscription_positions SET lease_owner = NULL, leased_until = 0 "
                "WHERE subscription_id = ? AND lease_owner = ?",
                (subscription_id, owner),
            )

    def settle(
        self,
        held: Position,
        owner: str,
        lease: float,
        *,
        to: int | None = None,
        attempt: Attempt | None = None,
        stopped: str | None = None,
        digest_date: str | None = None,
    ) -> Position | None:
        """Record an attempt and move the position (to ``to``, or past an acknowledged digest),
        if this worker still holds the lease and the position is still ``held``'s; returns the
        new position, or None when another worker has taken over (nothing is written then)."""
        now = time.time()
        with self.db.transaction():
            row = self._locked(held.subscription_id)
            if row is None or row[7] != owner or int(row[1]) != held.position:
                return None
            if attempt is not None:
                self._write_attempt(attempt, now)
            failed = attempt is not None and attempt.outcome != "delivered"
            new = Position(
                held.subscription_id,
                held.position if to is None else to,
                held.attempts + 1 if failed else 0,
                (attempt.next_try_at or 0.0) if failed and attempt else 0.0,
                now + lease,
                stopped,
                digest_date or held.digest_date,
            )
            self.db.execute(  # the digest day and the stop are written only when they change
                "UPDATE subscription_positions SET position = ?, attempts = ?, next_try_at = ?, "
                "leased_until = ?, stopped = COALESCE(?, stopped), "
                "digest_date = COALESCE(?, digest_date) WHERE subscription_id = ?",
                (new.position, new.attempts, new.next_try_at, new.leased_until, stopped,
                 digest_date, new.subscription_id),
            )  # fmt: skip
        return new

    def _write_attempt(self, attempt: Attempt, now: float) -> None:
        self.db.execute(
            "INSERT INTO subscription_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (
                attempt.subscription_id,
                attempt.delivery_id,
                attempt.position,
                attempt.attempt,
                attempt.kind,
                utc(now),
                attempt.outcome,
                attempt.http_status,
                clean(attempt.answer),
                attempt.duration_ms,
                utc(attempt.next_try_at),
            ),
        )

    def attempts(
        self, subscription_id: str, limit: int, before: str | None
    ) -> list[dict[str, Any]]:
        """A subscription's attempts, the latest first (``before``: older than this time)."""
        rows = self.db.query(
            "SELECT delivery_id, position, attempt, kind, attempted_at, outcome, http_status, "
            "answer, duration_ms, next_try_at FROM subscription_attempts "
            "WHERE subscription_id = ? AND attempted_at < ? "
            "ORDER BY attempted_at DESC, attempt DESC LIMIT ?",
            (subscription_id, before or "9999", limit),
        )
        names = ("delivery_id", "position", "attempt", "kind", "attempted_at", "outcome",
                 "http_status", "answer", "duration_ms", "next_try_at")  # fmt: skip
        return [dict(zip(names, row, strict=True)) for row in rows]
