"""The national register over HTTP: a dispatch with its transport, the two CSV files in
Trackdéchets' template, the report beside them, and the errors of a bad transport."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import Api
from tests.api.test_exports_api import wait_for_views
from tests.trackdechets.headers import read_import
from tests.trackdechets.refinements import check_row
from tests.trackdechets.templates import template

# 08:00 UTC two days ago: the day's movements (up to four hours later) stay within that day in
# Paris, whatever the time the tests run (from 20:00 UTC they fell on the next day).
WHEN = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=2)
PERIOD = {"from": (WHEN - timedelta(days=1)).date().isoformat(), "to": WHEN.date().isoformat()}
HAULIER = {
    "name": "Transports de l'Estuaire",
    "siret": "32145076900013",
    "address": "Rue du Port",
    "postal_code": "76330",
    "city": "Port-Jérôme-sur-Seine",
}
BY_ROAD = {"mode": "road", "carrier": HAULIER, "receipt_number": "76-2021-0147"}


def at(hours: float) -> str:
    return (WHEN + timedelta(hours=hours)).isoformat()


def registered(api: Api, who: str, siret: str, city: str) -> None:
    body = {"siret": siret, "address": "1 rue de la Gare", "postal_code": "76170", "city": city}
    response = api.client.patch(
        f"/api/v1/organisations/{api.ids[who]}", json=body, headers=api.headers("admin")
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def delivered(api: Api) -> dict[str, Any]:
    """A bag from the container, carried by the haulier to the sorting centre, received."""
    registered(api, "collectors", "81276418100010", "Lillebonne")
    registered(api, "workshop", "44981207200014", "Bolbec")
    body = {
        "material": "textile.collected",
        "mass_kg": 412.5,
        "site_id": api.ids["container"],
        "occurred_at": at(0),
        "source_commune_insee": "76384",
    }
    bag = api.ok("collector", "/batches", body)
    dispatch = {
        "to_site_id": api.ids["sorting_centre"],
        "occurred_at": at(1),
        "carrier": HAULIER["name"],
        "transport": BY_ROAD,
    }
    api.ok("collector", f"/batches/{bag['id']}/dispatches", dispatch)
    api.ok("sorter", f"/batches/{bag['id']}/receipts", {"occurred_at": at(2), "mass_kg": 410})
    wait_for_views(api)
    return bag


def test_the_incoming_register_is_trackdechets_template_with_the_carrier(
    api: Api, delivered: dict[str, Any]
) -> None:
    site = {"site_id": api.ids["sorting_centre"], **PERIOD}

    response = api.get("auditor", "/export/register/incoming.csv", **site)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "registre-incoming-" in response.headers["content-disposition"]
    assert response.headers["ledger-register-reported"] == "0"
    assert int(response.headers["ledger-views-position"]) > 0
    [row] = read_import(response.content.decode("utf-8"), template("incoming"))
    assert check_row(row, "incoming") == []
    assert row["transporter1CompanyOrgId"] == HAULIER["siret"]
    assert row["transporter1RecepisseNumber"] == "76-2021-0147"
    assert (row["weightValue"], row["emitterCompanyName"]) == ("0,410", "collectors")

    container = {"site_id": api.ids["container"], **PERIOD}
    outgoing = api.get("auditor", "/export/register/outgoing.csv", **container)
    [sent] = read_import(outgoing.content.decode("utf-8"), template("outgoing"))
    assert check_row(sent, "outgoing") == []
    assert (sent["operationCode"], sent["weightValue"]) == ("R 12", "0,413")


def test_a_row_lacking_a_siret_is_in_the_report_beside_the_file(
    api: Api, delivered: dict[str, Any]
) -> None:
    fuel = {
        "material": "textile.csr",
        "mass_kg": 30,
        "site_id": api.ids["platform"],
        "occurred_at": at(3),
    }
    bag = api.ok("wood_collector", "/batches", fuel)
    dispatch = {"to_site_id": api.ids["boiler"], "occurred_at": at(4), "transport": BY_ROAD}
    api.ok("wood_collector", f"/batches/{bag['id']}/dispatches", dispatch)
    wait_for_views(api)
    site = {"site_id": api.ids["platform"], **PERIOD}

    csv_file = api.get("auditor", "/export/register/outgoing.csv", **site)
    report = api.get("auditor", "/export/register/outgoing.report.json", **site)

    assert read_import(csv_file.content.decode("utf-8"), template("outgoing")) == []
    assert csv_file.headers["ledger-register-reported"] == "1"
    assert report.status_code == 200
    found = report.json()
    assert (found["direction"], found["rows"], found["position"] > 0) == ("outgoing", 0, True)
    assert found["template"].startswith("MTES-MCT/trackdechets@779f59bf47dc")
    [entry] = found["reported"]
    assert entry["batch_id"] == bag["id"]
    missing = {problem["column"]: problem["header"] for problem in entry["problems"]}
    assert missing["reportForCompanySiret"] == "SIRET de l'expéditeur ou du détenteur"
    assert "destinationCompanyOrgId" in missing


@pytest.mark.parametrize(
    ("transport", "code"),
    [
        ({"direct": True, "carrier": HAULIER}, "invalid_transport"),
        ({"mode": "lorry"}, "invalid_transport"),
        ({"carrier": HAULIER | {"siret": "32145076900014"}}, "invalid_siret"),
        ({"carrier_organisation_id": str(uuid4())}, "unknown_organisation"),
        ({"receipt_number": "x" * 51}, "invalid_input"),
        ({"vehicle": "AB-123-CD"}, "invalid_input"),
    ],
)
def test_a_bad_transport_is_refused_with_its_code(
    api: Api, transport: dict[str, Any], code: str
) -> None:
    bag = api.ok(
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": 10,
            "site_id": api.ids["container"],
            "occurred_at": at(0),
        },
    )
    body = {"to_site_id": api.ids["sorting_centre"], "occurred_at": at(1), "transport": transport}

    response = api.post("collector", f"/batches/{bag['id']}/dispatches", body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert api.get("admin", f"/batches/{bag['id']}").json()["state"] == "held"


@pytest.mark.parametrize("path", ["incoming.csv", "outgoing.report.json"])
def test_the_national_register_of_an_unknown_site_or_period_is_refused(api: Api, path: str) -> None:
    unknown = api.get("auditor", f"/export/register/{path}", site_id=str(uuid4()), **PERIOD)
    backwards = {"site_id": api.ids["container"], "from": "2026-09-01", "to": "2026-08-01"}
    reversed_period = api.get("auditor", f"/export/register/{path}", **backwards)
    anonymous = api.client.get(f"/api/v1/export/register/{path}", params=backwards)

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_site")
    assert reversed_period.json()["error"]["code"] == "invalid_period"
    assert anonymous.status_code == 401
