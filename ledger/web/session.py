"""Phone sessions: log in with a token once, then a signed, HttpOnly session cookie.

The cookie holds the token's hash (never the token) and an expiry, signed with HMAC-SHA256 under
the ledger's signing key. Each request re-reads the token, so a revoked token ends its sessions.
A cookie authenticates writes only with the ``X-Ledger-Client`` header, which a cross-site form
cannot send: with ``SameSite=Lax`` this is a second guard against cross-site requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from fastapi import Request, Response

from ledger.application.commands import Actor
from ledger.application.core import UnitOfWork
from ledger.application.handlers.registry import token_hash
from ledger.application.ledger import Ledger
from ledger.domain.registry import SYSTEM_ORGANISATION_ID, Token

COOKIE = "ledger_session"
CLIENT_HEADER = "X-Ledger-Client"
LIFETIME_SECONDS = 60 * 24 * 3600  # a field season's stretch without typing the token again
_CONTEXT = b"filiere-ledger/session/v1\x00"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACTOR_CACHE_SECONDS = 30.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, _CONTEXT + payload.encode(), hashlib.sha256).digest())


def seal(hashed_token: str, key: bytes, now: float | None = None) -> str:
    """The cookie value for a session of the token with this hash."""
    expires = int((now if now is not None else time.time()) + LIFETIME_SECONDS)
    payload = _b64(json.dumps({"h": hashed_token, "e": expires}).encode())
    return f"{payload}.{_mac(payload, key)}"


def unseal(value: str, key: bytes, now: float | None = None) -> str | None:
    """The token hash of a genuine, unexpired cookie, else None."""
    payload, _, mac = value.partition(".")
    if not payload or not hmac.compare_digest(mac.encode(), _mac(payload, key).encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
        hashed, expires = str(data["h"]), int(data["e"])
    except (ValueError, KeyError, TypeError):
        return None
    return hashed if expires > (now if now is not None else time.time()) else None


def actor_for_hash(ledger: Ledger, hashed: str) -> Actor | None:
    """The actor of a token known by its hash, unless the token is unknown or revoked.

    Kept for 30 s, as bearer tokens are (``Queries.authenticate``): a scan must answer fast.
    """
    bootstrap = ledger.settings.bootstrap_admin_token
    if bootstrap and hmac.compare_digest(hashed.encode(), token_hash(bootstrap).encode()):
        return Actor(SYSTEM_ORGANISATION_ID, "admin", "bootstrap")
    cache: dict[str, tuple[float, Actor]] = ledger.__dict__.setdefault("_session_actors", {})
    cached = cache.get(hashed)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    token = UnitOfWork(ledger).get(Token.id_for_hash(hashed), Token)
    if token is None or token.revoked:
        return None
    actor = Actor(token.owner_id, token.role, token.public_id)
    cache[hashed] = (time.monotonic() + ACTOR_CACHE_SECONDS, actor)
    return actor


def session_actor(request: Request, ledger: Ledger) -> Actor | None:
    """The actor of the request's session cookie, if it has a valid one."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    if request.method not in SAFE_METHODS and CLIENT_HEADER.lower() not in request.headers:
        return None
    hashed = unseal(value, ledger.settings.signing_key())
    return None if hashed is None else actor_for_hash(ledger, hashed)


def open_session(response: Response, request: Request, ledger: Ledger, token: str) -> None:
    """Set the session cookie for a token that was just checked."""
    response.set_cookie(
        COOKIE,
        seal(token_hash(token), ledger.settings.signing_key()),
        max_age=LIFETIME_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def close_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
