"""The desk pages' common ground: the home page by role, languages, signing out on the server,
forms that another site cannot post, security headers, and the limit on guessed tokens."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ledger.web.desk import formats, i18n
from ledger.web.desk.nav import LINKS
from tests.api.conftest import Api

HOSTILE = '<img src=x onerror="alert(1)">'


def sign_in(api: Api, who: str) -> None:
    response = api.client.post("/web/api/session", json={"token": api.tokens[who]})
    assert response.status_code == 200, response.text


def test_the_home_page_lists_what_each_role_may_use(api: Api) -> None:
    sign_in(api, "supervisor")
    page = api.client.get("/").text
    assert "workshop · encadrement" in page
    assert 'href="/dashboard"' in page
    assert 'href="/scan"' not in page  # a supervisor logs hours, not batches
    sign_in(api, "collector")
    page = api.client.get("/").text
    assert 'href="/scan"' in page
    assert "Se déconnecter" in page


def test_signed_out_the_home_page_offers_to_sign_in(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/login?next=/"' in page.text
    assert "Se connecter" in page.text


def test_a_page_speaks_english_when_asked_and_remembers_it(api: Api) -> None:
    sign_in(api, "sorter")
    english = api.client.get("/", params={"lang": "en"})
    assert "Sign out" in english.text
    assert '<html lang="en">' in english.text
    assert english.cookies.get(i18n.LANGUAGE_COOKIE) == "en"
    assert "Sign out" in api.client.get("/").text
    assert "Se déconnecter" in api.client.get("/", params={"lang": "fr"}).text


def test_the_browser_language_chooses_when_nothing_else_does(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="fr">' in page.text


def test_signing_out_ends_the_session_on_the_server(api: Api) -> None:
    sign_in(api, "collector")
    cookie = api.client.cookies.get("ledger_session")
    assert api.client.get("/api/v1/materials").status_code == 200
    page = api.client.get("/").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    out = api.client.post("/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    api.client.cookies.set("ledger_session", str(cookie))  # a copy kept by someone
    again = api.client.get("/api/v1/materials")
    assert again.status_code == 401
    assert "Se connecter" in api.client.get("/").text


def test_the_phone_logout_ends_the_session_too(api: Api) -> None:
    sign_in(api, "collector")
    cookie = str(api.client.cookies.get("ledger_session"))
    out = api.client.delete("/web/api/session", headers={"X-Ledger-Client": "phone"})
    assert out.status_code == 204
    api.client.cookies.set("ledger_session", cookie)
    assert api.client.get("/web/api/context").status_code == 401


def test_security_headers_on_every_page(api: Api) -> None:
    sign_in(api, "auditor")
    for path in ("/", "/scan", "/login", "/dashboard", "/docs", "/audit/report"):
        response = api.client.get(path)
        assert response.headers["content-type"].startswith("text/html"), path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src" not in policy or "unsafe-inline" not in policy.split("script-src")[1]
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] in ("same-origin", "no-referrer"), path
        assert "<script>" not in response.text, f"inline script on {path}"
    assert api.client.get("/api/v1/health").headers["x-content-type-options"] == "nosniff"


def test_guessing_tokens_is_slowed_to_a_crawl(client: TestClient) -> None:
    answers = [
        client.get("/api/v1/materials", headers={"Authorization": f"Bearer fl_guess{n}"})
        for n in range(12)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    blocked = answers[10]
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    assert int(blocked.headers["retry-after"]) >= 1
    login = client.post("/web/api/session", json={"token": "fl_another"})
    assert login.status_code == 429


def test_a_hostile_organisation_name_is_shown_as_text(api: Api) -> None:
    organisation = api.ok("admin", "/organisations", {"name": HOSTILE, "kinds": ["sorter"]})
    token = api.ok("admin", "/tokens", {"organisation_id": organisation["id"], "role": "sorter"})
    api.tokens["hostile"] = token["token"]
    sign_in(api, "hostile")
    page = api.client.get("/").text
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


@pytest.mark.parametrize(
    ("value", "lang", "written"),
    [
        (390.5, "fr", "390,5\u00a0kg"),
        (390.5, "en", "390.5\u00a0kg"),
        (12345.678, "fr", "12\u202f345,678\u00a0kg"),
        (12345.678, "en", "12,345.678\u00a0kg"),
        (0.001, "fr", "0,001\u00a0kg"),
        (-2.5, "fr", "-2,5\u00a0kg"),
    ],
)
def test_masses_are_written_as_readers_write_them(value: float, lang: str, written: str) -> None:
    assert formats.kg(value, lang) == written


def test_shares_and_dates_in_each_language() -> None:
    assert formats.percent(0.1534, "fr") == "15,3\u00a0%"
    assert formats.percent(0.1534, "en") == "15.3%"
    assert formats.tonnes(16398.681, "fr") == "16,399\u00a0t"
    assert formats.moment("2026-09-14T06:30:00Z", "fr") == "14 septembre 2026 à 08:30"
    assert formats.moment("2026-09-01T06:30:00Z", "en") == "1 September 2026, 08:30"


def test_every_word_of_the_pages_exists_in_french_and_english() -> None:
    missing = [
        key
        for key, texts in i18n.catalog().items()
        if not texts.get("fr") or (not texts.get("en") and not key.startswith("error."))
    ]
    assert missing == []
    for link in LINKS:
        assert i18n.has(link.key), link.key
        assert i18n.has(link.key + ".about"), link.key
    for role in ("admin", "collector", "sorter", "transporter", "outlet", "supervisor", "auditor"):
        assert i18n.has(f"role.{role}")
        assert i18n.has(f"home.role.{role}")
