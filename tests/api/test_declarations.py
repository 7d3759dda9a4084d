"""Declaring a statement freezes it; what is recorded later in a declared period is listed in the
next statements, once (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium

from tests.api.conftest import WAIT, Api
from tests.api.test_indicators_api import sorted_in_august, written

__all__ = ["sorted_in_august"]  # the fixture, used by name


def statement(api: Api, period: str) -> dict[str, Any]:
    query = {"organisation_id": api.ids["workshop"], "period": period}
    response = api.get("auditor", "/reports/refashion", **query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def declare(api: Api, who: str, period: str, key: str | None = None) -> Any:
    """Declare, and answer once the views hold the declaration."""
    body = {"organisation_id": api.ids["workshop"], "period": period}
    headers = {**api.headers(who, key), **WAIT}
    return api.client.post("/api/v1/reports/refashion/declarations", json=body, headers=headers)


def test_a_correction_after_the_declaration_is_listed_in_the_next_statement_once(
    sorted_in_august: Api,
) -> None:
    api = sorted_in_august
    declared = declare(api, "supervisor", "2026-Q3", key="q3-declaration")
    assert declared.status_code == 201, declared.text
    q3 = declared.json()
    assert q3["period"] == "2026-Q3"
    assert q3["figures"]["outputs_g"]["csr"] == 80_000
    assert q3["figures"]["support_cents"]["total"] == 2640 + 3075 + 352  # Sbase, Scomp ×2
    again = declare(api, "supervisor", "2026-Q3", key="q3-declaration")
    assert (again.status_code, again.json()) == (201, q3)
    assert again.headers["Idempotent-Replay"] == "true"
    twice = declare(api, "supervisor", "2026-Q3")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_declared"
    assert declare(api, "sorter", "2026-Q4").status_code == 403
    assert statement(api, "2026-Q4")["changes_to_declared_periods"] == []

    # After the declaration the CSV bale of August turns out to be fraying stock.
    csr = csr_batch(api)
    fix = {"corrects_version": 1, "material": "textile.recycling.fraying", "reason": "mislabel"}
    written(api, "sorter", f"/batches/{csr}/corrections", fix)

    held_now = api.get("auditor", "/stock").json()["data"]
    folded = api.get("auditor", "/stock", as_of="2999-01-01T00:00:00Z").json()
    assert folded["data"] == held_now
    before = api.get("auditor", "/stock", as_of=q3["declared_at"]).json()["data"]
    assert {row["material"] for row in before} >= {"textile.csr"}
    assert "textile.csr" not in {row["material"] for row in held_now}
    naive = api.get("auditor", "/stock", as_of="2026-09-01T00:00:00")
    assert naive.json()["error"]["code"] == "invalid_time"
    audit = {"organisation_id": api.ids["workshop"], "period": "2026-Q3"}
    pages = {
        when: api.client.get("/audit/report", params=when_params, headers=api.headers("auditor"))
        for when, when_params in (
            ("now", audit),
            ("declared", {**audit, "as_of": q3["declared_at"]}),
            ("garbled", {**audit, "as_of": "yesterday"}),
        )
    }
    assert 'data-figure="csr" data-g="0"' in pages["now"].text
    assert 'data-figure="csr" data-g="80000"' in pages["declared"].text
    assert "data-as-of=" in pages["declared"].text
    assert "data-declared=" in pages["now"].text
    before_declaring = {**audit, "as_of": "2026-01-01T00:00:00Z"}
    earlier = api.client.get(
        "/audit/report", params=before_declaring, headers=api.headers("auditor")
    )
    assert "data-declared=" not in earlier.text
    assert pages["garbled"].status_code == 422
    q3_now = statement(api, "2026-Q3")
    assert q3_now["tonnes"]["csr"] == 0
    assert q3_now["declared"]["through_position"] == q3["through_position"]
    [change] = statement(api, "2026-Q4")["changes_to_declared_periods"]
    assert change["period"] == "2026-Q3"
    assert change["tonnes"]["csr"] == -0.08
    assert change["tonnes"]["recycling"] == 0.08
    # 80 kg move from csr (Sbase 80 + Scomp 44 €/t) to recycling (Sbase 80 + Scomp 123 €/t)
    assert change["support_cents"] == {
        "sbase": 0,
        "scomp_recycling": 984,
        "scomp_csr": -352,
        "svalo_e": 0,
        "total": 632,
    }
    assert {(e["batch_id"], e["kind"], e["mass_kg"]) for e in change["events"]} == {
        (csr, "produced", -80.0),
        (csr, "produced", 80.0),
    }
    assert all(e["position"] > q3["through_position"] for e in change["events"])
    query = {"organisation_id": api.ids["workshop"], "period": "2026-Q4"}
    as_csv = api.get("auditor", "/reports/refashion", **query, format="csv").text
    assert "changes.2026-Q3.support_cents.total,632" in as_csv.splitlines()
    as_pdf = api.get("auditor", "/reports/refashion", **query, format="pdf").content
    document = pdfium.PdfDocument(as_pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Régularisations de périodes déclarées" in text
    assert "6,32" in text  # € to settle for 2026-Q3
    page = api.client.get("/audit/report", params=query, headers=api.headers("auditor"))
    assert page.status_code == 200
    assert 'data-change="2026-Q3" data-cents="632"' in page.text
    assert f'href="/audit/batch/{csr}"' in page.text

    # Once Q4 is declared (listing it), the change is not listed again in 2027's statements.
    assert declare(api, "supervisor", "2026-Q4").status_code == 201
    assert statement(api, "2027-Q1")["changes_to_declared_periods"] == []
    hours = {"site_id": api.ids["sorting_centre"], "worker_ref": "W-09", "contract": "insertion"}
    hours.update(activity="sorting", hours=2, date="2026-08-05")
    written(api, "supervisor", "/work-logs", hours)
    [late] = statement(api, "2027-Q1")["changes_to_declared_periods"]
    assert (late["period"], late["sorting_hours"], late["insertion_sorting_hours"]) == (
        "2026-Q3",
        2,
        2,
    )
    listed = api.get(
        "auditor", "/reports/refashion/declarations", organisation_id=api.ids["workshop"]
    ).json()
    assert [d["period"] for d in listed["data"]] == ["2026-Q3", "2026-Q4"]


def csr_batch(api: Api) -> str:
    """The CSR bale the August sorting made (read from the views)."""
    views = api.client.app.state.views  # type: ignore[attr-defined]
    [(batch_id,)] = views.query("SELECT batch_id FROM view_batches WHERE material = 'textile.csr'")
    return str(batch_id)
