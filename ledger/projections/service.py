"""The views as the API sees them: read connections per thread, positions, read-your-writes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from ledger.application.core import LedgerCore
from ledger.application.ledger import Ledger
from ledger.audit.chain import HashChain
from ledger.deliveries.log import DeliveryLog
from ledger.deliveries.worker import EmbeddedDeliveries
from ledger.projections import failures
from ledger.projections.base import utc_text
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import EmbeddedProjections, ProjectionRunner

TOKEN_USE_RESOLUTION_SECONDS = 60.0


class ChainFollower:
    """Keeps the hash chain at the head of the log, in a thread of the API process."""

    def __init__(self, ledger: LedgerCore) -> None:
        self.chain = HashChain(ledger)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.chain.follow, args=(self.stop,), name="hash-chain", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        self.chain.close()


class Views:
    """Reads of the views; in embedded mode also runs the projection runner in a thread."""

    def __init__(self, ledger: LedgerCore, embedded: bool) -> None:
        self.ledger = ledger
        ProjectionRunner(ledger, retry_failed=False).close()  # the tables, before a read
        HashChain(ledger).close()
        self.create_delivery_log()
        self.embedded_mode = embedded
        self.embedded: EmbeddedProjections | None = None
        self.chain: ChainFollower | None = None
        self.deliveries: EmbeddedDeliveries | None = None
        self._local = threading.local()
        self._connections: list[ViewDatabase] = []
        self._lock = threading.Lock()
        self._users = 0
        self._uses_noted: dict[str, float] = {}
        with self.db.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS token_uses "
                "(token_id TEXT PRIMARY KEY, last_used_at TEXT NOT NULL)"
            )

    def start(self) -> None:
        """Start the background threads (once, however many servers share this app)."""
        with self._lock:
            self._users += 1
            if self._users > 1 or not self.embedded_mode:
                return
        self.embedded = EmbeddedProjections(self.ledger)
        self.chain = ChainFollower(self.ledger)
        self.embedded.start()
        self.chain.start()
        if isinstance(self.ledger, Ledger):  # subscriptions are delivered from this process
            self.deliveries = EmbeddedDeliveries(self.ledger)
            self.deliveries.start()

    def close(self) -> None:
        """Stop the threads and close the connections when the last user is done."""
        with self._lock:
            self._users -= 1
            if self._users > 0:
                return
        if self.embedded is not None:
            self.embedded.close()
            self.embedded = None
        if self.chain is not None:
            self.chain.close()
            self.chain = None
        if self.deliveries is not None:
            self.deliveries.close()
            self.deliveries = None
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()

    def create_delivery_log(self) -> None:
        db = ViewDatabase(self.ledger.settings)
        try:
            DeliveryLog(db).create()
        finally:
            db.close()

    @property
    def db(self) -> ViewDatabase:
        """This thread's read connection."""
        db: ViewDatabase | None = getattr(self._local, "db", None)
        if db is None:
            db = ViewDatabase(self.ledger.settings)
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def note_use(self, token_id: str) -> None:
        """Remember when a token was last used (written at most once a minute per token and
        process: a list of tokens says "last used" to the minute, and a scan is not slowed)."""
        now = time.monotonic()
        if now - self._uses_noted.get(token_id, -1e9) < TOKEN_USE_RESOLUTION_SECONDS:
            return
        self._uses_noted[token_id] = now
        stamp = utc_text(datetime.now(UTC))
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO token_uses VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET "
                "last_used_at = excluded.last_used_at",
                (token_id, stamp),
            )

    def token_uses(self) -> dict[str, str]:
        """When each token was last used, as far as the ledger noted it."""
        return {str(t): str(at) for t, at in self.db.query("SELECT * FROM token_uses")}

    def positions(self) -> dict[str, int]:
        rows = self.db.query("SELECT name, position FROM view_positions")
        return {str(name): int(position) for name, position in rows}

    def position(self, *names: str) -> int:
        """The position all the named views (all by default) have reached."""
        positions = self.positions()
        chosen = [positions.get(n, 0) for n in names] if names else list(positions.values())
        return min(chosen, default=0)

    def failures(self) -> dict[str, failures.Failure]:
        """The views stopped before an event they cannot apply."""
        return failures.failures(self.db)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Block until every view has applied the event at ``position``; a view stopped before
        it is not waited for (the answer is then False, once the others hold it)."""
        stopped = {name for name, f in self.failures().items() if f.position <= position}
        deadline = time.monotonic() + timeout
        while True:
            behind = [n for n, p in self.positions().items() if p < position and n not in stopped]
            if not behind:
                return not stopped
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)

    def query(self, statement: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return self.db.query(statement, params)
