"""An organisation's evidence bundle goes to that organisation, auditors and admins only: it
holds the stored records behind its figures (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.api.conftest import Api


def test_a_collector_cannot_download_another_organisations_evidence(api: Api) -> None:
    api.organisation("eco_organism", ["authority"])
    api.token("eco_auditor", "eco_organism", "auditor")
    query = {"organisation_id": api.ids["workshop"], "period": "2026-Q3", "format": "bundle"}
    refused = api.get("collector", "/reports/refashion", **query)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "organisation_not_allowed"
    for who in ("sorter", "eco_auditor", "admin"):
        answer = api.get(who, "/reports/refashion", **query)
        assert answer.status_code == 200, (who, answer.text[:200])
        assert answer.headers["content-type"] == "application/zip"
    statement = api.get("collector", "/reports/refashion", **{**query, "format": "json"})
    assert statement.status_code == 200  # the figures themselves are read by every token
