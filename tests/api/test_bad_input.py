"""Bad input over every write endpoint: a JSON error with a stable code, within a second, and
nothing written (SQLite and PostgreSQL).

Each valid body below is sent again with one of its fields replaced by a hostile value: numbers
of a million digits, times of year 1, lone surrogates, NUL and other control characters,
invisible bidirectional overrides, and text far too long; then every write endpoint of the
OpenAPI description gets the same values in whatever fields it declares.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ledger.domain.text import forbidden_character
from tests.api.conftest import WAIT, Api

NOW = "2026-09-14T08:30:00+02:00"
LATER = "2026-09-14T10:00:00+02:00"
FREE_TEXT = {
    "name",
    "label",
    "ticket_ref",
    "carrier",
    "reason",
    "address",
    "city",
    "name_fr",
    "worker_ref",
}
HOSTILE: list[Any] = [
    "1E+999990",
    "-1E999999",
    1e308,
    10**40,
    "\ud800",
    "caf\u00e9\x00",
    "line\x1bone",
    "\u202eevil",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1999-12-31T10:00:00+01:00",
    "x" * 100_000,
    [[[[[[[[[[]]]]]]]]]],
    {"nested": {"deeper": "\ud800"}},
    -1,
    True,
]


def collected(api: Api) -> str:
    body = {"material": "textile.collected", "mass_kg": 100, "site_id": api.ids["container"]}
    return str(api.written("collector", "/batches", {**body, "occurred_at": NOW})["id"])


def valid_bodies(api: Api, batch: str) -> dict[str, dict[str, Any]]:
    ids = api.ids
    return {
        "/batches": {
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": ids["container"],
            "occurred_at": NOW,
            "source_commune_insee": "76384",
        },
        f"/batches/{batch}/weighings": {
            "mass_kg": 410.0,
            "weight_method": "weighbridge",
            "ticket_ref": "T-1",
            "occurred_at": LATER,
        },
        f"/batches/{batch}/dispatches": {
            "to_site_id": ids["sorting_centre"],
            "occurred_at": LATER,
            "carrier": "Transports Caux",
            "distance_km": 12.5,
        },
        f"/batches/{batch}/corrections": {
            "corrects_version": 1,
            "mass_kg": 400.0,
            "reason": "Pesée refaite",
            "occurred_at": NOW,
        },
        "/organisations": {
            "name": "Ressourcerie",
            "kinds": ["reuse"],
            "siret": "41816609600069",
            "address": "1 rue",
            "postal_code": "76170",
            "city": "Lillebonne",
        },
        "/sites": {
            "organisation_id": ids["workshop"],
            "name": "Annexe",
            "kind": "warehouse",
            "commune_insee": "76114",
            "latitude": 49.52,
            "longitude": 0.53,
            "accepts_filieres": ["textile"],
        },
        "/tokens": {"organisation_id": ids["workshop"], "role": "sorter", "label": "Poste 3"},
        "/work-logs": {
            "site_id": ids["sorting_centre"],
            "worker_ref": "W-0042",
            "contract": "insertion",
            "activity": "sorting",
            "hours": 7.5,
            "date": "2026-09-14",
        },
        "/materials": {
            "code": "textile.reuse.shoes",
            "filiere": "textile",
            "route": "reuse",
            "lhv_dry_mj_per_kg": 17.0,
            "default_moisture_pct": 8,
            "name_fr": "Chaussures",
        },
        "/labels": {"count": 3},
    }


def send(api: Api, method: str, path: str, who: str, body: Any) -> Any:
    """The body as a client writes it: JSON escapes, so a lone surrogate travels as text."""
    headers = {**api.headers(who), "Content-Type": "application/json"}
    return api.client.request(method, f"/api/v1{path}", content=json.dumps(body), headers=headers)


def event_position(api: Api) -> int:
    return int(api.get("admin", "/health").json()["event_position"])


def assert_refused(response: Any, elapsed: float, what: str) -> None:
    assert 400 <= response.status_code < 500, (
        f"{what}: {response.status_code} {response.text[:300]}"
    )
    assert response.headers["content-type"].startswith("application/json"), what
    error = response.json()["error"]
    assert error["code"] == error["code"].lower(), what
    assert error["code"], what
    assert error["message"], what
    assert elapsed < 1.0, f"{what}: answered in {elapsed:.2f} s"


def test_every_field_of_every_write_refuses_hostile_values(api: Api) -> None:
    batch = collected(api)
    accepted = 0
    for path, body in valid_bodies(api, batch).items():
        who = "collector" if path.startswith("/batches") else "admin"
        for field in body:
            for value in HOSTILE:
                before = event_position(api)
                started = time.perf_counter()
                response = send(api, "POST", path, who, {**body, field: value})
                elapsed = time.perf_counter() - started
                what = f"{path} {field}={value!r:.60}"
                if response.status_code < 300:  # plain text, or -1° of longitude, may be valid
                    plain_text = isinstance(value, str) and forbidden_character(value) is None
                    assert (field in FREE_TEXT and plain_text) or (
                        field in ("latitude", "longitude") and value == -1
                    ), f"{what} was accepted"
                    accepted += 1
                    continue
                assert_refused(response, elapsed, what)
                assert event_position(api) == before, f"{what} wrote something"
    assert accepted > 0  # free text took the plain strings: their events were projected
    views = api.client.get("/api/v1/health", headers={**api.headers("admin"), **WAIT}).json()
    assert views["status"] == "ok"  # what was accepted was projected


def test_every_write_endpoint_answers_hostile_bodies_with_the_error_model(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    batch = collected(api)
    before = event_position(api)
    checked = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "put", "patch"):
                continue
            url = path.replace("/api/v1", "")
            for name in (
                "batch_id",
                "id",
                "organisation_id",
                "site_id",
                "work_log_id",
                "token_id",
                "code",
            ):
                url = url.replace("{" + name + "}", batch)
            content = operation.get("requestBody", {}).get("content", {})
            fields = field_names(schema, content.get("application/json", {}).get("schema", {}))
            for value in HOSTILE:
                body = dict.fromkeys(fields, value) or {"x": value}
                started = time.perf_counter()
                response = send(api, method.upper(), url, "admin", body)
                assert_refused(
                    response, time.perf_counter() - started, f"{method} {path} {value!r:.40}"
                )
                checked += 1
    assert checked > 200
    assert event_position(api) == before


def field_names(schema: dict[str, Any], body: dict[str, Any]) -> list[str]:
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return list(body.get("properties", {}))


def test_a_body_over_one_mebibyte_is_refused_before_it_is_read(api: Api) -> None:
    body = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'", "kinds": ["sorter"]}'
    response = api.client.post(
        "/api/v1/organisations",
        content=body,
        headers={**api.headers("admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Any:
        yield b'{"name": "'
        for _ in range(200):
            yield b"x" * 8192
        yield b'", "kinds": ["sorter"]}'

    streamed = api.client.post(
        "/api/v1/organisations",
        content=chunks(),
        headers={**api.headers("admin"), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "payload_too_large"


def test_text_with_a_nul_is_refused_with_its_own_code(api: Api) -> None:
    response = api.post("admin", "/organisations", {"name": "Tri\x00Caux", "kinds": ["sorter"]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_text"
    site = {
        "organisation_id": api.ids["workshop"],
        "name": "Quai\u202e",
        "kind": "warehouse",
        "commune_insee": "76114",
    }
    assert api.post("admin", "/sites", site).json()["error"]["code"] == "invalid_text"


def test_a_correction_to_year_one_is_refused(api: Api) -> None:
    batch = collected(api)
    body = {"corrects_version": 1, "occurred_at": "0001-01-01T00:30:00+01:00", "reason": "x"}
    response = api.post("collector", f"/batches/{batch}/corrections", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_time"
    accepted = {**body, "occurred_at": "2000-01-01T00:30:00+00:00"}
    headers = {**api.headers("collector"), **WAIT}
    assert (
        api.client.post(
            f"/api/v1/batches/{batch}/corrections", json=accepted, headers=headers
        ).status_code
        == 201
    )
    assert api.get("admin", "/health").json()["status"] == "ok"
