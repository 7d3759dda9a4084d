"""The pure model, without any database: quantities, mass balance, a batch's life, the catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from ledger.domain import errors
from ledger.domain.batch import Batch, BatchState
from ledger.domain.catalogue import Material, default_materials
from ledger.domain.quantities import (
    check_commune,
    check_occurred_at,
    check_work_date,
    check_worker_ref,
    grams_from_kg,
    hundredths_of_hours,
    moisture_basis_points,
)
from ledger.domain.transformation import check_mass_balance

NOW = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)
CONTAINER, WORKSHOP = uuid4(), uuid4()


def acted(minutes: int) -> dict[str, Any]:
    return {
        "occurred_at": NOW + timedelta(minutes=minutes),
        "organisation_id": uuid4(),
        "token_id": "t",
    }


def bale(kg: int = 412) -> Batch:
    return Batch._create(
        Batch.Collected,
        id=uuid4(),
        label_code="CVS-0001",
        material="textile.collected",
        mass_g=kg * 1000,
        site_id=CONTAINER,
        holder_id=uuid4(),
        weight_method="measured",
        moisture_bp=None,
        source_commune_insee="76384",
        request_digest="",
        **acted(0),
    )


@pytest.mark.parametrize(
    ("kg", "grams"), [("412.5", 412_500), (0.001, 1), (40000, 40_000_000), ("18.125", 18_125)]
)
def test_kilograms_become_integer_grams(kg: Any, grams: int) -> None:
    assert grams_from_kg(kg) == grams


@pytest.mark.parametrize("kg", ["0", "-1", "40000.001", "1.0001", "NaN", "Infinity", "abc"])
def test_impossible_masses_are_refused(kg: str) -> None:
    with pytest.raises(errors.InvalidInput):
        grams_from_kg(kg)


def test_times_need_a_timezone_and_may_be_at_most_five_minutes_ahead() -> None:
    with pytest.raises(errors.InvalidTime):
        check_occurred_at(datetime(2026, 9, 14, 10, 0), NOW)
    with pytest.raises(errors.InvalidTime):
        check_occurred_at(NOW + timedelta(minutes=5, seconds=1), NOW)
    assert check_occurred_at(NOW + timedelta(minutes=5), NOW)


def test_work_values() -> None:
    assert hundredths_of_hours("7.25") == 725
    for hours in ("0", "24.25", "7.1"):
        with pytest.raises(errors.InvalidWorkLog):
            hundredths_of_hours(hours)
    with pytest.raises(errors.InvalidWorkLog):
        check_worker_ref("Marie Dupont")  # a name, never
    for name in ("Fatima_Benali-1987", "FATIMA_BENALI-1987", "w-benali", "MARIE", "W-0042\n"):
        with pytest.raises(errors.InvalidWorkLog):
            check_worker_ref(name)
    for pseudonym in ("W-INS-07", "W-0042", "ICIAD-17", "E-03", "W-001-001"):
        assert check_worker_ref(pseudonym) == pseudonym
    with pytest.raises(errors.InvalidWorkLog):
        check_work_date(date(2026, 9, 15), date(2026, 9, 14))
    assert moisture_basis_points("30") == 3000
    assert check_commune("2A004") == "2A004"
    with pytest.raises(errors.InvalidInput):
        check_commune("7638")


def test_mass_balance_allows_two_percent_of_the_inputs() -> None:
    check_mass_balance(100_000, 90_000, 8_000)  # 2 kg off on 100 kg: accepted
    with pytest.raises(errors.MassBalanceViolation) as refused:
        check_mass_balance(100_000, 90_000, 7_999)
    assert refused.value.details["imbalance_kg"] == 2.001


def test_a_bale_travels_and_its_events_say_so() -> None:
    batch = bale()
    batch.dispatch(WORKSHOP, "Collectif", 21_500, **acted(10))
    assert (batch.state, batch.destination_site_id) == (BatchState.IN_TRANSIT, WORKSHOP)
    with pytest.raises(errors.BatchNotHeld):
        batch.dispatch(uuid4(), None, None, **acted(11))
    batch.receive(WORKSHOP, uuid4(), 400_000, **acted(20))
    events = batch.collect_events()
    assert [type(e).__name__ for e in events] == ["Collected", "Dispatched", "Received"]
    received = events[-1]
    assert (received.mass_g, received.dispatched_mass_g, received.discrepancy_flagged) == (
        400_000,
        412_000,
        True,
    )  # type: ignore[attr-defined]
    assert (batch.state, batch.site_id, batch.mass_g) == (BatchState.HELD, WORKSHOP, 400_000)


def test_a_bale_sent_to_the_wrong_site_is_refused_there_and_sent_on() -> None:
    batch, mill = bale(), uuid4()
    batch.dispatch(mill, "Collectif", None, **acted(10))

    batch.refuse_receipt("for the workshop, not the mill", **acted(20))

    assert (batch.state, batch.site_id, batch.destination_site_id) == (
        BatchState.HELD,
        CONTAINER,
        None,
    )
    batch.dispatch(WORKSHOP, "Collectif", None, **acted(30))
    batch.receive(WORKSHOP, uuid4(), None, **acted(40))
    events = batch.collect_events()
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Collected", "Dispatched", "ReceiptRefused", "Dispatched", "Received"]
    refused = events[2]
    assert (refused.refused_site_id, refused.site_id, refused.dispatch_version) == (  # type: ignore[attr-defined]
        mill,
        CONTAINER,
        2,
    )
    assert (batch.state, batch.site_id, batch.mass_g) == (BatchState.HELD, WORKSHOP, 412_000)


def test_only_a_batch_in_transit_can_have_its_receipt_refused() -> None:
    batch = bale()
    with pytest.raises(errors.BatchNotInTransit):
        batch.refuse_receipt("not ours", **acted(5))
    batch.dispatch(WORKSHOP, None, None, **acted(10))
    with pytest.raises(errors.OutOfOrder):
        batch.refuse_receipt("not ours", **acted(5))
    batch.refuse_receipt("not ours", **acted(15))
    with pytest.raises(errors.BatchNotInTransit):
        batch.refuse_receipt("not ours", **acted(16))
    assert len(batch.collect_events()) == 3


def test_a_correction_changes_the_value_but_keeps_the_original_event() -> None:
    batch = bale(41)
    batch.correct(1, 14_000, None, None, "digits swapped", **acted(5))
    collected, corrected = batch.collect_events()
    assert collected.mass_g == 41_000  # type: ignore[attr-defined]
    assert corrected.previous == {"mass_g": 41_000}  # type: ignore[attr-defined]
    assert batch.mass_g == 14_000
    with pytest.raises(errors.NothingToCorrect):
        batch.correct(9, 1, None, None, "no such event", **acted(6))


def test_events_of_a_batch_cannot_go_back_in_time() -> None:
    batch = bale()
    with pytest.raises(errors.OutOfOrder):
        batch.weigh(410_000, "measured", None, **acted(-1))


def test_the_catalogue_has_the_three_filieres_with_reference_values() -> None:
    materials = default_materials()
    assert {m.filiere for m in materials.values()} == {"textile", "wood", "flax"}
    chips = materials["wood.chips"]
    assert (chips.route, chips.lhv_dry_mj_per_kg, chips.default_moisture_pct) == (
        "energy",
        Decimal("19.0"),
        Decimal("30"),
    )
    assert materials["textile.collected"].route is None
    assert materials["flax.shives"].lhv_dry_mj_per_kg == Decimal("18.0")
    with pytest.raises(errors.InvalidInput):
        Material.from_dict({"code": "Not A Code", "route": "reuse"})
