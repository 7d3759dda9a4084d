"""The administration pages' forms over HTTP (SQLite and PostgreSQL): a form needs its CSRF
token, is sent once by its idempotency key, keeps what was typed when refused, escapes what
users wrote; a new token's QR code holds the sign-in address with the secret after '#'."""

from __future__ import annotations

import re
from typing import Any

import zxingcpp
from PIL import Image

from ledger.web.desk.admin_tokens import qr_svg
from tests.api.conftest import WAIT, Api

HOSTILE = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"


def sign_in(api: Api, who: str) -> None:
    response = api.client.post("/web/api/session", json={"token": api.tokens[who]})
    assert response.status_code == 200, response.text


def form_tokens(api: Api, path: str) -> dict[str, str]:
    """The CSRF token and idempotency key a page put in its form."""
    page = api.client.get(path).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert csrf is not None
    assert key is not None
    return {"csrf": csrf.group(1), "idempotency_key": key.group(1)}


def post(api: Api, path: str, form: dict[str, str], **fields: str) -> Any:
    return api.client.post(path, data={**form, **fields}, headers=WAIT, follow_redirects=False)


def organisations_named(api: Api, name: str) -> list[dict[str, Any]]:
    found = api.get("admin", "/organisations").json()["data"]
    return [o for o in found if o["name"] == name]


def test_an_organisation_form_is_sent_once_and_needs_its_csrf_token(api: Api) -> None:
    sign_in(api, "admin")
    form = form_tokens(api, "/admin/organisations/new")
    fields = {"name": "Ressourcerie de Lillebonne", "kind.reuse": "1", "city": "Lillebonne"}
    forged = post(api, "/admin/organisations/new", {**form, "csrf": "forged"}, **fields)
    assert forged.status_code == 401
    assert organisations_named(api, fields["name"]) == []
    first = post(api, "/admin/organisations/new", form, **fields)
    again = post(api, "/admin/organisations/new", form, **fields)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    [created] = organisations_named(api, fields["name"])
    assert (created["kinds"], created["city"]) == (["reuse"], "Lillebonne")


def test_a_refused_form_keeps_what_was_typed_and_escapes_it(api: Api) -> None:
    sign_in(api, "admin")
    form = form_tokens(api, "/admin/organisations/new")
    fields = {"name": HOSTILE, "kind.sorter": "1", "siret": "41816609600068"}
    refused = post(api, "/admin/organisations/new", form, **fields)
    assert refused.status_code == 422
    assert 'data-code="invalid_siret"' in refused.text
    assert f'value="{ESCAPED}"' in refused.text
    assert HOSTILE not in refused.text
    assert organisations_named(api, HOSTILE) == []
    still_wrong = post(
        api, "/admin/organisations/new", form_tokens(api, "/admin/organisations/new"), **fields
    )
    assert still_wrong.status_code == 422  # the same SIRET, still wrong: nothing written
    fields["siret"] = "41816609600069"
    saved = post(
        api, "/admin/organisations/new", form_tokens(api, "/admin/organisations/new"), **fields
    )
    assert saved.status_code == 303
    listing = api.client.get("/admin/organisations").text
    assert ESCAPED in listing
    assert HOSTILE not in listing


def test_a_site_takes_its_filieres_and_a_decimal_comma(api: Api) -> None:
    sign_in(api, "admin")
    workshop = api.ids["workshop"]
    path = f"/admin/organisations/{workshop}/sites/new"
    fields = {"name": "Boutique solidaire", "kind": "shop", "commune_insee": "76384"}
    fields.update({"latitude": "49,5203", "longitude": "0,5375", "accepts.textile": "1"})
    response = post(api, path, form_tokens(api, path), **fields)
    assert response.status_code == 303, response.text
    site_id = response.headers["location"].split("/admin/sites/")[1].split("?")[0]
    site = api.get("admin", f"/sites/{site_id}").json()
    assert (site["latitude"], site["longitude"]) == (49.5203, 0.5375)
    assert site["accepts_filieres"] == ["textile"]
    edit = f"/admin/sites/{site_id}"
    wrong = post(api, edit, form_tokens(api, edit), name="Boutique", latitude="91")
    assert wrong.status_code == 422
    assert 'value="91"' in wrong.text
    assert api.get("admin", f"/sites/{site_id}").json()["name"] == "Boutique solidaire"


def test_an_organisations_admin_is_refused_another_organisations_pages(api: Api) -> None:
    api.token("workshop_admin", "workshop", "admin")
    sign_in(api, "workshop_admin")
    own = api.client.get(f"/admin/organisations/{api.ids['workshop']}")
    assert own.status_code == 200
    for path in (
        f"/admin/organisations/{api.ids['mill']}",
        f"/admin/sites/{api.ids['container']}",
        f"/admin/tokens?organisation_id={api.ids['collectors']}",
        "/admin/organisations/new",
        "/admin/materials",
    ):
        assert api.client.get(path).status_code == 403, path
    listing = api.client.get("/admin/organisations").text
    assert "workshop" in listing
    assert "collectors" not in listing


def test_a_new_tokens_qr_code_holds_the_sign_in_address(api: Api) -> None:
    sign_in(api, "admin")
    path = f"/admin/tokens?organisation_id={api.ids['collectors']}"
    form = form_tokens(api, path)
    fields = {"organisation_id": api.ids["collectors"], "role": "collector", "label": "Gants"}
    page = post(api, "/admin/tokens", form, **fields)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    secret = re.search(r'id="secret" class="secret" value="([^"]+)"', page.text)
    assert secret is not None
    drawn = re.search(r"<svg.*?</svg>", page.text, re.DOTALL)
    assert drawn is not None
    assert drawn.group(0) == qr_svg(f"https://ledger.test/login#token={secret.group(1)}")
    repeated = post(api, "/admin/tokens", form, **fields)
    assert repeated.status_code == 409  # a secret is shown once
    assert secret.group(1) not in repeated.text


def test_the_qr_drawing_reads_back_as_its_address() -> None:
    address = "https://ledger.test/login#token=fl_PU2wC46W8TusMMkEMc1PnHzUGS4ggR_TNRPJh0kUSw0"
    svg = qr_svg(address)
    view = re.search(r'viewBox="0 0 (\d+) \d+"', svg)
    assert view is not None
    size = int(view.group(1))
    picture = Image.new("L", (size * 4, size * 4), 255)
    for left, top, length in re.findall(r"M(\d+) (\d+)h(\d+)", svg):
        for x in range(int(left) * 4, (int(left) + int(length)) * 4):
            for y in range(int(top) * 4, int(top) * 4 + 4):
                picture.putpixel((x, y), 0)
    found = zxingcpp.read_barcodes(picture)
    assert [code.text for code in found] == [address]


def test_a_used_material_page_refuses_a_new_route_and_keeps_the_form(api: Api) -> None:
    body = {"material": "textile.collected", "mass_kg": 412.5, "site_id": api.ids["container"]}
    api.written("collector", "/batches", {**body, "occurred_at": "2026-09-14T08:30:00+02:00"})
    sign_in(api, "admin")
    path = "/admin/materials/textile.collected"
    page = api.client.get(path)
    assert 'class="warning"' in page.text  # it says the figures' values stay
    fields = {"filiere": "textile", "route": "reuse", "lhv_dry_mj_per_kg": "17"}
    fields.update({"default_moisture_pct": "10", "name_fr": "Vrac", "origin": "economy"})
    fields["ewmfa_category"] = "MF6"
    refused = post(api, path, form_tokens(api, path), **fields)
    assert refused.status_code == 409
    assert 'data-code="material_in_use"' in refused.text
    assert 'value="Vrac"' in refused.text
    material = next(
        m for m in api.get("admin", "/materials").json()["data"] if m["code"] == body["material"]
    )
    assert (material["route"], material["name_fr"]) == (None, "Textiles collectés (en mélange)")
