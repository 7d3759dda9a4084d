"""A collector logs in once, scans a free label, and records the collection from the phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from labels import label_url
from tests.web.conftest import opened, screenshot
from tests.web.live import LiveServer, Territory


def signed_path(live: LiveServer, code: str) -> str:
    key = live.app.state.settings.signing_key()
    return label_url(code, live.url, key).removeprefix(live.url)


def test_a_collection_recorded_on_the_phone_lands_in_the_ledger(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    code = world.codes[6]
    page = phone(None)
    opened(page, signed_path(live, code))
    page.get_by_role("link", name="Se connecter").click()
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#token", world.tokens["collector"])
    screenshot(page, "login")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/l/{code.replace('-', '')}?s=*")
    page.wait_for_selector("body[data-ready='true']")

    # Near Bolbec station: its container comes first and is chosen; textiles are preselected.
    containers = page.locator("#site-choices .tile span")
    expect(containers.first).to_have_text("Conteneur Bolbec – Gare")
    expect(page.locator("#site-choices input:checked")).to_have_value(world.ids["bolbec"])
    expect(page.locator("#material-choices input:checked")).to_have_value("textile.collected")
    page.fill("#mass", "412,5")
    screenshot(page, "label_collect_form")
    before = datetime.now().astimezone()
    page.get_by_role("button", name="Enregistrer la collecte").click()

    card = page.locator("#batch-card")
    expect(card).to_contain_text("412,5 kg")
    expect(card).to_contain_text("Conteneur Bolbec – Gare")
    expect(card).to_contain_text("Collectif des collecteurs")
    screenshot(page, "label_batch_card")
    label = world.get("admin", f"/labels/{code}")
    batch = world.get("admin", f"/batches/{label['batch_id']}")
    assert (batch["material"], batch["mass_kg"], batch["site_id"]) == (
        "textile.collected",
        412.5,
        world.ids["bolbec"],
    )
    assert batch["label_code"] == code
    assert batch["holder_id"] == world.ids["collectors"]
    occurred = datetime.fromisoformat(batch["occurred_at"])
    assert before - timedelta(seconds=1) <= occurred <= datetime.now().astimezone()


def test_the_pages_speak_english_on_request(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    page = opened(phone(world.tokens["collector"]), signed_path(live, world.codes[7]))
    page.get_by_role("button", name="Language").click()
    page.wait_for_selector("body[data-ready='true']")

    expect(page.get_by_text("Genuine label")).to_be_visible()
    expect(page.get_by_role("heading", name="Record the collection")).to_be_visible()
    expect(page.locator("#material-choices")).to_contain_text("Collected textiles (mixed)")
    screenshot(page, "label_collect_form_english")
