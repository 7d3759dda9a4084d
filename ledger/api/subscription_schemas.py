"""Request and response bodies of the subscriptions (DESIGN §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from ledger.api.schemas import Body


class SubscriptionCreate(Body):
    url: str = Field(
        max_length=2000,
        description="Where to POST: http(s), no credentials; see LEDGER_SUBSCRIPTION_TARGETS.",
        examples=["https://observatoire.example/ledger-hook"],
    )
    kinds: list[Annotated[str, Field(max_length=100)]] = Field(
        max_length=50,
        description="Event kinds as the feed names them (`Batch`, `Batch.Collected`, …), "
        "and `figures.daily` for a daily digest of the organisation's figures.",
        examples=[["Batch.Collected", "Transformation", "figures.daily"]],
    )
    secret: str = Field(
        max_length=200,
        description="16 to 200 characters; each delivery carries `Ledger-Signature: "
        "sha256=<HMAC-SHA256 of the exact body under this secret>`. Never shown back.",
    )


class DeliveryState(BaseModel):
    position: int = Field(description="Every event up to here was delivered (or not yours).")
    attempts: int = Field(description="Failed attempts at the next delivery.")
    next_try_at: datetime | None
    stopped: str | None = Field(description="Why deliveries ended for good, if they did.")
    digest_date: str | None = Field(description="The last day whose digest was delivered.")


class SubscriptionPublic(BaseModel):
    id: UUID
    organisation_id: UUID
    url: str
    kinds: list[str]
    secret_hint: str = Field(description="The secret's last characters, to tell two apart.")
    reader_role: str = Field(description="Deliveries carry what this role may read.")
    reader_token_id: str
    cancelled: bool
    recorded_at: datetime | None
    delivery: DeliveryState | None = None


class DeliveryAttempt(BaseModel):
    delivery_id: UUID = Field(description="The same on every try of one delivery.")
    position: int = Field(description="The event's position in the log (0 for a digest).")
    attempt: int
    kind: str
    attempted_at: datetime
    outcome: str = Field(description="delivered or failed")
    http_status: int | None
    answer: str = Field(description="The first 500 characters of the answer, or the error.")
    duration_ms: int
    next_try_at: datetime | None


class DeliveryAttempts(BaseModel):
    """A subscription's attempts, the latest first."""

    data: list[DeliveryAttempt]
    count: int
    delivery: DeliveryState | None
