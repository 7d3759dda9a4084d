"""A territory officer reads the accounts of Caux Vallée de Seine and of the estuary around it, then
the map of deposits, on a desktop and on a phone, in French and in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ledger.web.desk import formats
from tests.web.conftest import PHONE, log_in, screenshot
from tests.web.live import LiveServer, Territory

YEAR = datetime.now(UTC).year
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def estuary(world: Territory) -> Territory:
    """The estuary around the test territory, its people, and a year of two declared flows."""
    communes = ["76384", "76114", "76329", "76305", "76351"]
    body = {"name": "Estuaire de la Seine", "communes_insee": communes,
            "population": {str(YEAR): 400000}}  # fmt: skip
    world.call("admin", "PUT", "/territories/estuaire", json=body)
    main = {"name": "Caux Vallée de Seine", "communes_insee": ["76384", "76114", "76329"],
            "parent": "estuaire", "population": {str(YEAR): 23139},
            "gdp_eur": {str(YEAR): 1_000_000_000}}  # fmt: skip
    world.call("admin", "PUT", "/territories/main", json=main)
    crude = {"year": YEAR, "direction": "import", "category": "MF4", "mass_t": 11000000,
             "partner": "NO", "source": "Statistiques <raffinage>", "quality": "measured",
             "id": "0b6f2d1e-3c4a-4e5f-8a9b-1c2d3e4f5a6b"}  # fmt: skip
    world.call("admin", "POST", "/territories/main/flows", json=crude)
    gravel = {"year": YEAR, "direction": "extraction", "category": "MF3", "mass_t": 2300000,
              "source": "UNICEM", "quality": "estimated",
              "id": "1c7a3e2f-4d5b-4f6a-9b0c-2d3e4f5a6b7c"}  # fmt: skip
    world.call("admin", "POST", "/territories/estuaire/flows", json=gravel)
    bag = {"material": "textile.collected", "mass_kg": 123.4, "site_id": world.ids["gruchet"],
           "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat()}  # fmt: skip
    world.post("collector", "/batches", bag)
    return world


@pytest.fixture
def desk(browser: Browser, live: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris", base_url=live.url
    )
    context.set_default_timeout(10_000)
    log_in(context, live, "admin-secret-for-web-tests")
    yield context
    context.close()


def watched(context: BrowserContext) -> tuple[Page, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def test_the_accounts_of_a_child_and_its_parent(desk: BrowserContext, estuary: Territory) -> None:
    page, errors = watched(desk)
    page.goto("/")
    page.get_by_role("link", name="Métabolisme du territoire").first.click()
    expect(page.locator("h2").first).to_contain_text("Caux Vallée de Seine")
    imports = page.locator("table.ewmfa tr", has=page.locator("th", has_text="MF4"))
    expect(imports.locator("td").nth(1)).to_have_text("11\u202f000\u202f000")  # IMP, French
    expect(page.locator("table.ewmfa tr.total td").first).to_have_text("0")  # no DE here
    expect(page.locator(".sankey svg")).to_be_visible()
    expect(page.get_by_text("Statistiques <raffinage>")).to_be_visible()  # escaped, not markup
    screenshot(page, "territory-desktop-fr")
    page.get_by_role("link", name="estuaire").first.click()
    expect(page.locator("h2").first).to_contain_text("Estuaire de la Seine")
    extraction = page.locator("table.ewmfa tr", has=page.locator("th", has_text="MF3"))
    expect(extraction.locator("td").first).to_have_text("2\u202f300\u202f000")
    expect(imports.locator("td").nth(1)).to_have_text("11\u202f000\u202f000")  # the child's
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("The territory's metabolism")
    expect(extraction.locator("td").first).to_have_text("2,300,000")
    screenshot(page, "territory-desktop-en")
    assert errors == []


def test_the_map_of_deposits_on_a_phone(
    browser: Browser, live: LiveServer, estuary: Territory
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="en-GB",
                                  base_url=live.url)  # fmt: skip
    log_in(context, live, "admin-secret-for-web-tests")
    page, errors = watched(context)
    page.goto(f"/map?code=main&year={YEAR}&lang=en")
    page.wait_for_selector("#map[data-ready='true']")
    expect(page.locator("path.commune")).to_have_count(3)  # the three communes, as circles
    expect(page.locator(".site-icon")).not_to_have_count(0)
    assert page.locator(".leaflet-tile").count() == 0  # no tiles unless a tile server is set
    rows = page.locator("table.deposits tbody tr")
    expect(rows).to_have_count(3)
    # Other journeys collect at Gruchet too: the page says what the API says, in English.
    table = estuary.get("admin", "/territories/main/collection-by-commune", year=YEAR)
    collected = next(r["collected_kg"] for r in table["rows"] if r["commune_insee"] == "76329")
    assert collected >= 123.4
    gruchet = rows.filter(has_text="Gruchet-le-Valasse")
    expect(gruchet.locator("td").nth(1)).to_have_text(formats.kg(collected, "en"))
    page.locator("path.commune").first.dispatch_event("click")  # a flow may lie over it
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Population")
    screenshot(page, "map-phone-en")
    context.close()
    assert errors == []
