"""Revising a material of the catalogue over HTTP (SQLite and PostgreSQL): names and defaults
change, the list and the figures read the revised values, a restarted ledger replays them, and
a material already used keeps what past figures read from it."""

from __future__ import annotations

from typing import Any

from ledger.application.ledger import Ledger
from ledger.settings import Settings
from tests.api.conftest import WAIT, Api

SHOES = {
    "code": "textile.reuse.shoes",
    "filiere": "textile",
    "route": "recycling",
    "lhv_dry_mj_per_kg": 18,
    "default_moisture_pct": 8,
    "name_fr": "Chaussures",
    "name_en": "Shoes",
}


def patch(api: Api, who: str, code: str, body: dict[str, Any]) -> Any:
    headers = {**api.headers(who), **WAIT}
    return api.client.patch(f"/api/v1/materials/{code}", json=body, headers=headers)


def listed(api: Api, code: str) -> dict[str, Any]:
    rows = api.get("auditor", "/materials").json()["data"]
    found: dict[str, Any] = next(row for row in rows if row["code"] == code)
    return found


def events_count(api: Api) -> int:
    return int(api.get("admin", "/health").json()["event_position"])


def collect(api: Api, material: str, kg: float) -> str:
    body = {"material": material, "mass_kg": kg, "site_id": api.ids["container"]}
    body["occurred_at"] = "2026-09-14T08:30:00+02:00"
    return str(api.written("collector", "/batches", body)["id"])


def test_an_unused_material_takes_new_names_route_and_defaults(api: Api) -> None:
    assert api.post("admin", "/materials", SHOES).status_code == 201
    changes = {"name_fr": "Chaussures dépareillées", "route": "reuse", "lhv_dry_mj_per_kg": 19.5}
    response = patch(api, "admin", SHOES["code"], changes)
    assert response.status_code == 200, response.text
    assert response.json()["route"] == "reuse"
    shoes = listed(api, SHOES["code"])
    assert (shoes["name_fr"], shoes["name_en"]) == ("Chaussures dépareillées", "Shoes")
    assert (shoes["route"], shoes["lhv_dry_mj_per_kg"]) == ("reuse", 19.5)
    assert shoes["default_moisture_pct"] == 8  # what was not sent stays
    before = events_count(api)
    again = patch(api, "admin", SHOES["code"], changes)  # the same values: nothing to record
    assert again.status_code == 200
    assert events_count(api) == before


def sort_into(api: Api, outputs: list[tuple[str, float]]) -> None:
    """A 412.5 kg bag from Lillebonne, received at Bolbec and sorted there."""
    bag = collect(api, "textile.collected", 412.5)
    moves = [("dispatches", {"to_site_id": api.ids["sorting_centre"]}, "collector", "09-14T11")]
    moves.append(("receipts", {}, "sorter", "09-14T14"))
    for path, body, who, when in moves:
        api.written(who, f"/batches/{bag}/{path}", {**body, "occurred_at": f"2026-{when}:00Z"})
    sorting = {"process": "sorting", "site_id": api.ids["sorting_centre"]}
    sorting.update(occurred_at="2026-09-15T10:00:00+02:00", inputs=[{"batch_id": bag}])
    sorting["outputs"] = [{"material": m, "mass_kg": kg} for m, kg in outputs]
    api.written("sorter", "/transformations", sorting)


def test_figures_read_the_revised_route_of_a_material_first_used_after(api: Api) -> None:
    assert api.post("admin", "/materials", SHOES).status_code == 201
    assert patch(api, "admin", SHOES["code"], {"route": "reuse"}).status_code == 200
    sort_into(api, [(SHOES["code"], 100.0), ("textile.recycling.fraying", 312.5)])
    figures = api.get(
        "auditor", "/indicators/circularity", organisation_id=api.ids["workshop"], period="2026"
    ).json()
    assert figures["outputs_kg"]["reuse"] == 100.0
    assert figures["outputs_kg"]["recycling"] == 312.5
    response = patch(api, "admin", SHOES["code"], {"route": "recycling"})
    assert response.status_code == 409  # now that it is used, its route stays


def test_a_shipped_material_is_renamed_and_a_restarted_ledger_replays_it(
    api: Api, settings: Settings
) -> None:
    body = {"name_fr": "Textiles collectés en conteneur", "name_en": "Container textiles"}
    assert patch(api, "admin", "textile.collected", body).status_code == 200
    assert listed(api, "textile.collected")["name_en"] == "Container textiles"
    restarted = Ledger(settings)
    try:
        material = restarted.material("textile.collected")
        assert material.name_fr == "Textiles collectés en conteneur"
        assert material.route is None  # the shipped definition's other values
    finally:
        restarted.close()


def test_a_used_material_keeps_its_route_and_defaults_but_takes_new_names(api: Api) -> None:
    assert api.post("admin", "/materials", SHOES).status_code == 201
    collect(api, SHOES["code"], 412.5)
    before = events_count(api)
    for changes in ({"route": "reuse"}, {"filiere": "flax"}, {"lhv_dry_mj_per_kg": 12}):
        response = patch(api, "admin", SHOES["code"], {"name_en": "Odd shoes", **changes})
        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "material_in_use"
        assert error["details"]["fields"] == list(changes)
    assert events_count(api) == before  # nothing written, not even the names
    assert listed(api, SHOES["code"])["route"] == "recycling"
    renamed = patch(api, "admin", SHOES["code"], {"name_en": "Odd shoes", "route": "recycling"})
    assert renamed.status_code == 200, renamed.text
    assert listed(api, SHOES["code"])["name_en"] == "Odd shoes"


def test_a_revision_is_refused_for_bad_values_and_unknown_codes(api: Api) -> None:
    assert api.post("admin", "/materials", SHOES).status_code == 201
    before = events_count(api)
    bad = [
        ({"lhv_dry_mj_per_kg": 75}, 422, "invalid_input"),
        ({"default_moisture_pct": 100}, 422, "invalid_input"),
        ({"route": "compost"}, 422, "invalid_input"),
        ({"waste_code": "20-01"}, 422, "invalid_input"),
        ({"ewmfa_category": "MF9"}, 422, None),
        ({"name_fr": "a\u0007b"}, 422, None),
        ({"colour": "blue"}, 422, None),
    ]
    for body, status, code in bad:
        response = patch(api, "admin", SHOES["code"], body)
        assert response.status_code == status, (body, response.text)
        assert code is None or response.json()["error"]["code"] == code
    unknown = patch(api, "admin", "textile.unknown", {"name_fr": "Inconnu"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "material_not_found"
    assert events_count(api) == before
    assert listed(api, SHOES["code"]) == {**listed(api, SHOES["code"]), "lhv_dry_mj_per_kg": 18}


def test_only_the_ledgers_admins_revise_the_catalogue(api: Api) -> None:
    api.token("workshop_admin", "workshop", "admin")
    for who in ("collector", "sorter", "auditor", "workshop_admin"):
        response = patch(api, who, "textile.collected", {"name_fr": "Vrac"})
        assert response.status_code == 403, (who, response.text)
    nobody = api.client.patch("/api/v1/materials/textile.collected", json={"name_fr": "Vrac"})
    assert nobody.status_code == 401
    assert listed(api, "textile.collected")["name_fr"] != "Vrac"
