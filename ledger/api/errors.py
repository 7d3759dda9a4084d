"""The one place where errors become HTTP responses: ``{"error": {code, message, details}}``."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ledger.api.limits import body_cut_off, too_large_body
from ledger.api.schemas import ErrorResponse
from ledger.domain.errors import ErrorKind, LedgerError

LOG = logging.getLogger("ledger.api")
STATUS_BY_KIND = {
    ErrorKind.INVALID: 422,
    ErrorKind.UNKNOWN_REFERENCE: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.TOO_MANY: 429,
    ErrorKind.TOO_LARGE: 413,
}
CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_attempts",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not JSON text (UTF-8)."},
    401: {"model": ErrorResponse, "description": "No token, or an unknown one."},
    403: {"model": ErrorResponse, "description": "Role or organisation not allowed."},
    404: {"model": ErrorResponse, "description": "Unknown id in the path."},
    409: {"model": ErrorResponse, "description": "The ledger's state does not allow it."},
    422: {"model": ErrorResponse, "description": "Invalid input or unknown reference."},
    429: {
        "model": ErrorResponse,
        "description": "Too many failed logins or token checks from this address (Retry-After).",
    },
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


async def ledger_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LedgerError)
    status = STATUS_BY_KIND[exc.kind]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 429:
        headers["Retry-After"] = str(exc.details.get("retry_after_seconds", 60))
    body = jsonable(error_body(exc.code, exc.message, exc.details))
    return JSONResponse(body, status_code=status, headers=headers)


CODE_BY_VALIDATION_TYPE = {"invalid_text": "invalid_text", "json_invalid": "invalid_json"}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if body_cut_off(request.scope):
        return JSONResponse(too_large_body(), status_code=413)
    errors = exc.errors()
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in errors
    ]
    first = problems[0] if problems else {"field": "", "problem": "invalid"}
    message = f"Invalid request: {first['field']}: {first['problem']}."
    code = CODE_BY_VALIDATION_TYPE.get(
        str(errors[0].get("type")) if errors else "", "invalid_input"
    )
    return JSONResponse(jsonable(error_body(code, message, {"errors": problems})), 422)


async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    """Whatever went wrong inside still answers the error model (and is logged in full)."""
    LOG.error("unexpected error", exc_info=exc)
    body = error_body("internal_error", "The ledger could not answer this request; it is logged.")
    return JSONResponse(body, status_code=500)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if body_cut_off(request.scope):
        return JSONResponse(too_large_body(), status_code=413)
    code = CODE_BY_STATUS.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not only one route's
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(
        jsonable(error_body(code, str(exc.detail))),
        status_code=exc.status_code,
        headers=headers,
    )


def allowed_methods(request: Request) -> list[str]:
    """The methods some route of the application answers at this path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        for method in getattr(route, "methods", None) or ():
            if route.matches({**request.scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    return sorted(methods)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def jsonable(value: Any) -> Any:
    """Details made writable as JSON: what a hostile request echoes (a lone surrogate, a key
    that is not text) is replaced, so the error itself can always be written."""
    if isinstance(value, dict):
        return {clean(str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return clean(str(value))


def clean(text: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", text[:1000])


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the JSON error model, in one place."""
    app.add_exception_handler(LedgerError, ledger_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
