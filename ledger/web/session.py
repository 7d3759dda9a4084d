"""Page sessions: log in with a token once, then a signed, HttpOnly session cookie.

The cookie holds the token's hash (never the token), a random session id and an expiry, signed
with HMAC-SHA256 under the ledger's signing key. Each request re-reads the token, so a revoked
token ends its sessions; logging out records the session as ended on the server, so a copy of
the cookie opens nothing afterwards. A cookie authenticates writes only with the
``X-Ledger-Client`` header (the phone pages' scripts) or a form's CSRF token (the desk pages),
which a cross-site form cannot send: with ``SameSite=Lax`` a second guard.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError
from fastapi import Request, Response

from ledger.application.commands import Actor
from ledger.application.core import UnitOfWork
from ledger.application.handlers.registry import token_hash
from ledger.application.ledger import Ledger
from ledger.domain.indexes import EndedSession
from ledger.domain.registry import SYSTEM_ORGANISATION_ID, Token

COOKIE = "ledger_session"
CLIENT_HEADER = "X-Ledger-Client"
LIFETIME_SECONDS = 60 * 24 * 3600  # a field season's stretch without typing the token again
_CONTEXT = b"filiere-ledger/session/v2\x00"
_CSRF_CONTEXT = b"filiere-ledger/csrf/v1\x00"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACTOR_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Session:
    """What a genuine cookie says: whose token, which session."""

    token_hash: str
    session_id: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.session_id.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str, key: bytes, context: bytes = _CONTEXT) -> str:
    return _b64(hmac.new(key, context + payload.encode(), hashlib.sha256).digest())


def seal(hashed_token: str, key: bytes, now: float | None = None, session_id: str = "") -> str:
    """The cookie value for a new session of the token with this hash."""
    expires = int((now if now is not None else time.time()) + LIFETIME_SECONDS)
    sid = session_id or secrets.token_urlsafe(18)
    payload = _b64(json.dumps({"h": hashed_token, "s": sid, "e": expires}).encode())
    return f"{payload}.{_mac(payload, key)}"


def unseal(value: str, key: bytes, now: float | None = None) -> Session | None:
    """The session of a genuine, unexpired cookie, else None."""
    payload, _, mac = value.partition(".")
    if not payload or not hmac.compare_digest(mac.encode(), _mac(payload, key).encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
        hashed, sid, expires = str(data["h"]), str(data["s"]), int(data["e"])
    except (ValueError, KeyError, TypeError):
        return None
    if expires <= (now if now is not None else time.time()):
        return None
    return Session(hashed, sid)


def actor_for_hash(ledger: Ledger, hashed: str) -> Actor | None:
    """The actor of a token known by its hash, unless the token is unknown or revoked.

    Kept for 5 s, as bearer tokens are (``Queries.authenticate``): a scan must answer fast, and a
    token revoked by another process is refused here 5 s later at most (at once in this one).
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


def request_session(request: Request, ledger: Ledger) -> Session | None:
    """The request's session, if its cookie is genuine, unexpired and not ended."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    session = unseal(value, ledger.settings.signing_key())
    if session is None or UnitOfWork(ledger).exists(EndedSession.create_id(session.digest)):
        return None
    return session


def session_actor(request: Request, ledger: Ledger, form_checked: bool = False) -> Actor | None:
    """The actor of the request's session cookie, if it has a valid one (writes need the
    pages' header, or a form whose CSRF token was checked)."""
    if (
        request.method not in SAFE_METHODS
        and not form_checked
        and CLIENT_HEADER.lower() not in request.headers
    ):
        return None
    session = request_session(request, ledger)
    return None if session is None else actor_for_hash(ledger, session.token_hash)


def csrf_token(request: Request, ledger: Ledger) -> str:
    """The token a desk page's forms carry: bound to the session, so another site cannot make
    one."""
    value = request.cookies.get(COOKIE, "")
    return _mac(value.partition(".")[2], ledger.settings.signing_key(), _CSRF_CONTEXT)


def csrf_ok(request: Request, ledger: Ledger, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), csrf_token(request, ledger).encode())


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


def end_session(request: Request, response: Response, ledger: Ledger) -> None:
    """End the request's session on the server and forget its cookie."""
    session = request_session(request, ledger)
    if session is not None:
        actor = actor_for_hash(ledger, session.token_hash)
        ended = EndedSession.end(session.digest, actor.token_id if actor else "")
        with contextlib.suppress(IntegrityError):  # ended at the same moment by another tab
            ledger.save(ended)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
