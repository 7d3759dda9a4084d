"""A territory where every name a user writes is made to inject markup: an organisation, its
sites, a material, a correction's reason (shared by the tests of escaping on the pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.codes import CODES

if TYPE_CHECKING:
    from tests.api.conftest import Api

HOSTILE = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"  # as the templates escape it


def at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def hostile_batch(api: Api) -> dict[str, Any]:
    """An organisation, its sites and a material named to inject markup, and a batch of that
    material collected, corrected with a hostile reason, dispatched, received and sorted."""
    api.organisation(HOSTILE, ["collector", "sorter"])
    api.site(f"{HOSTILE} point", HOSTILE, "collection_point", "76384")
    api.site(f"{HOSTILE} centre", HOSTILE, "sorting_centre", "76114")
    api.token("hostile", HOSTILE, "collector")
    api.token("hostile_sorter", HOSTILE, "sorter")
    material = {
        "code": "textile.hostile",
        "filiere": "textile",  # a filière is a short lower-case word: refused otherwise
        "route": None,
        "lhv_dry_mj_per_kg": "17",
        "default_moisture_pct": "10",
        "name_fr": HOSTILE,
        "name_en": HOSTILE,
    }
    assert api.post("admin", "/materials", material).status_code == 201
    bag = api.written(
        "hostile",
        "/batches",
        {
            "label_code": CODES[30],
            "material": "textile.hostile",
            "mass_kg": 50,
            "site_id": api.ids[f"{HOSTILE} point"],
            "occurred_at": at(5),
        },
    )
    fix = {"corrects_version": 1, "mass_kg": 52, "reason": HOSTILE}
    api.written("hostile", f"/batches/{bag['id']}/corrections", fix)
    centre = api.ids[f"{HOSTILE} centre"]
    api.written("hostile", f"/batches/{bag['id']}/dispatches",
                {"to_site_id": centre, "occurred_at": at(4)})  # fmt: skip
    api.written("hostile_sorter", f"/batches/{bag['id']}/receipts", {"occurred_at": at(3)})
    api.written(
        "hostile_sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": centre,
            "occurred_at": at(2),
            "inputs": [{"batch_id": bag["id"]}],
            "outputs": [{"material": "textile.reuse.cream", "mass_kg": 50}],
            "loss_kg": 2,
        },
    )
    return bag
