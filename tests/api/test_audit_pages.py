"""The auditor's pages of a batch: finding it, its history with both times and corrections in
words, as recorded at or occurred by a time, its lineage picture; in French and English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

import labels
from tests.api.conftest import Api
from tests.codes import CODES

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "audit"
SVG = "{http://www.w3.org/2000/svg}"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Text(HTMLParser):
    """What a reader sees of a page: its text, without tags, attributes or the technical
    references folded away at the bottom of a batch's page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "style") or "technical" in (dict(attrs).get("class") or ""):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "style", "details") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def page(api: Api, path: str, lang: str = "fr", **params: str) -> Any:
    response = api.client.get(path, params={"lang": lang, **params}, headers=api.headers("auditor"))
    assert response.headers["content-type"].startswith("text/html"), response.text
    return response


@pytest.fixture
def sorted_bale(api: Api) -> dict[str, Any]:
    """A bale collected 30 h before it was recorded, dispatched, its mass corrected after the
    dispatch, received and sorted into a labelled cream lot and a fraying lot."""
    bale = api.ok(
        "collector",
        "/batches",
        {
            "label_code": CODES[10],
            "material": "textile.collected",
            "mass_kg": 412.5,
            "site_id": api.ids["container"],
            "occurred_at": at(30),
        },
    )
    api.ok(
        "collector",
        f"/batches/{bale['id']}/dispatches",
        {
            "to_site_id": api.ids["sorting_centre"],
            "occurred_at": at(20),
            "transport": {"mode": "road", "carrier": {"name": "Transports du Caux"}},
        },
    )
    fix = {"corrects_version": 1, "mass_kg": 421.5, "reason": "lecture inversée"}
    correction = api.written("collector", f"/batches/{bale['id']}/corrections", fix)
    api.ok("sorter", f"/batches/{bale['id']}/receipts", {"occurred_at": at(19)})
    api.written(
        "sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": api.ids["sorting_centre"],
            "occurred_at": at(10),
            "inputs": [{"batch_id": bale["id"]}],
            "outputs": [
                {"material": "textile.reuse.cream", "mass_kg": 120, "label_code": CODES[11]},
                {"material": "textile.recycling.fraying", "mass_kg": 300},
            ],
            "loss_kg": 1.5,
        },
    )
    return {**bale, "corrected_recorded_at": correction["last_recorded_at"]}


def test_the_batch_page_shows_history_corrections_and_lineage_in_words(
    api: Api, sorted_bale: dict[str, Any]
) -> None:
    address = f"/audit/batch/{sorted_bale['id']}"
    anonymous = api.client.get(address, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next={quote(address)}"
    response = page(api, address)
    assert response.status_code == 200
    html = response.text
    seen = Text(html).text
    assert "enregistré tard" in seen  # collected 30 h before it was recorded
    assert "corrigé par n° 3" in seen
    assert "corrige n° 1" in seen
    assert "412,5\u00a0kg → 421,5\u00a0kg" in seen  # a decimal comma, in French
    assert "lecture inversée" in seen
    assert "route · Transports du Caux" in seen  # how it travelled, in words
    # Each correction right after the event it corrects, then the others in order.
    assert re.findall(r'data-seq="(\d+)"', html) == ["1", "3", "2", "4", "5"]
    for name in ("container", "sorting_centre", "collectors", "workshop"):
        assert name in seen, name  # site and organisation names
    assert "Textiles collectés (en mélange)" in seen  # the catalogue's French name
    assert "Détenu" not in seen  # consumed now
    assert "Transformé" in seen
    assert UUID_TEXT.search(seen) is None  # no raw id is shown (but in technical references)
    for raw in ("textile.", "Collected", "Dispatched", "Corrected", "held", "mass_kg", "None"):
        assert raw not in seen, raw
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    picture = ElementTree.fromstring(svg)
    words = {t.text for t in picture.iter(f"{SVG}text")}
    assert {CODES[10], CODES[11], "Effilochage", "Crème (réemploi boutique)", "tri"} <= words
    assert "textile.recycling.fraying" not in words
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "batch.html").write_text(html, encoding="utf-8")


def test_the_batch_page_in_english(api: Api, sorted_bale: dict[str, Any]) -> None:
    response = page(api, f"/audit/batch/{sorted_bale['id']}", lang="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    seen = Text(response.text).text
    for words in ("recorded late", "corrected by no. 3", "corrects no. 1",
                  "412.5\u00a0kg → 421.5\u00a0kg", "Collection", "Dispatch", "Correction",
                  "Collected textiles (mixed)", "Consumed", "Fraying feedstock", "History",
                  "Lineage", "road · Transports du Caux"):  # fmt: skip
        assert words in seen, words
    assert "412,5" not in seen
    for french in ("Collecte", "Expédition", "enregistré tard", "Effilochage", "Historique"):
        assert re.search(rf"\b{french}\b", seen) is None, french


def test_the_batch_as_recorded_at_and_as_occurred_by_a_time(
    api: Api, sorted_bale: dict[str, Any]
) -> None:
    address = f"/audit/batch/{sorted_bale['id']}"

    def then(html: str) -> str:
        start = html.index("data-then=")
        return Text(html[start : html.index("</dl>", start)]).text

    before_fix = page(api, address, as_of=sorted_bale["recorded_at"])  # collection recorded only
    assert before_fix.status_code == 200
    state = then(before_fix.text)
    assert "412,5\u00a0kg" in state
    assert "Détenu" in state
    assert "container" in state
    assert "enregistré après cette heure" in Text(before_fix.text).text  # the events after
    by_then = page(api, address, occurred_by=at(25))  # collected, not yet dispatched
    state = then(by_then.text)
    assert "421,5\u00a0kg" in state  # every correction of what had happened, known today
    assert "container" in state
    after = page(api, address, as_of=sorted_bale["corrected_recorded_at"])
    state = then(after.text)
    assert "421,5\u00a0kg" in state
    assert "En route" in state  # dispatched, not yet received when the fix was recorded
    too_early = page(api, address, as_of="2001-01-01T00:00")
    assert too_early.status_code == 200
    assert "Le registre n’avait pas encore ce lot" in too_early.text
    both = page(api, address, as_of=at(1), occurred_by=at(1))
    assert "Choisissez une seule heure" in both.text
    garbled = page(api, address, lang="en", as_of="yesterday")
    assert "Time not understood" in garbled.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_malformed_or_unknown_id_answers_a_page(api: Api, lang: str) -> None:
    malformed = page(api, "/audit/batch/not-a-batch", lang=lang)
    assert malformed.status_code == 404
    unknown = page(api, "/audit/batch/5b0e6a52-0000-4000-8000-000000000000", lang=lang)
    assert unknown.status_code == 404
    if lang == "fr":
        assert "Cette page ne peut pas s’afficher" in malformed.text
        assert "Aucun lot ne porte cet identifiant." in unknown.text
    else:
        assert "This page cannot be shown" in malformed.text
        assert "No batch" in unknown.text
    for response in (malformed, unknown):
        assert '"error"' not in response.text  # a page, not the API's JSON


def find(api: Api, text: str, lang: str = "fr", who: str = "auditor") -> Any:
    return api.client.get(
        "/audit",
        params={"q": text, "lang": lang},
        headers=api.headers(who),
        follow_redirects=False,
    )


def test_a_batch_is_found_by_its_label_code_its_qr_text_or_its_id(
    api: Api, sorted_bale: dict[str, Any]
) -> None:
    batch_page = f"/audit/batch/{sorted_bale['id']}"
    code = CODES[10]
    signed = labels.label_url(code, "https://ledger.test", b"test-secret-key")
    for text in (code, code.replace("-", "").lower(), f" {code.lower()} ", signed,
                 signed.removeprefix("https://"), sorted_bale["id"]):  # fmt: skip
        found = find(api, text)
        assert (found.status_code, found.headers.get("location")) == (303, batch_page), text
    form = api.client.get("/audit", headers=api.headers("auditor"))
    assert form.status_code == 200
    assert 'name="q"' in form.text
    assert "Retrouver un lot" in form.text
    for response in (form, page(api, batch_page)):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in response.text  # no script: they read without one


def test_a_search_that_finds_none_or_several_says_so(api: Api) -> None:
    def bag(batch_id: str, code: str | None = None) -> None:
        body: dict[str, Any] = {
            "id": batch_id,
            "material": "textile.collected",
            "mass_kg": 12.5,
            "site_id": api.ids["container"],
            "occurred_at": at(2),
        }
        if code:
            body["label_code"] = code
        api.written("collector", "/batches", body)

    bag("7e57ab1e-0000-4000-8000-000000000001", CODES[20])
    bag("7e57ab1e-0000-4000-8000-000000000002")
    several = find(api, "7e57ab1e")
    assert several.status_code == 200
    assert "2 lots trouvés" in several.text
    assert several.text.count("data-batch=") == 2
    assert "12,5\u00a0kg" in several.text
    assert "sans étiquette" in several.text
    mistyped = CODES[20][:-1] + ("0" if CODES[20][-1] != "0" else "1")
    cases = {
        mistyped: "un caractère a sans doute été mal tapé",
        CODES[21]: f"Le code {CODES[21]} est valide, mais aucun lot ne le porte encore.",
        "5b0e6a52-0000-4000-8000-000000000000": "Aucun lot ne porte cet identifiant.",
        "7K4": "au moins 4 caractères",
        "7e57abcd": "Aucun code d’étiquette ni identifiant de lot ne commence par",
        "https://ledger.test/scan": "n’est pas celle d’une étiquette",
    }
    for text, words in cases.items():
        response = find(api, text)
        assert response.status_code == 404, text
        assert words in response.text, text
    english = find(api, mistyped, lang="en")
    assert "a character was probably mistyped" in english.text


def test_a_label_address_with_a_forged_signature_is_flagged(
    api: Api, sorted_bale: dict[str, Any]
) -> None:
    signed = labels.label_url(CODES[10], "https://ledger.test", b"another-key")
    response = find(api, signed)
    assert response.status_code == 200  # shown, not opened: the auditor must see the warning
    assert "n’est pas celle du registre" in response.text
    assert f'href="/audit/batch/{sorted_bale["id"]}"' in response.text


def test_finding_a_batch_is_for_auditors_and_supervisors(api: Api) -> None:
    assert find(api, CODES[10], who="supervisor").status_code == 404  # may search: none
    refused = find(api, CODES[10], who="collector")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    home = api.client.get("/", headers=api.headers("auditor"))
    assert 'href="/audit"' in home.text
