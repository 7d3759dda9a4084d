"""Bad requests get a JSON error with a stable code and a human message, and write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.codes import CODES


def ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def position(api: Api) -> int:
    return int(api.client.get("/api/v1/health").json()["event_position"])


def refused(api: Api, who: str, path: str, body: dict[str, Any], status: int, code: str) -> Any:
    before = position(api)
    response = api.post(who, path, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert position(api) == before
    return error


def collection(api: Api, **changes: Any) -> dict[str, Any]:
    body = {
        "material": "textile.collected",
        "mass_kg": 412.5,
        "site_id": api.ids["container"],
        "occurred_at": ago(2),
    }
    return {**body, **changes}


def test_no_token_is_401_and_a_bad_token_too(api: Api) -> None:
    response = api.client.post("/api/v1/batches", json=collection(api))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    response = api.client.get("/api/v1/organisations", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"mass_kg": 0}, "invalid_mass"),
        ({"mass_kg": 40000.5}, "invalid_mass"),
        ({"mass_kg": 12.3456}, "invalid_mass"),
        ({"occurred_at": "2026-09-14T08:30:00"}, "invalid_time"),
        ({"occurred_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "invalid_time"),
        ({"mass_kg": "a lot"}, "invalid_input"),
        ({"colour": "blue"}, "invalid_input"),
        ({"label_code": "no spaces allowed"}, "invalid_label_code"),
    ],
)
def test_invalid_collections_are_422(api: Api, changes: dict[str, Any], code: str) -> None:
    refused(api, "collector", "/batches", collection(api, **changes), 422, code)


def test_unknown_references_in_a_body_are_422(api: Api) -> None:
    body = collection(api, material="textile.socks")
    refused(api, "collector", "/batches", body, 422, "unknown_material")
    body = collection(api, site_id="00000000-0000-4000-8000-000000000000")
    refused(api, "collector", "/batches", body, 422, "unknown_site")


def test_unknown_batch_in_the_path_is_404(api: Api) -> None:
    response = api.get("auditor", "/batches/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "batch_not_found"


def test_roles_and_organisations_are_403(api: Api) -> None:
    refused(api, "sorter", "/batches", collection(api), 403, "role_not_allowed")
    refused(api, "auditor", "/batches", collection(api), 403, "role_not_allowed")
    refused(
        api,
        "collector",
        "/organisations",
        {"name": "X", "kinds": ["collector"]},
        403,
        "role_not_allowed",
    )
    bag = api.ok("collector", "/batches", collection(api))
    weigh = {"mass_kg": 410, "occurred_at": ago(1)}
    refused(api, "mill", f"/batches/{bag['id']}/weighings", weigh, 403, "organisation_not_allowed")


def test_mass_balance_violation_is_409_with_the_imbalance(api: Api) -> None:
    bag = api.ok("collector", "/batches", collection(api))
    api.ok(
        "collector",
        f"/batches/{bag['id']}/dispatches",
        {"to_site_id": api.ids["sorting_centre"], "occurred_at": ago(1.5)},
    )
    api.ok("sorter", f"/batches/{bag['id']}/receipts", {"occurred_at": ago(1)})
    body = {
        "process": "sorting",
        "site_id": api.ids["sorting_centre"],
        "occurred_at": ago(0.5),
        "inputs": [{"batch_id": bag["id"]}],
        "outputs": [{"material": "textile.reuse.cream", "mass_kg": 200}],
    }
    error = refused(api, "sorter", "/transformations", body, 409, "mass_balance_violation")
    assert error["details"]["imbalance_kg"] == 212.5


def test_idempotency_key_replays_the_first_answer(api: Api) -> None:
    body = collection(api, label_code=CODES[3])
    first = api.post("collector", "/batches", body, key="phone-0042")
    before = position(api)
    again = api.post("collector", "/batches", body, key="phone-0042")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert position(api) == before
    other = api.post("collector", "/batches", collection(api, mass_kg=1), key="phone-0042")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_repeated_token_request_is_409(api: Api) -> None:
    body = {"organisation_id": api.ids["workshop"], "role": "sorter"}
    assert api.post("admin", "/tokens", body, key="t-1").status_code == 201
    response = api.post("admin", "/tokens", body, key="t-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "token_already_issued"


def test_label_already_bound_is_409(api: Api) -> None:
    api.ok("collector", "/batches", collection(api, label_code=CODES[4]))
    refused(
        api,
        "collector",
        "/batches",
        collection(api, label_code=CODES[4]),
        409,
        "label_already_bound",
    )


def test_unknown_route_is_a_json_404(api: Api) -> None:
    response = api.client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_docs_page_loads_nothing_from_a_cdn(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/static/docs/swagger-ui-bundle.js" in page.text
    script = api.client.get("/static/docs/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.text
