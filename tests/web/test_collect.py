"""A collector logs in once, scans a free label, and records the collection from the phone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from labels import label_url
from ledger.demo.data import COMMUNES
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


# -- many containers, and destinations that take only some filières ----------------------------

PLACES = ("Place de l'Église", "Salle des fêtes", "Stade", "Cimetière", "École", "Mairie")
SCREEN = 740  # the phone's height


@dataclass
class Caux:
    """A collective with 30 street containers named by their place, not their commune."""

    token: str
    sites: dict[str, tuple[str, str]]  # id: name, commune
    codes: list[str]


@pytest.fixture(scope="module")
def caux(world: Territory) -> Caux:
    world.organisation("caux", "Collectif textile du Caux", ["collector"])
    sites: dict[str, tuple[str, str]] = {}
    for number, commune in enumerate(COMMUNES * 2):
        place = PLACES[number % len(PLACES)]
        name = f"Conteneur {place} n°{number + 1}"
        latitude, longitude = commune.latitude + number / 5000, commune.longitude
        world.site(
            f"caux_{number}", "caux", name, "collection_point", commune.insee, latitude, longitude
        )
        sites[world.ids[f"caux_{number}"]] = (name, commune.name)
    world.token("caux_collector", "caux", "collector")
    block = {"count": 2, "organisation_id": world.ids["caux"], "filiere": "textile"}
    return Caux(
        world.tokens["caux_collector"], sites, world.post("admin", "/labels", block)["codes"]
    )


def test_thirty_containers_show_the_five_nearest_and_the_others_by_search(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory, caux: Caux
) -> None:
    assert len(caux.sites) == 30
    page = opened(phone(caux.token), signed_path(live, caux.codes[0]))

    # Near Bolbec station: the five nearest containers are tiles, Bolbec's first; no other tile.
    expect(page.locator("#site-choices .tile")).to_have_count(5)
    expect(page.locator("#site-choices input:checked")).to_have_count(1)
    nearest = page.locator("#site-choices .tile span").all_inner_texts()
    assert nearest[:2] == ["Conteneur Salle des fêtes n°2", "Conteneur École n°17"]
    assert page.locator("input[name='site']").count() == 5
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2 * SCREEN, f"the collection page is {height} px tall"
    screenshot(page, "collect_thirty_containers")

    # A container at Saint-Nicolas-de-la-Haie, found by its commune typed loosely.
    search = page.get_by_label("Autre site : tapez son nom ou sa commune (30 sites)")
    search.press_sequentially("Fécamp")
    expect(page.locator("#site-count")).to_have_text("Aucun site ne correspond à « Fécamp ».")
    search.fill("")
    search.press_sequentially("nicolas haie")
    results = page.locator("#site-results .tile")
    expect(results).to_have_count(2)
    expect(page.locator("#site-count")).to_have_text("2 site(s) trouvé(s).")
    expect(results.first).to_contain_text("Saint-Nicolas-de-la-Haie")
    wanted = results.first.locator("span").inner_text()
    search.press("Enter")  # picks the first result and goes to it; sends nothing
    expect(page.locator("#site-results input").first).to_be_focused()
    expect(page.locator("#site-results input").first).to_be_checked()
    expect(page.locator("input[name='site']:checked")).to_have_count(1)
    screenshot(page, "collect_search_by_commune")
    page.fill("#mass", "96,4")
    page.get_by_role("button", name="Enregistrer la collecte").click()

    expect(page.locator("#batch-card")).to_contain_text(wanted)
    label = world.get("admin", f"/labels/{caux.codes[0]}")
    batch = world.get("admin", f"/batches/{label['batch_id']}")
    assert (caux.sites[batch["site_id"]], batch["mass_kg"]) == (
        (wanted, "Saint-Nicolas-de-la-Haie"),
        96.4,
    )


def test_a_textile_bag_is_offered_no_flax_mill_and_a_late_refusal_reads_plainly(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    world.organisation("linen", "Coopérative linière du Caux", ["processor"])
    world.site("flax_mill", "linen", "Teillage de Nointot", "processing", "76468", 49.6, 0.4753)
    world.call(
        "admin", "PATCH", f"/sites/{world.ids['flax_mill']}", json={"accepts_filieres": ["flax"]}
    )
    world.site("depot", "linen", "Entrepôt de Port-Jérôme", "warehouse", "76476", 49.4894, 0.5719)
    code = world.post("admin", "/labels", {"count": 1, "filiere": "textile"})["codes"][0]
    bag = {"label_code": code, "material": "textile.collected", "mass_kg": 230}
    bag |= {"site_id": world.ids["lillebonne"], "occurred_at": "2026-01-06T09:00:00+01:00"}
    batch = world.post("collector", "/batches", bag)
    page = opened(phone(world.tokens["collector"]), signed_path(live, code))

    page.get_by_role("button", name="Expédier").click()
    destinations = page.locator("#destination-choices")
    expect(destinations).to_contain_text("Atelier de tri de Bolbec")
    expect(destinations).to_contain_text("Entrepôt de Port-Jérôme")
    expect(page.get_by_text("Teillage de Nointot")).to_have_count(0)  # flax only: not offered
    screenshot(page, "dispatch_destinations")

    # Offline, the bag is sent to the depot, which meanwhile took wood only: the ledger refuses.
    page.context.set_offline(True)
    world.call(
        "admin", "PATCH", f"/sites/{world.ids['depot']}", json={"accepts_filieres": ["wood"]}
    )
    page.get_by_text("Entrepôt de Port-Jérôme").click()
    page.get_by_role("button", name="Enregistrer l'expédition").click()
    expect(page.locator("#flash")).to_have_text(
        "Enregistré sur le téléphone : envoi au retour du réseau."
    )
    page.context.set_offline(False)
    opened(page, "/outbox")
    refusal = "Ce site ne prend pas les lots de textiles : choisissez un site qui les accepte."
    expect(page.locator("#queue [data-status='refused']")).to_contain_text(refusal)
    screenshot(page, "outbox_filiere_refused")
    opened(page, signed_path(live, code))
    expect(page.locator(".notice.bad")).to_have_text(
        f"Expédition · Refusé par le registre : {refusal}"
    )
    expect(page.locator("#batch-card")).to_contain_text("En stock")
    assert world.get("admin", f"/batches/{batch['id']}")["state"] == "held"
    page.get_by_role("button", name="Language").click()
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator(".notice.bad")).to_contain_text(
        "This site does not take textile batches: choose a site that accepts them."
    )
