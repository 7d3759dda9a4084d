"""The views in the API process: started with the app, closed with it, and read-your-writes.

A phone that just recorded a collection and opens the stock page wants to see it: a write sent
with ``Ledger-Wait-For-Views: true`` answers only once every view has applied it (or after 5 s),
and says which position the views reached in ``Ledger-Views-Position``; when they do not hold it
yet (slow, or a view stopped on an event), ``Ledger-Views-Behind`` names the views behind.

Every report (stock, indicators, statements, metabolism, exports) says in ``Ledger-Chain-Head``
the head digest of the hash chain over the event log when it was read, so a figure kept from
it can later be checked against the log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from ledger.api.routers._respond import POSITION_HEADER
from ledger.audit.chain import chain_head
from ledger.projections.service import Views

WAIT_HEADER = "Ledger-Wait-For-Views"
VIEWS_POSITION_HEADER = "Ledger-Views-Position"
VIEWS_BEHIND_HEADER = "Ledger-Views-Behind"
CHAIN_HEAD_HEADER = "Ledger-Chain-Head"
REPORTS = tuple(
    "/api/v1/" + path
    for path in ("stock", "indicators/", "reports/", "metabolism", "export/", "territories/")
)


def install_views(app: FastAPI) -> None:
    """Attach the views to the app; embedded mode runs the projection runner in a thread."""
    settings = app.state.settings
    app.state.views = Views(app.state.ledger, embedded=settings.projections == "embedded")

    @app.middleware("http")
    async def read_your_writes(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        position = response.headers.get(POSITION_HEADER)
        if position and request.headers.get(WAIT_HEADER, "").lower() in ("1", "true", "yes"):
            views: Views = app.state.views
            caught_up = await run_in_threadpool(views.wait_for, int(position))
            response.headers[VIEWS_POSITION_HEADER] = str(views.position())
            if not caught_up:  # the write is kept; the figures do not hold it yet
                response.headers[VIEWS_BEHIND_HEADER] = behind(views, int(position))
        return response

    @app.middleware("http")
    async def chain_head_on_reports(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        path, ok = request.url.path, request.method == "GET" and response.status_code == 200
        if ok and path.startswith(REPORTS):
            views: Views = app.state.views
            head = await run_in_threadpool(lambda: chain_head(views.db))
            if head is not None:
                response.headers[CHAIN_HEAD_HEADER] = head
        return response


def behind(views: Views, position: int) -> str:
    """Which views do not hold the write yet: ``batches (stopped at 1234), work``."""
    failing = views.failures()
    names = []
    for name, at in sorted(views.positions().items()):
        if at < position:
            names.append(
                f"{name} (stopped at {failing[name].position})" if name in failing else name
            )
    return ", ".join(names) or "none"


@asynccontextmanager
async def views_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the embedded projection runner with the app, stop it with the app."""
    app.state.views.start()
    try:
        yield
    finally:
        app.state.views.close()
