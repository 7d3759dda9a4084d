"""Subscriptions delivered to a receiver on 127.0.0.1: in log order, signed, at least once,
retried with backoff, logged, and only what the subscriber's token may read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

import pytest

from ledger.application.commands import Actor, IssueToken, LogWork, Subscribe, Weigh
from ledger.application.ledger import Ledger
from ledger.deliveries.log import DeliveryLog
from ledger.deliveries.worker import EmbeddedDeliveries
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from tests.receiver import Receiver, receiving, until
from tests.territory import ADMIN, Territory, build_territory, collect, hours_ago

SECRET = "a-long-random-secret-of-the-observatory"


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(settings.with_overrides(subscription_targets="private"))
    yield app
    app.close()


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    return build_territory(ledger)


@pytest.fixture
def log(ledger: Ledger) -> Iterator[DeliveryLog]:
    """The delivery log, read on a connection of the test's own."""
    db = ViewDatabase(ledger.settings)
    found = DeliveryLog(db)
    found.create()
    yield found
    db.close()


@pytest.fixture
def deliveries(ledger: Ledger) -> Iterator[EmbeddedDeliveries]:
    running = EmbeddedDeliveries(ledger, timeout=1.0, backoff=0.05, backoff_cap=0.2, poll=0.02)
    running.start()
    yield running
    running.close()


def subscribe(ledger: Ledger, actor: Actor, url: str, kinds: list[str]) -> UUID:
    return UUID(ledger.subscribe(actor, Subscribe(url=url, kinds=kinds, secret=SECRET)).ref.id)


def log_work(ledger: Ledger, world: Territory, worker_ref: str) -> UUID:
    cmd = LogWork(
        world.sorting_centre, worker_ref, "insertion", "sorting", Decimal("7"), date.today()
    )
    return UUID(ledger.log_work(world.actor("supervisor"), cmd).ref.id)


def test_deliveries_arrive_in_order_signed_and_without_gap_after_failures(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries, log: DeliveryLog
) -> None:
    with receiving(Receiver(fail_first=3)) as receiver:
        subscription = subscribe(
            ledger, world.actor("collector"), receiver.url, ["Batch.Collected", "Batch.Weighed"]
        )
        bags = [
            collect(ledger, world, kg, hours=5 - i) for i, kg in enumerate(["412.5", "38", "12.25"])
        ]
        weighing = Weigh(mass_kg=Decimal("410"), occurred_at=hours_ago(1), ticket_ref="T-17")
        ledger.weigh(world.actor("collector"), bags[0], weighing)
        accepted = receiver.wait_for(4)

    types = [r.document["event"]["type"] for r in accepted]
    assert types == ["Batch.Collected"] * 3 + ["Batch.Weighed"]
    assert [r.document["event"]["aggregate_id"] for r in accepted[:3]] == [str(b) for b in bags]
    positions = [r.position for r in accepted]
    assert positions == sorted(set(positions))  # in log order, each once
    expected = [e["position"] for e in feed_of(ledger, {"Batch.Collected", "Batch.Weighed"})]
    assert positions == expected  # no gap
    assert all(r.signed_by(SECRET) for r in receiver.received)
    assert not accepted[0].signed_by(SECRET + "x")
    # The first event was tried four times with one delivery id before anything else was sent.
    first_tries = receiver.received[:4]
    assert {r.headers["ledger-delivery-id"] for r in first_tries} == {
        accepted[0].headers["ledger-delivery-id"]
    }
    assert [r.headers["ledger-attempt"] for r in first_tries] == ["1", "2", "3", "4"]
    assert [r.status for r in receiver.received] == [500, 500, 500, 204, 204, 204, 204]

    until(lambda: settled(log, subscription) == positions[-1])  # committed after the answer
    lines = list(reversed(log.attempts(str(subscription), 100, None)))
    assert [(a["outcome"], a["http_status"], a["attempt"]) for a in lines[:4]] == [
        ("failed", 500, 1),
        ("failed", 500, 2),
        ("failed", 500, 3),
        ("delivered", 204, 4),
    ]
    assert all(a["next_try_at"] for a in lines[:3])
    assert lines[3]["next_try_at"] is None
    state = log.position(str(subscription))
    assert state is not None
    assert state.position == positions[-1]
    assert state.attempts == 0


def settled(log: DeliveryLog, subscription: UUID) -> int | None:
    state = log.position(str(subscription))
    return None if state is None else state.position


def feed_of(ledger: Ledger, kinds: set[str]) -> list[dict[str, object]]:
    page, _ = ledger.feed(ADMIN, 0, 1000)
    return [e for e in page if e["type"] in kinds]


def test_another_organisations_subscription_gets_no_work_log(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries
) -> None:
    with receiving(Receiver()) as collectors, receiving(Receiver()) as workshop:
        subscribe(ledger, world.actor("collector"), collectors.url, ["WorkLog", "Batch"])
        subscribe(ledger, world.actor("supervisor"), workshop.url, ["WorkLog"])
        log_work(ledger, world, "W-0042")
        log_work(ledger, world, "ICIAD-17")
        collect(ledger, world, "20")
        got = collectors.wait_for(1)
        logs = workshop.wait_for(2)
        ledger.weigh(world.actor("collector"), UUID(got[0].document["event"]["aggregate_id"]),
                     Weigh(mass_kg=Decimal("19.5"), occurred_at=hours_ago(0.5)))  # fmt: skip
        got = collectors.wait_for(2)

    assert [r.document["event"]["type"] for r in got] == ["Batch.Collected", "Batch.Weighed"]
    assert all("worker_ref" not in r.body.decode() for r in collectors.received)
    refs = [r.document["event"]["payload"]["worker_ref"] for r in logs]
    assert refs == ["W-0042", "ICIAD-17"]


def test_a_slow_receiver_does_not_hold_back_another_subscription(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries, log: DeliveryLog
) -> None:
    with receiving(Receiver(delay=3.0)) as slow, receiving(Receiver()) as quick:
        late = subscribe(ledger, world.actor("collector"), slow.url, ["Batch"])
        subscribe(ledger, world.actor("collector"), quick.url, ["Batch"])
        for kg in ("10", "11", "12"):
            collect(ledger, world, kg)
        assert len(quick.wait_for(3, seconds=2.5)) == 3  # while the slow one times out (1 s)
        assert slow.accepted == []
        until(lambda: bool(log.attempts(str(late), 10, None)), seconds=5)
        lines = log.attempts(str(late), 10, None)  # while the receiver still listens
    assert {a["outcome"] for a in lines} == {"failed"}
    assert all("no answer within 1 s" in a["answer"] for a in lines)
    assert all(a["position"] == lines[0]["position"] for a in lines)  # still the first event


def test_a_redirect_is_a_failed_attempt_not_followed(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries
) -> None:
    with receiving(Receiver(fail_first=2, failure=307)) as receiver:
        subscribe(ledger, world.actor("collector"), receiver.url, ["Batch.Collected"])
        collect(ledger, world, "30")
        accepted = receiver.wait_for(1)
    assert [r.status for r in receiver.received] == [307, 307, 204]
    assert accepted[0].headers["ledger-attempt"] == "3"


def test_the_secret_is_never_stored_in_clear_nor_shown(ledger: Ledger, world: Territory) -> None:
    url = "http://127.0.0.1:9/hook"
    subscription = subscribe(ledger, world.actor("collector"), url, ["Batch"])
    states = [n.state for n in ledger.recorder.select_notifications(start=1, limit=10_000)]
    assert not any(SECRET.encode() in state for state in states)
    assert ledger.subscription_secret(ledger.all_subscriptions()[0]) == SECRET
    shown = ledger.subscription_json(world.actor("collector"), subscription)
    assert shown["secret_hint"] == "…tory"
    assert SECRET not in str(shown)
    page, _ = ledger.feed(ADMIN, 0, 1000)
    created = [e for e in page if e["type"] == "Subscription.Created"]
    assert created
    assert "sealed_secret" not in created[0]["payload"]


def deliver_process(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    """`ledger deliver` in a process of its own, as a production deployment runs it."""
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_DATABASE_SCHEMA": settings.database_schema,
        "LEDGER_SECRET_KEY": settings.secret_key,
        "LEDGER_SUBSCRIPTION_TARGETS": "private",
    }
    command = [sys.executable, "-m", "ledger.cli.main", "deliver", "--timeout", "1"]
    with log.open("ab") as errors:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)


def test_a_killed_deliverer_resumes_where_it_stopped(
    ledger: Ledger, world: Territory, settings: Settings, tmp_path: Path
) -> None:
    bags = 40
    errors = tmp_path / "deliver.err"
    with receiving(Receiver(delay=0.05)) as receiver:
        subscribe(ledger, world.actor("collector"), receiver.url, ["Batch.Collected"])
        for number in range(bags):
            collect(ledger, world, f"{10 + number}.5")
        first = deliver_process(settings, errors)
        try:
            receiver.wait_for(8, seconds=30)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        before_restart = len(receiver.accepted)
        assert before_restart < bags, "the deliverer must be killed half-way"
        second = deliver_process(settings, errors)
        try:
            until(lambda: len({r.position for r in receiver.accepted}) == bags, seconds=30)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        accepted = receiver.accepted

    expected = [e["position"] for e in feed_of(ledger, {"Batch.Collected"})][-bags:]
    positions = [r.position for r in accepted]
    assert sorted(set(positions)) == expected  # no gap
    assert positions == sorted(positions)  # never an earlier event after a later one
    assert len(positions) - bags <= 1  # at most the one in flight when killed came twice
    by_position: dict[int, set[str]] = {}
    for r in accepted:
        by_position.setdefault(r.position, set()).add(r.headers["ledger-delivery-id"])
    assert all(len(ids) == 1 for ids in by_position.values())  # a redelivery keeps its id
    assert "Traceback" not in errors.read_text(encoding="utf-8")


def test_deliveries_stop_where_the_subscribers_token_was_revoked(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries, log: DeliveryLog
) -> None:
    outcome, secret = ledger.issue_token(ADMIN, IssueToken(world.collectors, "collector"))
    reader = ledger.authenticate(secret)
    with receiving(Receiver()) as receiver:
        subscription = subscribe(ledger, reader, receiver.url, ["Batch.Collected"])
        collect(ledger, world, "21")
        receiver.wait_for(1)
        ledger.revoke_token(ADMIN, UUID(outcome.ref.id))
        collect(ledger, world, "22")
        until(lambda: getattr(log.position(str(subscription)), "stopped", None) is not None)
        collect(ledger, world, "23")
        time.sleep(0.3)  # several dispatch rounds: nothing more goes out
    assert len(receiver.received) == 1
    state = log.position(str(subscription))
    assert state is not None
    assert state.stopped == "the subscriber's token was revoked"


def test_a_daily_digest_of_the_figures_goes_once_per_day_in_order(
    ledger: Ledger, world: Territory, deliveries: EmbeddedDeliveries, log: DeliveryLog
) -> None:
    with closing(ProjectionRunner(ledger)) as runner:
        runner.catch_up()
    with receiving(Receiver()) as receiver:
        subscription = subscribe(ledger, world.actor("sorter"), receiver.url, ["figures.daily"])
        head = ledger.event_log.max_position()
        until(lambda: settled(log, subscription) == head)  # nothing but the digest is left
        today = datetime.now(tz=ZoneInfo("Europe/Paris")).date()
        three_days_ago = (today - timedelta(days=3)).isoformat()
        log.db.execute(  # as if the ledger had been stopped for three days
            "UPDATE subscription_positions SET digest_date = ? WHERE subscription_id = ?",
            (three_days_ago, str(subscription)),
        )
        got = receiver.wait_for(2)
        time.sleep(0.3)
    days = [(today - timedelta(days=n)).isoformat() for n in (2, 1)]
    assert [r.document["digest"]["date"] for r in receiver.received] == days
    first = got[0].document
    assert first["digest"]["organisation_id"] == str(world.workshop)
    assert set(first["digest"]) >= {"circularity", "jobs", "type"}
    assert first["delivery_id"] == str(uuid5(subscription, f"digest/{days[0]}"))
    assert all(r.signed_by(SECRET) for r in got)
    state = log.position(str(subscription))
    assert state is not None
    assert state.digest_date == days[-1]
