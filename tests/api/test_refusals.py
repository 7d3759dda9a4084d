"""A bale dispatched to the wrong site: the destination refuses its receipt, the sender sends it on.

The refusal is an event of the batch's history; every figure reads as if the bale had gone
straight to the right site.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger.api import create_app
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database
from tests.api.conftest import WAIT, Api, caux_vallee_de_seine
from tests.conftest import make_settings

DAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=3)


def at(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


def collect_bale(api: Api) -> str:
    body = {
        "material": "textile.collected",
        "mass_kg": 412.5,
        "site_id": api.ids["container"],
        "occurred_at": at(0),
        "source_commune_insee": "76384",
    }
    return str(api.written("collector", "/batches", body)["id"])


def dispatch(api: Api, bale: str, to: str, hours: float) -> dict[str, Any]:
    body = {"to_site_id": api.ids[to], "occurred_at": at(hours), "carrier": "Collectif"}
    return api.written("collector", f"/batches/{bale}/dispatches", body)


def refuse(api: Api, bale: str, who: str = "mill", key: str | None = None) -> Any:
    body = {"reason": "Not ours: sorting first, at Bolbec", "occurred_at": at(2)}
    headers = {**api.headers(who, key), **WAIT}
    return api.client.post(f"/api/v1/batches/{bale}/refusals", json=body, headers=headers)


def receive(api: Api, bale: str) -> dict[str, Any]:
    body = {"occurred_at": at(4), "mass_kg": 409.5}
    return api.written("sorter", f"/batches/{bale}/receipts", body)


def test_the_mill_refuses_a_bale_meant_for_bolbec_and_the_collector_sends_it_on(api: Api) -> None:
    bale = collect_bale(api)
    dispatch(api, bale, "mill_site", 1)

    refused = refuse(api, bale)

    assert refused.status_code == 201, refused.text
    back = refused.json()
    assert (back["state"], back["site_id"], back["holder_id"]) == (
        "held",
        api.ids["container"],
        api.ids["collectors"],
    )
    assert back["destination_site_id"] is None
    dispatch(api, bale, "sorting_centre", 3)
    received = receive(api, bale)
    assert (received["site_id"], received["holder_id"]) == (
        api.ids["sorting_centre"],
        api.ids["workshop"],
    )
    history = api.get("auditor", f"/batches/{bale}/history").json()["data"]
    kinds = [entry["type"] for entry in history]
    assert kinds == ["Collected", "Dispatched", "ReceiptRefused", "Dispatched", "Received"]
    refusal = history[2]["payload"]
    assert refusal["reason"] == "Not ours: sorting first, at Bolbec"
    assert refusal["refused_site_id"] == api.ids["mill_site"]
    assert refusal["dispatch_version"] == 2


def test_a_refused_receipt_is_held_again_in_the_senders_stock(api: Api) -> None:
    bale = collect_bale(api)
    dispatch(api, bale, "mill_site", 1)
    assert api.get("auditor", "/stock", site_id=api.ids["container"]).json()["data"][0][
        "state"
    ] == ("in_transit")

    assert refuse(api, bale).status_code == 201

    rows = api.get("auditor", "/stock", site_id=api.ids["container"]).json()["data"]
    assert [(r["state"], r["mass_kg"], r["batches"]) for r in rows] == [("held", 412.5, 1)]


def test_only_the_destinations_organisation_refuses_a_receipt(api: Api) -> None:
    bale = collect_bale(api)
    dispatch(api, bale, "mill_site", 1)

    by_sender = refuse(api, bale, who="collector")
    by_stranger = refuse(api, bale, who="sorter")

    assert by_sender.status_code == 403, by_sender.text
    assert by_sender.json()["error"]["code"] == "organisation_not_allowed"
    assert by_stranger.status_code == 403, by_stranger.text
    assert by_stranger.json()["error"]["code"] == "organisation_not_allowed"
    batch = api.get("auditor", f"/batches/{bale}").json()
    assert (batch["state"], batch["version"]) == ("in_transit", 2)


def test_a_batch_not_in_transit_cannot_have_its_receipt_refused(api: Api) -> None:
    bale = collect_bale(api)

    held = refuse(api, bale, who="collector")
    dispatch(api, bale, "mill_site", 1)
    assert refuse(api, bale).status_code == 201
    again = refuse(api, bale, who="collector")

    for response in (held, again):
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "batch_not_in_transit"
    assert api.get("auditor", f"/batches/{bale}").json()["version"] == 3


def test_a_refusal_needs_a_reason(api: Api) -> None:
    bale = collect_bale(api)
    dispatch(api, bale, "mill_site", 1)

    blank = api.post("mill", f"/batches/{bale}/refusals", {"reason": "  ", "occurred_at": at(2)})

    assert blank.status_code == 422, blank.text
    assert api.get("auditor", f"/batches/{bale}").json()["state"] == "in_transit"


def test_a_refusal_sent_twice_is_written_once(api: Api) -> None:
    bale = collect_bale(api)
    dispatch(api, bale, "mill_site", 1)

    first = refuse(api, bale, key="refusal-0001")
    second = refuse(api, bale, key="refusal-0001")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    history = api.get("auditor", f"/batches/{bale}/history").json()["data"]
    assert [entry["type"] for entry in history].count("ReceiptRefused") == 1


# -- every figure reads as if the bale had gone straight to Bolbec -----------------------------


@pytest.fixture
def twin(backend: str, tmp_path: Path) -> Iterator[Api]:
    """A second ledger, with the same territory, on the same kind of database."""
    settings: Settings = make_settings(
        backend,
        tmp_path / "twin",
        bootstrap_admin_token="admin-secret-for-tests",
        secret_key="test-secret-key",
        public_base_url="https://ledger.test",
    )
    (tmp_path / "twin").mkdir()
    prepare_database(settings)
    app = create_app(settings)
    with TestClient(app) as client:
        yield caux_vallee_de_seine(client)
    app.state.ledger.close()
    if backend == "postgres":
        drop_schema(settings)


def figures(api: Api) -> dict[str, Any]:
    """Stock, metabolism, flows on the map, the accounts and every site's register, by names."""
    day = DAY.date()
    period = {"from": str(day - timedelta(days=1)), "to": str(day + timedelta(days=1))}
    found: dict[str, Any] = {
        "stock": api.get("auditor", "/stock").json()["data"],
        "metabolism": api.get("auditor", "/metabolism", **period).json()["filieres"],
        "map": api.get("auditor", "/territories/main/map", year=day.year).json(),
        "accounts": api.get("auditor", "/territories/main/accounts", year=day.year).json(),
    }
    for site in ("container", "sorting_centre", "mill_site"):
        for way in ("incoming", "outgoing"):
            path = f"/export/register/{way}.csv"
            response = api.get("auditor", path, site_id=api.ids[site], **period)
            assert response.status_code == 200, response.text
            found[f"{site}.{way}"] = response.text
    for site in ("container", "sorting_centre", "mill_site"):
        response = api.get("auditor", "/export/register.csv", site_id=api.ids[site], **period)
        lines = [line.split(";") for line in response.text.splitlines()]
        found[f"{site}.register"] = [line[:4] + line[6:] for line in lines]  # not id, version
    text = json.dumps(found, sort_keys=True)
    for name, id_ in api.ids.items():
        text = text.replace(id_, name)
    named: dict[str, Any] = json.loads(text)
    named["map"]["sites"].sort(key=lambda site: site["id"])  # ordered by id: random here
    for volatile in ("position", "as_of"):
        for part in named.values():
            if isinstance(part, dict):
                part.pop(volatile, None)
    return named


def test_a_refusal_then_sending_on_counts_as_a_direct_dispatch(api: Api, twin: Api) -> None:
    wrong = collect_bale(api)
    dispatch(api, wrong, "mill_site", 1)
    assert refuse(api, wrong).status_code == 201
    dispatch(api, wrong, "sorting_centre", 3)
    receive(api, wrong)
    straight = collect_bale(twin)
    dispatch(twin, straight, "sorting_centre", 3)
    receive(twin, straight)

    refused, direct = figures(api), figures(twin)

    assert refused["metabolism"]["textile"]["exports_kg"] == 0
    assert refused["mill_site.incoming"] == direct["mill_site.incoming"]
    for part in direct:
        assert refused[part] == direct[part], part
    assert refused == direct
