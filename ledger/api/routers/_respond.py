"""Turning a command's outcome into the response the first request got."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

from ledger.application.commands import Outcome

POSITION_HEADER = "Ledger-Position"  # where the write landed in the event log


def respond(outcome: Outcome, render: Callable[[Outcome], dict[str, Any]]) -> JSONResponse:
    """The same status and body for the first request and its idempotent repeats."""
    headers = {"Idempotent-Replay": "true"} if outcome.duplicate else {}
    if outcome.position is not None:
        headers[POSITION_HEADER] = str(outcome.position)
    return JSONResponse(render(outcome), status_code=outcome.status, headers=headers)


def listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Lists answer ``{data, count}``."""
    return {"data": items, "count": len(items)}
