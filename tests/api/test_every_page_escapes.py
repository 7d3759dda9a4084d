"""Every page the ledger serves, read and posted with hostile text: names of organisations, sites
and materials, a correction's reason, label codes, and every query and form field set to
markup. The pages are found from the app's routes, so a page added later is tested too (a
page whose address holds a parameter this test does not know fails until it is given one)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.api.conftest import Api
from tests.api.hostile import HOSTILE
from tests.codes import CODES

TEMPLATES = Path(__file__).resolve().parents[2] / "ledger" / "web" / "templates"
FIELD_NAME = re.compile(r"""name="([a-z_][a-z0-9_]*)\"""")
NOT_PAGES = ("/api/", "/static/", "/docs", "/openapi.json", "/sw.js", "/manifest.webmanifest")


def page_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Every route outside the JSON API, with its full path."""
    stack: list[tuple[str, Any]] = [("", route) for route in app.routes]
    while stack:
        prefix, route = stack.pop(0)
        nested = getattr(route, "original_router", None)
        if nested is not None:
            inner = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            stack += [(prefix + inner, child) for child in nested.routes]
        elif isinstance(route, APIRoute):
            path = prefix + route.path
            if not path.startswith(NOT_PAGES):
                yield path, route


def form_fields() -> set[str]:
    """Every field name a page's form may post (read from the templates)."""
    names: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        names |= set(FIELD_NAME.findall(template.read_text(encoding="utf-8")))
    return names - {"csrf"}


def address(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        assert name in values, f"{path}: give this test a value for {{{name}}}"
        return values[name]

    return re.sub(r"\{([^}]+)\}", fill, path)


def shown_as_text(where: str, response: Any) -> None:
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    kind = response.headers.get("content-type", "")
    if 300 <= response.status_code < 400:  # back to a page of this ledger, never elsewhere
        target = response.headers["location"]
        assert target.startswith("/"), (where, target)
        assert not target.startswith(("//", "/\\")), (where, target)
        assert HOSTILE not in target, (where, target)
    elif kind.startswith("text/html"):
        assert HOSTILE not in response.text, where
        assert "<img src=x" not in response.text, where  # the ledger's own images are fine
        assert "default-src 'self'" in response.headers["content-security-policy"], where
        assert response.headers["x-content-type-options"] == "nosniff", where
    else:
        assert kind.startswith(("application/json", "image/", "application/pdf", "text/csv")), (
            where,
            kind,
        )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_shows_hostile_text_as_text(
    api: Api, hostile: dict[str, Any], lang: str
) -> None:
    app: FastAPI = api.client.app  # type: ignore[assignment]
    block = {"count": 2, "organisation_id": api.ids[HOSTILE], "filiere": "textile"}
    block_id = api.ok("admin", "/labels", block)["block_id"]
    work = {"site_id": api.ids["sorting_centre"], "worker_ref": "W-0042", "contract": "insertion"}
    work |= {"activity": "sorting", "hours": "7", "date": date.today().isoformat()}
    work_log_id = api.ok("supervisor", "/work-logs", work)["id"]
    values = {
        "batch_id": hostile["id"],
        "id": hostile["id"],
        "code": CODES[30],
        "name": "scan",
        "organisation_id": api.ids[HOSTILE],
        "site_id": api.ids[f"{HOSTILE} point"],
        "token_id": hostile["id"],
        "material": "textile.hostile",
        "territory": "main",
        "block_id": block_id,
        "work_log_id": work_log_id,
    }
    readers = ("admin", "auditor", "supervisor", "hostile")
    read = posted = 0
    for path, route in page_routes(app):
        where = address(path, values)
        queries = [q.alias for q in route.dependant.query_params]
        for who in readers:
            if "GET" in route.methods:
                plain = api.client.get(where, params={"lang": lang}, headers=api.headers(who))
                shown_as_text(f"GET {where} as {who}", plain)
                hostile_query = dict.fromkeys([*queries, "q", "notice", "next"], HOSTILE)
                marked = api.client.get(
                    where, params={**hostile_query, "lang": lang}, headers=api.headers(who)
                )
                shown_as_text(f"GET {where}?…=markup as {who}", marked)
                read += 2
            if "POST" in route.methods and not path.startswith("/web/api/"):
                form = dict.fromkeys(form_fields(), HOSTILE)
                sent = api.client.post(
                    where,
                    params={"lang": lang},
                    data=form,
                    headers=api.headers(who),
                    follow_redirects=False,
                )
                shown_as_text(f"POST {where} as {who}", sent)
                posted += 1
    assert read >= 2 * 4 * 30  # the pages of today, at least, were read
    assert posted >= 3
