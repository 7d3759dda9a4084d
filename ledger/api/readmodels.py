"""The views in the API process: started with the app, closed with it, and read-your-writes.

A phone that just recorded a collection and opens the stock page wants to see it: a write sent
with ``Ledger-Wait-For-Views: true`` answers only once every view has applied it (or after 5 s),
and says which position the views reached in ``Ledger-Views-Position``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from ledger.api.routers._respond import POSITION_HEADER
from ledger.projections.service import Views

WAIT_HEADER = "Ledger-Wait-For-Views"
VIEWS_POSITION_HEADER = "Ledger-Views-Position"


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
            await run_in_threadpool(views.wait_for, int(position))
            response.headers[VIEWS_POSITION_HEADER] = str(views.position())
        return response


@asynccontextmanager
async def views_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the embedded projection runner with the app, stop it with the app."""
    app.state.views.start()
    try:
        yield
    finally:
        app.state.views.close()
