"""The one place where errors become HTTP responses: ``{"error": {code, message, details}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger.api.schemas import ErrorResponse
from ledger.domain.errors import ErrorKind, LedgerError

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
    body = error_body(exc.code, exc.message, jsonable(exc.details))
    return JSONResponse(body, status_code=status, headers=headers)


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"field": "", "problem": "invalid"}
    message = f"Invalid request: {first['field']}: {first['problem']}."
    return JSONResponse(error_body("invalid_input", message, {"errors": problems}), 422)


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = CODE_BY_STATUS.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the JSON error model, in one place."""
    app.add_exception_handler(LedgerError, ledger_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
