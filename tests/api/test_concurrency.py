"""Two writers change the same batch at the same moment: one wins, the other gets 409."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Api


def test_two_writers_on_one_batch_one_wins_the_other_gets_concurrent_change(api: Api) -> None:
    now = datetime.now(UTC)
    bag = api.ok(
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": 100,
            "site_id": api.ids["container"],
            "occurred_at": (now - timedelta(hours=2)).isoformat(),
        },
    )
    ledger = api.client.app.state.ledger  # type: ignore[attr-defined]
    both_ready = threading.Barrier(2, timeout=10)
    ledger.before_commit = both_ready.wait  # both have read and decided before either commits
    results: list[Any] = [None, None]

    def weigh(slot: int, kg: float) -> None:
        with TestClient(api.client.app) as client:
            results[slot] = client.post(
                f"/api/v1/batches/{bag['id']}/weighings",
                json={"mass_kg": kg, "occurred_at": (now - timedelta(hours=1)).isoformat()},
                headers=api.headers("collector"),
            )

    threads = [threading.Thread(target=weigh, args=(i, kg)) for i, kg in enumerate((101.5, 99.5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    ledger.before_commit = None

    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["error"]["code"] == "concurrent_change"
    winner = next(r for r in results if r.status_code == 201).json()
    state = api.get("auditor", f"/batches/{bag['id']}").json()
    assert (state["version"], state["mass_kg"]) == (2, winner["mass_kg"])
    assert len(api.get("auditor", f"/batches/{bag['id']}/history").json()["data"]) == 2


def test_the_same_idempotency_key_from_two_threads_writes_once(api: Api) -> None:
    body = {
        "material": "textile.collected",
        "mass_kg": 55,
        "site_id": api.ids["container"],
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    }
    ledger = api.client.app.state.ledger  # type: ignore[attr-defined]
    both_ready = threading.Barrier(2, timeout=10)
    ledger.before_commit = both_ready.wait
    results: list[Any] = [None, None]

    def post(slot: int) -> None:
        with TestClient(api.client.app) as client:
            results[slot] = client.post(
                "/api/v1/batches", json=body, headers=api.headers("collector", "retry-77")
            )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    ledger.before_commit = None
    assert [r.status_code for r in results] == [201, 201]
    assert results[0].json() == results[1].json()
    assert {r.headers.get("Idempotent-Replay") for r in results} == {None, "true"}
