"""Narrated journeys through HTTP only: a textile chain and a wood chain, replayed by an auditor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import Api
from tests.codes import CODES


def at(hours_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()


def test_a_textile_chain_from_the_lillebonne_container_to_the_fraying_mill(api: Api) -> None:
    # A collector empties the Lillebonne container: a 412.5 kg bale, labelled on the spot.
    bale = api.ok(
        "collector",
        "/batches",
        {
            "label_code": CODES[0],
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": api.ids["container"],
            "occurred_at": at(30),
            "source_commune_insee": "76384",
        },
    )
    assert (bale["state"], bale["mass_kg"], bale["filiere"]) == ("held", 412.5, "textile")

    # The collective trucks it to the insertion workshop in Bolbec; it arrives 3 kg lighter.
    moving = api.ok(
        "collector",
        f"/batches/{bale['id']}/dispatches",
        {"to_site_id": api.ids["sorting_centre"], "occurred_at": at(29), "carrier": "Collectif"},
    )
    assert (moving["state"], moving["destination_site_id"]) == (
        "in_transit",
        api.ids["sorting_centre"],
    )
    received = api.ok(
        "sorter", f"/batches/{bale['id']}/receipts", {"occurred_at": at(28), "mass_kg": 409.5}
    )
    assert (received["holder_id"], received["mass_kg"]) == (api.ids["workshop"], 409.5)

    # Sorters grade it: cream for the shop, fraying feedstock, CSR and waste, 9.5 kg of dust.
    sorting = api.ok(
        "sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": api.ids["sorting_centre"],
            "occurred_at": at(20),
            "inputs": [{"batch_id": bale["id"]}],
            "outputs": [
                {"material": "textile.reuse.cream", "mass_kg": 60, "label_code": CODES[1]},
                {"material": "textile.recycling.fraying", "mass_kg": 250, "label_code": CODES[2]},
                {"material": "textile.csr", "mass_kg": 80},
                {"material": "textile.waste", "mass_kg": 10},
            ],
            "loss_kg": 9.5,
        },
    )
    assert (sorting["inputs_kg"], sorting["outputs_kg"], sorting["loss_kg"]) == (409.5, 400.0, 9.5)
    fraying = next(o for o in sorting["outputs"] if o["label_code"] == CODES[2])

    # The fraying lot goes to the mill outside the territory, which recycles it.
    api.ok(
        "sorter",
        f"/batches/{fraying['batch_id']}/dispatches",
        {"to_site_id": api.ids["mill_site"], "occurred_at": at(10)},
    )
    api.ok("mill", f"/batches/{fraying['batch_id']}/receipts", {"occurred_at": at(8)})
    done = api.ok(
        "mill",
        f"/batches/{fraying['batch_id']}/valorisations",
        {"route": "recycling", "occurred_at": at(6), "certificate_ref": "EFF-2026-118"},
    )
    assert (done["state"], done["route"], done["site_id"]) == (
        "valorised",
        "recycling",
        api.ids["mill_site"],
    )

    # The label found on the lot leads back to it.
    assert (
        api.get("auditor", f"/labels/{CODES[2].lower()}").json()["batch_id"] == fraying["batch_id"]
    )

    # An auditor replays the bale's history: every event with both times, in order.
    history = api.get("auditor", f"/batches/{bale['id']}/history").json()
    assert [e["type"] for e in history["data"]] == [
        "Collected",
        "Dispatched",
        "Received",
        "Consumed",
    ]
    assert [e["seq"] for e in history["data"]] == [1, 2, 3, 4]
    positions = [e["position"] for e in history["data"]]
    assert positions == sorted(positions)
    assert all(e["recorded_at"] and e["occurred_at"] for e in history["data"])

    # ... and the lineage: the recycled lot descends from the Lillebonne bale.
    lineage = api.get("auditor", f"/batches/{fraying['batch_id']}/lineage").json()
    assert lineage["ancestors"] == [bale["id"]]
    family = api.get("auditor", f"/batches/{bale['id']}/lineage").json()
    assert sorted(family["descendants"]) == sorted(o["batch_id"] for o in sorting["outputs"])
    assert {e["process"] for e in family["edges"]} == {"sorting"}

    # As the ledger had recorded it before the sorting, the bale was still held at the workshop.
    before_sorting = history["data"][2]["recorded_at"]
    then = api.get("auditor", f"/batches/{bale['id']}", as_of=before_sorting).json()
    assert (then["state"], then["version"]) == ("held", 3)
    assert api.get("auditor", f"/batches/{bale['id']}", version=1).json()["mass_kg"] == 412.5


def test_a_wood_chain_from_logs_to_the_gonfreville_boiler(api: Api) -> None:
    logs = api.ok(
        "wood_collector",
        "/batches",
        {
            "material": "wood.logs",
            "mass_kg": 12000,
            "site_id": api.ids["platform"],
            "occurred_at": at(50),
            "moisture_pct": 35,
        },
    )
    chipping = api.ok(
        "chipper",
        "/transformations",
        {
            "process": "chipping",
            "site_id": api.ids["platform"],
            "occurred_at": at(40),
            "inputs": [{"batch_id": logs["id"]}],
            "outputs": [{"material": "wood.chips", "mass_kg": 11800, "moisture_pct": 30}],
            "loss_kg": 200,
        },
    )
    chips = chipping["outputs"][0]["batch_id"]
    api.ok(
        "chipper",
        f"/batches/{chips}/dispatches",
        {"to_site_id": api.ids["boiler"], "occurred_at": at(30), "distance_km": 21.5},
    )
    api.ok("boiler", f"/batches/{chips}/receipts", {"occurred_at": at(29)})
    burnt = api.ok(
        "boiler", f"/batches/{chips}/valorisations", {"route": "energy", "occurred_at": at(5)}
    )
    assert (burnt["state"], burnt["moisture_pct"], burnt["mass_kg"]) == ("valorised", 30.0, 11800.0)
    history = api.get("auditor", f"/batches/{chips}/history").json()["data"]
    assert [e["type"] for e in history] == ["Produced", "Dispatched", "Received", "Valorised"]
    assert history[1]["payload"]["distance_km"] == 21.5
    lineage = api.get("auditor", f"/batches/{chips}/lineage").json()
    assert lineage["ancestors"] == [logs["id"]]


def test_a_correction_keeps_the_original_in_the_history(api: Api) -> None:
    bag = api.ok(
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": 41.25,
            "site_id": api.ids["container"],
            "occurred_at": at(3),
        },
    )
    fixed = api.ok(
        "collector",
        f"/batches/{bag['id']}/corrections",
        {"corrects_version": 1, "mass_kg": 14.25, "reason": "digits swapped on the scale reading"},
    )
    assert fixed["mass_kg"] == 14.25
    history = api.get("auditor", f"/batches/{bag['id']}/history").json()["data"]
    assert history[0]["payload"]["mass_kg"] == 41.25
    assert history[0]["corrected_by"] == [2]
    assert history[1]["payload"]["previous"] == {"mass_kg": 41.25}
    assert history[1]["payload"]["reason"] == "digits swapped on the scale reading"


def test_work_logs_are_recorded_and_corrected(api: Api) -> None:
    today = datetime.now(UTC).date().isoformat()
    body = {
        "site_id": api.ids["sorting_centre"],
        "worker_ref": "W-INS-07",
        "contract": "insertion",
        "activity": "sorting",
        "hours": 7,
        "date": today,
    }
    log = api.ok("supervisor", "/work-logs", body)
    assert (log["hours"], log["organisation_id"]) == (7.0, api.ids["workshop"])
    fixed = api.ok(
        "supervisor", f"/work-logs/{log['id']}/corrections", {"hours": 6.5, "reason": "left early"}
    )
    assert (fixed["hours"], fixed["version"]) == (6.5, 2)
    bad = api.post("supervisor", "/work-logs", {**body, "hours": 7.1})
    assert bad.json()["error"]["code"] == "invalid_work_log"


def test_registry_lists_answer_data_and_count(api: Api) -> None:
    sites = api.get("auditor", "/sites").json()
    assert sites["count"] == len(sites["data"]) == 5
    inside = {s["name"]: s["inside_territory"] for s in sites["data"]}
    assert inside == {
        "container": True,
        "sorting_centre": True,
        "mill_site": False,
        "boiler": False,
        "platform": True,
    }
    materials = api.get("auditor", "/materials").json()["data"]
    chips = next(m for m in materials if m["code"] == "wood.chips")
    assert (chips["route"], chips["lhv_dry_mj_per_kg"], chips["default_moisture_pct"]) == (
        "energy",
        19.0,
        30.0,
    )
    feed = api.get("auditor", "/events", after=0, limit=5).json()
    assert [e["position"] for e in feed["data"]] == sorted(e["position"] for e in feed["data"])


def test_users_add_materials_without_code(api: Api) -> None:
    shoes = {
        "code": "textile.reuse.shoes",
        "filiere": "textile",
        "route": "reuse",
        "lhv_dry_mj_per_kg": 18,
        "default_moisture_pct": 8,
        "name_fr": "Chaussures",
    }
    assert api.post("admin", "/materials", shoes).status_code == 201
    assert api.post("admin", "/materials", shoes).status_code == 200
    clash = api.post("admin", "/materials", {**shoes, "route": "csr"})
    assert clash.json()["error"]["code"] == "material_already_defined"
    codes = [m["code"] for m in api.get("collector", "/materials").json()["data"]]
    assert "textile.reuse.shoes" in codes
