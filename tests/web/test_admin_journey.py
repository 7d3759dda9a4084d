"""An administrator runs the ledger from a browser: signs in through the page, registers an
organisation and its site, issues a token (its secret read once, its QR code signing a phone
in) and revokes it, adds and revises a material, allocates labels and downloads their sheets;
in French at a desk's width and in English on a phone. An organisation's admin manages its own
organisation only; a collector is refused the administration pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.conftest import PHONE, fits, screenshot
from tests.web.live import LiveServer, Territory

DESK = {"width": 1280, "height": 900}
LABEL_CODE = re.compile(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}")
WORDS = {
    "fr": {
        "saved": "Enregistré.",
        "revoked": "Jeton révoqué",
        "hello": "Bonjour",
        "copied": "Copié.",
    },
    "en": {"saved": "Saved.", "revoked": "Token revoked", "hello": "Hello", "copied": "Copied."},
}


def open_page(
    browser: Browser,
    live: LiveServer,
    opened: list[BrowserContext],
    width: int,
    lang: str = "fr",
) -> tuple[Page, list[str]]:
    """A browser at a desk's or a phone's width, and what went wrong in it: script errors, and
    any call of the API (the administrator uses the pages alone)."""
    phone = width == PHONE["width"]
    context = browser.new_context(
        locale="fr-FR" if lang == "fr" else "en-GB",
        timezone_id="Europe/Paris",
        base_url=live.url,
        viewport=PHONE if phone else DESK,
        is_mobile=phone,
        has_touch=phone,
        accept_downloads=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    opened.append(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: problems.append(r.url) if "/api/v1/" in r.url else None)
    return page, problems


def sign_in(page: Page, token: str, target: str) -> None:
    """Through the sign-in page, as a person does."""
    page.goto(f"/login?next={target.replace('?', '%3F').replace('=', '%3D')}")
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#token", token)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url and url.endswith(target))


def status_of(page: Page, path: str) -> int:
    response = page.goto(path)
    assert response is not None
    return response.status


def submit(page: Page, form: str = "form.admin-form") -> None:
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state()


def api(world: Territory, who: str, path: str) -> Any:
    return world.get(who, path)


def decoded_qr(page: Page) -> str:
    """What a phone's camera reads in the QR code on the page."""
    picture = Image.open(io.BytesIO(page.locator(".qr-box svg").screenshot()))
    found = zxingcpp.read_barcodes(picture)
    assert len(found) == 1
    return str(found[0].text)


def create_organisation(page: Page, lang: str, width: int, name: str) -> str:
    page.locator("main").get_by_role("link", name="Organisations").first.click()
    page.wait_for_url("**/admin/organisations")
    page.locator("a[href='/admin/organisations/new']").click()
    page.fill("#f-name", name)
    page.check("input[name='kind.sorter']")
    page.check("input[name='kind.reuse']")
    page.fill("#f-siret", "418 166 096 00068")  # a digit wrong: its Luhn check fails
    page.fill("#f-city", "Lillebonne")
    page.fill("#f-postal_code", "76170")
    submit(page)
    expect(page.locator(".alert")).to_have_attribute("data-code", "invalid_siret")
    expect(page.locator("#f-name")).to_have_value(name)  # what was typed stays
    expect(page.locator("input[name='kind.reuse']")).to_be_checked()
    fits(page, width)
    screenshot(page, f"admin_organisation_refused_{lang}_{width}")
    page.fill("#f-siret", "418 166 096 00069")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS[lang]["saved"])
    organisation_id = page.url.split("/admin/organisations/")[1].split("?")[0]
    return organisation_id


def create_site(page: Page, lang: str, width: int, name: str) -> str:
    page.locator("a[href$='/sites/new']").click()
    page.fill("#f-name", name)
    page.select_option("#f-kind", "sorting_centre")
    page.fill("#f-commune_insee", "76384")
    decimal = "," if lang == "fr" else "."
    page.fill("#f-latitude", f"49{decimal}5203")
    page.fill("#f-longitude", f"0{decimal}5375")
    page.check("input[name='accepts.textile']")
    page.check("input[name='accepts.flax']")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS[lang]["saved"])
    fits(page, width)
    screenshot(page, f"admin_site_{lang}_{width}")
    return page.url.split("/admin/sites/")[1].split("?")[0]


def issue_and_revoke_a_token(
    page: Page, browser: Browser, live: LiveServer, opened: list[BrowserContext], lang: str
) -> tuple[str, str]:
    """Issue a collector's token; its QR code signs a phone in; then revoke it."""
    width = page.viewport_size["width"] if page.viewport_size else DESK["width"]
    page.locator("a[href^='/admin/tokens?organisation_id=']").click()
    page.select_option("#f-role", "collector")
    page.fill("#f-label", f"Téléphone <b>équipe</b> {lang}")
    submit(page)
    secret = page.locator("#secret").input_value()
    assert len(secret) > 20
    expect(page.locator(".qr-box svg")).to_be_visible()
    fits(page, width)
    screenshot(page, f"admin_token_issued_{lang}_{width}")
    page.locator("#copy").click()
    expect(page.locator("#copy-status")).to_have_text(WORDS[lang]["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == secret
    address = decoded_qr(page)
    assert address == f"{live.url}/login#token={secret}"

    phone, phone_problems = open_page(browser, live, opened, PHONE["width"], lang)
    phone.goto(address)
    phone.wait_for_url(f"{live.url}/")
    expect(phone.locator("h1")).to_contain_text(WORDS[lang]["hello"])
    assert "token" not in phone.url
    assert phone_problems == []

    page.locator("a.button:not(.primary)[href^='/admin/tokens?']").click()  # back to the list
    row = page.locator("table.tokens tr", has_text=f"équipe</b> {lang}")
    expect(row).to_have_count(1)  # the label as typed, escaped
    row.locator("a.danger").click()
    page.wait_for_url("**/revoke")
    fits(page, width)
    screenshot(page, f"admin_token_revoke_{lang}_{width}")
    page.locator("main form button.danger").click()
    expect(page.locator(".notice")).to_contain_text(WORDS[lang]["revoked"])
    expect(
        page.locator("table.tokens tr", has_text=f"équipe</b> {lang}").locator(".tag.bad")
    ).to_be_visible()
    phone.reload()
    expect(phone.locator("h1")).not_to_contain_text(WORDS[lang]["hello"])  # its session ended
    return secret, address


def add_and_revise_a_material(page: Page, lang: str, width: int, code: str) -> None:
    page.goto("/admin/materials")
    page.locator("a[href='/admin/materials/new']").click()
    page.fill("#f-code", code)
    page.fill("#f-name_fr", "Chaussures dépareillées")
    page.fill("#f-name_en", "Odd shoes")
    page.fill("#f-filiere", "textile")
    page.select_option("#f-route", "recycling")
    page.fill("#f-lhv_dry_mj_per_kg", "75")  # over 60 MJ/kg: refused
    page.fill("#f-default_moisture_pct", "8")
    submit(page)
    expect(page.locator(".alert")).to_have_attribute("data-code", "invalid_input")
    expect(page.locator("#f-code")).to_have_value(code)
    page.fill("#f-lhv_dry_mj_per_kg", "18,5" if lang == "fr" else "18.5")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS[lang]["saved"])
    page.fill("#f-name_en", "Unmatched shoes")
    page.select_option("#f-route", "reuse")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS[lang]["saved"])
    fits(page, width)
    screenshot(page, f"admin_material_{lang}_{width}")
    page.goto("/admin/materials")
    expect(page.locator(f"tr[data-code='{code}']")).to_be_visible()
    fits(page, width)


def print_labels(page: Page, lang: str, width: int, organisation_id: str, tmp: Path) -> list[str]:
    """Allocate 30 textile codes and download their two sheets of 3 x 8."""
    page.goto(f"/admin/labels?organisation_id={organisation_id}")
    page.fill("#f-count", "30")
    page.select_option("#f-org", organisation_id)
    page.select_option("#f-filiere", "textile")
    submit(page)
    page.wait_for_url("**/admin/labels/blocks/**")
    preview = page.locator("img.label-preview")
    expect(preview).to_be_visible()
    assert page.evaluate("document.querySelector('img.label-preview').naturalWidth") > 0
    codes = page.locator("ol.code-list code").all_text_contents()
    assert len(set(codes)) == 30
    assert all(LABEL_CODE.fullmatch(code) for code in codes)
    page.select_option("#f-layout", "3x8")
    page.fill("#f-count", "30")
    fits(page, width)
    screenshot(page, f"admin_labels_{lang}_{width}")
    with page.expect_download() as download:
        submit(page)
    saved = tmp / f"sheet-{lang}.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(saved)
    try:
        assert len(pdf) == 2  # 24 labels a page: 24 + 6
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert all(code in text for code in codes)
    return codes


@pytest.mark.parametrize(("lang", "width"), [("fr", DESK["width"]), ("en", PHONE["width"])])
def test_an_administrator_runs_the_ledger_from_the_browser(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    contexts: list[BrowserContext],
    tmp_path: Path,
    lang: str,
    width: int,
) -> None:
    page, problems = open_page(browser, live, contexts, width, lang)
    sign_in(page, world.tokens["admin"], f"/admin?lang={lang}")
    expect(page.locator("h1")).to_have_text("Administration")
    fits(page, width)
    screenshot(page, f"admin_hub_{lang}_{width}")

    name = f"Ressourcerie <Caux> {lang}"
    organisation_id = create_organisation(page, lang, width, name)
    organisation = api(world, "admin", f"/organisations/{organisation_id}")
    assert (organisation["name"], organisation["siret"]) == (name, "41816609600069")
    assert organisation["kinds"] == ["sorter", "reuse"]
    assert (organisation["postal_code"], organisation["city"]) == ("76170", "Lillebonne")

    site_id = create_site(page, lang, width, f"Atelier {lang}")
    site = api(world, "admin", f"/sites/{site_id}")
    assert site["organisation_id"] == organisation_id
    assert sorted(site["accepts_filieres"]) == ["flax", "textile"]
    assert (site["latitude"], site["longitude"]) == (49.5203, 0.5375)
    assert site["inside_territory"] is True

    page.goto(f"/admin/organisations/{organisation_id}")
    secret, _ = issue_and_revoke_a_token(page, browser, live, contexts, lang)
    with httpx.Client(base_url=live.url) as http:
        refused = http.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    tokens = world.get("admin", "/tokens", organisation_id=organisation_id)["data"]
    assert [(t["role"], t["revoked_at"] is not None) for t in tokens] == [("collector", True)]
    assert tokens[0]["label"] == f"Téléphone <b>équipe</b> {lang}"

    code = f"textile.reuse.odd_shoes_{lang}"
    add_and_revise_a_material(page, lang, width, code)
    material = next(m for m in api(world, "admin", "/materials")["data"] if m["code"] == code)
    assert (material["name_en"], material["route"]) == ("Unmatched shoes", "reuse")
    assert material["lhv_dry_mj_per_kg"] == 18.5

    codes = print_labels(page, lang, width, organisation_id, tmp_path)
    label = api(world, "admin", f"/labels/{codes[0]}")
    assert (label["organisation_id"], label["filiere"], label["batch_id"]) == (
        organisation_id,
        "textile",
        None,
    )
    assert problems == []


def test_the_territory_is_set_from_its_page(
    browser: Browser, live: LiveServer, world: Territory, contexts: list[BrowserContext]
) -> None:
    page, problems = open_page(browser, live, contexts, DESK["width"])
    sign_in(page, world.tokens["admin"], "/admin/territory")
    before = api(world, "admin", "/territory")
    page.fill("#f-communes", "76384, 76114\n76329 7638")  # the last one is not a commune
    submit(page)
    expect(page.locator(".alert")).to_be_visible()
    expect(page.locator("#f-communes")).to_have_value("76384, 76114\n76329 7638")
    assert api(world, "admin", "/territory")["communes_insee"] == before["communes_insee"]
    page.fill("#f-communes", "76329; 76384 76114")
    page.fill("#f-name", "Caux Vallée de Seine")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS["fr"]["saved"])
    expect(page.locator("ul.communes li")).to_have_count(3)
    expect(page.locator("ul.communes")).to_contain_text("Lillebonne")
    assert sorted(api(world, "admin", "/territory")["communes_insee"]) == [
        "76114",
        "76329",
        "76384",
    ]
    screenshot(page, "admin_territory_fr_1280")
    assert status_of(page, "/territory") == 200  # the reading page still reads
    expect(page.locator("h1")).to_have_text("Métabolisme du territoire")
    assert problems == []


def test_an_organisations_admin_manages_its_own_organisation_only(
    browser: Browser, live: LiveServer, world: Territory, contexts: list[BrowserContext]
) -> None:
    if "workshop_admin" not in world.tokens:
        world.token("workshop_admin", "workshop", "admin")
    page, problems = open_page(browser, live, contexts, PHONE["width"])
    sign_in(page, world.tokens["workshop_admin"], "/admin")
    expect(page.locator("ul.cards a[href='/admin/materials']")).to_have_count(0)
    page.locator("ul.cards a[href='/admin/organisations']").click()
    rows = page.locator("table.organisations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Atelier d'insertion du tri")
    rows.locator("a").click()
    page.fill("#f-city", "Bolbec")
    page.check("input[name='kind.sorter']")
    submit(page)
    expect(page.locator(".notice")).to_have_text(WORDS["fr"]["saved"])
    fits(page, PHONE["width"])
    assert api(world, "admin", f"/organisations/{world.ids['workshop']}")["city"] == "Bolbec"
    for path in (
        f"/admin/organisations/{world.ids['collectors']}",
        f"/admin/sites/{world.ids['lillebonne']}",
        f"/admin/tokens?organisation_id={world.ids['collectors']}",
        "/admin/materials",
        "/admin/territory",
    ):
        assert status_of(page, path) == 403, path
    collectors = api(world, "admin", f"/organisations/{world.ids['collectors']}")
    assert collectors["city"] != "Bolbec"
    assert problems == []


def test_a_collector_is_refused_the_administration_pages(
    browser: Browser, live: LiveServer, world: Territory, contexts: list[BrowserContext]
) -> None:
    page, problems = open_page(browser, live, contexts, DESK["width"])
    sign_in(page, world.tokens["collector"], "/")
    expect(page.locator("header a[href='/admin']")).to_have_count(0)
    for path in ("/admin", "/admin/organisations", "/admin/tokens", "/admin/labels"):
        assert status_of(page, path) == 403, path
    expect(page.locator("main")).to_contain_text("role_not_allowed")
    assert problems == []


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [DESK["width"], PHONE["width"]])
def test_every_administration_page_fits_the_screen(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    contexts: list[BrowserContext],
    lang: str,
    width: int,
) -> None:
    page, problems = open_page(browser, live, contexts, width, lang)
    sign_in(page, world.tokens["admin"], f"/admin?lang={lang}")
    paths = [
        "/admin/organisations",
        f"/admin/organisations/{world.ids['collectors']}",
        f"/admin/sites/{world.ids['lillebonne']}",
        f"/admin/tokens?organisation_id={world.ids['collectors']}",
        "/admin/materials",
        "/admin/materials/textile.collected",
        "/admin/territory",
        "/admin/labels",
    ]
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        assert response.headers.get("cache-control") == "no-store"
        expect(page.locator("html")).to_have_attribute("lang", lang)
        fits(page, width)
        name = re.sub(r"[^a-z]+", "_", path.split("?")[0].split("/")[2])
        screenshot(page, f"admin_{name}_{lang}_{width}")
    assert problems == []
