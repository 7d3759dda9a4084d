"""Index aggregates with deterministic ids: uniqueness enforced by the event store itself.

Two writers that bind the same label code, or submit the same idempotency key, both try to create
the aggregate with the same id at version 1; the store lets exactly one of them commit.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import IdempotencyKeyReused


class LabelBinding(Aggregate):
    """A label code bound to its batch, once and for ever."""

    class Bound(Aggregate.Created):
        code: str
        batch_id: UUID

    def __init__(self, code: str, batch_id: UUID) -> None:
        self.code = code
        self.batch_id = batch_id

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/labels/{code}")

    @classmethod
    def bind(cls, code: str, batch_id: UUID) -> LabelBinding:
        return cls._create(cls.Bound, id=cls.create_id(code), code=code, batch_id=batch_id)


class IdempotencyRecord(Aggregate):
    """What a request with an idempotency key (or client event id) produced the first time."""

    class Recorded(Aggregate.Created):
        scope: str
        key: str
        request_digest: str
        status: int
        result: dict[str, Any]  # a reference to what was written: {kind, id, version}

    def __init__(
        self, scope: str, key: str, request_digest: str, status: int, result: dict[str, Any]
    ) -> None:
        self.scope = scope
        self.key = key
        self.request_digest = request_digest
        self.status = status
        self.result = result

    @staticmethod
    def create_id(scope: str, key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/idempotency/{scope}/{key}")

    @classmethod
    def record(
        cls, scope: str, key: str, request_digest: str, status: int, result: dict[str, Any]
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Recorded,
            id=cls.create_id(scope, key),
            scope=scope,
            key=key,
            request_digest=request_digest,
            status=status,
            result=result,
        )

    def check_same_request(self, request_digest: str) -> None:
        """The same key with another body is refused."""
        if request_digest != self.request_digest:
            raise IdempotencyKeyReused(
                "This idempotency key was already used for a different request.", key=self.key
            )


class EndedSession(Aggregate):
    """A page session ended on the server (its user logged out): its cookie opens nothing more.

    Keyed by a digest of the session's id, so the event log never holds a live secret.
    """

    class Ended(Aggregate.Created):
        token_id: str

    def __init__(self, token_id: str) -> None:
        self.token_id = token_id

    @staticmethod
    def create_id(session_digest: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/sessions/{session_digest}")

    @classmethod
    def end(cls, session_digest: str, token_id: str) -> EndedSession:
        return cls._create(cls.Ended, id=cls.create_id(session_digest), token_id=token_id)
