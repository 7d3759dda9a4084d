"""The administration pages' hub (``/admin``) and what their forms share.

The ledger's administrators (an ``admin`` token of the system organisation) manage everything:
organisations, sites, the territory, tokens, the material catalogue and labels. An
organisation's admin manages its own organisation only: its details, sites, tokens and labels;
another organisation's pages are refused (403), as the ledger's commands refuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from fastapi.responses import HTMLResponse

from ledger.api.errors import STATUS_BY_KIND
from ledger.application.commands import Actor
from ledger.application.core import LedgerCore
from ledger.domain.errors import InvalidInput, LedgerError, RoleNotAllowed
from ledger.web.desk import i18n
from ledger.web.desk.context import Desk, DeskDep, desk_router

router = desk_router()


@dataclass(frozen=True)
class Section:
    path: str
    key: str  # words: "<key>" and "<key>.about"
    ledger_admins_only: bool = False


SECTIONS = (
    Section("/admin/organisations", "admin.organisations"),
    Section("/admin/tokens", "admin.tokens"),
    Section("/admin/labels", "admin.labels"),
    Section("/admin/materials", "admin.materials", ledger_admins_only=True),
    Section("/admin/territory", "admin.territory", ledger_admins_only=True),
)


def administrator(desk: Desk) -> Actor:
    """The reader, if an administrator (of the ledger or of their own organisation)."""
    return desk.require("admin")


def managed_organisation(actor: Actor, asked: str) -> UUID:
    """The organisation a page manages: the one asked for (if the reader administers it), else
    the reader's own."""
    try:
        chosen = UUID(asked) if asked else actor.organisation_id
    except ValueError:
        chosen = actor.organisation_id
    LedgerCore.require_admin_of(actor, chosen)
    return chosen


def ledger_administrator(desk: Desk) -> Actor:
    """The reader, if an administrator of the whole ledger."""
    actor = administrator(desk)
    if not actor.is_admin:
        raise RoleNotAllowed(
            "Only the ledger's administrators manage this.", role=actor.role, allowed=["admin"]
        )
    return actor


def refused(desk: Desk, template: str, error: LedgerError, **context: Any) -> HTMLResponse:
    """The form again, with what was typed and why it was refused, in the reader's language."""
    return desk.render(
        template,
        status=STATUS_BY_KIND[error.kind],
        error=desk.error_text(error),
        error_code=error.code,
        values=dict(desk.form),
        **context,
    )


def text_or_none(desk: Desk, name: str) -> str | None:
    """A typed field, trimmed; None when left blank."""
    value = desk.value(name).strip()
    return value or None


def decimal_or_none(desk: Desk, name: str) -> Decimal | None:
    """A typed number (a decimal comma or point); None when left blank."""
    text = desk.value(name).strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    try:
        if len(text) > 20:
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{name} must be a number.", field=name) from None
    if not value.is_finite():
        raise InvalidInput(f"{name} must be a number.", field=name)
    return value


def checked(desk: Desk, prefix: str, choices: tuple[str, ...] | list[str]) -> list[str]:
    """The boxes ticked among ``<prefix>.<choice>``, in the choices' order."""
    return [choice for choice in choices if desk.value(f"{prefix}.{choice}")]


def filiere_namer(desk: Desk) -> Callable[[str], str]:
    """A filière's name in the reader's language (a filière nobody named: its code)."""
    return lambda code: desk.t(f"filiere.{code}") if i18n.has(f"filiere.{code}") else code


def wait_for_views(desk: Desk) -> None:
    """Lists read from the views: let them catch up with every acknowledged write first."""
    desk.request.app.state.views.wait_for(desk.ledger.event_log.max_position())


@router.get("/admin", response_class=HTMLResponse)
def hub(desk: DeskDep) -> HTMLResponse:
    """What an administrator manages, one card per section."""
    actor = administrator(desk)
    sections = [s for s in SECTIONS if actor.is_admin or not s.ledger_admins_only]
    return desk.render("admin_hub.html", sections=sections)
