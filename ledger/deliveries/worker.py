"""The delivery worker: every subscription's events, POSTed in log order, at least once.

A dispatcher looks, a few times a second, for subscriptions with something to send and a try
due, and hands each to a small pool of threads; a subscription is served by one thread at a time,
so a slow or failing receiver delays only itself (and holds one thread for at most the attempt
timeout), never the projections, which run on their own connections and threads.

Serving a subscription: take its lease, read the log after its position, skip what is not of its
kinds or not readable by its token (``ledger.application.visibility``), POST the next event, and
only on a 2xx move the position past it, in the same transaction as the attempt's log line. A
failure or timeout is logged with the time of the next try (exponential backoff, capped), and the
event is tried again then: event N+1 is never sent before N was acknowledged. A delivery's id
depends only on the subscription and the event's position, so a redelivery after a crash carries
the same id. When the log reaches the revocation of the subscriber's token, deliveries stop.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.utils import resolve_topic

from ledger.application.commands import Actor
from ledger.application.ledger import Ledger
from ledger.application.sealing import SecretUnreadable
from ledger.application.visibility import kind_matches
from ledger.deliveries.digest import figures_digest, first_digest_day, next_digest_day
from ledger.deliveries.log import Attempt, DeliveryLog, Position
from ledger.deliveries.webhook import SIGNATURE_HEADER, Answer, post, signature
from ledger.domain.subscription import DIGEST_KIND, Subscription
from ledger.projections.db import ViewDatabase

LOG = logging.getLogger(__name__)
READ_PAGE = 500  # events read from the log at a time, per subscription
BURST = 200  # deliveries in one turn of a subscription before others get the thread
SUBSCRIPTIONS_TTL = 1.0  # seconds a list of subscriptions is reused
REVOKED = "Token.Revoked"
CANCELLED = "Subscription.Cancelled"


@dataclass(frozen=True)
class Step:
    """What comes next for a subscription: an event to send, or a position to move to."""

    position: int
    entry: dict[str, Any] | None = None
    stopped: str | None = None


def plain_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def body_of(delivery_id: UUID, subscription_id: UUID, key: str, content: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): the same for every try of a delivery."""
    document: dict[str, Any] = {
        "delivery_id": str(delivery_id),
        "subscription_id": str(subscription_id),
        key: content,
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, default=plain_json)
    return text.encode()


class DeliveryWorker:
    """Delivers every subscription's events; ``run_forever`` in a thread or a process."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        timeout: float = 5.0,
        backoff: float = 1.0,
        backoff_cap: float = 600.0,
        threads: int = 4,
        poll: float = 0.2,
    ) -> None:
        self.ledger = ledger
        self.timeout = timeout
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.poll = poll
        self.lease = 2 * timeout + 2  # an attempt and its commit fit well inside it
        self.owner = uuid4().hex  # this worker, in the leases it takes
        self.networks = ledger.settings.subscription_targets
        self.db = ViewDatabase(ledger.settings)
        self.log = DeliveryLog(self.db)
        self.log.create()
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="deliveries")
        self.busy: set[UUID] = set()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.connections: list[ViewDatabase] = []
        self.names: dict[str, str] = {}
        self.listed: tuple[float, list[Subscription]] = (0.0, [])
        self.closing = threading.Event()

    # -- the dispatcher --------------------------------------------------------------------

    def run_forever(self, stop: threading.Event) -> None:
        """Dispatch until ``stop`` is set (a failing database is retried after a pause)."""
        while not stop.is_set():
            try:
                self.dispatch()
            except Exception:
                LOG.exception("deliveries: dispatch failed; retrying in 1 s")
                stop.wait(1.0)
            stop.wait(self.poll)

    def dispatch(self) -> int:
        """Hand every subscription with something due to the pool; returns how many."""
        now = time.time()
        head = self.ledger.event_log.max_position()
        positions = self.log.positions()
        handed = 0
        for subscription in self.subscriptions():
            held = positions.get(str(subscription.id)) or self.start(subscription)
            if self.due(subscription, held, head, now) and self.take(subscription.id):
                self.pool.submit(self.serve, subscription)
                handed += 1
        return handed

    def subscriptions(self) -> list[Subscription]:
        listed_at, found = self.listed
        if time.monotonic() - listed_at > SUBSCRIPTIONS_TTL:
            found = [s for s in self.ledger.all_subscriptions() if not s.cancelled]
            self.listed = (time.monotonic(), found)
        return found

    def start(self, subscription: Subscription) -> Position:
        created_at = self.ledger.event_log.positions(subscription.id)[1]
        first_day = first_digest_day(subscription.created_on)
        self.log.start(str(subscription.id), created_at, first_day)
        held = self.log.position(str(subscription.id))
        assert held is not None
        return held

    def due(self, subscription: Subscription, held: Position, head: int, now: float) -> bool:
        if held.stopped is not None or held.next_try_at > now or held.leased_until > now:
            return False
        digest = DIGEST_KIND in subscription.kinds
        return held.position < head or (digest and self.digest_day(held) is not None)

    def take(self, subscription_id: UUID) -> bool:
        with self.lock:
            if subscription_id in self.busy:
                return False
            self.busy.add(subscription_id)
            return True

    # -- serving one subscription (in a pool thread) ---------------------------------------

    def serve(self, subscription: Subscription) -> None:
        log = DeliveryLog(self.connection())
        try:
            held = log.claim(str(subscription.id), self.owner, self.lease)
            if held is not None:
                try:
                    self.deliver(log, subscription, held)
                finally:
                    log.release(str(subscription.id), self.owner)
        except Exception:
            LOG.exception("deliveries: subscription %s failed", subscription.id)
        finally:
            with self.lock:
                self.busy.discard(subscription.id)

    def deliver(self, log: DeliveryLog, subscription: Subscription, held: Position) -> None:
        """Send the subscription's next events in order, stopping at the first failure; then
        its digest, if it asked for one and has caught up with the log."""
        reader = Actor(
            subscription.owner_id, subscription.reader_role, subscription.reader_token_id
        )
        kinds = frozenset(subscription.kinds)
        for _ in range(BURST):
            step = self.next_step(subscription, reader, kinds, held.position)
            if step is None:  # at the end of the log
                if DIGEST_KIND in kinds:
                    self.deliver_digest(log, subscription, held)
                return
            if step.entry is None:
                moved = log.settle(held, self.owner, self.lease, to=step.position,
                                   stopped=step.stopped)  # fmt: skip
            else:
                moved = self.attempt(log, subscription, held, step)
            if moved is None or moved.position == held.position or moved.stopped:
                return  # taken over, failed (tried again later) or stopped for good
            if self.closing.is_set():
                return
            held = moved

    def next_step(
        self, subscription: Subscription, reader: Actor, kinds: frozenset[str], after: int
    ) -> Step | None:
        """The next event of the subscription's kinds that its token may read, the revocation
        of its token, or how far nothing of the kind was found; None at the end of the log."""
        page = self.ledger.recorder.select_notifications(
            start=after, limit=READ_PAGE, inclusive_of_start=False
        )
        visibility = self.ledger.visibility()
        for notification in page:
            name = self.event_name(notification.topic)
            originator = UUID(str(notification.originator_id))
            if name == REVOKED and originator.hex[:12] == reader.token_id:
                return Step(notification.id, stopped="the subscriber's token was revoked")
            if name == CANCELLED and originator == subscription.id:
                return Step(notification.id, stopped="the subscription was cancelled")
            if kind_matches(kinds, name):
                event = self.ledger.mapper.to_domain_event(notification)
                entry = visibility.entry(reader, notification.id, event)
                if entry is not None:
                    return Step(notification.id, entry)
        return Step(page[-1].id) if page else None

    def attempt(
        self, log: DeliveryLog, subscription: Subscription, held: Position, step: Step
    ) -> Position | None:
        delivery_id = uuid5(subscription.id, f"event/{step.position}")
        assert step.entry is not None
        body = body_of(delivery_id, subscription.id, "event", step.entry)
        answer = self.send(subscription, delivery_id, held, body, str(step.position))
        kind = str(step.entry["type"])
        attempt = self.attempt_line(subscription, delivery_id, held, step.position, kind, answer)
        to = step.position if answer.acknowledged else None
        return log.settle(held, self.owner, self.lease, to=to, attempt=attempt)

    def deliver_digest(self, log: DeliveryLog, subscription: Subscription, held: Position) -> None:
        """The daily figures digest, once the event stream is caught up (one day per turn)."""
        day = self.digest_day(held)
        if day is None:
            return
        delivery_id = uuid5(subscription.id, f"digest/{day.isoformat()}")
        content = figures_digest(self.connection(), subscription.owner_id, day)
        body = body_of(delivery_id, subscription.id, "digest", content)
        answer = self.send(subscription, delivery_id, held, body, "digest")
        attempt = self.attempt_line(subscription, delivery_id, held, 0, DIGEST_KIND, answer)
        sent = day.isoformat() if answer.acknowledged else None
        log.settle(held, self.owner, self.lease, attempt=attempt, digest_date=sent)

    def digest_day(self, held: Position) -> date | None:
        return next_digest_day(held.digest_date, datetime.now(tz=UTC))

    def send(
        self, subscription: Subscription, delivery_id: UUID, held: Position, body: bytes, at: str
    ) -> Answer:
        """One signed POST (a secret that does not open is a failed attempt, said so)."""
        try:
            secret = self.ledger.subscription_secret(subscription)
        except SecretUnreadable:
            why = "not sent: the subscription's secret does not open with LEDGER_SECRET_KEY"
            return Answer(None, f"{why} (the key changed?); make the subscription again", 0.0)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "filiere-ledger",
            "Connection": "close",
            "Ledger-Delivery-Id": str(delivery_id),
            "Ledger-Subscription-Id": str(subscription.id),
            "Ledger-Event-Position": at,
            "Ledger-Attempt": str(held.attempts + 1),
            SIGNATURE_HEADER: signature(secret, body),
        }
        return post(subscription.url, body, headers, self.timeout, self.networks)

    def attempt_line(
        self,
        subscription: Subscription,
        delivery_id: UUID,
        held: Position,
        position: int,
        kind: str,
        answer: Answer,
    ) -> Attempt:
        failures = held.attempts + 1
        delay = min(self.backoff_cap, self.backoff * 2 ** min(failures - 1, 30))
        return Attempt(
            subscription_id=str(subscription.id),
            delivery_id=str(delivery_id),
            position=position,
            attempt=failures,
            kind=kind,
            outcome="delivered" if answer.acknowledged else "failed",
            http_status=answer.status,
            answer=answer.text,
            duration_ms=round(answer.seconds * 1000),
            next_try_at=None if answer.acknowledged else time.time() + delay,
        )

    # -- plumbing --------------------------------------------------------------------------

    def event_name(self, topic: str) -> str:
        name = self.names.get(topic)
        if name is None:
            name = self.names[topic] = resolve_topic(topic).__qualname__
        return name

    def connection(self) -> ViewDatabase:
        """This thread's connection to the views' database."""
        db: ViewDatabase | None = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = ViewDatabase(self.ledger.settings)
            with self.lock:
                self.connections.append(db)
        return db

    def close(self) -> None:
        """Finish the attempts under way (each within its timeout) and close the connections."""
        self.closing.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            for db in self.connections:
                db.close()
            self.connections.clear()
        self.db.close()


class EmbeddedDeliveries:
    """The worker in a background thread of the API process (the embedded mode)."""

    def __init__(self, ledger: Ledger, **options: Any) -> None:
        self.worker = DeliveryWorker(ledger, **options)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.worker.run_forever, args=(self.stop,), name="deliveries", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.worker.close()
