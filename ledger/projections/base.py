"""What a view is: tables, and a way to apply a page of events to them in a transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from ledger.projections.db import ViewDatabase

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc  # noqa: UP017 (the object, not a name: compared by identity below)
Page = Sequence[tuple[int, Any]]  # (position, decoded domain event)


def topic_name(event: Any) -> str:
    """``Batch.Collected``: the aggregate and event class, as views dispatch on them."""
    return type(event).__qualname__


def paris_date(moment: datetime) -> str:
    """Periods are calendar periods of ``occurred_at`` in Europe/Paris (DESIGN §5)."""
    return moment.astimezone(PARIS).date().isoformat()


def utc_text(moment: datetime) -> str:
    """Times as sortable UTC text, the same in SQLite and PostgreSQL.

    ``2026-01-05T07:00:00.000000Z``: always six decimals and a ``Z``, the text ``strftime`` and
    ``isoformat`` give, formatted from the fields in one operation (half the time of
    ``isoformat``, several times less than ``strftime``). Decoded events' times are mostly in
    UTC already, so ``astimezone`` is skipped for them.
    """
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 (the fastest way here)
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
    )


class View(Protocol):
    """A read model: its tables, the events it reads and how a page of them changes its tables.

    ``topics`` names the event classes the view applies (``Batch.Collected``): the runner decodes
    only the events some view reads, and gives each view only its own.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    topics: ClassVar[frozenset[str]]

    def create(self, db: ViewDatabase) -> None: ...

    def apply(self, db: ViewDatabase, page: Page) -> None: ...
