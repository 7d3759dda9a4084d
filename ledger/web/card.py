"""What a phone shows for a scanned label: is it genuine, which batch carries it, what happened.

The card is plain data; the page's script renders it and decides which actions to offer (it must
do so offline too, from what it queued). The ledger still checks every command it receives.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import labels
from ledger.application.commands import Actor
from ledger.application.core import UnitOfWork
from ledger.application.handlers.labels import normalise_label_code
from ledger.application.ledger import Ledger
from ledger.application.queries import recorded_at
from ledger.application.representations import event_payload, iso
from ledger.domain.errors import InvalidLabelCode, LabelNotFound
from ledger.domain.registry import FIELD_ROLES

LAST_EVENTS = 5


def signature_verdict(code: str, signature: str | None, key: bytes) -> str:
    """``valid``, ``invalid`` (forged or damaged label) or ``absent`` (code typed by hand)."""
    if signature is None:
        return "absent"
    return "valid" if labels.verify_signature(code, signature, key) else "invalid"


def label_card(
    ledger: Ledger, raw_code: str, signature: str | None, actor: Actor | None
) -> dict[str, Any]:
    """The card of a scanned or typed code, for this actor (or for someone not logged in)."""
    try:
        code = normalise_label_code(raw_code)
    except InvalidLabelCode as error:
        return {"code": raw_code, "valid": False, "problem": "invalid_code", "message": str(error)}
    card: dict[str, Any] = {
        "code": code,
        "valid": True,
        "signature": signature_verdict(code, signature, ledger.settings.signing_key()),
        "authenticated": actor is not None,
    }
    if actor is None:
        return card
    try:
        card["label"] = ledger.label_status(code)
    except LabelNotFound:
        card["label"] = {"code": code, "batch_id": None, "allocated": False, "known": False}
        return card
    card["label"]["known"] = True
    batch_id = card["label"]["batch_id"]
    if batch_id is not None:
        card["batch"] = batch_summary(ledger, UUID(batch_id))
        card["events"] = last_events(ledger, UUID(batch_id))
        card["may_correct"] = may_correct(card["batch"], actor)
    return card


def may_correct(batch: dict[str, Any], actor: Actor) -> bool:
    """Whether the card offers the correction page (the ledger checks again there): field
    roles and supervisors of the organisation holding the batch, or receiving it."""
    if actor.is_admin:
        return True
    if actor.role not in (*FIELD_ROLES, "supervisor") and not actor.is_organisation_admin:
        return False
    mine = {batch["holder_id"]}
    if batch["state"] == "in_transit":
        mine.add(batch["destination_site_organisation_id"])
    return str(actor.organisation_id) in mine


def batch_summary(ledger: Ledger, batch_id: UUID) -> dict[str, Any]:
    """The batch with the names a person reads: material, site, holder, destination."""
    batch = ledger.batch(batch_id)
    material = ledger.material(batch["material"])
    batch["material_name_fr"] = material.name_fr or material.code
    batch["material_name_en"] = material.name_en or material.code
    batch["material_route"] = material.route
    uow = UnitOfWork(ledger)
    for field in ("site_id", "destination_site_id"):
        site = ledger.site(uow, UUID(batch[field])) if batch[field] else None
        name = field.removesuffix("_id")
        batch[f"{name}_name"] = site.name if site else None
        batch[f"{name}_organisation_id"] = str(site.owner_id) if site else None
    holder = batch["holder_id"]
    batch["holder_name"] = ledger.organisation(uow, UUID(holder)).name if holder else None
    return batch


def last_events(ledger: Ledger, batch_id: UUID) -> list[dict[str, Any]]:
    """The batch's last events, newest first, read in one query (a scan must answer fast)."""
    return [
        {
            "seq": event.originator_version,
            "type": type(event).__name__,
            "occurred_at": iso(getattr(event, "occurred_at", None)),
            "recorded_at": iso(recorded_at(event)),
            "mass_kg": event_payload(event).get("mass_kg"),
        }
        for event in ledger.events.get(batch_id, desc=True, limit=LAST_EVENTS)
    ]
