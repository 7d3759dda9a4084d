"""Every rule of the ledger refuses bad commands and writes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from ledger.application.commands import (
    Collect,
    Dispatch,
    Idempotency,
    Label,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.domain import errors
from tests.codes import CODES
from tests.territory import Territory, build_territory, collect, hours_ago


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    return build_territory(ledger)


def refused(ledger: Ledger, error: type[errors.LedgerError], act: Callable[[], Any]) -> Any:
    """Run a command that must fail with ``error`` and leave the event log untouched."""
    before = ledger.event_log.max_position()
    with pytest.raises(error) as caught:
        act()
    assert ledger.event_log.max_position() == before, "a refused command wrote events"
    return caught.value


def collection(world: Territory, mass_kg: str, **changes: Any) -> Collect:
    fields: dict[str, Any] = {
        "material": "textile.collected",
        "mass_kg": Decimal(mass_kg),
        "site_id": world.container_lillebonne,
        "occurred_at": hours_ago(2),
    }
    return Collect(**{**fields, **changes})


@pytest.mark.parametrize("mass_kg", ["0", "-3", "40000.001", "412.5001", "1e6"])
def test_collection_refuses_masses_out_of_range_or_too_precise(
    ledger: Ledger, world: Territory, mass_kg: str
) -> None:
    cmd = collection(world, mass_kg)
    refused(ledger, errors.InvalidMass, lambda: ledger.collect(world.actor("collector"), cmd))


def test_collection_stores_integer_grams(ledger: Ledger, world: Territory) -> None:
    batch_id = collect(ledger, world, "40000")
    batch = ledger.get_batch(batch_id)
    assert batch.mass_g == 40_000_000
    [event] = ledger.events.get(batch_id)
    assert type(getattr(event, "mass_g")) is int  # noqa: B009


def test_collection_refuses_a_naive_or_future_time(ledger: Ledger, world: Territory) -> None:
    collector = world.actor("collector")
    naive = collection(world, "10", occurred_at=datetime(2026, 9, 14, 8, 30))
    refused(ledger, errors.InvalidTime, lambda: ledger.collect(collector, naive))
    future = collection(world, "10", occurred_at=datetime.now(UTC) + timedelta(minutes=6))
    refused(ledger, errors.InvalidTime, lambda: ledger.collect(collector, future))
    soon = collection(world, "10", occurred_at=datetime.now(UTC) + timedelta(minutes=4))
    assert ledger.collect(collector, soon).status == 201


def test_unknown_material_site_and_organisation_are_refused(
    ledger: Ledger, world: Territory
) -> None:
    collector = world.actor("collector")
    cmd = collection(world, "10", material="textile.unknown")
    refused(ledger, errors.UnknownMaterial, lambda: ledger.collect(collector, cmd))
    cmd = collection(world, "10", site_id=uuid4())
    refused(ledger, errors.UnknownSite, lambda: ledger.collect(collector, cmd))
    from ledger.application.commands import RegisterSite
    from tests.territory import ADMIN

    site = RegisterSite(
        organisation_id=uuid4(), name="Nowhere", kind="warehouse", commune_insee="76384"
    )
    refused(ledger, errors.UnknownOrganisation, lambda: ledger.register_site(ADMIN, site))


def test_only_a_held_batch_can_be_dispatched(ledger: Ledger, world: Territory) -> None:
    bag = collect(ledger, world, "18.4")
    collector = world.actor("collector")
    ledger.dispatch(
        collector, bag, Dispatch(to_site_id=world.sorting_centre, occurred_at=hours_ago(1))
    )
    again = Dispatch(to_site_id=world.mill_site, occurred_at=hours_ago(0.5))
    refused(ledger, errors.BatchNotHeld, lambda: ledger.dispatch(collector, bag, again))


def test_only_an_in_transit_batch_is_received_and_only_at_its_destination(
    ledger: Ledger, world: Territory
) -> None:
    bag = collect(ledger, world, "18.4")
    sorter = world.actor("sorter")
    collector = world.actor("collector")
    refused(
        ledger,
        errors.BatchNotInTransit,
        lambda: ledger.receive(collector, bag, Receive(occurred_at=hours_ago(1))),
    )
    ledger.dispatch(
        collector, bag, Dispatch(to_site_id=world.sorting_centre, occurred_at=hours_ago(1))
    )
    elsewhere = Receive(occurred_at=hours_ago(0.5), site_id=world.mill_site)
    refused(ledger, errors.WrongDestination, lambda: ledger.receive(sorter, bag, elsewhere))
    mill = world.actor("mill")
    refused(
        ledger,
        errors.OrganisationNotAllowed,
        lambda: ledger.receive(mill, bag, Receive(occurred_at=hours_ago(0.5))),
    )
    ledger.receive(sorter, bag, Receive(occurred_at=hours_ago(0.5), mass_kg=Decimal("18.1")))
    batch = ledger.batch(bag)
    assert (batch["state"], batch["site_id"], batch["holder_id"]) == (
        "held",
        str(world.sorting_centre),
        str(world.workshop),
    )


def test_receipt_flags_a_weight_difference_over_two_percent(
    ledger: Ledger, world: Territory
) -> None:
    bag = collect(ledger, world, "100")
    ledger.dispatch(
        world.actor("collector"),
        bag,
        Dispatch(to_site_id=world.sorting_centre, occurred_at=hours_ago(1)),
    )
    ledger.receive(
        world.actor("sorter"), bag, Receive(occurred_at=hours_ago(0.5), mass_kg=Decimal("97.5"))
    )
    received = ledger.history(bag)[-1]
    assert received["type"] == "Received"
    assert received["payload"]["discrepancy_flagged"] is True
    assert received["payload"]["dispatched_mass_kg"] == 100.0
    assert ledger.batch(bag)["mass_kg"] == 97.5


def sort(
    world: Territory, inputs: list[Any], outputs: list[tuple[str, str]], **more: Any
) -> Transform:
    return Transform(
        process="sorting",
        site_id=world.sorting_centre,
        occurred_at=more.pop("occurred_at", hours_ago(0.25)),
        inputs=[TransformInput(batch_id=i) for i in inputs],
        outputs=[TransformOutput(material=m, mass_kg=Decimal(kg)) for m, kg in outputs],
        **more,
    )


def at_workshop(ledger: Ledger, world: Territory, mass_kg: str) -> Any:
    bag = collect(ledger, world, mass_kg)
    ledger.dispatch(
        world.actor("collector"),
        bag,
        Dispatch(to_site_id=world.sorting_centre, occurred_at=hours_ago(1)),
    )
    ledger.receive(world.actor("sorter"), bag, Receive(occurred_at=hours_ago(0.5)))
    return bag


def test_sorting_refuses_outputs_heavier_than_inputs(ledger: Ledger, world: Territory) -> None:
    bale = at_workshop(ledger, world, "412.5")
    cmd = sort(world, [bale], [("textile.reuse.cream", "300"), ("textile.csr", "130")])
    error = refused(
        ledger, errors.MassBalanceViolation, lambda: ledger.transform(world.actor("sorter"), cmd)
    )
    assert error.details["imbalance_kg"] == -17.5
    assert error.details["tolerance_kg"] == 8.25


def test_sorting_accepts_a_declared_loss_within_two_percent(
    ledger: Ledger, world: Territory
) -> None:
    bale = at_workshop(ledger, world, "412.5")
    cmd = sort(
        world,
        [bale],
        [("textile.reuse.cream", "150"), ("textile.recycling.fraying", "200")],
        loss_kg=Decimal("55"),
    )
    outcome = ledger.transform(world.actor("sorter"), cmd)
    transformation = ledger.transformation_json(__import__("uuid").UUID(outcome.ref.id))
    assert transformation["loss_kg"] == 62.5  # the real difference, not the declared one
    assert ledger.batch(bale)["state"] == "consumed"


def test_transformation_inputs_must_be_distinct_and_held_at_its_site(
    ledger: Ledger, world: Territory
) -> None:
    sorter = world.actor("sorter")
    bale = at_workshop(ledger, world, "100")
    twice = sort(world, [bale, bale], [("textile.csr", "200")])
    refused(ledger, errors.DuplicateInput, lambda: ledger.transform(sorter, twice))
    still_in_container = collect(ledger, world, "50")
    away = sort(world, [still_in_container], [("textile.csr", "50")])
    refused(ledger, errors.InputNotAtSite, lambda: ledger.transform(sorter, away))
    ghost = sort(world, [uuid4()], [("textile.csr", "50")])
    refused(ledger, errors.UnknownBatch, lambda: ledger.transform(sorter, ghost))


def test_a_consumed_or_valorised_batch_takes_no_further_movement(
    ledger: Ledger, world: Territory
) -> None:
    sorter = world.actor("sorter")
    bale = at_workshop(ledger, world, "100")
    outcome = ledger.transform(sorter, sort(world, [bale], [("textile.recycling.fraying", "99")]))
    move = Dispatch(to_site_id=world.mill_site, occurred_at=hours_ago(0.1))
    refused(ledger, errors.BatchClosed, lambda: ledger.dispatch(sorter, bale, move))
    output = ledger.transformation_json(__import__("uuid").UUID(outcome.ref.id))["outputs"][0]
    lot = __import__("uuid").UUID(output["batch_id"])
    ledger.valorise(sorter, lot, Valorise(route="recycling", occurred_at=hours_ago(0.1)))
    refused(
        ledger,
        errors.BatchClosed,
        lambda: ledger.weigh(sorter, lot, Weigh(mass_kg=Decimal(98), occurred_at=hours_ago(0.05))),
    )


def test_a_material_without_route_cannot_be_valorised(ledger: Ledger, world: Territory) -> None:
    bale = at_workshop(ledger, world, "100")
    cmd = Valorise(route="energy", occurred_at=hours_ago(0.1))
    refused(
        ledger,
        errors.MaterialNotValorisable,
        lambda: ledger.valorise(world.actor("sorter"), bale, cmd),
    )


def test_a_label_code_binds_to_at_most_one_batch_ever(ledger: Ledger, world: Territory) -> None:
    collect(ledger, world, "12", label=CODES[5])
    cmd = collection(world, "13", label_code=CODES[5].lower())
    refused(ledger, errors.LabelAlreadyBound, lambda: ledger.collect(world.actor("collector"), cmd))
    other = collect(ledger, world, "14")
    relabel = Label(label_code=CODES[5], occurred_at=hours_ago(1))
    refused(
        ledger,
        errors.LabelAlreadyBound,
        lambda: ledger.label(world.actor("collector"), other, relabel),
    )
    assert ledger.label_lookup(CODES[5].replace("-", "").lower())["batch_id"] != str(other)


def test_an_event_cannot_occur_before_the_previous_one(ledger: Ledger, world: Territory) -> None:
    bag = collect(ledger, world, "12", hours=2)
    earlier = Weigh(mass_kg=Decimal("12.2"), occurred_at=hours_ago(3))
    refused(ledger, errors.OutOfOrder, lambda: ledger.weigh(world.actor("collector"), bag, earlier))


def test_field_roles_act_only_on_their_own_batches(ledger: Ledger, world: Territory) -> None:
    bag = collect(ledger, world, "12")
    weigh = Weigh(mass_kg=Decimal("12.2"), occurred_at=hours_ago(1))
    refused(
        ledger,
        errors.OrganisationNotAllowed,
        lambda: ledger.weigh(world.actor("sorter"), bag, weigh),
    )
    cmd = collection(world, "10")
    refused(ledger, errors.RoleNotAllowed, lambda: ledger.collect(world.actor("sorter"), cmd))


def test_the_same_idempotency_key_writes_once_and_answers_the_same(
    ledger: Ledger, world: Territory
) -> None:
    collector = world.actor("collector")
    key = Idempotency("phone-7f3a-0001", world.collectors)
    cmd = collection(world, "18.4", label_code=CODES[6])
    first = ledger.collect(collector, cmd, key)
    position = ledger.event_log.max_position()
    repeat = ledger.collect(collector, cmd, key)
    assert (repeat.ref, repeat.status, repeat.duplicate) == (first.ref, first.status, True)
    assert ledger.event_log.max_position() == position
    other = collection(world, "18.5")
    refused(ledger, errors.IdempotencyKeyReused, lambda: ledger.collect(collector, other, key))


def test_a_client_chosen_id_repeats_or_conflicts(ledger: Ledger, world: Territory) -> None:
    collector = world.actor("collector")
    batch_id = uuid4()
    cmd = collection(world, "18.4", id=batch_id)
    assert ledger.collect(collector, cmd).duplicate is False
    assert ledger.collect(collector, cmd).duplicate is True
    different = collection(world, "18.9", id=batch_id)
    refused(ledger, errors.IdAlreadyUsed, lambda: ledger.collect(collector, different))
