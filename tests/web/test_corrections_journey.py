"""Corrections and refused receipts through the pages alone.

A collector finds the 412.5 kg bale she collected was 410.5 kg: from its label card she opens the
correction page, says why, sees what will change, saves, and the ledger holds the corrected mass
(in French and English, at a phone's and a desk's width). A bale trucked to the sorting workshop
by mistake is refused there from its label card; the collector sees it held at the container
again and sends it on to the collective's warehouse, which receives it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ledger.web.desk.i18n import LANGUAGE_COOKIE
from tests.web.conftest import PHONE, fits, log_in, opened, phone_context, screenshot
from tests.web.live import LiveServer, Territory

DESK = {"width": 1280, "height": 900}
WORDS = {
    "fr": {"correct": "Corriger", "show": "Voir ce qui change", "save": "Enregistrer la correction",
           "saved": "Correction enregistrée.", "mass": "410,5", "reason": "balance mal tarée"},
    "en": {"correct": "Correct", "show": "Show what changes", "save": "Save the correction",
           "saved": "Correction saved.", "mass": "410.5", "reason": "scale not tared"},
}  # fmt: skip


def at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def labelled_bale(world: Territory, kg: float = 412.5) -> dict[str, Any]:
    block = {"count": 1, "organisation_id": world.ids["collectors"], "filiere": "textile"}
    [code] = world.post("admin", "/labels", block)["codes"]
    body = {
        "label_code": code,
        "material": "textile.collected",
        "mass_kg": kg,
        "site_id": world.ids["lillebonne"],
        "occurred_at": at(5),
    }
    bale = world.post("collector", "/batches", body)
    return {"code": code, "id": bale["id"]}


def browser_for(
    browser: Browser,
    live: LiveServer,
    made: list[BrowserContext],
    token: str,
    lang: str,
    width: int,
) -> tuple[Page, list[str]]:
    """A signed-in browser in the language asked (the label card's too), and what went wrong."""
    if width == PHONE["width"]:
        context = phone_context(browser, live)
    else:
        context = browser.new_context(
            viewport=DESK, locale="fr-FR", timezone_id="Europe/Paris", base_url=live.url,
        )  # fmt: skip
        context.set_default_timeout(10_000)
    context.add_init_script(f"localStorage.setItem('lang', '{lang}')")  # the label card's
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": lang, "url": live.url}])  # the desk's
    made.append(context)
    log_in(context, live, token)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


@pytest.mark.parametrize("width", [PHONE["width"], DESK["width"]])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_collector_corrects_a_mass_from_the_label_card(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    contexts: list[BrowserContext],
    lang: str,
    width: int,
) -> None:
    words = WORDS[lang]
    bale = labelled_bale(world)
    page, problems = browser_for(browser, live, contexts, world.tokens["collector"], lang, width)
    opened(page, f"/l/{bale['code']}")
    page.get_by_role("link", name=words["correct"]).click()
    page.wait_for_url(f"**/batches/{bale['id']}/correct")
    page.on("request", lambda r: problems.append(r.url) if "/api/v1/" in r.url else None)

    page.locator("label.event").filter(has_text=re.compile("Collecte|Collection")).click()
    page.fill("input[name=mass_kg]", words["mass"])
    page.fill("textarea[name=reason]", words["reason"])
    page.get_by_role("button", name=words["show"]).click()
    changes = page.locator("#batch-changes")
    expect(changes).to_contain_text(re.compile(r"412[,.]5\skg"))
    expect(changes).to_contain_text(re.compile(r"410[,.]5\skg"))
    expect(page.locator("#figure-changes")).to_contain_text("Conteneur Lillebonne")
    screenshot(page, f"correction_preview_{lang}_{width}")
    fits(page, width)
    assert world.get("collector", f"/batches/{bale['id']}")["mass_kg"] == 412.5

    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("p.notice")).to_have_text(words["saved"])
    expect(page.locator("#saved")).to_contain_text(re.compile(r"412[,.]5\skg → 410[,.]5\skg"))
    expect(page.locator("#figures-after")).to_contain_text("Conteneur Lillebonne")
    screenshot(page, f"correction_saved_{lang}_{width}")
    fits(page, width)
    assert world.get("collector", f"/batches/{bale['id']}")["mass_kg"] == 410.5
    history = world.get("collector", f"/batches/{bale['id']}/history")["data"]
    assert history[-1]["type"] == "Corrected"
    assert history[-1]["payload"]["reason"] == words["reason"]
    assert problems == []


@pytest.fixture
def warehouse(world: Territory) -> str:
    """The collective's warehouse, where the bale should have gone."""
    if "warehouse" not in world.ids:
        world.site(
            "warehouse", "collectors", "Entrepôt du Collectif – Lillebonne", "warehouse",
            "76384", 49.5231, 0.5402,
        )  # fmt: skip
    return world.ids["warehouse"]


def test_the_workshop_refuses_a_bale_sent_by_mistake_and_the_collector_sends_it_on(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    contexts: list[BrowserContext],
    warehouse: str,
) -> None:
    bale = labelled_bale(world, 398)
    body = {"to_site_id": world.ids["sorting_centre"], "occurred_at": at(2)}
    world.post("collector", f"/batches/{bale['id']}/dispatches", body)

    sorter, sorter_problems = browser_for(
        browser, live, contexts, world.tokens["sorter"], "fr", PHONE["width"]
    )
    opened(sorter, f"/l/{bale['code']}")
    expect(sorter.get_by_role("button", name="Réceptionner")).to_be_visible()
    sorter.get_by_role("button", name="Refuser la réception").click()
    sorter.fill("#refuse-reason", "Pour l'entrepôt du Collectif, pas pour le tri")
    screenshot(sorter, "refusal_form_fr_360")
    sorter.locator("#refuse-form button[type=submit]").click()
    expect(sorter.locator("#flash")).to_be_visible()
    fits(sorter, PHONE["width"])
    refused = world.get("sorter", f"/batches/{bale['id']}")
    assert (refused["state"], refused["site_id"]) == ("held", world.ids["lillebonne"])
    assert refused["holder_id"] == world.ids["collectors"]

    collector, collector_problems = browser_for(
        browser, live, contexts, world.tokens["collector"], "en", PHONE["width"]
    )
    opened(collector, f"/l/{bale['code']}")
    expect(collector.locator("#batch-card")).to_contain_text("Receipt refused")
    screenshot(collector, "refused_card_en_360")
    collector.get_by_role("button", name="Dispatch").click()
    collector.get_by_text("Entrepôt du Collectif – Lillebonne").click()
    collector.get_by_role("button", name="Record the dispatch").click()
    expect(collector.locator("#flash")).to_be_visible()
    opened(collector, f"/l/{bale['code']}")
    collector.get_by_role("button", name="Receive").click()
    collector.get_by_role("button", name="Record the receipt").click()
    expect(collector.locator("#flash")).to_be_visible()

    held = world.get("collector", f"/batches/{bale['id']}")
    assert (held["state"], held["site_id"], held["mass_kg"]) == ("held", warehouse, 398)
    kinds = [e["type"] for e in world.get("collector", f"/batches/{bale['id']}/history")["data"]]
    assert kinds == ["Collected", "Dispatched", "ReceiptRefused", "Dispatched", "Received"]
    assert sorter_problems == collector_problems == []
