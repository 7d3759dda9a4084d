"""Transports, suppliers and outlets' identities: checked before anything is written, a
registered carrier copied as it was, and events written before they existed still read."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from ledger.application.commands import (
    Actor,
    Collect,
    Correct,
    Dispatch,
    Outlet,
    Receive,
    UpdateOrganisation,
    Valorise,
    digest,
)
from ledger.application.ledger import Ledger
from ledger.domain.batch import Batch
from ledger.domain.errors import (
    InvalidInput,
    InvalidSiret,
    InvalidText,
    InvalidTransport,
    LedgerError,
    UnknownOrganisation,
)
from ledger.projections.runner import EventDecoder
from tests.territory import ADMIN, Territory, build_territory, collect, hours_ago

HAULIER = {
    "name": "Transports de l'Estuaire",
    "siret": "32145076900013",
    "address": "Rue du Port",
    "postal_code": "76330",
    "city": "Port-Jérôme-sur-Seine",
}
ADDED = {
    "Batch.Collected": ("supplier", "transport"),
    "Batch.Dispatched": ("transport",),
    "Batch.Valorised": ("outlet_details", "transport"),
    "Batch.Corrected": ("transport",),
}


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    return build_territory(ledger)


def dispatch(ledger: Ledger, world: Territory, bag: UUID, **fields: Any) -> None:
    cmd = Dispatch(world.sorting_centre, hours_ago(4), **fields)
    ledger.dispatch(world.actor("collector"), bag, cmd)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"transport": {"direct": True, "mode": "road"}}, InvalidTransport),
        ({"transport": {"receipt_number": "76-1", "receipt_exempt": True}}, InvalidTransport),
        ({"transport": {"mode": "truck"}}, InvalidTransport),
        ({"transport": {"carrier": HAULIER | {"siret": "32145076900014"}}}, InvalidSiret),
        ({"transport": {"carrier": HAULIER | {"country": "PL"}}}, InvalidInput),
        ({"transport": {"carrier": HAULIER | {"postal_code": "7633"}}}, InvalidInput),
        ({"transport": {"carrier": HAULIER | {"name": "Transports\u202e"}}}, InvalidText),
        ({"transport": {"carrier": {"vat_number": "7273019456"}}}, InvalidInput),
        ({"transport": {"carrier": {"fax": "02 35"}}}, InvalidInput),
        ({"transport": {"carrier_organisation_id": str(uuid4())}}, UnknownOrganisation),
        ({"carrier": "Autre", "transport": {"carrier": HAULIER}}, InvalidTransport),
    ],
)
def test_a_contradictory_or_malformed_transport_is_refused_and_writes_nothing(
    ledger: Ledger, world: Territory, fields: dict[str, Any], error: type[LedgerError]
) -> None:
    bag = collect(ledger, world, "12")
    position = ledger.event_log.max_position()

    with pytest.raises(error):
        dispatch(ledger, world, bag, **fields)

    assert ledger.event_log.max_position() == position
    assert ledger.batch(bag)["state"] == "held"


def test_a_registered_carrier_is_copied_into_the_dispatch_as_it_was(
    ledger: Ledger, world: Territory
) -> None:
    details = {"siret": "81276418100010", "address": "12 rue de la Gare", "postal_code": "76170"}
    ledger.update_organisation(ADMIN, world.collectors, UpdateOrganisation(details))
    bag = collect(ledger, world, "12")
    transport = {"mode": "road", "carrier_organisation_id": world.collectors}
    dispatch(ledger, world, bag, transport=transport | {"receipt_number": "76-2019-0032"})
    moved = {"address": "3 avenue du Port"}
    ledger.update_organisation(ADMIN, world.collectors, UpdateOrganisation(moved))

    dispatched = list(ledger.events.get(bag))[-1]

    assert isinstance(dispatched, Batch.Dispatched)
    assert dispatched.carrier == "Collectif des collecteurs"
    assert dispatched.transport == {
        "mode": "road",
        "carrier_organisation_id": str(world.collectors),
        "carrier": {"name": "Collectif des collecteurs", "country": "FR", **details},
        "receipt_number": "76-2019-0032",
    }


def test_only_a_valorisation_at_an_outlet_elsewhere_travels(
    ledger: Ledger, world: Territory
) -> None:
    fraying = Collect("textile.recycling.fraying", Decimal(12), world.sorting_centre, hours_ago(3))
    bag = UUID(ledger.collect(Actor(world.workshop, "collector", "tok-workshop"), fraying).ref.id)
    ledger.dispatch(world.actor("sorter"), bag, Dispatch(world.mill_site, hours_ago(3)))
    ledger.receive(world.actor("mill"), bag, Receive(hours_ago(3)))
    here = Valorise("recycling", hours_ago(2), transport={"mode": "road"})

    with pytest.raises(InvalidTransport):
        ledger.valorise(world.actor("mill"), bag, here)


def stored_as_first_written(ledger: Ledger, event: Any) -> Any:
    """The stored event as its class's first version wrote it."""
    stored = ledger.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    for name in (*ADDED[type(event).__qualname__], "class_version"):
        state.pop(name, None)
    old = json.dumps(state, separators=(",", ":")).encode()
    return type(stored)(stored.originator_id, stored.originator_version, stored.topic, old)


def test_movements_written_before_transports_were_recorded_still_read(
    ledger: Ledger, world: Territory
) -> None:
    supplier = {"name": "Ferme du Clos", "siret": "42361890900018"}
    cmd = Collect(
        "textile.reuse.cream", Decimal(30), world.sorting_centre, hours_ago(5), supplier=supplier
    )
    bag = UUID(ledger.collect(Actor(world.workshop, "collector", "tok-workshop"), cmd).ref.id)
    outlet = Outlet("Friperie", "PL", vat_number="PL7251846034")
    ledger.valorise(world.actor("sorter"), bag, Valorise("reuse", hours_ago(1), outlet=outlet))
    ledger.correct(world.actor("sorter"), bag, Correct(1, "Pesée relue", mass_kg=Decimal(29)))
    events = list(ledger.events.get(bag))
    assert [type(e).__name__ for e in events] == ["Collected", "Valorised", "Corrected"]
    assert events[0].supplier == supplier | {"country": "FR"}
    assert events[1].outlet_details == {"vat_number": "PL7251846034", "country": "PL"}
    decoder = EventDecoder(ledger.mapper, UUID)

    for event in events:
        stored = stored_as_first_written(ledger, event)
        for decoded in (
            ledger.mapper.to_domain_event(stored),
            decoder.decode(
                stored.originator_id, stored.originator_version, stored.topic, stored.state
            ),
        ):
            added = ADDED[type(event).__qualname__]
            assert all(getattr(decoded, name) is None for name in added)
            assert vars(decoded) | {name: getattr(event, name) for name in added} == vars(event)


def old_digest(op: str, target: UUID | None, body: dict[str, Any]) -> str:
    text = json.dumps([op, str(target) if target else None, body], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_movement_repeated_across_the_upgrade_is_the_same_request() -> None:
    site, when, bag = uuid4(), hours_ago(1), uuid4()
    plain = Dispatch(site, when, "Collectif", Decimal("12.4"))
    body = {"to_site_id": str(site), "occurred_at": when.isoformat(), "carrier": "Collectif"}
    assert digest("dispatch", plain, bag) == old_digest(
        "dispatch", bag, body | {"distance_km": "12.4"}
    )
    with_transport = Dispatch(site, when, "Collectif", Decimal("12.4"), {"mode": "road"})
    assert digest("dispatch", with_transport, bag) != digest("dispatch", plain, bag)
    outlet = Outlet("Friperie", "PL")
    assert digest("valorise", Valorise("reuse", when, outlet=outlet), bag) == old_digest(
        "valorise",
        bag,
        {
            "route": "reuse",
            "occurred_at": when.isoformat(),
            "mass_kg": None,
            "outlet_site_id": None,
            "outlet": {"name": "Friperie", "country": "PL"},
            "certificate_ref": None,
        },
    )
