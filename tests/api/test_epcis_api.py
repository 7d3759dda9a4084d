"""``/api/v1/epcis`` over HTTP, as GS1's REST bindings describe an EPCIS base URL: capture
answers 202 with a capture job and its Location, events answer EPCIS queries page by page."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import Api
from tests.api.test_exports_api import sorted_bag  # noqa: F401 (a fixture)
from tests.integration.test_epcis import assert_valid_epcis

BASE = "https://ledger.test"
FOREIGN_CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"filiere": "urn:filiere-ledger:epcis:"},  # another prefix for the ledger's namespace
]


def collectors_document(api: Api, bag: str) -> dict[str, Any]:
    """What a collector's own system sends: a bag collected, then shipped to the workshop."""
    container, workshop = api.ids["container"], api.ids["sorting_centre"]
    collected = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid4()}",
        "eventTime": "2026-08-12T07:00:00.000+02:00",
        "eventTimeZoneOffset": "+02:00",
        "epcList": [f"https://collectors.example/ledger/batches/{bag}"],
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": f"{BASE}/sites/{container}"},
        "bizLocation": {"id": f"{BASE}/sites/{container}"},
        "quantityList": [
            {"epcClass": f"{BASE}/materials/textile.collected", "quantity": 52.5, "uom": "KGM"}
        ],
        "ilmd": {"filiere:sourceCommuneInsee": "76384"},
        "filiere:weightMethod": "weighbridge",
    }
    shipped = {
        "type": "ObjectEvent",  # no eventID: keyed by its CBV 2.0 event hash
        "eventTime": "2026-08-12T08:00:00Z",
        "eventTimeZoneOffset": "+02:00",
        "epcList": [f"{BASE}/batches/{bag}"],
        "action": "OBSERVE",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping",
        "disposition": "in_transit",
        "readPoint": {"id": f"{BASE}/sites/{container}"},
        "destinationList": [{"type": "location", "destination": f"{BASE}/sites/{workshop}"}],
        "filiere:carrier": "Collectif des collecteurs",
    }
    return {
        "@context": FOREIGN_CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-08-12T09:00:00Z",
        "epcisBody": {"eventList": [collected, shipped]},
    }


def captured(api: Api, who: str, document: Any, **headers: str) -> Any:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    all_headers = {**api.headers(who), "Content-Type": "application/ld+json", **headers}
    return api.client.post("/api/v1/epcis/capture", content=body, headers=all_headers)


def test_a_collectors_system_captures_its_events_with_its_token(api: Api) -> None:
    bag = str(uuid4())
    document = collectors_document(api, bag)

    response = captured(api, "collector", document)

    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["running"], job["success"], job["errors"]) == (False, True, [])
    assert [(e["status"], e["command"]) for e in job["events"]] == [
        ("accepted", "collect"),
        ("accepted", "dispatch"),
    ]
    assert job["events"][0]["eventID"] == document["epcisBody"]["eventList"][0]["eventID"]
    assert job["events"][1]["eventID"].startswith("ni:///sha-256;")
    assert response.headers["Location"] == f"/api/v1/epcis/capture/{job['captureID']}"
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0"
    batch = api.get("collector", f"/batches/{bag}").json()
    assert (batch["mass_kg"], batch["state"]) == (52.5, "in_transit")
    history = api.get("collector", f"/batches/{bag}/history").json()["data"]
    assert history[0]["payload"]["weight_method"] == "weighbridge"
    again = api.client.get(response.headers["Location"], headers=api.headers("collector"))
    assert again.json() == job
    elsewhere = api.client.get(response.headers["Location"], headers=api.headers("sorter"))
    assert (elsewhere.status_code, elsewhere.json()["error"]["code"]) == (
        404,
        "capture_job_not_found",
    )


def test_a_repeated_capture_answers_duplicate_and_writes_nothing(api: Api) -> None:
    document = collectors_document(api, str(uuid4()))
    captured(api, "collector", document)
    head = api.client.get("/api/v1/health").json()["event_position"]

    job = captured(api, "collector", document).json()

    assert [e["status"] for e in job["events"]] == ["duplicate", "duplicate"]
    assert api.client.get("/api/v1/health").json()["event_position"] == head


def test_refused_events_say_why_with_the_ledgers_codes(api: Api) -> None:
    document = collectors_document(api, str(uuid4()))
    unknown_site = json.loads(json.dumps(document["epcisBody"]["eventList"][0]))
    unknown_site["eventID"] = f"urn:uuid:{uuid4()}"
    unknown_site["epcList"] = [f"{BASE}/batches/{uuid4()}"]
    unknown_site["bizLocation"] = {"id": f"{BASE}/sites/{uuid4()}"}
    document["epcisBody"]["eventList"].append(unknown_site)

    job = captured(api, "sorter", document).json()  # a sorter does not collect

    assert job["success"] is False
    assert [(p["status"], p["detail"]) for p in job["errors"]] == [
        (403, "role_not_allowed"),
        (404, "batch_not_found"),
        (403, "role_not_allowed"),
    ]
    assert job["events"][0]["error"]["message"]
    admin = captured(api, "admin", {**document, "epcisBody": {"eventList": [unknown_site]}})
    assert admin.json()["events"][0]["error"]["code"] == "unknown_site"


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b"{not json", {}, 422, "epcis_document_invalid"),
        (b'{"type": "EPCISDocument"}', {}, 422, "epcis_document_invalid"),
        (b"[1, 2]", {}, 422, "epcis_document_invalid"),
        (b'{"type": "EPCISDocument", "epcisBody": {"eventList": []}}', {}, 202, None),
        (b" " * (1024 * 1024 + 1), {}, 413, "payload_too_large"),
        (b"{}", {"GS1-Capture-Error-Behaviour": "rollback"}, 422, "invalid_input"),
    ],
)
def test_malformed_or_oversized_documents_are_refused_whole(
    api: Api, body: bytes, headers: dict[str, str], status: int, code: str | None
) -> None:
    head = api.client.get("/api/v1/health").json()["event_position"]

    response = captured(api, "collector", body, **headers)

    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["error"]["code"] == code
    assert api.client.get("/api/v1/health").json()["event_position"] == head


def test_auditors_and_anonymous_callers_capture_nothing(api: Api) -> None:
    document = collectors_document(api, str(uuid4()))

    assert captured(api, "auditor", document).status_code == 403
    anonymous = api.client.post("/api/v1/epcis/capture", json=document)
    assert anonymous.status_code == 401


# -- queries ---------------------------------------------------------------------------------


def queried(api: Api, **params: Any) -> Any:
    response = api.get("auditor", "/epcis/events", **params)
    assert response.status_code == 200, response.text
    return response


def listed(response: Any) -> list[dict[str, Any]]:
    body = response.json()["epcisBody"]["queryResults"]["resultsBody"]
    events: list[dict[str, Any]] = body["eventList"]
    return events


def test_events_answer_the_standard_query_parameters(
    api: Api,
    sorted_bag: dict[str, Any],  # noqa: F811
) -> None:
    bag = f"{BASE}/batches/{sorted_bag['bag']}"
    everything = listed(queried(api))
    document = queried(api).json()

    assert_valid_epcis(document)
    assert document["type"] == "EPCISQueryDocument"
    results = document["epcisBody"]["queryResults"]["resultsBody"]
    sites = {e["id"] for e in results["vocabularyList"][0]["vocabularyElementList"]}
    assert f"{BASE}/sites/{api.ids['sorting_centre']}" in sites
    assert [e["bizStep"] for e in everything] == [
        "collecting",
        "shipping",
        "receiving",
        "commissioning",
        "destroying",
    ]
    assert len(listed(queried(api, eventType="TransformationEvent"))) == 1
    steps = listed(queried(api, EQ_bizStep="shipping|https://ref.gs1.org/cbv/BizStep-receiving"))
    assert [e["bizStep"] for e in steps] == ["shipping", "receiving"]
    assert len(listed(queried(api, MATCH_epc=bag))) == 3
    assert len(listed(queried(api, MATCH_anyEPC=bag))) == 4
    at_workshop = listed(queried(api, EQ_bizLocation=f"{BASE}/sites/{api.ids['sorting_centre']}"))
    assert [e["bizStep"] for e in at_workshop] == ["receiving", "commissioning"]
    window = {"GE_eventTime": "2026-08-12T08:00:00+02:00", "LT_eventTime": "2026-08-12T06:40:00Z"}
    assert [e["bizStep"] for e in listed(queried(api, **window))] == ["shipping"]
    one = everything[3]["eventID"]
    assert [e["eventID"] for e in listed(queried(api, EQ_eventID=one))] == [one]


def test_pages_follow_the_link_header_without_gap_or_repeat(
    api: Api,
    sorted_bag: dict[str, Any],  # noqa: F811
) -> None:
    everything = [e["eventID"] for e in listed(queried(api))]
    seen: list[str] = []
    response = queried(api, perPage=2)
    pages = 1
    while "Link" in response.headers:
        seen += [e["eventID"] for e in listed(response)]
        link = response.headers["Link"]
        assert link.endswith('>; rel="next"')
        url = link[1 : link.index(">")]
        response = api.client.get(url, headers=api.headers("auditor"))
        pages += 1
    seen += [e["eventID"] for e in listed(response)]

    assert seen == everything
    assert pages == 3


@pytest.mark.parametrize(
    "params",
    [
        {"GE_eventTime": "2026-08-12T08:00:00"},  # no offset
        {"eventType": "SortingEvent"},
        {"nextPageToken": "abc"},
        {"EQ_bizStep": "shipping||receiving"},
    ],
)
def test_malformed_query_parameters_are_refused(api: Api, params: dict[str, str]) -> None:
    response = api.get("auditor", "/epcis/events", **params)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "epcis_query_invalid"


def test_the_ledgers_context_is_served_without_a_token(api: Api) -> None:
    response = api.client.get("/api/v1/epcis/context.jsonld")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json()["@context"]["fl"] == "urn:filiere-ledger:epcis:"
    top = api.get("collector", "/epcis").json()
    assert top["member"] == ["capture", "events"]
