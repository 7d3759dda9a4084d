"""Browser tests: real headless Chromium (Debian's) against a real uvicorn serving the ledger.

They run on SQLite only: the pages talk to the same HTTP API whose rules, idempotency and
uniqueness the API tests already check on SQLite and PostgreSQL; a second database would test
the browser twice and the ledger no more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from ledger.application.handlers.registry import token_hash
from ledger.web.session import COOKIE, seal
from tests.web.live import LiveServer, Territory, build_territory, free_port, web_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
PHONE = {"width": 360, "height": 740}
NEAR_BOLBEC_STATION = {"latitude": 49.5735, "longitude": 0.4719}


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    settings = web_settings(tmp_path_factory.mktemp("web"), port)
    with LiveServer(settings, port) as server:
        yield server


@pytest.fixture(scope="session")
def world(live: LiveServer) -> Iterator[Territory]:
    with httpx.Client(base_url=live.url, timeout=10) as http:
        yield build_territory(http)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def phone_context(browser: Browser, live: LiveServer, **options: Any) -> BrowserContext:
    """A 360 x 740 touch phone, in French, that lets the pages use its location and camera."""
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        base_url=live.url,
        geolocation=NEAR_BOLBEC_STATION,
        permissions=["geolocation", "camera"],
        **options,
    )
    context.set_default_timeout(10_000)
    return context


def log_in(context: BrowserContext, live: LiveServer, token: str) -> None:
    """The session cookie a login would set (the login page itself is tested once)."""
    value = seal(token_hash(token), live.app.state.settings.signing_key())
    context.add_cookies([{"name": COOKIE, "value": value, "url": live.url}])


@pytest.fixture
def phone(browser: Browser, live: LiveServer) -> Iterator[Callable[[str | None], Page]]:
    """Open a phone, logged in as one of the territory's actors (or not logged in)."""
    contexts: list[BrowserContext] = []

    def open_phone(token: str | None = None) -> Page:
        context = phone_context(browser, live)
        contexts.append(context)
        if token:
            log_in(context, live, token)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    errors: list[str] = []
    yield open_phone
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts a test opens as it goes, closed after it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def fits(page: Page, width: int) -> None:
    """Nothing but the tables' own scrolling boxes is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page as a phone shows it (tests/artifacts/web/, not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def opened(page: Page, path: str) -> Page:
    """Go to a page and wait until its script has drawn it."""
    page.goto(path)
    page.wait_for_selector("body[data-ready='true']")
    return page
