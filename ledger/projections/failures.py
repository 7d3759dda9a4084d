"""Views that cannot apply an event say so, and only they stop.

When a view fails on a page, the page is applied to every other view, and the failing view's
events are applied one by one (in a transaction that is rolled back) to find the event it cannot
apply. The view then applies what comes before that event, stops just before it, and the failure
is written down — the view, the event's position, the error — in ``view_failures``, in the same
database as the views, so the API's health, the ``ledger project`` process and read-your-writes
all see it. A runner started again (a fixed ledger) retries its failed views first.

Errors of the database itself (a lock held too long, a lost connection) are not a view's fault:
they are raised to the runner's loop, which waits and tries the page again.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from ledger.projections.base import utc_text
from ledger.projections.db import ViewDatabase

LOG = logging.getLogger("ledger.projections")
TRANSIENT = (sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError)


@dataclass(frozen=True)
class Failure:
    """A view stopped before the event it cannot apply."""

    view: str
    position: int
    error: str
    since: str

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "error": self.error, "since": self.since}

    def sentence(self) -> str:
        return (
            f"view {self.view} stopped before the event at position {self.position}: {self.error}"
        )


def create_table(db: ViewDatabase) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_failures (name TEXT PRIMARY KEY, "
        f"position {db.big_integer} NOT NULL, error TEXT NOT NULL, since TEXT NOT NULL)"
    )


def failures(db: ViewDatabase) -> dict[str, Failure]:
    """The views that are stopped, each with the event it cannot apply."""
    try:
        rows = db.query("SELECT name, position, error, since FROM view_failures")
    except (sqlite3.OperationalError, psycopg.errors.UndefinedTable):
        return {}  # no runner has set the views up yet
    return {str(n): Failure(str(n), int(p), str(e), str(s)) for n, p, e, s in rows}


def record(db: ViewDatabase, view: str, position: int, error: BaseException) -> Failure:
    """Write down that ``view`` stopped before ``position`` (and log it, with the error)."""
    text = f"{type(error).__name__}: {error}"[:2000]
    failure = Failure(view, position, text, utc_text(datetime.now(UTC)))
    with db.transaction():
        db.execute("DELETE FROM view_failures WHERE name = ?", (view,))
        db.execute(
            "INSERT INTO view_failures VALUES (?, ?, ?, ?)",
            (view, position, failure.error, failure.since),
        )
    LOG.error("%s", failure.sentence(), exc_info=error)
    return failure


def clear(db: ViewDatabase, views: list[str]) -> None:
    """Forget the failures of these views (they are tried again)."""
    with db.transaction():
        for view in views:
            db.execute("DELETE FROM view_failures WHERE name = ?", (view,))


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)
