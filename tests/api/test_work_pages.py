"""The supervisor's desk pages over HTTP: what a refused form keeps and says, what a form
without its CSRF token writes (nothing), who may open them, and the headers every page sends."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ledger.web.desk.work_declared import euros
from tests.api.conftest import Api
from tests.api.test_audit_report import delivered_bag, sorted_at_bolbec


def sign_in(api: Api, who: str) -> None:
    response = api.client.post("/web/api/session", json={"token": api.tokens[who]})
    assert response.status_code == 200, response.text


def last_week() -> str:
    year, week, _ = (date.today() - timedelta(days=10)).isocalendar()
    return f"{year}-W{week:02d}"


def position(api: Api) -> int:
    return int(api.get("admin", "/health").json()["event_position"])


def sheet(api: Api, **cells: str) -> dict[str, str]:
    """The timesheet form of last week as the page gives it, with ``cells`` filled in."""
    page = api.client.get("/work/timesheet", params={"week": last_week()}).text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    typed = dict(re.findall(r'class="hours" data-day="\d" name="([^"]+)" value="([^"]*)"', page))
    return {**fields, **typed, "action": "save", **cells}


def field(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def test_a_form_without_its_csrf_token_writes_nothing(api: Api) -> None:
    sign_in(api, "supervisor")
    form = sheet(api, **{"r0.worker_ref": "W-0042", "r0.d0": "7"})
    before = position(api)
    answer = api.client.post("/work/timesheet", data={**form, "csrf": "forged"})
    assert answer.status_code == 401
    assert position(api) == before


def test_a_refused_sheet_keeps_what_was_typed_and_says_why_in_french(api: Api) -> None:
    sign_in(api, "supervisor")
    form = sheet(api, **{"r0.worker_ref": "Fatima_Benali-1987", "r0.d0": "7,5",
                         "r1.worker_ref": "W-0043", "r1.d1": "7,3"})  # fmt: skip
    before = position(api)
    answer = api.client.post("/work/timesheet", data=form)
    assert answer.status_code == 422
    assert "jamais un nom" in answer.text
    assert "par quarts d&#39;heure" in answer.text or "par quarts d'heure" in answer.text
    assert field(answer.text, "r0.worker_ref") == "Fatima_Benali-1987"
    assert field(answer.text, "r0.d0") == "7,5"
    assert position(api) == before


def test_an_emptied_cell_is_refused_and_says_how_hours_are_fixed(api: Api) -> None:
    sign_in(api, "supervisor")
    saved = api.client.post(
        "/work/timesheet", data=sheet(api, **{"r0.worker_ref": "W-0042", "r0.d0": "7"})
    )
    assert saved.status_code == 200  # followed to the saved week
    assert "Semaine enregistrée." in saved.text
    before = position(api)
    answer = api.client.post("/work/timesheet", data={**sheet(api), "r0.d0": "", "reason": "x"})
    assert answer.status_code == 422
    assert "ne s&#39;effacent pas" in answer.text or "ne s'effacent pas" in answer.text
    assert position(api) == before


def test_a_correction_from_the_list_needs_a_reason_and_keeps_the_hours_typed(api: Api) -> None:
    sign_in(api, "supervisor")
    api.client.post("/work/timesheet", data=sheet(api, **{"r0.worker_ref": "W-0042", "r0.d0": "7"}))
    page = api.client.get("/work/timesheet", params={"week": last_week()}).text
    log_id = re.search(r'action="/work/logs/([0-9a-f-]+)/corrections"', page)
    assert log_id is not None
    form = {"csrf": field(page, "csrf"), "idempotency_key": "fix-1", "week": last_week(),
            "site": api.ids["sorting_centre"], "hours": "6,5", "reason": " "}  # fmt: skip
    before = position(api)
    answer = api.client.post(f"/work/logs/{log_id.group(1)}/corrections", data=form)
    assert answer.status_code == 422
    assert 'value="6,5"' in answer.text
    assert position(api) == before
    fixed = api.client.post(
        f"/work/logs/{log_id.group(1)}/corrections", data={**form, "reason": "relu"}
    )
    assert "Correction enregistrée." in fixed.text
    log = api.get("supervisor", f"/work-logs/{log_id.group(1)}").json()
    assert (log["hours"], log["version"]) == (6.5, 2)


def test_the_pages_are_for_supervisors_and_send_the_security_headers(api: Api) -> None:
    for who, status in (("collector", 403), ("auditor", 403), ("sorter", 403)):
        sign_in(api, who)
        assert api.client.get("/work/timesheet").status_code == status, who
    sign_in(api, "supervisor")
    for path in ("/work/timesheet", "/work/jobs", "/work/declarations"):
        response = api.client.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "<script>" not in response.text, f"inline script on {path}"
    bad = api.client.get("/work/timesheet", params={"week": "2026-53"})
    assert bad.status_code == 422
    other = api.client.get("/work/timesheet", params={"site": api.ids["container"]})
    assert other.status_code == 403


def test_the_figures_are_the_supervisors_own_organisations_an_admin_chooses(api: Api) -> None:
    sign_in(api, "supervisor")
    other = {"organisation_id": api.ids["collectors"]}
    assert api.client.get("/work/jobs", params=other).status_code == 403
    assert api.client.get("/work/declarations", params=other).status_code == 403
    sign_in(api, "admin")
    chosen = api.client.get("/work/jobs", params={"organisation_id": api.ids["workshop"]})
    assert chosen.status_code == 200
    assert f'<option value="{api.ids["workshop"]}" selected>' in chosen.text


def declare_form(api: Api, quarter: str) -> dict[str, str]:
    page = api.client.get("/work/declarations", params={"quarter": quarter}).text
    names = ("csrf", "idempotency_key", "organisation_id", "quarter", "digest")
    return {name: field(page, name) for name in names}


def test_a_declared_quarter_lists_what_was_recorded_in_it_since_as_the_statement_does(
    api: Api,
) -> None:
    sign_in(api, "supervisor")
    august = delivered_bag(api, 412.5, 409.5, "2026-08-03")
    sorted_at_bolbec(api, august, "2026-08-04", [("textile.recycling.fraying", 300),
                                                 ("textile.csr", 100)], 9.5)  # fmt: skip
    work = {"site_id": api.ids["sorting_centre"], "activity": "sorting", "date": "2026-08-04"}
    api.written("supervisor", "/work-logs", {**work, "worker_ref": "W-07", "contract": "insertion",
                                             "hours": 3})  # fmt: skip
    late = delivered_bag(api, 200, 200, "2026-09-09")  # received, not sorted: no figure
    form = declare_form(api, "2026-Q3")
    page = api.client.get("/work/declarations", params={"quarter": "2026-Q3"}).text
    assert "300\u00a0kg" in page  # recycling, as the statement has it: 0.3 t
    # Hours recorded between reading and confirming: shown again, nothing declared.
    api.written("supervisor", "/work-logs", {**work, "worker_ref": "W-08", "contract": "employee",
                                             "hours": 2})  # fmt: skip
    before = position(api)
    moved = api.client.post("/work/declarations", data=form)
    assert moved.status_code == 409
    assert "Les chiffres ont changé" in moved.text
    assert position(api) == before
    declared = api.client.post("/work/declarations", data=declare_form(api, "2026-Q3"))
    assert "Déclaration enregistrée." in declared.text
    assert position(api) == before + 1

    # Sorted late in the declared quarter, then the hours corrected: regularisations.
    sorted_at_bolbec(api, late, "2026-09-10", [("textile.recycling.wipers", 190)], 10)
    page = api.client.get("/work/declarations", params={"quarter": "2026-Q4"}).text
    statement = api.get(
        "supervisor", "/reports/refashion", organisation_id=api.ids["workshop"], period="2026-Q4"
    ).json()
    [change] = statement["changes_to_declared_periods"]
    total = change["support_cents"]["total"]
    assert total > 0
    assert f"Soutien total : +{euros(total, 'fr')}" in page
    assert "sortie d&#39;un tri enregistrée après la déclaration, +190\u00a0kg (Recyclage)" in page
