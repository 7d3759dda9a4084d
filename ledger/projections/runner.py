"""The projection runner: reads the event log in pages and feeds every view, exactly once.

Each page is applied to every view that has not seen it, and the views' new positions are written
in the same transaction, after re-reading them under the write lock: a crash at any point, a
restart, or two runners at once, neither lose nor double-count an event. SQLite has no
LISTEN/NOTIFY, so a live runner polls the log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from ledger.core import LedgerCore
from ledger.projections.base import View
from ledger.projections.batches import BatchesView
from ledger.projections.db import ViewDatabase
from ledger.projections.registry import RegistryView
from ledger.projections.work import WorkView

DEFAULT_PAGE_SIZE = 2000


def all_views(ledger: LedgerCore) -> list[View]:
    """Every view of the ledger."""
    return [RegistryView(), BatchesView(ledger.catalogue), WorkView()]


class ProjectionRunner:
    """Feeds the views from the ledger's event log."""

    def __init__(
        self,
        ledger: LedgerCore,
        views: Sequence[View] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.ledger = ledger
        self.views = list(views) if views is not None else all_views(ledger)
        self.page_size = page_size
        self.db = ViewDatabase(ledger.settings)
        self.setup()

    def close(self) -> None:
        self.db.close()

    def setup(self) -> None:
        """Create the position table and the views' tables if they are missing."""
        with self.db.transaction():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS view_positions (name TEXT PRIMARY KEY, "
                f"position {self.db.big_integer} NOT NULL)"
            )
            for view in self.views:
                view.create(self.db)
                self.db.execute(
                    "INSERT INTO view_positions VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
                    (view.name,),
                )

    def positions(self) -> dict[str, int]:
        """Each view's position: the last event it has applied."""
        rows = self.db.query("SELECT name, position FROM view_positions")
        known = {str(name): int(position) for name, position in rows}
        return {view.name: known.get(view.name, 0) for view in self.views}

    def _locked_positions(self) -> dict[str, int]:
        lock = "" if self.db.backend == "sqlite" else " FOR UPDATE"
        rows = self.db.query(f"SELECT name, position FROM view_positions{lock}")
        return {str(name): int(position) for name, position in rows}

    def run_page(self) -> int:
        """Apply the next page of events to the views behind; returns how many were read."""
        start = min(self.positions().values(), default=0)
        notifications = self.ledger.recorder.select_notifications(
            start=start, limit=self.page_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        mapper = self.ledger.mapper
        page: list[tuple[int, Any]] = [(n.id, mapper.to_domain_event(n)) for n in notifications]
        last = page[-1][0]
        with self.db.transaction():
            current = self._locked_positions()
            for view in self.views:
                seen = current.get(view.name, 0)
                todo = [(p, e) for p, e in page if p > seen]
                if todo:
                    view.apply(self.db, todo)
                    self.db.execute(
                        "UPDATE view_positions SET position = ? WHERE name = ?", (last, view.name)
                    )
        return len(page)

    def catch_up(self, max_pages: int | None = None) -> int:
        """Run pages until the views reach the end of the log; returns events read."""
        total = pages = 0
        while max_pages is None or pages < max_pages:
            count = self.run_page()
            if count == 0:
                break
            total += count
            pages += 1
        return total

    def rebuild(self, names: Sequence[str] | None = None) -> int:
        """Drop the named views (all by default) and replay them from the first event."""
        chosen = [v for v in self.views if names is None or v.name in names]
        unknown = set(names or ()) - {v.name for v in self.views}
        if unknown:
            raise ValueError(f"Unknown views: {', '.join(sorted(unknown))}")
        with self.db.transaction():
            for view in chosen:
                for table in view.tables:
                    self.db.execute(f"DELETE FROM {table}")
                self.db.execute(
                    "UPDATE view_positions SET position = 0 WHERE name = ?", (view.name,)
                )
        return self.catch_up()

    def run_forever(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Follow the log until ``stop`` is set (polling: SQLite cannot notify)."""
        while not stop.is_set():
            try:
                busy = self.run_page() > 0
            except Exception:  # a view error must not kill the API; retry after a pause
                busy = False
                stop.wait(1.0)
            if not busy:
                stop.wait(poll_seconds)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Block until every view has reached ``position`` (read-your-writes)."""
        deadline = time.monotonic() + timeout
        while min(self.positions().values(), default=0) < position:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


class EmbeddedProjections:
    """The runner in a background thread of the API process (the embedded mode)."""

    def __init__(self, ledger: LedgerCore) -> None:
        self.runner = ProjectionRunner(ledger)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.runner.run_forever, args=(self.stop,), name="projections", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.runner.close()
