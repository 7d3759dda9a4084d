"""The phone pages draw what users wrote (organisations, sites, materials, a correction's
reason) as text: in a real browser, markup in those names creates no element and runs nothing.
The desk pages are checked on the server's HTML (tests/api/test_every_page_escapes.py); these
pages are drawn by their scripts, so they are checked where they are drawn."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from labels import label_url
from tests.web.conftest import log_in, opened, phone_context, screenshot
from tests.web.live import LiveServer, Territory, free_port, web_settings

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
# What markup in a name would create; the page's own data island is a script of type JSON.
INJECTED = "img[src='x'], img[onerror], script:not([src]):not([type='application/json'])"


@pytest.fixture(scope="module")
def hostile_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A ledger of its own: the other browser tests count the sites and materials they see."""
    port = free_port()
    with LiveServer(web_settings(Path(tmp_path_factory.mktemp("hostile")), port), port) as live:
        yield live


@pytest.fixture(scope="module")
def hostile_world(hostile_live: LiveServer) -> Iterator[tuple[Territory, str]]:
    """Every name is markup; a labelled bag of a markup-named material is collected, corrected
    with a markup reason and dispatched to a markup-named sorting centre."""
    with httpx.Client(base_url=hostile_live.url, timeout=10) as http:
        world = Territory(http)
        world.organisation("collectors", HOSTILE, ["collector", "transporter"])
        world.organisation("workshop", f"{HOSTILE} tri", ["sorter"])
        world.site("point", "collectors", HOSTILE, "collection_point", "76384", 49.52, 0.53)
        world.site("centre", "workshop", f"{HOSTILE} centre", "sorting_centre", "76114")
        world.token("collector", "collectors", "collector")
        world.token("sorter", "workshop", "sorter")
        material = {
            "code": "textile.hostile",
            "filiere": "textile",
            "route": None,
            "lhv_dry_mj_per_kg": "17",
            "default_moisture_pct": "10",
            "name_fr": HOSTILE,
            "name_en": HOSTILE,
        }
        world.post("admin", "/materials", material)
        block = {"count": 2, "organisation_id": world.ids["collectors"], "filiere": "textile"}
        codes = world.post("admin", "/labels", block)["codes"]
        at = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
        bag = world.post(
            "collector",
            "/batches",
            {
                "label_code": codes[0],
                "material": "textile.hostile",
                "mass_kg": 50,
                "site_id": world.ids["point"],
                "occurred_at": at,
            },
        )
        fix = {"corrects_version": 1, "mass_kg": 52, "reason": HOSTILE}
        world.post("collector", f"/batches/{bag['id']}/corrections", fix)
        later = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        body = {"to_site_id": world.ids["centre"], "occurred_at": later}
        world.post("collector", f"/batches/{bag['id']}/dispatches", body)
        yield world, codes[0]


def nothing_injected(page: Page) -> None:
    assert page.locator(INJECTED).count() == 0
    assert page.locator("script[type='application/json']").count() <= 1
    assert page.title() != "pwned"


def test_markup_in_names_is_drawn_as_text_on_the_phone_pages(
    browser: Browser, hostile_live: LiveServer, hostile_world: tuple[Territory, str]
) -> None:
    world, code = hostile_world
    key = hostile_live.app.state.settings.signing_key()
    card = label_url(code, hostile_live.url, key).removeprefix(hostile_live.url)
    dialogs: list[str] = []
    for who, paths in (("collector", [card, "/scan", "/outbox"]), ("sorter", [card, "/sorting"])):
        context = phone_context(browser, hostile_live)
        try:
            log_in(context, hostile_live, world.tokens[who])
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in paths:
                opened(page, path)
                nothing_injected(page)
            opened(page, card)
            expect(page.locator("#batch-card")).to_contain_text(HOSTILE)  # shown, as text
            screenshot(page, f"hostile_card_{who}")
        finally:
            context.close()
    assert dialogs == []
