"""Hostile text on the dashboard and the auditors' pages: names of organisations and sites,
material names, reasons of corrections and what is typed in the search are shown
as text, in both languages, never as markup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.hostile import ESCAPED, HOSTILE, at


def shown_as_text(html: str) -> None:
    assert HOSTILE not in html
    assert "<img" not in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_hostile_text_is_escaped_on_every_page(
    api: Api, hostile: dict[str, Any], lang: str
) -> None:
    today = datetime.now(UTC).date()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    pages = {
        "batch": (f"/audit/batch/{hostile['id']}", {}),
        "batch then": (f"/audit/batch/{hostile['id']}", {"occurred_by": at(4.5)}),
        "search": ("/audit", {"q": HOSTILE}),
        "search address": ("/audit", {"q": f"https://x/l/{HOSTILE}"}),
        "dashboard": ("/dashboard", {}),
        "report": ("/audit/report", {"organisation_id": api.ids[HOSTILE], "period": quarter}),
        "choice": ("/audit/report", {"period": quarter}),
    }
    for name, (path, params) in pages.items():
        response = api.client.get(
            path, params={**params, "lang": lang}, headers=api.headers("auditor")
        )
        assert response.headers["content-type"].startswith("text/html"), name
        shown_as_text(response.text)
        if name != "search address":
            assert ESCAPED in response.text, name
    batch = api.client.get(
        f"/audit/batch/{hostile['id']}", params={"lang": lang}, headers=api.headers("auditor")
    ).text
    assert batch.count(ESCAPED) >= 4  # organisation, sites, material, reason
