"""The indicators over HTTP: shapes, formats, periods and the Sankey, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any
from xml.etree import ElementTree

import pypdfium2 as pdfium
import pytest

from tests.api.conftest import Api

SVG = "{http://www.w3.org/2000/svg}"


def written(api: Api, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return api.written(who, path, body)


@pytest.fixture
def sorted_in_august(api: Api) -> Api:
    """A 412.5 kg bag from Lillebonne, sorted at Bolbec in August; its fraying bale leaves."""
    bag = written(
        api,
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": api.ids["container"],
            "occurred_at": "2026-08-03T09:00:00+02:00",
        },
    )["id"]
    moves = [("dispatches", {"to_site_id": api.ids["sorting_centre"]}, "collector", "08-03T11")]
    moves.append(("receipts", {"mass_kg": 409.5}, "sorter", "08-03T14"))
    for path, body, who, when in moves:
        written(api, who, f"/batches/{bag}/{path}", {**body, "occurred_at": f"2026-{when}:00Z"})
    sorting = written(
        api,
        "sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": api.ids["sorting_centre"],
            "occurred_at": "2026-08-04T10:00:00+02:00",
            "inputs": [{"batch_id": bag}],
            "outputs": [
                {"material": "textile.reuse.cream", "mass_kg": 60},
                {"material": "textile.recycling.fraying", "mass_kg": 250},
                {"material": "textile.csr", "mass_kg": 80},
                {"material": "textile.waste", "mass_kg": 10},
            ],
            "loss_kg": 9.5,
        },
    )
    fraying = sorting["outputs"][1]["batch_id"]
    body = {"to_site_id": api.ids["mill_site"], "occurred_at": "2026-08-05T07:00:00Z"}
    written(api, "sorter", f"/batches/{fraying}/dispatches", body)
    for worker, contract, hours in [("W-07", "insertion", 6), ("E-03", "employee", 18)]:
        work = {"site_id": api.ids["sorting_centre"], "worker_ref": worker, "contract": contract}
        work.update(activity="sorting", hours=hours / 2, date="2026-08-04")
        written(api, "supervisor", "/work-logs", work)
        written(api, "supervisor", "/work-logs", {**work, "date": "2026-08-05"})
    return api


def test_every_indicator_needs_a_token(api: Api) -> None:
    for path in ["/stock", "/indicators/circularity?period=2026", "/metabolism?period=2026"]:
        response = api.client.get(f"/api/v1{path}")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_stock_after_the_sorting(sorted_in_august: Api) -> None:
    api = sorted_in_august
    body = api.get("auditor", "/stock", site_id=api.ids["sorting_centre"]).json()
    assert body["count"] == 4  # three lots held, and the bale that left for the mill
    held = {row["material"]: row["mass_kg"] for row in body["data"] if row["state"] == "held"}
    assert held == {"textile.reuse.cream": 60, "textile.csr": 80, "textile.waste": 10}
    on_the_road = api.get("auditor", "/stock", material="textile.recycling.fraying").json()
    [bale] = on_the_road["data"]
    assert (bale["state"], bale["site_id"]) == ("in_transit", api.ids["sorting_centre"])
    assert (bale["destination_site_id"], bale["holder_id"]) == (
        api.ids["mill_site"],
        api.ids["workshop"],
    )
    assert body["position"] == api.get("auditor", "/health").json()["views"]["batches"]


def test_circularity_jobs_and_metabolism_of_august(sorted_in_august: Api) -> None:
    api = sorted_in_august
    august = {"from": "2026-08-01", "to": "2026-08-31"}
    workshop = api.ids["workshop"]
    circular = api.get("mill", "/indicators/circularity", organisation_id=workshop, **august)
    assert circular.status_code == 200, circular.text
    figures = circular.json()
    assert figures["sorted_input_kg"] == 409.5
    assert figures["loss_kg"] == 9.5
    assert figures["recycling_rate"] == 0.7153  # 250 / (409.5 − 60)
    assert figures["shares"]["recycling"] == 0.6105  # 250 / 409.5 = 0.61050
    jobs = api.get("mill", "/indicators/jobs", organisation_id=workshop, period="2026-08").json()
    assert jobs["hours_total"] == 24
    assert jobs["insertion_share_sorting"] == 0.25
    assert jobs["hours_per_tonne_sorted"] == 58.61  # 24 h / 0.4095 t = 58.608
    textile = api.get("mill", "/metabolism", **august).json()["filieres"]["textile"]
    assert textile["local_collection_kg"] == 412.5
    assert textile["exports_kg"] == 250
    assert textile["losses_kg"] == 12.5  # 3 kg on the road to Bolbec, 9.5 kg at sorting
    assert textile["stock_change_kg"] == 150  # cream, CSR and waste still at the workshop


def test_every_period_figure_can_be_asked_as_recorded_at_a_time(sorted_in_august: Api) -> None:
    api = sorted_in_august
    workshop, august = api.ids["workshop"], {"period": "2026-08"}
    before_anything = {**august, "as_of": "2026-01-01T00:00:00Z"}
    circular = api.get("auditor", "/indicators/circularity", **before_anything).json()
    assert circular["sorted_input_kg"] == 0
    assert circular["as_of"] == "2026-01-01T00:00:00Z"
    jobs = api.get("auditor", "/indicators/jobs", organisation_id=workshop, **before_anything)
    assert jobs.json()["hours_total"] == 0
    textile = api.get("auditor", "/metabolism", **before_anything).json()["filieres"]["textile"]
    assert textile["local_collection_kg"] == 0
    query = {"organisation_id": workshop, "period": "2026-Q3", "as_of": "2026-01-01T00:00:00Z"}
    statement = api.get("auditor", "/reports/refashion", **query).json()
    assert statement["tonnes"]["recycling"] == 0
    assert api.get("auditor", "/metabolism/sankey.svg", **before_anything).status_code == 200
    far_ahead = {**august, "as_of": "2999-01-01T00:00:00+01:00"}
    assert (
        api.get("auditor", "/indicators/circularity", **far_ahead).json()["sorted_input_kg"]
        == (api.get("auditor", "/indicators/circularity", **august).json()["sorted_input_kg"])
    )
    naive = api.get("auditor", "/indicators/circularity", **august, as_of="2026-09-01T00:00:00")
    assert naive.status_code == 422
    assert naive.json()["error"]["code"] == "invalid_time"
    bundle = api.get("auditor", "/reports/refashion", **query, format="bundle")
    assert bundle.status_code == 422


def test_refashion_statement_in_json_csv_and_pdf(sorted_in_august: Api) -> None:
    api = sorted_in_august
    query = {"organisation_id": api.ids["workshop"], "period": "2026-Q3"}
    statement = api.get("auditor", "/reports/refashion", **query).json()
    # (0.25 + 0.08) t × 80 €/t; 0.25 t × 123 €/t; 0.08 t × 44 €/t
    assert statement["support_cents"] == {
        "sbase": 2640,
        "scomp_recycling": 3075,
        "scomp_csr": 352,
        "svalo_e": 0,
        "total": 6067,
    }
    assert statement["tonnes"]["recycling"] == 0.25
    assert statement["insertion_ok"] is True
    assert statement["recycling_ok"] is True

    as_csv = api.get("auditor", "/reports/refashion", format="csv", **query)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = dict(csv.reader(io.StringIO(as_csv.text)))
    assert rows["support_cents.total"] == "6067"
    assert rows["tonnes.csr"] == "0.08"
    assert rows["insertion_ok"] == "true"
    assert re.fullmatch(r"([0-9a-f]{64})?", rows["chain_head"])  # the hash chain's head, once kept

    as_pdf = api.get("auditor", "/reports/refashion", format="pdf", **query)
    assert as_pdf.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(as_pdf.content)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    text = " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
    for expected in ["workshop", "2026-Q3", "60,67 €", "26,40 €", "30,75 €", "71,53 %"]:
        assert expected in text, expected
    assert "Signature" in text
    document.close()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/indicators/circularity", {"period": "2026-Q5"}),
        ("/indicators/circularity", {"from": "2026-09-30", "to": "2026-09-01"}),
        ("/indicators/jobs", {"from": "2026-09-01"}),
        ("/metabolism", {"from": "yesterday", "to": "2026-09-01"}),
        ("/metabolism", {"period": "2026", "from": "2026-01-01", "to": "2026-12-31"}),
        ("/metabolism/sankey.svg", {"period": "2026-13"}),
        ("/reports/refashion", {"period": "2026-W38"}),
        ("/reports/refashion", {"period": "2099"}),
    ],
)
def test_unreadable_periods_are_422_invalid_period(
    api: Api, path: str, query: dict[str, str]
) -> None:
    if path == "/reports/refashion":
        query = {**query, "organisation_id": api.ids["workshop"]}
    response = api.get("auditor", path, **query)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_period"


def test_a_statement_names_a_known_organisation(api: Api) -> None:
    missing = api.get("auditor", "/reports/refashion", period="2026-Q3")
    assert missing.status_code == 422
    unknown = api.get(
        "auditor",
        "/reports/refashion",
        period="2026-Q3",
        organisation_id="4d1c5a8e-0000-4000-8000-000000000000",
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_organisation"


def test_the_sankey_is_svg_with_the_flows_of_the_period(sorted_in_august: Api) -> None:
    response = sorted_in_august.get("auditor", "/metabolism/sankey.svg", period="2026-08")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    texts = {element.text for element in root.iter(f"{SVG}text")}
    for label in [
        "Collecte locale",
        "Textiles usagés",
        "Recyclage",
        "Mise en stock",
        "Pertes (tri, transport, pesées)",
        "HORS DU TERRITOIRE",
        "DANS LE TERRITOIRE",
    ]:
        assert label in texts, label
    assert "0,413\u202ft" in texts  # the 412.5 kg collected, in tonnes to the kilogram
    assert not list(root.iter(f"{SVG}script"))


def test_an_empty_period_draws_an_empty_sankey(api: Api) -> None:
    response = api.get("auditor", "/metabolism/sankey.svg", period="2024-02")
    root = ElementTree.fromstring(response.content)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Aucun flux sur la période." in texts


def test_a_batch_as_occurred_by_a_time_over_http(api: Api) -> None:
    body = {
        "material": "textile.collected",
        "mass_kg": 20,
        "site_id": api.ids["container"],
        "occurred_at": "2026-08-03T09:00:00+02:00",
    }
    bag = written(api, "collector", "/batches", body)["id"]
    move = {"to_site_id": api.ids["sorting_centre"], "occurred_at": "2026-08-03T11:00:00+02:00"}
    written(api, "collector", f"/batches/{bag}/dispatches", move)
    before = api.get("auditor", f"/batches/{bag}", occurred_by="2026-08-03T10:00:00+02:00")
    assert (before.json()["state"], before.json()["version"]) == ("held", 1)
    after = api.get("auditor", f"/batches/{bag}", occurred_by="2026-08-03T12:00:00+02:00")
    assert after.json()["state"] == "in_transit"
    naive = api.get("auditor", f"/batches/{bag}", occurred_by="2026-08-03T12:00:00")
    assert naive.json()["error"]["code"] == "invalid_time"
    both = {"occurred_by": "2026-08-03T12:00:00Z", "as_of": "2026-08-03T12:00:00Z"}
    assert api.get("auditor", f"/batches/{bag}", **both).status_code == 422
    too_early = api.get("auditor", f"/batches/{bag}", occurred_by="2026-08-01T00:00:00Z")
    assert too_early.status_code == 404


def test_every_report_carries_the_chain_head(sorted_in_august: Api) -> None:
    api = sorted_in_august
    ledger = api.client.app.state.ledger  # type: ignore[attr-defined]
    head = ledger.event_log.max_position()
    deadline = time.monotonic() + 10
    verified = api.get("auditor", "/audit/verify").json()
    while verified["checked"] < head and time.monotonic() < deadline:  # the chain keeper's turn
        time.sleep(0.05)
        verified = api.get("auditor", "/audit/verify").json()
    assert verified["ok"]
    assert verified["checked"] == head
    workshop, august = api.ids["workshop"], {"from": "2026-08-01", "to": "2026-08-31"}
    reports = [
        ("/stock", {}),
        ("/indicators/circularity", august),
        ("/indicators/jobs", {"organisation_id": workshop, **august}),
        ("/reports/refashion", {"organisation_id": workshop, "period": "2026-Q3"}),
        ("/metabolism", august),
        ("/metabolism/sankey.svg", august),
        ("/export/register.csv", {"site_id": api.ids["sorting_centre"], **august}),
        ("/export/epcis", august),
    ]
    for path, query in reports:
        response = api.get("auditor", path, **query)
        assert response.status_code == 200, path
        assert response.headers["Ledger-Chain-Head"] == verified["head"], path
    epcis = api.get("auditor", "/export/epcis", **august).json()
    assert epcis["fl:chainHead"] == verified["head"]
    assert "Ledger-Chain-Head" not in api.get("auditor", "/territory").headers
