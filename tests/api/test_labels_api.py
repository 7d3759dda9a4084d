"""Labels over HTTP: blocks allocated for printing, look-ups, images and sheets, phone sessions.

Every test runs on SQLite and on PostgreSQL (the ``api`` fixture is parametrised).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

import labels
from ledger.cli.main import app as cli
from ledger.settings import Settings
from ledger.web.session import COOKIE, seal, unseal
from tests.api.conftest import Api
from tests.codes import CODES

KEY = b"test-secret-key"  # the settings fixture's secret


def now() -> str:
    return datetime.now(UTC).isoformat()


def collect(api: Api, code: str | None, mass: float = 412.5, **more: Any) -> dict[str, Any]:
    body = {"material": "textile.collected", "mass_kg": mass, "site_id": api.ids["container"]}
    return api.ok(
        "collector", "/batches", {**body, "label_code": code, "occurred_at": now(), **more}
    )


def allocate(api: Api, count: int, **more: Any) -> list[str]:
    block = {"count": count, "organisation_id": api.ids["collectors"], "filiere": "textile"}
    codes: list[str] = api.ok("admin", "/labels", {**block, **more})["codes"]
    return codes


def test_a_block_of_fresh_codes_is_allocated_for_printing_and_binds_nothing(api: Api) -> None:
    before = api.get("admin", "/health").json()["event_position"]

    codes = allocate(api, 24)

    assert len(set(codes)) == 24
    assert all(labels.is_valid(c) for c in codes)
    assert api.get("collector", f"/labels/{codes[0]}").json() == {
        "code": codes[0],
        "batch_id": None,
        "allocated": True,
        "organisation_id": api.ids["collectors"],
        "filiere": "textile",
    }
    # One block, one index entry per code, the organisation's register: no batch at all.
    after = api.get("admin", "/health").json()["event_position"]
    assert after - before == 1 + 24 + 2


def test_an_allocated_code_binds_at_collection_and_then_answers_its_batch(api: Api) -> None:
    code = allocate(api, 1)[0]

    bale = collect(api, code.replace("-", "").lower())

    assert api.get("auditor", f"/labels/{code}").json()["batch_id"] == bale["id"]


def test_a_code_never_allocated_is_404_but_still_binds(api: Api) -> None:
    printed_elsewhere = CODES[20]

    unknown = api.get("collector", f"/labels/{printed_elsewhere}")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "label_not_found"
    assert unknown.json()["error"]["details"] == {"label_code": printed_elsewhere, "bindable": True}

    bale = collect(api, printed_elsewhere)
    found = api.get("collector", f"/labels/{printed_elsewhere}").json()
    assert (found["batch_id"], found["allocated"]) == (bale["id"], False)


def test_a_malformed_code_is_422(api: Api) -> None:
    response = api.get("collector", "/labels/7K4-M9Q-PRX")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_label_code"


def test_allocation_is_idempotent_with_a_key(api: Api) -> None:
    body = {"count": 3, "organisation_id": api.ids["collectors"]}
    first = api.post("admin", "/labels", body, key="sheet-2026-03-14")
    before = api.get("admin", "/health").json()["event_position"]

    again = api.post("admin", "/labels", body, key="sheet-2026-03-14")

    assert again.status_code == 201
    assert again.headers["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    assert api.get("admin", "/health").json()["event_position"] == before


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("collector", {"count": 0}, 422, "invalid_input"),
        ("collector", {"count": 1001}, 422, "invalid_input"),
        ("collector", {"count": 2, "filiere": "plastics"}, 422, "invalid_input"),
        ("auditor", {"count": 2}, 403, "role_not_allowed"),
        ("supervisor", {"count": 2}, 403, "role_not_allowed"),
    ],
)
def test_allocation_refusals(
    api: Api, who: str, body: dict[str, Any], status: int, code: str
) -> None:
    response = api.post(who, "/labels", body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_field_roles_allocate_for_their_own_organisation_only(api: Api) -> None:
    own = api.ok("sorter", "/labels", {"count": 2})
    assert (
        api.get("sorter", f"/labels/{own['codes'][0]}").json()["organisation_id"]
        == (api.ids["workshop"])
    )
    other = api.post("sorter", "/labels", {"count": 2, "organisation_id": api.ids["collectors"]})
    assert other.json()["error"]["code"] == "organisation_not_allowed"


def test_a_label_png_carries_the_signed_url_and_the_batch_once_bound(api: Api) -> None:
    code = allocate(api, 1)[0]
    collect(api, code, mass=380)

    response = api.get("collector", f"/labels/{code}.png", dpi=150)

    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    (text,) = [b.text for b in zxingcpp.read_barcodes(image)]
    assert text.startswith(f"https://ledger.test/l/{code.replace('-', '')}?s=")
    scanned, signature = labels.parse_label_url(text)
    assert scanned == code
    assert labels.verify_signature(code, signature, KEY)


def test_a_label_svg_and_an_unknown_codes_image(api: Api) -> None:
    code = allocate(api, 1)[0]
    svg = api.get("collector", f"/labels/{code}.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert code in svg.text
    assert "Textiles usagés" in svg.text
    # The ledger signs only the labels it knows: no signed label for any code one asks.
    assert api.get("collector", f"/labels/{CODES[21]}.png").status_code == 404


def test_an_a4_sheet_has_a_footer_waiting_for_the_chain_head(api: Api) -> None:
    codes = allocate(api, 12)

    response = api.post("admin", "/labels/sheet.pdf", {"codes": codes, "layout": "2x5"})

    assert response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    try:
        assert len(pdf) == 2
        page = pdf[0]
        text_page = page.get_textpage()
        text = text_page.get_text_range()
        text_page.close()
        page.close()
    finally:
        pdf.close()
    head = re.search(r"chain head: ([0-9a-f]{64}|not yet available)", text)
    assert head is not None  # the hash chain's head, or a clear word before its first digest
    assert codes[0] in text


def test_a_sheet_refuses_unknown_layouts_and_codes(api: Api) -> None:
    codes = allocate(api, 1)
    bad_layout = api.post("admin", "/labels/sheet.pdf", {"codes": codes, "layout": "4x4"})
    assert bad_layout.status_code == 422
    unknown = api.post("admin", "/labels/sheet.pdf", {"codes": [CODES[22]]})
    assert unknown.json()["error"]["code"] == "label_not_found"


# -- phone sessions ---------------------------------------------------------------------------


def test_a_session_cookie_stands_for_the_token_it_was_opened_with(api: Api) -> None:
    login = api.client.post("/web/api/session", json={"token": api.tokens["collector"]})
    assert login.json()["role"] == "collector"
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert api.tokens["collector"] not in cookie

    code = allocate(api, 1)[0]
    body = {"material": "textile.collected", "mass_kg": 12.5, "site_id": api.ids["container"]}
    body |= {"label_code": code, "occurred_at": now()}
    phone = {"X-Ledger-Client": "phone"}
    assert api.client.post("/api/v1/batches", json=body).status_code == 401  # no client header
    created = api.client.post("/api/v1/batches", json=body, headers=phone)
    assert created.status_code == 201
    assert api.client.get(f"/api/v1/labels/{code}").json()["batch_id"] == created.json()["id"]

    api.client.delete("/web/api/session")
    assert api.client.get(f"/api/v1/labels/{code}").status_code == 401


def test_a_bad_token_opens_no_session(api: Api) -> None:
    response = api.client.post("/web/api/session", json={"token": "fl_not-a-token"})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_forged_or_expired_cookies_are_refused(api: Api, settings: Settings) -> None:
    key = settings.signing_key()
    genuine = seal("a" * 64, key, now=1_000_000.0)
    session = unseal(genuine, key, now=1_000_001.0)
    assert session is not None
    assert session.token_hash == "a" * 64
    assert unseal(genuine, key, now=1_000_000.0 + 61 * 86400) is None
    assert unseal(genuine, b"another-key", now=1_000_001.0) is None
    assert unseal(genuine.replace(".", "x."), key, now=1_000_001.0) is None
    api.client.cookies.set(COOKIE, genuine.split(".")[0] + ".forged")
    assert api.client.get("/web/api/context").status_code == 401


def test_the_label_card_says_if_the_label_is_genuine_and_what_it_is_on(api: Api) -> None:
    code = allocate(api, 1)[0]
    bale = collect(api, code)
    api.client.post("/web/api/session", json={"token": api.tokens["sorter"]})
    signature = labels.signature_for(code, KEY)

    card = api.client.get(f"/web/api/card/{code}", params={"s": signature}).json()
    forged = api.client.get(f"/web/api/card/{code}", params={"s": "AAAAAAAA"}).json()
    typed = api.client.get(f"/web/api/card/{code}").json()

    assert (card["signature"], forged["signature"], typed["signature"]) == (
        "valid",
        "invalid",
        "absent",
    )
    batch = card["batch"]
    assert (batch["id"], batch["site_name"], batch["holder_name"]) == (
        bale["id"],
        "container",
        "collectors",
    )
    assert [e["type"] for e in card["events"]] == ["Collected"]


def test_the_label_page_embeds_its_card_and_works_without_a_session(api: Api) -> None:
    code = allocate(api, 1)[0]
    page = api.client.get(f"/l/{code.replace('-', '')}", params={"s": "AAAAAAAA"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '"signature":"invalid"' in page.text
    assert '"authenticated":false' in page.text
    assert '"batch_id"' not in page.text  # nothing about the batch without logging in


def test_the_service_worker_and_the_vendored_decoder_are_served(api: Api) -> None:
    worker = api.client.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == "/"
    assert "__VERSION__" not in worker.text
    decoder = api.client.get("/static/web/vendor/jsQR.js")
    assert decoder.status_code == 200
    assert "jsQR" in decoder.text


# -- the command line ---------------------------------------------------------------------------


def test_ledger_labels_allocate_prints_codes_and_a_sheet(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("LEDGER_SECRET_KEY", "test-secret-key")
    pdf = tmp_path / "sheet.pdf"

    result = CliRunner().invoke(cli, ["labels", "allocate", "5", "--pdf", str(pdf)])

    assert result.exit_code == 0, result.output
    codes = [line for line in result.stdout.splitlines() if labels.is_valid(line)]
    assert len(codes) == 5
    assert pdf.read_bytes().startswith(b"%PDF")
    again = CliRunner().invoke(cli, ["labels", "sheet", codes[0], "-o", str(tmp_path / "b.pdf")])
    assert again.exit_code == 0, again.output
    refused = CliRunner().invoke(cli, ["labels", "allocate", "0"])
    assert refused.exit_code == 1
    assert "Refused" in refused.output
