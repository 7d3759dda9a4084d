"""Who reads a desk page, in which language, and how the page answers: rendered, refused, or sent
to the sign-in page.

A page's endpoint takes ``desk: DeskDep`` and returns ``desk.render("x.html", …)``. Endpoints of a
router made with ``desk_router()`` never answer raw JSON: a refusal of the ledger (unknown id,
role not allowed, a rule broken…), a malformed id in the address or a missing session becomes a
page in the reader's language, with the ledger's error code and a translated message.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote
from uuid import uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials

from ledger.api.deps import bearer, get_ledger, identify
from ledger.api.errors import STATUS_BY_KIND
from ledger.application.commands import Actor, Idempotency
from ledger.application.ledger import Ledger
from ledger.domain.errors import LedgerError, RoleNotAllowed, Unauthenticated
from ledger.web.desk import i18n
from ledger.web.desk.nav import links_for
from ledger.web.desk.templating import render_template
from ledger.web.session import SAFE_METHODS, csrf_ok, csrf_token

PRIVATE = {"Cache-Control": "no-store"}


class SignInRequired(Exception):
    """The page needs a signed-in reader."""


@dataclass
class Desk:
    """The reader of a desk page and the page's language."""

    request: Request
    ledger: Ledger
    actor: Actor | None
    lang: str
    notices: list[str] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    form_expired: bool = False

    # -- words -----------------------------------------------------------------------------

    def t(self, key: str, **params: object) -> str:
        return i18n.translate(self.lang, key, **params)

    def error_text(self, error: LedgerError) -> str:
        """A refusal in the reader's language: the ledger's own sentence in English (it names
        what was refused), the code's words in French."""
        key = f"error.{error.code}"
        return self.t(key) if self.lang != "en" and i18n.has(key) else error.message

    # -- who -------------------------------------------------------------------------------

    @property
    def signed_in(self) -> Actor:
        """The reader, or the sign-in page."""
        if self.actor is None:
            raise SignInRequired
        return self.actor

    def require(self, *roles: str) -> Actor:
        """The reader if their role may use this page (admins may use every page)."""
        actor = self.signed_in
        if actor.role in roles or actor.role == "admin":
            return actor
        raise RoleNotAllowed(
            f"The {actor.role} role cannot use this page.", role=actor.role, allowed=list(roles)
        )

    def organisation_name(self) -> str:
        if self.actor is None:
            return ""
        try:
            return str(self.ledger.organisation_json(self.actor.organisation_id)["name"])
        except LedgerError:
            return ""

    # -- forms -----------------------------------------------------------------------------

    def csrf(self) -> str:
        return csrf_token(self.request, self.ledger)

    def writer(self) -> Actor:
        """The writer of a posted form: a session whose CSRF token the form carried (or a
        bearer token), and not an auditor. A form posted without its token has no writer."""
        if self.form_expired:
            raise Unauthenticated("This form has expired: open the page again and resubmit.")
        if self.actor is None:
            raise SignInRequired
        if self.actor.role == "auditor":
            raise RoleNotAllowed("Auditors read everything and write nothing.", role="auditor")
        return self.actor

    def value(self, name: str) -> str:
        """A field of the posted form, as text ('' when absent)."""
        value = self.form.get(name, "")
        return value if isinstance(value, str) else ""

    def idempotency(self) -> Idempotency | None:
        """The form's own idempotency key: sending the same form twice writes once."""
        key = self.value("idempotency_key")[:200]
        if not key or self.actor is None:
            return None
        return Idempotency(key, self.actor.organisation_id)

    # -- answers ---------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The page, in the layout, with who reads it and a fresh key for its forms."""
        values = {
            "desk": self,
            "t": self.t,
            "lang": self.lang,
            "actor": self.actor,
            "organisation_name": self.organisation_name(),
            "nav": links_for(self.actor),
            "path": self.request.url.path,
            "query": str(self.request.url.query),
            "csrf": self.csrf() if self.actor is not None else "",
            "form_key": str(uuid4()),
            "notices": self.notices,
            "other_lang": self.other_language,
            "lang_switch": self.language_switch(),
            **context,
        }
        response = HTMLResponse(render_template(template, values), status, headers=PRIVATE)
        self.keep_language(response)
        return response

    def redirect(self, path: str, notice: str | None = None) -> RedirectResponse:
        """After a form was accepted: back to a page (a reload does not send it again)."""
        target = path + (
            ("&" if "?" in path else "?") + "notice=" + quote(notice) if notice else ""
        )
        return RedirectResponse(target, status_code=303, headers=PRIVATE)

    def refusal(self, error: LedgerError) -> HTMLResponse:
        status = STATUS_BY_KIND[error.kind]
        return self.render(
            "error.html", status=status, code=error.code, message=self.error_text(error)
        )

    @property
    def other_language(self) -> str:
        return "en" if self.lang == "fr" else "fr"

    def language_switch(self) -> str:
        """This page in the other language."""
        url = self.request.url.remove_query_params("notice")
        return f"{url.path}?{url.include_query_params(lang=self.other_language).query}"

    def keep_language(self, response: Response) -> None:
        if self.request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(
                i18n.LANGUAGE_COOKIE, self.lang, max_age=365 * 86400, samesite="lax", path="/"
            )


async def desk_context(
    request: Request,
    ledger: Annotated[Ledger, Depends(get_ledger)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Desk:
    """The desk of the request: its reader (None when signed out), language and posted form.

    A form posted with the session cookie counts as the reader's only with the CSRF token the
    page put in it; without, it has no writer (``Desk.writer`` refuses it)."""
    lang = i18n.choose_language(request)
    form: dict[str, Any] = {}
    checked = request.method in SAFE_METHODS
    if not checked and "form" in request.headers.get("content-type", ""):
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        checked = csrf_ok(request, ledger, str(form.get("csrf", "")))
    try:
        actor = identify(request, ledger, credentials, form_checked=checked)
    except Unauthenticated:
        actor = None
    bearer_used = credentials is not None and bool(credentials.credentials)
    desk = Desk(request, ledger, actor, lang, form=form)
    desk.form_expired = not checked and not bearer_used
    notice = request.query_params.get("notice")
    if notice and i18n.has(notice):
        desk.notices.append(desk.t(notice))
    request.state.desk = desk
    return desk


DeskDep = Annotated[Desk, Depends(desk_context)]


class DeskRoute(APIRoute):
    """A page route: errors become pages, a missing session the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            except LedgerError as error:
                return page_desk(request).refusal(error)
            except RequestValidationError:
                desk = page_desk(request)
                return desk.render(
                    "error.html", status=404, code="not_found", message=desk.t("problem.not_found")
                )

        return handle


def page_desk(request: Request) -> Desk:
    """The desk the request already made, or a signed-out one (the error came first)."""
    found = getattr(request.state, "desk", None)
    if isinstance(found, Desk):
        return found
    ledger: Ledger = request.app.state.ledger
    return Desk(request, ledger, None, i18n.choose_language(request))


def desk_router() -> APIRouter:
    """A router of desk pages (kept out of the API's description)."""
    return APIRouter(route_class=DeskRoute, include_in_schema=False)
