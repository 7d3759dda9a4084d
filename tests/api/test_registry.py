"""The registry over HTTP: organisations with their SIRET and address, sites with the filières
they accept, organisation admins, and tokens listed and revoked (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import WAIT, Api

NOW = "2026-09-14T08:30:00+02:00"
LATER = "2026-09-14T10:00:00+02:00"


def test_an_organisation_keeps_its_siret_and_address(api: Api) -> None:
    body = {
        "name": "Tri Caux Insertion",
        "kinds": ["sorter"],
        "siret": "418 166 096 00069",
        "address": "12 rue de la Gare",
        "postal_code": "76170",
        "city": "Lillebonne",
    }
    created = api.ok("admin", "/organisations", body)
    assert created["siret"] == "41816609600069"
    assert (created["address"], created["postal_code"], created["city"]) == (
        "12 rue de la Gare",
        "76170",
        "Lillebonne",
    )
    assert created["country"] == "FR"
    read = api.get("admin", f"/organisations/{created['id']}").json()
    assert {k: v for k, v in read.items() if k != "recorded_at"} == {
        k: v for k, v in created.items() if k != "recorded_at"
    }


def test_a_siret_failing_its_check_digit_is_refused(api: Api) -> None:
    response = api.post(
        "admin", "/organisations", {"name": "X", "kinds": ["sorter"], "siret": "41816609600068"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_siret"
    body = {"name": "X", "kinds": ["sorter"], "postal_code": "7617"}
    assert api.post("admin", "/organisations", body).json()["error"]["code"] == "invalid_input"


def test_an_organisation_admin_changes_its_own_details_only(api: Api) -> None:
    api.token("workshop_admin", "workshop", "admin")
    workshop, mill = api.ids["workshop"], api.ids["mill"]
    response = api.client.patch(
        f"/api/v1/organisations/{workshop}",
        json={"siret": "73282932000074", "city": "Bolbec"},
        headers=api.headers("workshop_admin"),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["siret"], response.json()["city"]) == ("73282932000074", "Bolbec")
    assert response.json()["name"] == "workshop"  # what was not sent stays
    other = api.client.patch(
        f"/api/v1/organisations/{mill}",
        json={"city": "Roubaix"},
        headers=api.headers("workshop_admin"),
    )
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "organisation_not_allowed"
    sorter = api.client.patch(
        f"/api/v1/organisations/{workshop}", json={"city": "X"}, headers=api.headers("sorter")
    )
    assert sorter.status_code == 403


def test_an_organisation_admin_runs_its_organisation_not_the_ledger(api: Api) -> None:
    api.token("workshop_admin", "workshop", "admin")
    site = {"organisation_id": api.ids["workshop"], "name": "Annexe", "kind": "warehouse"}
    site["commune_insee"] = "76114"
    assert api.post("workshop_admin", "/sites", site).status_code == 201
    elsewhere = {**site, "organisation_id": api.ids["mill"]}
    assert api.post("workshop_admin", "/sites", elsewhere).status_code == 403
    assert (
        api.post("workshop_admin", "/organisations", {"name": "Y", "kinds": ["sorter"]}).status_code
        == 403
    )
    territory = {"name": "Ailleurs", "communes_insee": ["76384"]}
    assert api.put("workshop_admin", "/territory", territory).status_code == 403


def collect(api: Api, who: str, site: str, material: str = "textile.collected") -> str:
    body = {"material": material, "mass_kg": 412.5, "site_id": api.ids[site], "occurred_at": NOW}
    return str(api.ok(who, "/batches", body)["id"])


def test_textiles_are_not_sent_to_a_site_that_takes_only_flax(api: Api) -> None:
    flax_mill = {
        "organisation_id": api.ids["mill"],
        "name": "Teillage du Caux",
        "kind": "processing",
    }
    flax_mill |= {"commune_insee": "76114", "accepts_filieres": ["flax"]}
    mill_site = api.ok("admin", "/sites", flax_mill)
    assert mill_site["accepts_filieres"] == ["flax"]
    batch = collect(api, "collector", "container")
    response = api.post(
        "collector",
        f"/batches/{batch}/dispatches",
        {"to_site_id": mill_site["id"], "occurred_at": LATER},
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "filiere_not_accepted"
    assert "Teillage du Caux" in error["message"]
    history = api.get("collector", f"/batches/{batch}/history").json()
    assert [e["type"] for e in history["data"]] == ["Collected"]  # nothing written
    sorting = {"to_site_id": api.ids["sorting_centre"], "occurred_at": LATER}
    assert api.post("collector", f"/batches/{batch}/dispatches", sorting).status_code == 201


def test_a_site_names_only_filieres_the_catalogue_knows(api: Api) -> None:
    body = {"organisation_id": api.ids["mill"], "name": "X", "kind": "recycler"}
    body |= {"commune_insee": "59350", "accepts_filieres": ["plastic"]}
    response = api.post("admin", "/sites", body)
    assert response.status_code == 422
    assert "plastic" in response.json()["error"]["message"]


def test_a_site_changes_its_name_and_filieres_and_the_views_follow(api: Api) -> None:
    site = api.ids["mill_site"]
    response = api.client.patch(
        f"/api/v1/sites/{site}",
        json={"name": "Effilochage du Nord", "accepts_filieres": ["textile"], "city": "Roubaix"},
        headers={**api.headers("admin"), **WAIT},
    )
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    assert (changed["name"], changed["accepts_filieres"], changed["city"]) == (
        "Effilochage du Nord",
        ["textile"],
        "Roubaix",
    )
    assert changed["commune_insee"] == "59350"
    wood = collect(api, "wood_collector", "platform", "wood.chips")
    refused = api.post(
        "wood_collector", f"/batches/{wood}/dispatches", {"to_site_id": site, "occurred_at": LATER}
    )
    assert refused.json()["error"]["code"] == "filiere_not_accepted"
    unchanged = api.client.patch(
        f"/api/v1/sites/{site}", json={"kind": "shop"}, headers=api.headers("admin")
    )
    assert unchanged.status_code == 422  # the kind of a site stays


def test_tokens_are_listed_without_secrets_and_revoked(api: Api) -> None:
    api.token("workshop_admin", "workshop", "admin")
    issued = api.written(
        "workshop_admin",
        "/tokens",
        {"organisation_id": api.ids["workshop"], "role": "sorter", "label": "Poste de tri 2"},
    )
    assert issued["label"] == "Poste de tri 2"
    assert len(issued["token_id"]) == 12
    api.tokens["line2"] = issued["token"]
    assert api.get("line2", "/materials").status_code == 200
    listed = api.get("workshop_admin", "/tokens").json()
    ours = [t for t in listed["data"] if t["id"] == issued["id"]]
    assert [(t["role"], t["revoked_at"]) for t in ours] == [("sorter", None)]
    assert ours[0]["last_used_at"] is not None
    assert issued["token"] not in str(listed)
    assert "hash" not in str(listed)
    assert api.get("sorter", "/tokens").status_code == 403
    assert api.get("workshop_admin", "/tokens", organisation_id=api.ids["mill"]).status_code == 403
    other = api.client.delete(f"/api/v1/tokens/{issued['id']}", headers=api.headers("collector"))
    assert other.status_code == 403
    revoked = api.client.delete(
        f"/api/v1/tokens/{issued['id']}", headers={**api.headers("workshop_admin"), **WAIT}
    )
    assert revoked.status_code == 204
    refused = api.get("line2", "/materials")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    again = api.client.delete(f"/api/v1/tokens/{issued['id']}", headers=api.headers("admin"))
    assert again.status_code == 204
    after = api.get("admin", "/tokens", organisation_id=api.ids["workshop"])
    assert [
        t["revoked_at"] is not None for t in after.json()["data"] if t["id"] == issued["id"]
    ] == [True]
