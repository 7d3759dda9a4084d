"""The application factory: everything is wired here, nothing at import time."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ledger.api.errors import install_error_handlers
from ledger.api.headers import install_security_headers
from ledger.api.limits import BodyLimit
from ledger.api.readmodels import install_views, views_lifespan
from ledger.api.routers import (
    audit,
    batches,
    declarations,
    epcis,
    exports,
    indicators,
    labels,
    registry,
    subscriptions,
    system,
    territories,
    transformations,
)
from ledger.application.ledger import Ledger
from ledger.settings import Settings
from ledger.storage.database import prepare_database
from ledger.storage.keys import require_secret_key
from ledger.web.install import install_web

API_PREFIX = "/api/v1"
DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Filière ledger — API v1</title>
<link rel="stylesheet" href="/static/docs/swagger-ui.css">
<link rel="icon" href="/static/docs/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="/static/docs/swagger-ui-bundle.js"></script>
<script src="/static/web/desk/docs.js"></script></body></html>"""
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"  # Swagger UI 5, vendored
DESCRIPTION = """Event-sourced traceability ledger for the circular-economy chains of a territory:
used textiles, flax and energy wood. Every collection, weighing, sorting, transfer and valorisation
of a batch is an immutable event. Errors answer `{"error": {code, message, details}}`."""


def create_app(settings: Settings, ledger: Ledger | None = None) -> FastAPI:
    """Build the API and pages for these settings (or around an existing ledger)."""
    app = FastAPI(
        title="Filière ledger",
        version="1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=views_lifespan,
    )
    app.state.ledger = ledger if ledger is not None else open_ledger(settings)
    app.state.settings = app.state.ledger.settings  # with the ledger's signing key settled
    require_secret_key(app.state.settings)
    install_error_handlers(app)
    install_views(app)
    routers = (
        registry,
        batches,
        labels,
        transformations,
        indicators,
        declarations,
        audit,
        exports,
        subscriptions,
        epcis,
        system,
        territories,
    )
    for module in routers:
        app.include_router(module.router, prefix=API_PREFIX)
    install_web(app)
    install_docs(app)
    install_security_headers(app, tile_origins(settings))
    app.add_middleware(BodyLimit)
    return app


def install_docs(app: FastAPI) -> None:
    """OpenAPI docs with Swagger UI served by the ledger itself: phones and offices may have no
    internet access beyond the ledger, and no page may depend on a CDN."""
    app.mount("/static/docs", StaticFiles(directory=SWAGGER_ASSETS), name="docs-assets")

    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    app.add_api_route("/docs", docs, include_in_schema=False, response_class=HTMLResponse)


def tile_origins(settings: Settings) -> tuple[str, ...]:
    """The map's tile server, when one is configured, may serve the pages' images."""
    template = settings.map_tile_url.replace("{s}", "*")  # subdomains a, b, c…
    url = urlparse(template.replace("{", "").replace("}", ""))
    return (f"{url.scheme}://{url.netloc}",) if url.scheme in ("http", "https") else ()


def open_ledger(settings: Settings) -> Ledger:
    """The ledger application on the configured database (created if missing)."""
    prepare_database(settings)
    return Ledger(settings)
