"""The exports over HTTP: the EPCIS document as JSON-LD, a site's register as a French CSV."""

from __future__ import annotations

import csv
import io
import time
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import Api
from tests.integration.test_epcis import assert_valid_epcis

AUGUST = {"from": "2026-08-01", "to": "2026-08-31"}


def wait_for_views(api: Api, timeout: float = 10.0) -> None:
    """The register reads the views: wait until they have applied every event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = api.client.get("/api/v1/health").json()
        if min(health["views"].values()) >= health["event_position"]:
            return
        time.sleep(0.02)
    pytest.fail("The views did not catch up with the event log.")


@pytest.fixture
def sorted_bag(api: Api) -> dict[str, Any]:
    """A 412.5 kg bag from the Lillebonne container, sorted at Bolbec; its CSR burnt at once."""
    bag = api.ok(
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": api.ids["container"],
            "occurred_at": "2026-08-12T07:00:00+02:00",
            "source_commune_insee": "76384",
        },
    )
    api.ok(
        "collector",
        f"/batches/{bag['id']}/dispatches",
        {"to_site_id": api.ids["sorting_centre"], "occurred_at": "2026-08-12T08:00:00+02:00"},
    )
    api.ok("sorter", f"/batches/{bag['id']}/receipts", {"occurred_at": "2026-08-12T08:40:00+02:00"})
    sorting = api.ok(
        "sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": api.ids["sorting_centre"],
            "occurred_at": "2026-08-12T14:00:00+02:00",
            "inputs": [{"batch_id": bag["id"]}],
            "outputs": [
                {"material": "textile.reuse.cream", "mass_kg": 60},
                {"material": "textile.recycling.fraying", "mass_kg": 250.5},
                {"material": "textile.csr", "mass_kg": 92},
            ],
            "loss_kg": 10,
        },
    )
    csr = sorting["outputs"][2]["batch_id"]
    api.ok(
        "sorter",
        f"/batches/{csr}/valorisations",
        {
            "route": "csr",
            "occurred_at": "2026-08-13T09:00:00+02:00",
            "outlet_site_id": api.ids["boiler"],
        },
    )
    return {"bag": bag["id"], "sorting": sorting, "csr": csr}


def test_the_epcis_export_is_json_ld_that_validates(api: Api, sorted_bag: dict[str, Any]) -> None:
    response = api.get("auditor", "/export/epcis", **AUGUST)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert_valid_epcis(document)
    steps = [event["bizStep"] for event in document["epcisBody"]["eventList"]]
    assert steps == ["collecting", "shipping", "receiving", "commissioning", "destroying"]
    sorting = document["epcisBody"]["eventList"][3]
    assert [q["quantity"] for q in sorting["outputQuantityList"]] == [60, 250.5, 92]
    assert sorting["inputQuantityList"][0]["quantity"] == 412.5


def test_every_token_reads_the_exports_and_no_token_none(api: Api, sorted_bag: Any) -> None:
    assert api.get("collector", "/export/epcis", **AUGUST).status_code == 200
    anonymous = api.client.get("/api/v1/export/epcis", params=AUGUST)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-09-01", "to": "2026-08-01"}, "invalid_period"),
        ({"from": "2026-13-01", "to": "2026-12-31"}, "invalid_period"),
        ({"from": "2026-08-01"}, "invalid_input"),
    ],
)
def test_export_dates_are_checked(api: Api, params: dict[str, str], code: str) -> None:
    site = {"site_id": api.ids["container"]}
    for path, query in (("/export/epcis", params), ("/export/register.csv", params | site)):
        response = api.get("auditor", path, **query)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == code


def test_the_workshop_register_is_a_semicolon_csv_with_decimal_commas(
    api: Api, sorted_bag: dict[str, Any]
) -> None:
    wait_for_views(api)
    site = api.ids["sorting_centre"]

    response = api.get("auditor", "/export/register.csv", site_id=site, **AUGUST)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert int(response.headers["ledger-views-position"]) > 0
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffdate;occurred_at;direction;movement;")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [
        (
            r["direction"],
            r["movement"],
            r["mass_kg"],
            r["origin_commune_insee"],
            r["operation_code"],
        )
        for r in rows
    ] == [
        ("incoming", "received", "412,500", "76384", "R12"),
        ("outgoing", "valorised", "92,000", "76114", "R1"),
    ]


def test_the_register_of_an_unknown_site_is_refused(api: Api) -> None:
    response = api.get("auditor", "/export/register.csv", site_id=str(uuid4()), **AUGUST)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_site"
