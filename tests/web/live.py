"""A real ledger server for the browser tests: uvicorn on a free loopback port, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from ledger.api import create_app
from ledger.settings import Settings
from tests.conftest import make_settings

ADMIN_TOKEN = "admin-secret-for-web-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """The API and pages served by uvicorn, as in production, on 127.0.0.1 only."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="ledger-web", daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ledger server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.ledger.close()


def web_settings(tmp_path: Path, port: int) -> Settings:
    return make_settings(
        "sqlite",
        tmp_path,
        bootstrap_admin_token=ADMIN_TOKEN,
        secret_key="web-test-secret-key",
        public_base_url=f"http://127.0.0.1:{port}",
    )


@dataclass
class Territory:
    """Caux Vallée de Seine in miniature, registered over HTTP, with a token per actor."""

    http: httpx.Client
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=lambda: {"admin": ADMIN_TOKEN})
    codes: list[str] = field(default_factory=list)

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        response = self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if "json" in response.headers.get("content-type", "") else response

    def post(self, who: str, path: str, body: dict[str, Any]) -> Any:
        return self.call(who, "POST", path, json=body)

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.call(who, "GET", path, params=params)

    def organisation(self, key: str, name: str, kinds: list[str]) -> None:
        self.ids[key] = self.post("admin", "/organisations", {"name": name, "kinds": kinds})["id"]

    def site(self, key: str, owner: str, name: str, kind: str, commune: str, *place: float) -> None:
        body: dict[str, Any] = {"organisation_id": self.ids[owner], "name": name, "kind": kind}
        body["commune_insee"] = commune
        if place:
            body["latitude"], body["longitude"] = place
        self.ids[key] = self.post("admin", "/sites", body)["id"]

    def token(self, who: str, owner: str, role: str) -> None:
        body = {"organisation_id": self.ids[owner], "role": role}
        self.tokens[who] = self.post("admin", "/tokens", body)["token"]


def build_territory(http: httpx.Client) -> Territory:
    """Collectors with three containers, an insertion sorting workshop, and 12 textile labels."""
    world = Territory(http)
    world.call(
        "admin",
        "PUT",
        "/territory",
        json={"name": "Caux Vallée de Seine", "communes_insee": ["76384", "76114", "76329"]},
    )
    world.organisation("collectors", "Collectif des collecteurs", ["collector", "transporter"])
    world.organisation("workshop", "Atelier d'insertion du tri", ["sorter"])
    world.site(
        "lillebonne",
        "collectors",
        "Conteneur Lillebonne – Mairie",
        "collection_point",
        "76384",
        49.5203,
        0.5375,
    )
    world.site(
        "bolbec",
        "collectors",
        "Conteneur Bolbec – Gare",
        "collection_point",
        "76114",
        49.5729,
        0.4727,
    )
    world.site(
        "gruchet",
        "collectors",
        "Conteneur Gruchet – Stade",
        "collection_point",
        "76329",
        49.5517,
        0.4942,
    )
    world.site(
        "sorting_centre",
        "workshop",
        "Atelier de tri de Bolbec",
        "sorting_centre",
        "76114",
        49.5790,
        0.4800,
    )
    world.token("collector", "collectors", "collector")
    world.token("colleague", "collectors", "collector")
    world.token("sorter", "workshop", "sorter")
    block = {"count": 12, "organisation_id": world.ids["collectors"], "filiere": "textile"}
    world.codes = world.post("admin", "/labels", block)["codes"]
    return world
