"""An API client on a fresh ledger, with tokens for each actor of a small territory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger.api import create_app
from ledger.settings import Settings
from tests.api.hostile import hostile_batch

ADMIN_TOKEN = "admin-secret-for-tests"


WAIT = {"Ledger-Wait-For-Views": "true"}  # the answer waits until the views hold the write


@dataclass
class Api:
    """A test client that speaks as one actor or another."""

    client: TestClient
    tokens: dict[str, str] = field(default_factory=lambda: {"admin": ADMIN_TOKEN})
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def post(self, who: str, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers(who, key))

    def put(self, who: str, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(f"/api/v1{path}", json=body, headers=self.headers(who))

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.headers(who))

    def written(self, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A write (201) that answers once the views have applied it."""
        headers = {**self.headers(who), **WAIT}
        response = self.client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def ok(self, who: str, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        response = self.post(who, path, body)
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result

    def organisation(self, name: str, kinds: list[str]) -> str:
        self.ids[name] = self.ok("admin", "/organisations", {"name": name, "kinds": kinds})["id"]
        return self.ids[name]

    def site(self, name: str, owner: str, kind: str, commune: str) -> str:
        body = {"organisation_id": self.ids[owner], "name": name, "kind": kind}
        body["commune_insee"] = commune
        self.ids[name] = self.ok("admin", "/sites", body)["id"]
        return self.ids[name]

    def token(self, who: str, owner: str, role: str) -> None:
        body = {"organisation_id": self.ids[owner], "role": role}
        self.tokens[who] = self.ok("admin", "/tokens", body)["token"]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.ledger.close()


@pytest.fixture
def api(client: TestClient) -> Api:
    """Caux Vallée de Seine in miniature, registered over HTTP."""
    return caux_vallee_de_seine(client)


def caux_vallee_de_seine(client: TestClient) -> Api:
    """The small territory of ``api``, registered through ``client``."""
    api = Api(client)
    api.put(
        "admin",
        "/territory",
        {"name": "Caux Vallée de Seine", "communes_insee": ["76384", "76114"]},
    )
    api.organisation("collectors", ["collector", "transporter"])
    api.organisation("workshop", ["sorter"])
    api.organisation("mill", ["recycler"])
    api.organisation("energy", ["energy"])
    api.site("container", "collectors", "collection_point", "76384")
    api.site("sorting_centre", "workshop", "sorting_centre", "76114")
    api.site("mill_site", "mill", "recycler", "59350")
    api.site("boiler", "energy", "boiler", "76305")
    api.site("platform", "energy", "processing", "76114")
    api.token("collector", "collectors", "collector")
    api.token("sorter", "workshop", "sorter")
    api.token("supervisor", "workshop", "supervisor")
    api.token("mill", "mill", "outlet")
    api.token("boiler", "energy", "outlet")
    api.token("chipper", "energy", "sorter")
    api.token("wood_collector", "energy", "collector")
    api.token("auditor", "workshop", "auditor")
    return api


@pytest.fixture
def hostile(api: Api) -> dict[str, Any]:
    """The territory whose every name injects markup (tests of escaping on the pages)."""
    return hostile_batch(api)
