"""Subscriptions over HTTP, and the event feed read as each token may read it."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import pytest

from ledger.settings import Settings
from tests.api.conftest import Api
from tests.receiver import Receiver, receiving, until

SECRET = "observatoire-caux-2026-secret"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Deliveries may go to 127.0.0.1, where the tests' receivers listen."""
    return settings.with_overrides(subscription_targets="private")


def subscription(url: str = "http://127.0.0.1:9/hook", **changes: Any) -> dict[str, Any]:
    return {"url": url, "kinds": ["Batch.Collected"], "secret": SECRET, **changes}


def collect(api: Api, kg: float) -> dict[str, Any]:
    body = {
        "material": "textile.collected",
        "mass_kg": kg,
        "site_id": api.ids["container"],
        "occurred_at": "2026-01-05T08:30:00+01:00",
    }
    return api.ok("collector", "/batches", body)


def log_work(api: Api, worker_ref: str) -> dict[str, Any]:
    body = {
        "site_id": api.ids["sorting_centre"],
        "worker_ref": worker_ref,
        "contract": "insertion",
        "activity": "sorting",
        "hours": 7,
        "date": date.today().isoformat(),
    }
    return api.ok("supervisor", "/work-logs", body)


def test_a_subscription_is_its_organisations_and_its_secret_is_never_shown(api: Api) -> None:
    made = api.ok("collector", "/subscriptions", subscription())
    assert made["secret_hint"] == "…cret"
    assert "secret" not in made
    assert (made["organisation_id"], made["reader_role"]) == (api.ids["collectors"], "collector")
    assert SECRET not in api.get("collector", "/subscriptions").text
    assert [s["id"] for s in api.get("collector", "/subscriptions").json()["data"]] == [made["id"]]
    assert api.get("sorter", "/subscriptions").json()["count"] == 0
    assert api.get("sorter", f"/subscriptions/{made['id']}").status_code == 404
    assert api.get("admin", f"/subscriptions/{made['id']}").status_code == 200
    deleted = api.client.delete(
        f"/api/v1/subscriptions/{made['id']}", headers=api.headers("sorter")
    )
    assert deleted.status_code == 404


def test_a_repeated_subscription_with_its_key_is_made_once(api: Api) -> None:
    first = api.post("auditor", "/subscriptions", subscription(), key="observatory-1")
    again = api.post("auditor", "/subscriptions", subscription(), key="observatory-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    other = api.post(
        "auditor", "/subscriptions", subscription(secret=SECRET + "!"), key="observatory-1"
    )
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"url": "ftp://observatoire.example/hook"}, "invalid_subscription"),
        ({"url": "https://user:password@observatoire.example/hook"}, "invalid_subscription"),
        ({"url": "https://observatoire.example/hook#part"}, "invalid_subscription"),
        ({"url": "https://observatoire.example:99999/hook"}, "invalid_subscription"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "subscription_target_refused"),
        ({"url": "http://0.0.0.0:8000/hook"}, "subscription_target_refused"),
        ({"url": "https://observatoire\u0000.example/"}, "invalid_text"),
        ({"url": "https://" + "a" * 2000 + ".example/"}, "invalid_input"),
        ({"kinds": []}, "invalid_subscription"),
        ({"kinds": ["Batch.Exploded"]}, "invalid_subscription"),
        ({"kinds": ["IdempotencyRecord"]}, "invalid_subscription"),
        ({"secret": "short"}, "invalid_subscription"),
        ({"secret": "\ud800" * 20}, "invalid_text"),
    ],
)
def test_a_bad_subscription_is_refused_and_writes_nothing(
    api: Api, changes: dict[str, Any], code: str
) -> None:
    before = api.get("admin", "/health").json()["event_position"]
    started = time.monotonic()
    raw = json.dumps(subscription(**changes))  # escapes a lone surrogate as JSON allows
    headers = {**api.headers("collector"), "Content-Type": "application/json"}
    response = api.client.post("/api/v1/subscriptions", content=raw, headers=headers)
    assert time.monotonic() - started < 5.0  # a guard against a stall, not a benchmark
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert api.get("admin", "/health").json()["event_position"] == before


def test_loopback_targets_are_refused_unless_the_ledger_allows_private_ones(
    settings: Settings,
) -> None:
    from ledger.application.commands import Subscribe
    from ledger.application.ledger import Ledger
    from ledger.domain.errors import SubscriptionTargetRefused
    from tests.territory import ADMIN

    public = Ledger(settings.with_overrides(subscription_targets="public"))
    try:
        for url in ("http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/",
                    "http://[::ffff:192.168.1.10]/", "http://[::1]:8000/"):  # fmt: skip
            with pytest.raises(SubscriptionTargetRefused):
                public.subscribe(ADMIN, Subscribe(url=url, kinds=["Batch"], secret=SECRET))
    finally:
        public.close()


def test_deliveries_run_in_the_api_process_and_are_logged(api: Api) -> None:
    with receiving(Receiver(fail_first=1)) as receiver:
        made = api.ok("collector", "/subscriptions", subscription(receiver.url))
        bale = collect(api, 412.5)
        got = receiver.wait_for(1)
        until(lambda: deliveries(api, made["id"])["delivery"]["position"] == got[0].position)
    assert got[0].document["event"]["aggregate_id"] == bale["id"]
    assert got[0].signed_by(SECRET)
    log = deliveries(api, made["id"])
    assert [(a["outcome"], a["http_status"]) for a in log["data"]] == [
        ("delivered", 204),
        ("failed", 500),
    ]
    assert log["data"][0]["delivery_id"] == log["data"][1]["delivery_id"]
    refused = api.get("sorter", f"/subscriptions/{made['id']}/deliveries")
    assert refused.status_code == 404


def deliveries(api: Api, subscription_id: str) -> dict[str, Any]:
    response = api.get("collector", f"/subscriptions/{subscription_id}/deliveries")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_a_cancelled_subscription_stays_readable_and_cancelling_again_changes_nothing(
    api: Api,
) -> None:
    made = api.ok("collector", "/subscriptions", subscription())
    path = f"/api/v1/subscriptions/{made['id']}"
    assert api.client.delete(path, headers=api.headers("collector")).status_code == 204
    position = api.get("admin", "/health").json()["event_position"]
    assert api.client.delete(path, headers=api.headers("collector")).status_code == 204
    assert api.get("admin", "/health").json()["event_position"] == position
    assert api.get("collector", f"/subscriptions/{made['id']}").json()["cancelled"] is True


def test_the_feed_shows_a_collector_no_work_log_and_nobody_a_tokens_hash(api: Api) -> None:
    log_work(api, "ICIAD-17")
    collect(api, 38)
    for who, sees_work in (("collector", False), ("mill", False), ("supervisor", True),
                           ("auditor", True), ("admin", True)):  # fmt: skip
        response = api.get(who, "/events", after=0, limit=1000)
        assert response.status_code == 200
        feed = response.json()
        kinds = {e["type"] for e in feed["data"]}
        assert ("WorkLog.Logged" in kinds) is sees_work, who
        assert ("Token.Issued" in kinds) is (who == "admin"), who
        assert "token_hash" not in response.text
        assert feed["next_after"] == api.get("admin", "/health").json()["event_position"]


def test_a_work_log_is_read_only_by_those_who_may(api: Api) -> None:
    made = log_work(api, "W-0042")
    for who, status in (("supervisor", 200), ("auditor", 200), ("admin", 200),
                        ("collector", 403), ("sorter", 403), ("mill", 403)):  # fmt: skip
        response = api.get(who, f"/work-logs/{made['id']}")
        assert response.status_code == status, who
        assert ("W-0042" in response.text) is (status == 200)
