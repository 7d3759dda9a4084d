"""The correction page of a batch through HTTP: the preview shows what will change and writes
nothing, the save writes once, refusals keep the values, and only those who may correct see it."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api
from tests.api.test_desk import sign_in
from tests.api.test_refusals import at


def csrf_and_key(page: str) -> dict[str, str]:
    found = dict(re.findall(r'name="(csrf|idempotency_key|previewed)" value="([^"]*)"', page))
    return found


def bale(api: Api) -> str:
    body = {
        "material": "textile.collected",
        "mass_kg": 412.5,
        "site_id": api.ids["container"],
        "occurred_at": at(0),
    }
    return str(api.written("collector", "/batches", body)["id"])


def post(api: Api, batch: str, page: str, **fields: Any) -> Any:
    form = {**csrf_and_key(page), "corrects_version": "1", "reason": "balance mal tarée"}
    form.update({k: str(v) for k, v in fields.items()})
    return api.client.post(f"/batches/{batch}/correct", data=form, follow_redirects=False)


def test_a_collector_previews_then_saves_a_lighter_bale(api: Api) -> None:
    batch = bale(api)
    sign_in(api, "collector")
    page = api.client.get(f"/batches/{batch}/correct").text
    assert "Corriger le lot" in page

    preview = post(api, batch, page, mass_kg="410,5", step="preview")

    assert preview.status_code == 200, preview.text
    assert "Ce qui va changer" in preview.text
    assert "412,5\u00a0kg" in preview.text
    assert "410,5\u00a0kg" in preview.text
    assert "Stock de container" in preview.text
    assert api.get("auditor", f"/batches/{batch}").json()["mass_kg"] == 412.5  # nothing written

    saved = post(api, batch, preview.text, mass_kg="410,5", step="save")
    again = post(api, batch, preview.text, mass_kg="410,5", step="save")

    assert saved.status_code == 303, saved.text
    assert again.status_code == 303
    assert api.get("auditor", f"/batches/{batch}").json()["mass_kg"] == 410.5
    history = api.get("auditor", f"/batches/{batch}/history").json()["data"]
    assert [e["type"] for e in history] == ["Collected", "Corrected"]
    after = api.client.get(saved.headers["location"]).text
    assert "Correction enregistrée." in after
    assert "412,5\u00a0kg" in after
    assert "410,5\u00a0kg" in after


def test_a_changed_field_after_the_preview_shows_the_preview_again(api: Api) -> None:
    batch = bale(api)
    sign_in(api, "collector")
    page = api.client.get(f"/batches/{batch}/correct").text
    preview = post(api, batch, page, mass_kg="410.5", step="preview")

    changed = post(api, batch, preview.text, mass_kg="400", step="save")

    assert changed.status_code == 200
    assert "400\u00a0kg" in changed.text
    assert api.get("auditor", f"/batches/{batch}/history").json()["count"] == 1


def test_a_refused_correction_keeps_the_values_and_says_why_in_each_language(api: Api) -> None:
    batch = bale(api)
    sign_in(api, "collector")
    page = api.client.get(f"/batches/{batch}/correct").text

    french = post(api, batch, page, mass_kg="quatre cents", step="preview")
    api.client.get("/", params={"lang": "en"})
    english = post(api, batch, page, corrects_version="9", mass_kg="400", step="preview")

    assert french.status_code == 422
    assert 'value="quatre cents"' in french.text
    assert "balance mal tarée" in french.text
    assert 'id="problem"' in french.text
    assert english.status_code == 409
    assert "no correctable event at version 9" in english.text
    assert api.get("auditor", f"/batches/{batch}/history").json()["count"] == 1


def test_only_those_who_may_correct_see_the_page_and_the_link(api: Api) -> None:
    batch = bale(api)
    sign_in(api, "sorter")
    assert api.client.get(f"/batches/{batch}/correct").status_code == 403
    sign_in(api, "auditor")
    assert api.client.get(f"/batches/{batch}/correct").status_code == 403
    assert 'id="correct-link"' not in api.client.get(f"/audit/batch/{batch}").text
    api.token("collectors_supervisor", "collectors", "supervisor")
    sign_in(api, "collectors_supervisor")
    assert 'id="correct-link"' in api.client.get(f"/audit/batch/{batch}").text
    assert api.client.get(f"/batches/{batch}/correct").status_code == 200


def sorted_fraying_lot(api: Api) -> tuple[str, str]:
    """A 412.5 kg bale sorted at Bolbec: 250 kg of fraying feedstock among the outputs."""
    bag = bale(api)
    body = {"to_site_id": api.ids["sorting_centre"], "occurred_at": at(1)}
    api.written("collector", f"/batches/{bag}/dispatches", body)
    api.written("sorter", f"/batches/{bag}/receipts", {"occurred_at": at(2)})
    sorting = {
        "process": "sorting",
        "site_id": api.ids["sorting_centre"],
        "occurred_at": at(3),
        "inputs": [{"batch_id": bag}],
        "outputs": [
            {"material": "textile.reuse.cream", "mass_kg": 150},
            {"material": "textile.recycling.fraying", "mass_kg": 250},
            {"material": "textile.waste", "mass_kg": 12.5},
        ],
    }
    made = api.written("sorter", "/transformations", sorting)
    lot = next(o for o in made["outputs"] if o["material"] == "textile.recycling.fraying")
    quarter = f"{at(3)[:4]}-Q{(int(at(3)[5:7]) - 1) // 3 + 1}"
    return str(lot["batch_id"]), quarter


def test_a_sorted_lot_whose_material_was_wrong_moves_the_quarters_tonnes(api: Api) -> None:
    lot, quarter = sorted_fraying_lot(api)
    declared = {"organisation_id": api.ids["workshop"], "period": quarter}
    api.written("supervisor", "/reports/refashion/declarations", declared)  # the views hold it
    sign_in(api, "sorter")
    page = api.client.get(f"/batches/{lot}/correct", params={"lang": "en"}).text

    preview = post(api, lot, page, material="textile.csr", step="preview")

    assert preview.status_code == 200, preview.text
    moved = re.findall(r'<tr class="moves"><td>(Refashion [^<]*)</td><td class="num">([^<]*)'
                       r'</td><td class="num">([^<]*)</td>', preview.text)  # fmt: skip
    assert moved == [
        (f"Refashion {quarter}, Solid recovered fuel tonnes", "0\u00a0t", "0.25\u00a0t"),
        (f"Refashion {quarter}, Recycling tonnes", "0.25\u00a0t", "0\u00a0t"),
    ]
    assert "will appear as a regularisation" in preview.text
    saved = post(api, lot, preview.text, material="textile.csr", step="save")
    assert saved.status_code == 303, saved.text
    statement = api.get("auditor", "/reports/refashion", organisation_id=api.ids["workshop"],
                        period=quarter).json()  # fmt: skip
    assert statement["tonnes"]["recycling"] == 0
    assert statement["tonnes"]["csr"] == 0.25
