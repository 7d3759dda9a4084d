"""Territories, declared flows and the accounts over HTTP: the contract of DESIGN §8, its errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import WAIT, Api

ESTUARY = ["76384", "76114", "76305", "76351"]  # Lillebonne, Bolbec, Gonfreville, Le Havre


def flow(**fields: Any) -> dict[str, Any]:
    body = {
        "year": 2026,
        "direction": "import",
        "category": "MF4",
        "mass_t": 12000,
        "partner": "rest_of_france",
        "source": "Observatoire régional de l'énergie",
        "quality": "estimated",
    }
    return {**body, **fields}


@pytest.fixture
def estuary(api: Api) -> Api:
    """The estuary around the fixture's territory, ``main`` (Lillebonne and Bolbec)."""
    body = {
        "name": "Estuaire de la Seine",
        "communes_insee": ESTUARY,
        "population": {"2026": 400000},
    }
    assert put(api, "estuaire", body).status_code == 200
    main = {
        "name": "Caux Vallée de Seine",
        "communes_insee": ["76384", "76114"],
        "parent": "estuaire",
        "population": {"2026": 77000},
        "gdp_eur": {"2026": 2500000000},
        "traced_categories": ["MF6"],
    }
    response = put(api, "main", main)
    assert response.status_code == 200, response.text
    return api


def put(api: Api, code: str, body: dict[str, Any], who: str = "admin") -> Any:
    """A PUT that answers once the views hold it (lists read the views)."""
    headers = {**api.headers(who), **WAIT}
    return api.client.put(f"/api/v1/territories/{code}", json=body, headers=headers)


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_the_single_territory_is_main_with_everything_it_had(estuary: Api) -> None:
    main = estuary.get("admin", "/territories/main").json()
    assert main["communes_insee"] == ["76114", "76384"]
    assert (main["parent"], main["population"], main["traced_categories"]) == (
        "estuaire", {"2026": 77000}, ["MF6"],
    )  # fmt: skip
    assert estuary.get("admin", "/territory").json()["communes_insee"] == ["76114", "76384"]
    listed = estuary.get("admin", "/territories").json()
    assert [t["code"] for t in listed["data"]] == ["estuaire", "main"]
    assert listed["data"][0]["children"] == ["main"]


def test_a_child_must_lie_within_its_parent(estuary: Api) -> None:
    body = {"name": "Trop grand", "communes_insee": ["76384", "59350"], "parent": "estuaire"}
    response = put(estuary, "grand", body)
    assert response.status_code == 422
    assert error_code(response) == "not_within_parent"
    assert response.json()["error"]["details"]["outside"] == ["59350"]
    assert estuary.get("admin", "/territories/grand").status_code == 404


def test_a_parent_cannot_shrink_below_its_child_nor_main_leave_its_parent(estuary: Api) -> None:
    shrunk = {"name": "Estuaire", "communes_insee": ["76351", "76305"]}
    response = put(estuary, "estuaire", shrunk)
    assert (response.status_code, error_code(response)) == (422, "not_within_parent")
    wider = {"name": "Caux Vallée de Seine", "communes_insee": ["76384", "76114", "59350"]}
    response = estuary.put("admin", "/territory", wider)
    assert (response.status_code, error_code(response)) == (422, "not_within_parent")
    assert estuary.get("admin", "/territory").json()["communes_insee"] == ["76114", "76384"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "X", "communes_insee": ["76384"], "parent": "nowhere"}, "unknown_territory"),
        ({"name": "X", "communes_insee": ["7638"]}, "invalid_input"),
        ({"name": "X", "communes_insee": ["76384"], "population": {"26": 1}}, "invalid_territory"),
        (
            {"name": "X", "communes_insee": ["76384"], "population": {"2026": -1}},
            "invalid_territory",
        ),
        (
            {"name": "X", "communes_insee": ["76384"], "traced_categories": ["MF1.3"]},
            "invalid_territory",
        ),
        ({"name": "X\u0007", "communes_insee": ["76384"]}, "invalid_text"),
    ],
)
def test_bad_territories_are_refused(estuary: Api, body: dict[str, Any], code: str) -> None:
    response = put(estuary, "lehavre", body)
    assert (response.status_code, error_code(response)) == (422, code), response.text


def test_a_territory_cannot_be_its_own_ancestor(estuary: Api) -> None:
    body = {"name": "Estuaire", "communes_insee": ESTUARY, "parent": "main"}
    response = put(estuary, "estuaire", body)
    assert (response.status_code, error_code(response)) == (422, "invalid_territory")


def test_only_admins_define_territories(estuary: Api) -> None:
    response = put(estuary, "lehavre", {"name": "Le Havre", "communes_insee": ["76351"]}, "sorter")
    assert response.status_code == 403


def test_a_declared_flow_is_written_once_and_read_back(estuary: Api) -> None:
    headers = {**estuary.headers("admin", key="flow-1"), **WAIT}
    first = estuary.client.post("/api/v1/territories/main/flows", json=flow(), headers=headers)
    again = estuary.client.post("/api/v1/territories/main/flows", json=flow(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replay"] == "true"
    assert first.json()["mass_t"] == 12000.0
    assert first.json()["energy_carrier"] is True
    listed = estuary.get("admin", "/territories/main/flows", year=2026).json()
    assert listed["count"] == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category": "MF7"}, "unknown_category"),
        ({"category": "wood"}, "unknown_category"),
        ({"direction": "inbound"}, "unknown_direction"),
        ({"mass_t": -5}, "invalid_flow_quantity"),
        ({"mass_t": "1e30"}, "invalid_flow_quantity"),
        ({"mass_t": "0.0000001"}, "invalid_flow_quantity"),
        ({"energy_gj": -1}, "invalid_flow_quantity"),
        ({"year": 2025}, "year_outside_territory_data"),
        ({"partner": "nowhere"}, "unknown_territory"),
        ({"partner": "FR"}, "invalid_input"),
        ({"partner": "main"}, "invalid_input"),
        ({"direction": "output"}, "invalid_input"),  # without output_to
        ({"quality": "guessed"}, "invalid_input"),
        ({"source": "Douanes\u0000"}, "invalid_text"),
    ],
)
def test_bad_flows_are_refused_and_write_nothing(
    estuary: Api, fields: dict[str, Any], code: str
) -> None:
    response = estuary.post("admin", "/territories/main/flows", flow(**fields))
    assert (response.status_code, error_code(response)) == (422, code), response.text
    assert estuary.get("admin", "/territories/main/flows").json()["count"] == 0


def test_flows_of_an_unknown_territory_are_not_found(estuary: Api) -> None:
    response = estuary.post("admin", "/territories/nowhere/flows", flow())
    assert (response.status_code, error_code(response)) == (404, "territory_not_found")
    assert estuary.get("admin", "/territories/NO%20WHERE").status_code == 404


def test_who_may_declare_flows(estuary: Api) -> None:
    estuary.organisation("agglo", ["authority"])
    estuary.token("agglo_supervisor", "agglo", "supervisor")
    assert estuary.post("agglo_supervisor", "/territories/main/flows", flow()).status_code == 201
    for who in ("supervisor", "collector", "auditor"):  # the workshop's supervisor is no authority
        assert estuary.post(who, "/territories/main/flows", flow()).status_code == 403, who


def test_a_correction_keeps_the_original_and_names_the_version(estuary: Api) -> None:
    created = estuary.ok("admin", "/territories/main/flows", flow())
    path = f"/territories/main/flows/{created['id']}/corrections"
    fixed = estuary.ok("admin", path, {"corrects_version": 1, "reason": "Douanes", "mass_t": 11500})
    assert (fixed["version"], fixed["mass_t"]) == (2, 11500.0)
    stale = estuary.post("admin", path, {"corrects_version": 1, "reason": "x", "mass_t": 1})
    assert (stale.status_code, error_code(stale)) == (409, "stale_flow_version")
    same = estuary.post("admin", path, {"corrects_version": 2, "reason": "x", "mass_t": 11500})
    assert (same.status_code, error_code(same)) == (409, "nothing_to_correct")
    wrong = estuary.post("admin", path, {"corrects_version": 2, "reason": "x", "year": 2024})
    assert (wrong.status_code, error_code(wrong)) == (422, "year_outside_territory_data")
    elsewhere = estuary.post(
        "admin", f"/territories/estuaire/flows/{created['id']}/corrections",
        {"corrects_version": 2, "reason": "x", "mass_t": 1},
    )  # fmt: skip
    assert (elsewhere.status_code, error_code(elsewhere)) == (404, "declared_flow_not_found")


def test_accounts_and_their_csv(estuary: Api) -> None:
    headers = {**estuary.headers("admin"), **WAIT}
    estuary.client.post("/api/v1/territories/main/flows", json=flow(), headers=headers)
    before = datetime.now(UTC).isoformat()
    response = estuary.client.post(
        "/api/v1/territories/main/flows",
        json=flow(direction="extraction", category="MF3", mass_t=50000, partner=None),
        headers=headers,
    )
    assert response.status_code == 201
    found = estuary.get("admin", "/territories/main/accounts", year=2026).json()
    assert found["totals"]["dmi_t"] == 62000.0
    assert found["categories"]["MF4"]["imp_gj"] == 507600.0  # 12,000 t × 42.3 GJ/t
    assert found["sources"][0]["source"] == "Observatoire régional de l'énergie"
    then = estuary.get("admin", "/territories/main/accounts", year=2026, as_of=before).json()
    assert then["totals"]["dmi_t"] == 12000.0
    assert estuary.get("admin", "/territories/main/accounts", year=2025).status_code == 422
    naive = estuary.get("admin", "/territories/main/accounts", year=2026, as_of="2026-05-01T10:00")
    assert naive.status_code == 422
    csv = estuary.client.get(
        "/api/v1/territories/main/accounts.csv", params={"year": 2026}, headers=headers
    )
    lines = csv.text.splitlines()
    assert lines[0].split(";")[:4] == ["category", "de_t", "imp_t", "exp_t"]
    assert lines[0].split(";")[10] == "de_gj"
    assert lines[3].startswith("MF3;50000.000;0.000;")
    assert lines[-1].startswith("total;50000.000;12000.000;0.000;62000.000;62000.000;")


def test_collection_against_potential_ranks_the_communes(estuary: Api) -> None:
    bag = {"material": "textile.collected", "mass_kg": 854.1, "site_id": estuary.ids["container"],
           "occurred_at": "2026-03-02T08:00:00+01:00"}  # fmt: skip
    estuary.written("collector", "/batches", bag)
    found = estuary.get("admin", "/territories/main/collection-by-commune", year=2026).json()
    assert found["population_year"] == 2023
    assert "INSEE" in found["population_source"]
    rows = {row["commune_insee"]: row for row in found["rows"]}
    # Lillebonne: 8,541 inhabitants (INSEE 2023) × 12.2 kg = 104,200.2 kg of potential;
    # 854.1 kg collected = 0.1 kg per inhabitant; one container: 0.12 per 1,000 inhabitants.
    assert rows["76384"] == {
        "commune_insee": "76384", "name": "Lillebonne", "population": 8541,
        "collected_kg": 854.1, "kg_per_inhabitant": 0.1, "potential_kg": 104200.2,
        "gap_kg": 103346.1, "containers": 1, "containers_per_1000": 0.12,
        "latitude": rows["76384"]["latitude"], "longitude": rows["76384"]["longitude"],
    }  # fmt: skip
    # Bolbec (11,590 inhabitants, nothing collected) has the larger gap: it comes first.
    assert [row["commune_insee"] for row in found["rows"]] == ["76114", "76384"]
    wood = estuary.get(
        "admin", "/territories/main/collection-by-commune", year=2026, filiere="wood"
    )
    assert (wood.status_code, error_code(wood)) == (422, "no_potential")
