"""The auditor's page of a batch: history with both times, corrections, lineage picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from tests.api.conftest import Api
from tests.codes import CODES

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "audit"


def at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def test_the_batch_page_shows_history_corrections_and_lineage(api: Api) -> None:
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
        f"/batches/{bale['id']}/corrections",
        {"corrects_version": 1, "mass_kg": 421.5, "reason": "lecture inversée"},
    )
    api.ok(
        "collector",
        f"/batches/{bale['id']}/dispatches",
        {"to_site_id": api.ids["sorting_centre"], "occurred_at": at(20)},
    )
    api.ok("sorter", f"/batches/{bale['id']}/receipts", {"occurred_at": at(19)})
    api.ok(
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
    anonymous = api.client.get(f"/audit/batch/{bale['id']}")
    assert anonymous.status_code == 401
    page = api.client.get(f"/audit/batch/{bale['id']}", headers=api.headers("auditor"))
    assert page.status_code == 200
    html = page.text
    assert "enregistré tard" in html  # collected 30 h before it was recorded
    assert "corrigé par n° 2" in html
    assert "corrige n° 1 (mass_kg 412.5 → 421.5)" in html
    assert html.count("<tr ") == 5
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    picture = ElementTree.fromstring(svg)
    labels = {t.text for t in picture.iter("{http://www.w3.org/2000/svg}text")}
    assert {CODES[10], CODES[11], "textile.recycling.fraying", "tri"} <= labels
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "batch.html").write_text(html, encoding="utf-8")
