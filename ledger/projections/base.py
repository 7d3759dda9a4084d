"""What a view is: tables, and a way to apply a page of events to them in a transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from ledger.projections.db import ViewDatabase

PARIS = ZoneInfo("Europe/Paris")
Page = Sequence[tuple[int, Any]]  # (position, decoded domain event)


def topic_name(event: Any) -> str:
    """``Batch.Collected``: the aggregate and event class, as views dispatch on them."""
    return type(event).__qualname__


def paris_date(moment: datetime) -> str:
    """Periods are calendar periods of ``occurred_at`` in Europe/Paris (DESIGN §5)."""
    return moment.astimezone(PARIS).date().isoformat()


def utc_text(moment: datetime) -> str:
    """Times as sortable UTC text, the same in SQLite and PostgreSQL."""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class View(Protocol):
    """A read model: its tables and how a page of events changes them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]

    def create(self, db: ViewDatabase) -> None: ...

    def apply(self, db: ViewDatabase, page: Page) -> None: ...
