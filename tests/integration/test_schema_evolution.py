"""Ledgers written before a change of an event's fields still read, and a request repeated across
the upgrade is still the same request (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.application.commands import (
    IssueToken,
    RegisterOrganisation,
    RegisterSite,
    digest,
)
from ledger.application.ledger import Ledger
from ledger.domain.registry import SYSTEM_ORGANISATION_ID, Organisation, Site, Token
from ledger.projections.runner import EventDecoder
from tests.territory import ADMIN, LILLEBONNE

UPCAST_DEFAULTS: dict[str, Any] = {"country": "FR", "label": "", "accepts_filieres": []}
ADDED = {
    "Organisation.Registered": ("vat_number", "address", "postal_code", "city", "country"),
    "Site.Registered": ("address", "postal_code", "city", "accepts_filieres"),
    "Token.Issued": ("label",),
}


def as_first_written(stored: StoredEvent, added: tuple[str, ...]) -> StoredEvent:
    """The stored event as the first version of its class wrote it: no added fields, no
    ``class_version``."""
    state = json.loads(stored.state)
    for name in (*added, "class_version"):
        state.pop(name, None)
    old = json.dumps(state, separators=(",", ":")).encode()
    return StoredEvent(stored.originator_id, stored.originator_version, stored.topic, old)


def first_events(ledger: Ledger) -> list[Any]:
    organisation = ledger.register_organisation(
        ADMIN, RegisterOrganisation(name="Collectif des bennes", kinds=["collector"])
    )
    owner = UUID(organisation.ref.id)
    site = ledger.register_site(
        ADMIN,
        RegisterSite(owner, "Conteneur de la mairie", "collection_point", commune_insee=LILLEBONNE),
    )
    token = ledger.issue_token(ADMIN, IssueToken(owner, "collector"))[0]
    return [
        next(iter(ledger.events.get(UUID(ref.id))))
        for ref in (organisation.ref, site.ref, token.ref)
    ]


def test_registrations_written_before_addresses_still_read(ledger: Ledger) -> None:
    decoder = EventDecoder(ledger.mapper, UUID)
    for event in first_events(ledger):
        name = type(event).__qualname__
        stored = as_first_written(ledger.mapper.to_stored_event(event), ADDED[name])
        for decoded in (
            ledger.mapper.to_domain_event(stored),
            decoder.decode(
                stored.originator_id, stored.originator_version, stored.topic, stored.state
            ),
        ):
            assert type(decoded) is type(event)
            for field in ADDED[name]:
                assert getattr(decoded, field) == UPCAST_DEFAULTS.get(field)
            old = vars(decoded) | {f: getattr(event, f) for f in ADDED[name]}
            assert old == vars(event)


def test_an_aggregate_rebuilt_from_first_written_events_has_every_field(ledger: Ledger) -> None:
    organisation, site, token = first_events(ledger)
    rebuilt = [
        ledger.mapper.to_domain_event(
            as_first_written(ledger.mapper.to_stored_event(e), ADDED[type(e).__qualname__])
        ).mutate(None)
        for e in (organisation, site, token)
    ]
    assert isinstance(rebuilt[0], Organisation)
    assert (rebuilt[0].country, rebuilt[0].address) == ("FR", None)
    assert isinstance(rebuilt[1], Site)
    assert rebuilt[1].accepts("textile")
    assert isinstance(rebuilt[2], Token)
    assert rebuilt[2].label == ""


def old_digest(op: str, body: dict[str, Any]) -> str:
    """How the first release digested a request (every field of the command)."""
    text = json.dumps([op, None, body], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_request_repeated_across_the_upgrade_is_the_same_request() -> None:
    organisation = RegisterOrganisation(name="Tri Caux", kinds=["sorter"])
    assert digest("organisation", organisation) == old_digest(
        "organisation", {"name": "Tri Caux", "kinds": ["sorter"], "siret": None, "id": None}
    )
    token = IssueToken(SYSTEM_ORGANISATION_ID, "auditor")
    assert digest("token", token) == old_digest(
        "token", {"organisation_id": str(SYSTEM_ORGANISATION_ID), "role": "auditor"}
    )
    with_address = RegisterOrganisation(name="Tri Caux", kinds=["sorter"], city="Bolbec")
    assert digest("organisation", with_address) != digest("organisation", organisation)
