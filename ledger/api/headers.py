"""Security headers on every answer: what a browser may load and who may frame the ledger.

Every page loads only what the ledger serves itself (``default-src 'self'``), may not be framed
(``frame-ancestors 'none'``), and sends no address to other sites. Inline styles stay allowed: the
ledger's SVG charts colour their shapes with ``style`` attributes, and a style cannot run code;
inline scripts are not allowed anywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self' 'unsafe-inline'",
        "media-src 'self' blob:",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def page_headers(extra_image_sources: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers of an HTML answer (a map's tile server may add its origin for images)."""
    policy = CONTENT_SECURITY_POLICY
    if extra_image_sources:
        policy = policy.replace("img-src 'self'", "img-src 'self' " + " ".join(extra_image_sources))
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY"}


def install_security_headers(app: FastAPI, extra_image_sources: tuple[str, ...] = ()) -> None:
    html_headers = page_headers(extra_image_sources)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in ALWAYS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("content-type", "").startswith("text/html"):
            for name, value in html_headers.items():
                response.headers[name] = value
        return response
