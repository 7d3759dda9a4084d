"""A batch as recorded at a time, and as it had happened in the field by a time (late syncs and
corrections known now included), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from ledger.application.commands import Collect, Correct, Dispatch, Receive
from ledger.application.ledger import Ledger
from ledger.domain.errors import BatchNotFound
from tests.territory import build_territory

DAY = datetime(2026, 9, 1, tzinfo=UTC)


def hour(h: float) -> datetime:
    return DAY + timedelta(hours=h)


def test_a_bag_as_it_had_happened_in_the_field(ledger: Ledger) -> None:
    world = build_territory(ledger)
    collector, sorter = world.actor("collector"), world.actor("sorter")
    cmd = Collect("textile.collected", Decimal("100"), world.container_lillebonne, hour(8))
    bag = UUID(ledger.collect(collector, cmd).ref.id)
    ledger.dispatch(collector, bag, Dispatch(world.sorting_centre, hour(9)))
    ledger.receive(sorter, bag, Receive(hour(10), mass_kg=Decimal("98")))
    before_corrections = datetime.now(UTC)
    ledger.correct(sorter, bag, Correct(1, "the container scale reads 1 kg light", Decimal("101")))

    at_eight_thirty = ledger.batch_as_occurred(bag, hour(8.5))
    assert (at_eight_thirty["state"], at_eight_thirty["mass_kg"]) == ("held", 101)
    assert at_eight_thirty["site_id"] == str(world.container_lillebonne)
    assert at_eight_thirty["version"] == 1
    on_the_road = ledger.batch_as_occurred(bag, hour(9.5))
    assert (on_the_road["state"], on_the_road["version"]) == ("in_transit", 2)
    arrived = ledger.batch_as_occurred(bag, hour(11))
    assert (arrived["state"], arrived["mass_kg"], arrived["site_id"]) == (
        "held",
        98,
        str(world.sorting_centre),
    )
    # What the ledger had recorded before the correction: the collection's first reading.
    assert ledger.batch(bag, as_of=before_corrections, version=1)["mass_kg"] == 100
    with pytest.raises(BatchNotFound):
        ledger.batch_as_occurred(bag, hour(7))

    # The lorry left at 09:45, not 09:00: at 09:30 the bag was still at the container.
    late = Correct(2, "departure typed an hour early", occurred_at=hour(9.75))
    ledger.correct(sorter, bag, late)  # by the holder now
    still_there = ledger.batch_as_occurred(bag, hour(9.5))
    assert (still_there["state"], still_there["mass_kg"]) == ("held", 101)
