"""The dashboard: who may read it, what it shows, and that it needs no script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.api.conftest import ADMIN_TOKEN, WAIT, Api


class Page(HTMLParser):
    """The tags, headings and inline SVGs of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.stylesheets: list[str] = []
        self._heading = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._heading = tag in ("h1", "h2")
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._heading and data.strip():
            self.headings.append(data.strip())
            self._heading = False


@pytest.fixture
def collected_in_bolbec(api: Api) -> Api:
    body = {
        "material": "textile.collected",
        "mass_kg": 1250,
        "site_id": api.ids["container"],
        "occurred_at": "2026-09-14T08:30:00+02:00",
    }
    response = api.client.post(
        "/api/v1/batches", json=body, headers={**api.headers("collector"), **WAIT}
    )
    assert response.status_code == 201
    return api


def test_without_a_token_the_dashboard_asks_for_one(api: Api) -> None:
    response = api.client.get("/dashboard")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert "form" in page.tags
    assert "Connexion" in page.headings
    wrong = api.client.get("/dashboard", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401


def test_the_dashboard_shows_the_territory_in_french_without_script(
    collected_in_bolbec: Api,
) -> None:
    api = collected_in_bolbec
    response = api.client.get("/dashboard?period=2026-09", headers=api.headers("auditor"))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    page = Page(response.text)
    assert "script" not in page.tags
    assert page.tags.count("svg") >= 3  # the Sankey, the bars, the month's column
    assert "Caux Vallée de Seine" in page.headings
    for heading in ["Flux de matière de la période", "Stock par site", "Bilan matière par filière"]:
        assert heading in page.headings
    assert "1,3\u202ft" in response.text  # 1 250 kg at the Lillebonne container, half up
    assert page.stylesheets == ["/static/web/desk/dashboard.css"]
    css = api.client.get(page.stylesheets[0])
    assert css.status_code == 200
    assert "@media (max-width: 480px)" in css.text


def test_a_token_in_the_address_becomes_a_session_and_leaves_the_address(api: Api) -> None:
    response = api.client.get(
        f"/dashboard?token={ADMIN_TOKEN}&period=2026-Q3", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard?period=2026-Q3"
    assert "ledger_session" in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()
    follow = api.client.get(response.headers["location"])
    assert follow.status_code == 200
    api.client.cookies.clear()
    refused = api.client.get("/dashboard?token=made-up", follow_redirects=False)
    assert refused.status_code == 401


def test_the_sign_in_form_opens_a_session(api: Api) -> None:
    response = api.client.post("/dashboard", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    assert api.client.get("/dashboard").status_code == 200


def test_an_unreadable_period_shows_the_last_twelve_months_and_says_so(api: Api) -> None:
    response = api.client.get("/dashboard?period=2026-Q7", headers=api.headers("mill"))
    assert response.status_code == 200
    assert "Période non comprise" in response.text
    assert 'aria-current="page">12 derniers mois' in response.text
