"""A view that cannot apply an event stops before it and says so; the other views go on
(SQLite and PostgreSQL).

The unprojectable event is written straight into the event store, as an older release or a
hand-edited database could have left it: a collection without its mass.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from ledger.api import create_app
from ledger.application.ledger import Ledger
from ledger.domain.batch import Batch
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from tests.territory import Territory, build_territory, collect, hours_ago


def unprojectable_collection(ledger: Ledger, territory: Territory) -> int:
    """A stored collection that lacks its mass; returns its position in the log."""
    state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": hours_ago(3).isoformat()},
        "originator_topic": get_topic(Batch),
        "label_code": None,
        "material": "textile.collected",
        "site_id": {"_type_": "uuid_hex", "_data_": territory.container_lillebonne.hex},
        "holder_id": {"_type_": "uuid_hex", "_data_": territory.collectors.hex},
        "weight_method": "measured",
        "moisture_bp": None,
        "source_commune_insee": None,
        "occurred_at": {"_type_": "datetime_iso", "_data_": hours_ago(3).isoformat()},
        "organisation_id": {"_type_": "uuid_hex", "_data_": territory.collectors.hex},
        "token_id": "old-release",
        "request_digest": "",
    }
    stored = StoredEvent(uuid4(), 1, get_topic(Batch.Collected), json.dumps(state).encode())
    ledger.recorder.insert_events([stored])
    return ledger.event_log.max_position()


@pytest.fixture
def broken(ledger: Ledger) -> tuple[Territory, int]:
    territory = build_territory(ledger)
    collect(ledger, territory, 412.5)
    position = unprojectable_collection(ledger, territory)
    collect(ledger, territory, 120.0)  # after the bad event: the other views take it
    return territory, position


def test_only_the_failing_view_stops_and_just_before_the_event(
    ledger: Ledger, broken: tuple[Territory, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, bad = broken
    runner = ProjectionRunner(ledger, page_size=1000)
    try:
        with caplog.at_level(logging.ERROR, logger="ledger.projections"):
            runner.catch_up()
        positions = runner.positions()
        end = ledger.event_log.max_position()
        assert set(runner.failed) == {"batches"}
        assert runner.failed["batches"].position == bad
        assert "AttributeError" in runner.failed["batches"].error
        assert positions["batches"] == bad - 1
        assert positions["registry"] == positions["work"] == end
        stock = runner.db.query("SELECT COUNT(*) FROM view_batches")[0][0]
        assert stock == 1  # the collection before the bad event, not the one after
        assert f"view batches stopped before the event at position {bad}" in caplog.text
        assert runner.wait_for(end, timeout=0.1) is False
    finally:
        runner.close()


def test_health_says_which_view_is_failing_and_writes_say_the_views_are_behind(
    settings: Settings, ledger: Ledger, broken: tuple[Territory, int]
) -> None:
    territory, bad = broken
    app = create_app(settings, ledger=ledger)
    with TestClient(app) as client:
        deadline = time.monotonic() + 20
        while (health := client.get("/api/v1/health")).status_code == 200:
            assert time.monotonic() < deadline, health.text
            time.sleep(0.05)
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "failing"
        assert body["failing"]["batches"]["position"] == bad
        admin = {"Authorization": "Bearer admin-secret-for-tests", "Ledger-Wait-For-Views": "true"}
        site = {"organisation_id": str(territory.collectors), "name": "Conteneur du stade"}
        site |= {"kind": "collection_point", "commune_insee": "76384"}
        started = time.perf_counter()
        written = client.post("/api/v1/sites", json=site, headers=admin)
        assert written.status_code == 201
        assert time.perf_counter() - started < 2.0  # no 5-second wait for a stopped view
        assert written.headers["Ledger-Views-Behind"] == f"batches (stopped at {bad})"


def test_ledger_project_says_why_it_stopped(
    settings: Settings, broken: tuple[Territory, int]
) -> None:
    _, bad = broken
    env = {**os.environ, "LEDGER_DATABASE_URL": settings.database_url}
    env |= {"LEDGER_DATABASE_SCHEMA": settings.database_schema, "LEDGER_SECRET_KEY": "k"}
    result = subprocess.run(
        [sys.executable, "-m", "ledger.cli.main", "project", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"Stopped: view batches stopped before the event at position {bad}" in result.stderr
    assert "AttributeError" in result.stderr
