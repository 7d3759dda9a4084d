"""An auditor signs in, finds a batch by the code on its label and reads its history, in French
then in English, at a desk's width and on a phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.conftest import PHONE, fits, screenshot
from tests.web.live import LiveServer, Territory

DESK = {"width": 1280, "height": 900}


def at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


@pytest.fixture(scope="module")
def audited(world: Territory) -> dict[str, Any]:
    """A labelled bale: collected a day before it was synced, dispatched to the workshop, its
    mass corrected; and an auditor's token."""
    block = {"count": 1, "organisation_id": world.ids["collectors"], "filiere": "textile"}
    [code] = world.post("admin", "/labels", block)["codes"]
    bale = world.post(
        "collector",
        "/batches",
        {
            "label_code": code,
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": world.ids["lillebonne"],
            "occurred_at": at(26),
        },
    )
    body = {"to_site_id": world.ids["sorting_centre"], "occurred_at": at(2)}
    world.post("collector", f"/batches/{bale['id']}/dispatches", body)
    fix = {"corrects_version": 1, "mass_kg": 421.5, "reason": "lecture inversée"}
    world.post("collector", f"/batches/{bale['id']}/corrections", fix)
    if "auditor" not in world.tokens:
        world.token("auditor", "workshop", "auditor")
    return {"code": code, "id": bale["id"]}


def open_page(
    browser: Browser, live: LiveServer, opened: list[BrowserContext], **options: Any
) -> tuple[Page, list[str]]:
    """A browser in French at Paris time, and what went wrong in it: script errors, and any
    call of the API (the journey uses the pages alone, and their own sign-in)."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live.url, **options
    )
    context.set_default_timeout(10_000)
    opened.append(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: problems.append(r.url) if "/api/v1/" in r.url else None)
    return page, problems


def test_an_auditor_finds_a_batch_by_its_label_code_and_reads_its_history(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    audited: dict[str, Any],
    contexts: list[BrowserContext],
) -> None:
    code = audited["code"]
    page, problems = open_page(browser, live, contexts, viewport=DESK)
    page.goto("/login?next=/")
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#token", world.tokens["auditor"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live.url}/")
    expect(page.locator("h1")).to_contain_text("Bonjour")
    page.locator("main").get_by_role("link", name="Retrouver un lot").click()
    page.wait_for_url("**/audit")

    # The code as someone reads it off a dirty bale: lower case, no dashes.
    page.fill("#q", code.replace("-", "").lower())
    screenshot(page, "audit_find_desk")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(f"**/audit/batch/{audited['id']}")
    expect(page.locator("h1")).to_have_text(f"Lot {code}")
    history = page.locator("table.history")
    expect(history.locator("tbody tr")).to_have_count(3)
    expect(history).to_contain_text("Collecte")
    expect(history).to_contain_text("Expédition")
    expect(history).to_contain_text("enregistré tard")
    expect(history).to_contain_text("Conteneur Lillebonne – Mairie")
    expect(history).to_contain_text("Collectif des collecteurs")
    expect(history).to_contain_text(re.compile(r"412,5\skg → 421,5\skg"))
    expect(history).to_contain_text("lecture inversée")
    # The correction right after what it corrects, before the dispatch it followed in time.
    expect(history.locator("tbody tr").nth(1)).to_contain_text("corrige n° 1")
    expect(page.locator(".lede")).to_contain_text("En route")
    screenshot(page, "audit_batch_desk_fr")
    fits(page, DESK["width"])

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text(f"Batch {code}")
    expect(history).to_contain_text("Collection")
    expect(history).to_contain_text("Dispatch")
    expect(history).to_contain_text("recorded late")
    expect(history).to_contain_text(re.compile(r"412\.5\skg → 421\.5\skg"))
    expect(history.locator("tbody tr").nth(1)).to_contain_text("corrects no. 1")
    expect(page.locator(".lede")).to_contain_text("In transit")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "audit_batch_desk_en")
    assert problems == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_auditor_pages_read_on_a_phone(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    audited: dict[str, Any],
    contexts: list[BrowserContext],
    lang: str,
) -> None:
    page, problems = open_page(
        browser, live, contexts, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page.goto(f"/login?next=/audit%3Flang%3D{lang}")
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#token", world.tokens["auditor"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/audit?lang=*")
    page.fill("#q", audited["code"])
    page.locator("form.find button").click()
    page.wait_for_url(f"**/audit/batch/{audited['id']}")
    words = {"fr": ("Lot", "Historique", "Lignée"), "en": ("Batch", "History", "Lineage")}[lang]
    expect(page.locator("h1")).to_contain_text(words[0])
    for heading in words[1:]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    fits(page, PHONE["width"])
    screenshot(page, f"audit_batch_phone_{lang}")
    page.goto(f"/dashboard?lang={lang}")
    expect(page.locator("h1")).to_have_text("Caux Vallée de Seine")
    fits(page, PHONE["width"])
    screenshot(page, f"dashboard_phone_{lang}")
    assert problems == []
