"""Failed logins and token checks, counted per client address: a guesser is slowed to a crawl.

After ``limit`` failures within ``window`` seconds an address is answered 429, with
``Retry-After``, without its token even being checked, until its oldest failure leaves the
window. Counted per process (each worker counts its own): a guesser spread over workers still
makes at most ``limit`` guesses a window in each.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from fastapi import Request

from ledger.domain.errors import TooManyAttempts

FAILURE_LIMIT = 10
WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000  # a flood of addresses cannot grow the table without bound


class FailureLimiter:
    """Recent failures per client address."""

    def __init__(self, limit: int = FAILURE_LIMIT, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Refuse an address that failed too often lately."""
        with self._lock:
            recent = self._recent(address, time.monotonic())
            if recent is not None and len(recent) >= self.limit:
                wait = math.ceil(recent[0] + self.window - time.monotonic())
                raise TooManyAttempts(
                    "Too many failed attempts from this address: wait a minute, then try again "
                    "with a valid token.",
                    retry_after_seconds=max(wait, 1),
                )

    def failed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = self._recent(address, now)
            if recent is None:
                if len(self._failures) >= MAX_ADDRESSES:
                    self._failures.pop(next(iter(self._failures)))
                recent = self._failures[address] = deque()
            recent.append(now)

    def _recent(self, address: str, now: float) -> deque[float] | None:
        recent = self._failures.get(address)
        if recent is not None:
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if not recent:
                del self._failures[address]
                return None
        return recent


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limiter(request: Request) -> FailureLimiter:
    """The app's limiter (one per app)."""
    found = getattr(request.app.state, "failure_limiter", None)
    if found is None:
        limit = request.app.state.settings.failed_attempts_per_minute
        found = request.app.state.failure_limiter = FailureLimiter(limit)
    assert isinstance(found, FailureLimiter)
    return found
