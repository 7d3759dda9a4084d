"""A sorter receives a bale on the phone, sorts it into graded lots and prints their labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.web.conftest import opened, screenshot
from tests.web.live import LiveServer, Territory
from tests.web.test_collect import signed_path


def test_a_sorter_receives_a_bale_sorts_it_and_prints_the_outputs_labels(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    code = world.codes[11]
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    bale = world.post(
        "collector",
        "/batches",
        {
            "label_code": code,
            "material": "textile.collected",
            "mass_kg": 400,
            "site_id": world.ids["gruchet"],
            "occurred_at": an_hour_ago,
        },
    )
    world.post(
        "collector",
        f"/batches/{bale['id']}/dispatches",
        {"to_site_id": world.ids["sorting_centre"], "occurred_at": an_hour_ago},
    )
    page = phone(world.tokens["sorter"])

    opened(page, signed_path(live, code))
    expect(page.locator("#batch-card")).to_contain_text("En transit")
    page.get_by_role("button", name="Réceptionner").click()
    page.fill("#receive-mass", "398")
    page.get_by_role("button", name="Enregistrer la réception").click()
    expect(page.locator("#flash")).to_have_text("Enregistré.")
    expect(page.locator("#batch-card")).to_contain_text("En stock")
    expect(page.locator("#batch-card")).to_contain_text("398 kg")
    screenshot(page, "label_received_by_the_sorter")
    page.get_by_role("button", name="Démarrer un tri avec ce lot").click()
    page.wait_for_url("**/sorting")
    page.wait_for_selector("body[data-ready='true']")

    for material, mass in (("textile.reuse.cream", "60"), ("textile.recycling.fraying", "330")):
        page.get_by_role("button", name="Ajouter une sortie").click()
        row = page.locator(".output-row").last
        row.locator("select").select_option(material)
        row.locator("input").fill(mass)
        row.locator("input").press("Tab")
    expect(page.get_by_text("Entrées 398 kg · sorties 390 kg · perte 8 kg")).to_be_visible()
    screenshot(page, "sorting_run")
    page.get_by_role("button", name="Enregistrer le tri").click()

    expect(page.get_by_text("Tri enregistré.")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer les étiquettes des sorties")).to_be_visible()
    screenshot(page, "sorting_recorded")
    sorted_bale = world.get("admin", f"/batches/{bale['id']}")
    assert sorted_bale["state"] == "consumed"
    sorting = world.get("admin", f"/transformations/{sorted_bale['consumed_by']}")
    outputs = {o["material"]: o for o in sorting["outputs"]}
    assert {m: o["mass_kg"] for m, o in outputs.items()} == {
        "textile.reuse.cream": 60,
        "textile.recycling.fraying": 330,
    }
    for output in outputs.values():
        assert (
            world.get("admin", f"/labels/{output['label_code']}")["batch_id"] == output["batch_id"]
        )
    sheet = page.evaluate(
        """async (codes) => {
          const r = await fetch("/api/v1/labels/sheet.pdf", {method: "POST",
            headers: {"Content-Type": "application/json", "X-Ledger-Client": "phone"},
            body: JSON.stringify({codes, layout: "2x5"})});
          return [r.status, r.headers.get("content-type")];
        }""",
        [o["label_code"] for o in outputs.values()],
    )
    assert sheet == [200, "application/pdf"]
