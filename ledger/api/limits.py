"""Request bodies of at most 1 MiB (DESIGN §4.4): bulk data goes through ``ledger import``.

A declared ``Content-Length`` over the limit is answered at once. A body sent in chunks is cut
off as it streams in, when it passes the limit: the application then sees the body end there,
and the error handlers, told by the request's scope, answer 413 rather than a parse error.
Both answers are in the error model.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
MESSAGE = "A request body holds at most 1 MiB; import bulk data with `ledger import`."
CUT_OFF = "ledger.body_cut_off"  # set in a request's scope when its body was cut off


def body_cut_off(scope: Scope) -> bool:
    return bool(scope.get(CUT_OFF))


class BodyLimit:
    """Bodies over ``limit`` bytes are refused with 413 and the error model."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await send_too_large(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if scope.get(CUT_OFF):
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    scope[CUT_OFF] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        await self.app(scope, limited, send)


def too_large_body() -> dict[str, Any]:
    return {
        "error": {
            "code": "payload_too_large",
            "message": MESSAGE,
            "details": {"limit_bytes": MAX_BODY_BYTES},
        }
    }


async def send_too_large(send: Send) -> None:
    body = json.dumps(too_large_body()).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
