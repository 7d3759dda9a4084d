"""Scanning: a label seen by the phone's camera opens its page; bad labels say so clearly."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

import labels
from labels import check_character, label_url
from tests.codes import CODES
from tests.web.camera import label_video
from tests.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in,
    opened,
    phone_context,
    screenshot,
)
from tests.web.live import LiveServer, Territory


@pytest.fixture
def camera_browser(
    playwright: Playwright, live: LiveServer, world: Territory, tmp_path: Path
) -> Iterator[Browser]:
    """Chromium whose camera films a printed label of the collectors' block."""
    png = world.call("admin", "GET", f"/labels/{world.codes[1]}.png", params={"dpi": 200}).content
    video = label_video(png, tmp_path / "label.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


def test_the_camera_reads_a_printed_label_and_opens_its_page(
    camera_browser: Browser, live: LiveServer, world: Territory
) -> None:
    context = phone_context(camera_browser, live)
    log_in(context, live, world.tokens["collector"])
    page = context.new_page()
    code = world.codes[1]

    opened(page, "/scan")
    page.wait_for_url(re.compile(rf"/l/{code.replace('-', '')}\?s=\w+$"))
    page.wait_for_selector("body[data-ready='true']")

    expect(page.locator("#label-code")).to_have_text(code)
    expect(page.get_by_text("Étiquette authentique")).to_be_visible()
    expect(page.get_by_role("heading", name="Enregistrer la collecte")).to_be_visible()
    screenshot(page, "label_scanned_free")
    context.close()


def test_the_scan_page_offers_typing_the_code_when_there_is_no_camera(
    phone: Callable[[str | None], Page], world: Territory
) -> None:
    page = opened(phone(world.tokens["collector"]), "/scan")
    expect(page.get_by_text("Caméra indisponible")).to_be_visible()
    page.fill("#code-input", world.codes[2].lower().replace("-", " "))
    screenshot(page, "scan_manual_entry")

    page.get_by_role("button", name="Ouvrir").click()

    page.wait_for_url(f"**/l/{world.codes[2].replace('-', '')}")
    expect(page.locator("#label-code")).to_have_text(world.codes[2])
    expect(page.get_by_text("Code saisi à la main")).to_be_visible()


def test_a_mistyped_code_is_refused_before_leaving_the_scan_page(
    phone: Callable[[str | None], Page], world: Territory
) -> None:
    page = opened(phone(world.tokens["collector"]), "/scan")
    mistyped = world.codes[3][:-1] + ("0" if world.codes[3][-1] != "0" else "1")

    page.fill("#code-input", mistyped)
    page.get_by_role("button", name="Ouvrir").click()

    expect(page.get_by_role("alert")).to_contain_text("un caractère a sans doute été mal saisi")
    assert page.url.endswith("/scan")


def test_a_forged_label_is_recognised_when_scanned(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    forged = label_url(world.codes[4], live.url, b"someone-else's-key")
    page = opened(phone(world.tokens["collector"]), forged.removeprefix(live.url))

    expect(page.get_by_role("heading", name="Étiquette non authentique")).to_be_visible()
    expect(page.get_by_text("N'enregistrez rien avec elle")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer la collecte")).to_have_count(0)
    screenshot(page, "label_forged")


def test_an_unknown_code_and_an_invalid_code_say_what_they_are(
    phone: Callable[[str | None], Page], world: Territory
) -> None:
    page = phone(world.tokens["collector"])
    unknown = "00000000" + check_character("00000000")

    opened(page, f"/l/{unknown}")
    expect(page.get_by_role("heading", name="Étiquette inconnue")).to_be_visible()
    expect(page.get_by_text("n'a jamais été attribué par ce registre")).to_be_visible()
    screenshot(page, "label_unknown")

    opened(page, "/l/ABC")
    expect(page.get_by_role("heading", name="Code d'étiquette invalide")).to_be_visible()
    expect(page.get_by_text("Un code d'étiquette a 9 caractères")).to_be_visible()
    screenshot(page, "label_invalid")


def test_without_a_session_the_label_page_asks_to_log_in(
    phone: Callable[[str | None], Page], world: Territory
) -> None:
    page = opened(phone(None), f"/l/{world.codes[5].replace('-', '')}")

    expect(page.locator("#label-code")).to_have_text(world.codes[5])
    expect(page.get_by_text("Connectez-vous pour voir le lot")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_the_phone_checks_codes_exactly_as_the_ledger_does(
    phone: Callable[[str | None], Page], world: Territory
) -> None:
    page = opened(phone(None), "/scan")
    typed = [*CODES, *(c.lower().replace("-", " ") for c in CODES[:4]), "IL0-O1L-000"]
    typed += [c[:4] + ("1" if c[4] != "1" else "2") + c[5:] for c in CODES]  # one typo each
    typed += [c[:2] + c[4] + "-" + c[2] + c[5:] for c in CODES if c[2] != c[4]]  # a swap

    phone_says = page.evaluate(
        """async (typed) => {
          const { normalizeCode } = await import("/static/web/core.js");
          return typed.map((text) => normalizeCode(text).code ?? null);
        }""",
        typed,
    )

    ledger_says = [labels.normalize(t) if labels.is_valid(t) else None for t in typed]
    assert phone_says == ledger_says
    assert sum(code is not None for code in ledger_says) >= len(CODES)
