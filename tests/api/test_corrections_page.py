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
