"""The dashboard: who may read it, what it shows in French and English, as recorded at a time,
and that it needs no script."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from tests.api.conftest import ADMIN_TOKEN, WAIT, Api

SVG = "{http://www.w3.org/2000/svg}"


class Page(HTMLParser):
    """The tags, headings, tiles and inline SVGs of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.stylesheets: list[str] = []
        self.current: list[str] = []
        self._heading = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._heading = tag in ("h1", "h2")
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href") or "")
        if "aria-current" in found:
            self.current.append("")

    def handle_data(self, data: str) -> None:
        if self._heading and data.strip():
            self.headings.append(data.strip())
            self._heading = False
        if self.current and not self.current[-1]:
            self.current[-1] = data.strip()


def sankey_texts(html: str) -> set[str | None]:
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg"') :]
    svg = svg[: svg.index("</svg>") + 6]
    return {element.text for element in ElementTree.fromstring(svg).iter(f"{SVG}text")}


def tile(html: str, name: str) -> str:
    """The figure of a tile of the dashboard, by its name."""
    found = re.search(rf'<div class="tile"><p>{re.escape(name)}</p><strong>([^<]*)</strong>', html)
    assert found, name
    return found.group(1)


def collect(api: Api, mass_kg: float, material: str = "textile.collected") -> dict[str, str]:
    body = {
        "material": material,
        "mass_kg": mass_kg,
        "site_id": api.ids["container"],
        "occurred_at": "2026-09-14T08:30:00+02:00",
    }
    response = api.client.post(
        "/api/v1/batches", json=body, headers={**api.headers("collector"), **WAIT}
    )
    assert response.status_code == 201, response.text
    found: dict[str, str] = response.json()
    return found


@pytest.fixture
def collected_in_bolbec(api: Api) -> Api:
    collect(api, 1250)
    return api


def test_signed_out_the_dashboard_sends_to_the_sign_in_page(api: Api) -> None:
    response = api.client.get("/dashboard?period=2026-Q3", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote("/dashboard?period=2026-Q3")
    wrong = api.client.get(
        "/dashboard", headers={"Authorization": "Bearer not-a-token"}, follow_redirects=False
    )
    assert wrong.status_code == 303
    assert wrong.headers["location"].startswith("/login?next=")


def test_the_dashboard_shows_the_territory_in_french_without_script(
    collected_in_bolbec: Api,
) -> None:
    api = collected_in_bolbec
    response = api.client.get("/dashboard?period=2026-09", headers=api.headers("auditor"))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert '<html lang="fr">' in response.text
    page = Page(response.text)
    assert "script" not in page.tags
    assert page.tags.count("svg") >= 3  # the Sankey, the bars, the month's column
    assert "Caux Vallée de Seine" in page.headings
    for heading in ["Flux de matière de la période", "Stock par site", "Bilan matière par filière"]:
        assert heading in page.headings
    assert "1,3\u202ft" in response.text  # 1 250 kg at the Lillebonne container, half up
    assert "1.3\u202ft" not in response.text
    assert "Se déconnecter" in response.text  # the desk's layout: who reads, sign-out
    assert "/static/web/desk/dashboard.css" in page.stylesheets
    css = api.client.get("/static/web/desk/dashboard.css")
    assert css.status_code == 200
    assert "@media (max-width: 480px)" in css.text
    texts = sankey_texts(response.text)
    assert {"Collecte locale", "Textiles usagés", "DANS LE TERRITOIRE", "1,3\u202ft"} <= texts


def test_the_dashboard_speaks_english_with_decimal_points(collected_in_bolbec: Api) -> None:
    api = collected_in_bolbec
    response = api.client.get(
        "/dashboard", params={"period": "2026-09", "lang": "en"}, headers=api.headers("auditor")
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    page = Page(response.text)
    for heading in ["Material flows of the period", "Stock by site", "Material balance by filière"]:
        assert heading in page.headings
    assert "1.3\u202ft" in response.text
    assert "1,3\u202ft" not in response.text
    assert "from 1 September 2026 to 30 September 2026" in response.text
    texts = sankey_texts(response.text)
    assert {"Local collection", "Used textiles", "IN THE TERRITORY", "1.3\u202ft"} <= texts
    assert not {"Collecte locale", "DANS LE TERRITOIRE"} & texts
    assert "Sign out" in response.text


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
    refused = api.client.get("/dashboard?token=made-up&period=2026-Q3", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/login?next=" + quote("/dashboard?period=2026-Q3")
    assert "set-cookie" not in refused.headers


def test_an_unreadable_period_shows_the_last_twelve_months_and_says_so(api: Api) -> None:
    response = api.client.get("/dashboard?period=2026-Q7", headers=api.headers("mill"))
    assert response.status_code == 200
    assert "Période non comprise" in response.text
    assert Page(response.text).current[-1] == "12 derniers mois"


def test_the_dashboard_as_recorded_at_a_time(api: Api) -> None:
    batch = collect(api, 1250)
    fix = {"corrects_version": 1, "mass_kg": 2000, "reason": "lecture inversée"}
    api.written("collector", f"/batches/{batch['id']}/corrections", fix)
    recorded = batch["recorded_at"]  # the collection recorded, the correction not yet

    def dashboard(**params: str) -> str:
        query = {"period": "2026-09", **params}
        response = api.client.get("/dashboard", params=query, headers=api.headers("auditor"))
        assert response.status_code == 200
        assert "alert" not in response.text
        return str(response.text)

    now, then = dashboard(), dashboard(as_of=recorded)
    before = dashboard(as_of="2001-01-01T00:00")  # a Paris wall-clock time, as the form sends
    stock = "Stock dans le territoire"
    assert tile(now, stock) == "2,0\u202ft"  # the correction is recorded: 2 000 kg held
    assert tile(then, stock) == "1,3\u202ft"  # as recorded before it: 1 250 kg
    assert tile(before, stock) == "0\u202ft"
    assert tile(then, "Collecte locale") == tile(now, "Collecte locale") == "1,3\u202ft"
    assert tile(before, "Collecte locale") == "0\u202ft"
    assert "data-as-of=" in then
    assert "data-as-of=" not in now
    assert 'name="as_of" value="' in then
    assert "Aucun stock dans le territoire." in before
    assert "Aucune collecte sur la période." in before
    garbled = api.client.get(
        "/dashboard", params={"period": "2026-09", "as_of": "hier"}, headers=api.headers("auditor")
    )
    assert garbled.status_code == 200
    assert "Heure d’enregistrement non comprise" in garbled.text
    assert tile(garbled.text, stock) == "2,0\u202ft"  # as recorded now


def test_hostile_names_are_shown_as_text(api: Api) -> None:
    """Names users write reach the dashboard (a site's in the stock bars, its organisation's); a
    filière is a short lower-case word, refused otherwise where materials are defined."""
    hostile = '<img src=x onerror="alert(1)">'
    api.organisation(hostile, ["collector"])
    api.site(f"{hostile} point", hostile, "collection_point", "76384")
    api.token("hostile", hostile, "collector")
    body = {
        "material": "textile.collected",
        "mass_kg": 30,
        "site_id": api.ids[f"{hostile} point"],
        "occurred_at": "2026-09-14T08:30:00+02:00",
    }
    api.written("hostile", "/batches", body)
    for lang in ("fr", "en"):
        response = api.client.get(
            "/dashboard", params={"period": "2026-09", "lang": lang}, headers=api.headers("hostile")
        )
        assert response.status_code == 200
        assert hostile not in response.text
        assert "<img" not in response.text
        assert response.text.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") >= 2
